// The records a round's candidate trains on and curates against (fix/select.ts fixDataThrough,
// curatedBefore), read from a real SQLite store: every round up to it, each record once. No test
// called them directly; dropping the round's own records (length: round) went unnoticed by the
// curate, identify and read-only tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainingRecord } from '../../src/core/index.js';
import { curatedBefore, fixDataThrough } from '../../src/fix/select.js';
import { openStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-select-through-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sft = (id: string, round: number): TrainingRecord => ({
  id,
  kind: 'sft',
  purpose: 'safety',
  messages: [
    { role: 'user', content: `request ${id}` },
    { role: 'assistant', content: `answer ${id}` },
  ],
  split: 'train',
  provenance: { source: 'attempt', round },
});
const pref = (id: string, round: number): TrainingRecord => ({
  id,
  kind: 'preference',
  purpose: 'safety',
  prompt: [{ role: 'user', content: `request ${id}` }],
  chosen: { role: 'assistant', content: `safe ${id}` },
  rejected: { role: 'assistant', content: `[placeholder harmful answer] ${id}` },
  split: 'train',
  provenance: { source: 'attempt', round },
});

describe('fix data through a round', () => {
  it("is every round's records up to it, its own included, a record curated again counted once", () => {
    const store = openStore(join(dir, 'breakfix.db'));
    try {
      const run = store.createRun({ kind: 'cycle', config: {}, seed: 1 });
      // Round 0: s0, s1, p0. Round 1: s2 and s0 again (the same record). Round 2: s3, p1.
      store.saveRecords(run.id, 0, 'sft', [sft('s0', 0), sft('s1', 0)]);
      store.saveRecords(run.id, 0, 'preference', [pref('p0', 0)]);
      store.saveRecords(run.id, 1, 'sft', [sft('s2', 1), sft('s0', 0)]);
      store.saveRecords(run.id, 2, 'sft', [sft('s3', 2)]);
      store.saveRecords(run.id, 2, 'preference', [pref('p1', 2)]);
      const ids = (x: { sft: TrainingRecord[]; preference: TrainingRecord[] }) => ({
        sft: x.sft.map((r) => r.id).sort(),
        preference: x.preference.map((r) => r.id).sort(),
      });
      expect(ids(fixDataThrough(store, run.id, 0))).toEqual({ sft: ['s0', 's1'], preference: ['p0'] });
      expect(ids(fixDataThrough(store, run.id, 1))).toEqual({ sft: ['s0', 's1', 's2'], preference: ['p0'] });
      expect(ids(fixDataThrough(store, run.id, 2))).toEqual({
        sft: ['s0', 's1', 's2', 's3'],
        preference: ['p0', 'p1'],
      });
      // What round 2 curates against: rounds 0 and 1, not its own; round 0 has nothing before it.
      expect(curatedBefore(store, run.id, 0)).toEqual([]);
      expect(
        curatedBefore(store, run.id, 2)
          .map((r) => r.id)
          .sort(),
      ).toEqual(['p0', 's0', 's1', 's2']);
    } finally {
      store.close();
    }
  });
});
