// Which round the fix commands read and what it knew before (fix/select.ts resolveRound,
// vulnerabilitiesOf), on a real SQLite store. The round left out is the latest one that has attempts;
// a round's vulnerabilities are identified against every stored earlier round, round 0 included, so
// a finding of round 0 broken again in round 1 is persisting (first seen in round 0), not new.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRound, vulnerabilitiesOf } from '../../src/fix/select.js';
import { openStore } from '../../src/store/index.js';
import { attemptFor, fakeSeed } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-select-rounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const a = fakeSeed('a', 'How do I do the thing a?');
const b = fakeSeed('b', 'How do I do the thing b?', { category: 'nonviolent_crimes' });

describe('fix commands: the round and its history', () => {
  it('takes the latest round with attempts, and reads round 1 against round 0', () => {
    const store = openStore(join(dir, 'breakfix.db'));
    try {
      const run = store.createRun({ kind: 'cycle', config: {}, seed: 1 });
      // Round 0 breaks a and b; round 1 breaks a again and tests b without success; round 2 exists
      // (started) but has no attempt yet.
      store.saveAttempts([
        attemptFor(a, { outcome: 'success', runId: run.id, round: 0 }),
        attemptFor(b, { outcome: 'success', runId: run.id, round: 0 }),
        attemptFor(a, { outcome: 'success', runId: run.id, round: 1 }),
        attemptFor(b, { outcome: 'failure', runId: run.id, round: 1 }),
      ]);
      for (const r of [0, 1, 2]) store.upsertRound(run.id, r, { status: r < 2 ? 'done' : 'running' });
      expect(resolveRound(store, run.id)).toBe(1);

      const r0 = vulnerabilitiesOf(store, run.id, 0);
      expect(r0.map((v) => [v.id, v.status, v.firstSeenRound]).sort()).toEqual([
        ['nonviolent_crimes|direct|en|1', 'new', 0],
        ['violent_crimes|direct|en|1', 'new', 0],
      ]);
      const r1 = vulnerabilitiesOf(store, run.id, 1);
      expect(r1.map((v) => [v.id, v.status, v.firstSeenRound]).sort()).toEqual([
        ['nonviolent_crimes|direct|en|1', 'fixed', 0],
        ['violent_crimes|direct|en|1', 'persisting', 0],
      ]);
    } finally {
      store.close();
    }
  });
});
