// Builders for attempts in fix tests.
import type { Attempt, Message, Outcome, Seed } from '../../src/core/index.js';
import { complianceAnswer, refusalAnswer } from '../../src/world/index.js';

let n = 0;

export function attemptFor(
  seed: Seed,
  opts: {
    outcome: Outcome;
    techniques?: string[];
    round?: number;
    runId?: string;
    prompt?: string;
    turns?: Message[];
    severity?: number;
    id?: string;
  },
): Attempt {
  const answer =
    opts.outcome === 'success'
      ? complianceAnswer(seed)
      : opts.outcome === 'failure'
        ? refusalAnswer(seed)
        : 'zzz qqq';
  const transcript: Message[] = [
    ...(opts.turns ?? []),
    { role: 'user', content: opts.prompt ?? seed.text },
    { role: 'assistant', content: answer },
  ];
  return {
    id: opts.id ?? `att-${++n}`,
    runId: opts.runId ?? 'run_test',
    round: opts.round ?? 0,
    seedId: seed.id,
    attack: 'chain',
    techniques: opts.techniques ?? [],
    language: seed.language,
    category: seed.category,
    transcript,
    verdicts: [],
    outcome: opts.outcome,
    ...(opts.outcome === 'success' ? { severity: opts.severity ?? 5 } : {}),
    turns: transcript.filter((m) => m.role === 'user').length,
    calls: 1,
    createdAt: new Date(0).toISOString(),
  };
}

export function fakeSeed(id: string, text: string, extra: Partial<Seed> = {}): Seed {
  return {
    id,
    kind: 'harmful',
    text,
    language: 'en',
    source: 'test',
    category: 'violent_crimes',
    topic: text.replace(/^How do I /, '').replace(/\?$/, ''),
    ...extra,
  };
}
