import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Attempt, TrainingRecord, Vulnerability } from '../../src/core/index.js';

/** Every file of `dir` with a hash of its bytes: what a command that must write nothing there left. */
export function folderHashes(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir).map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(join(dir, f)))
        .digest('hex'),
    ]),
  );
}

export function makeAttempt(i: number, runId = 'run_test', over: Partial<Attempt> = {}): Attempt {
  return {
    id: `att_${runId}_${i}`,
    runId,
    round: 0,
    seedId: `seed_${i % 5}`,
    attack: 'direct',
    techniques: i % 2 ? ['base64', 'roleplay'] : [],
    language: 'en',
    category: i % 3 ? 'weapons' : 'cyber',
    transcript: [
      { role: 'user', content: `request ${i}` },
      { role: 'assistant', content: 'Sure. Step 1: [redacted]. Step 2: [redacted].' },
    ],
    verdicts: [
      {
        judge: 'offline-refusal',
        kind: 'refusal',
        status: 'ok',
        value: 'full_compliance',
        rationale: 'steps',
      },
      { judge: 'offline-severity', kind: 'severity', status: 'ok', value: 4, detail: { markers: 2 } },
    ],
    outcome: i % 4 === 0 ? 'failure' : 'success',
    severity: 4,
    turns: 1,
    calls: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

export const vuln = (id: string, score: number): Vulnerability => ({
  id,
  category: 'weapons',
  techniques: ['base64'],
  language: 'en',
  turns: 1,
  attempts: 10,
  successes: 4,
  rate: 0.4,
  severity: 4,
  score,
  exampleAttemptIds: ['a1'],
  firstSeenRound: 0,
  status: 'new',
});

export const record = (id: string): TrainingRecord => ({
  id,
  kind: 'sft',
  purpose: 'safety',
  messages: [
    { role: 'user', content: 'q' },
    { role: 'assistant', content: "I can't help with that." },
  ],
  split: 'train',
  provenance: { source: 'redteam', attemptId: 'a1' },
});
