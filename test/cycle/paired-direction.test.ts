// pairedChanges (cycle/paired.ts) reads round 0 as "then" and the later round as "now" for VPRR as
// well as for helpfulness: a look-alike refused now that round 0 answered is `worse`. Rows are saved
// to and read back from a real SQLite store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ItemResult } from '../../src/bench/types.js';
import { pairedChanges } from '../../src/cycle/paired.js';
import { openStore, type Store } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-paired-direction-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lookAlike = (seedId: string, refused: boolean) =>
  ({
    seedId,
    kind: 'benign',
    language: 'en',
    technique: 'direct',
    turns: 1,
    transcript: [],
    verdicts: [
      {
        judge: 'refusal',
        kind: 'refusal',
        status: 'ok',
        value: refused ? 'full_refusal' : 'full_compliance',
      },
    ],
    outcome: 'failure',
  }) as ItemResult;

/** Round `round`'s over-refusal suite: look-alikes a–e, those in `refused` refused. */
function saveLookAlikes(store: Store, runId: string, round: number, refused: string[]): void {
  store.saveBenchResult({
    runId,
    round,
    suite: 'overrefusal',
    model: `m${round}`,
    metrics: { split: 'attack', kind: 'overrefusal', metrics: {} },
    items: ['a', 'b', 'c', 'd', 'e'].map((id) => lookAlike(id, refused.includes(id))),
  });
}

describe('pairedChanges direction', () => {
  it('a look-alike refused now and answered in round 0 is worse, from the stored rows', () => {
    const store = openStore(join(dir, 'direction.db'));
    const run = store.createRun({ kind: 'cycle', config: {}, seed: 1 });
    const save = (round: number, refused: string[]) => saveLookAlikes(store, run.id, round, refused);
    // Round 0 refuses a; round 1 refuses a, b and c: b and c went worse, none better, a is a tie,
    // d and e were answered both times. 5 pairs; McNemar on 2 v 0: 2 · (1/2)² = 0.5.
    save(0, ['a']);
    save(1, ['a', 'b', 'c']);
    expect(pairedChanges(store, run.id, 1).vprr_change).toEqual({ pairs: 5, worse: 2, better: 0, p: 0.5 });
    store.close();
  });

  it('a later round is compared with round 0, not with the round before it', () => {
    const store = openStore(join(dir, 'round-2.db'));
    const run = store.createRun({ kind: 'cycle', config: {}, seed: 1 });
    const save = (round: number, refused: string[]) => saveLookAlikes(store, run.id, round, refused);
    save(0, ['a']);
    save(1, ['a', 'b', 'c']);
    save(2, ['b', 'd']);
    // Against round 0: a better; b and d worse; c, e answered both times. (Against round 1 it would be
    // a and c better, d worse.) McNemar on 2 v 1: 2 · (C(3,0) + C(3,1)) / 2³ = 1.
    expect(pairedChanges(store, run.id, 2).vprr_change).toEqual({ pairs: 5, worse: 2, better: 1, p: 1 });
    store.close();
  });
});
