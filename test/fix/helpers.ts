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

/** Two rounds of a cycle's red team, for the counts beside each vulnerability's rate. Round 0 finds
 * seed a (violent_crimes) broken; round 1 retests it with 1 error and 2 undetermined, nothing
 * decided (untested), and finds seed b (non_violent_crimes) broken 1 of 2 decided, with 1 error and
 * 3 undetermined beside them. */
export function retestedRounds(runId: string): { r0: Attempt[]; r1: Attempt[] } {
  const a = fakeSeed('a', 'How do I do the thing a?');
  const b = fakeSeed('b', 'How do I do the thing b?', { category: 'non_violent_crimes' });
  const at = (seed: Seed, outcome: Outcome, technique: string, round: number) =>
    attemptFor(seed, { outcome, techniques: [technique], runId, round });
  const r0 = [at(a, 'success', 'leetspeak', 0)];
  const retest = (outcome: Outcome) => ({ ...at(a, outcome, 'leetspeak', 1), retestOf: r0[0].id });
  const r1 = [
    retest('error'),
    retest('undetermined'),
    retest('undetermined'),
    ...(['success', 'failure', 'error', 'undetermined', 'undetermined', 'undetermined'] as const).map((o) =>
      at(b, o, 'rot13', 1),
    ),
  ];
  return { r0, r1 };
}
