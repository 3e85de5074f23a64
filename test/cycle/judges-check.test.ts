// Which of round 0's judges a resumed cycle no longer has (cycle/judges-check.ts changedJudges), read
// from round 0's bench rows saved to and read back from a real SQLite store. A kind of verdict is
// reported when any judge that gave it in round 0 is not this breakfix's, wherever in round 0 it
// appears; the offline judges are those of a run with no judge model configured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changedJudges } from '../../src/cycle/judges-check.js';
import { openStore } from '../../src/store/index.js';
import { offlineJudges } from '../helpers/offline-judges.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-judges-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const item = (seedId: string, verdicts: { kind: string; judge: string }[]) => ({
  seedId,
  technique: 'direct',
  verdicts: verdicts.map((v) => ({ ...v, status: 'ok', value: 'x' })),
});

describe('changedJudges', () => {
  it("names every kind whose round-0 judges are not all this breakfix's, from any of round 0's rows", () => {
    const store = openStore(join(dir, 'judges.db'));
    const run = store.createRun({ kind: 'cycle', config: {}, seed: 1 });
    const save = (round: number, suite: string, items: ReturnType<typeof item>[]) =>
      store.saveBenchResult({
        runId: run.id,
        round,
        suite,
        model: 'm',
        metrics: { split: 'attack', kind: suite, metrics: {} },
        items,
      });
    // Round 0's first row: item a judged by today's severity judge, item b by its v1 (a run begun
    // under an older breakfix); its refusal verdicts by today's judge.
    save(0, 'harmful', [
      item('a', [
        { kind: 'severity', judge: 'offline-severity@v2' },
        { kind: 'refusal', judge: 'offline-refusal@refusal-lr-v20' },
      ]),
      item('b', [{ kind: 'severity', judge: 'offline-severity@v1' }]),
    ]);
    // Its last row: helpfulness by an older judge, and a kind this judge set does not give at all
    // (nothing to compare it with, so not reported).
    save(0, 'helpfulness', [
      item('c', [
        { kind: 'helpfulness', judge: 'offline-helpfulness@v0' },
        { kind: 'llamaguard', judge: 'guard@v1' },
      ]),
    ]);
    // A later round's judges are not round 0's: its rows are not read.
    save(1, 'overrefusal', [item('d', [{ kind: 'refusal', judge: 'offline-refusal@old' }])]);
    const changed = changedJudges(store, run.id, offlineJudges());
    store.close();
    expect(changed).toEqual([
      {
        kind: 'severity',
        stored: ['offline-severity@v1', 'offline-severity@v2'],
        now: ['offline-severity@v2'],
      },
      { kind: 'helpfulness', stored: ['offline-helpfulness@v0'], now: ['offline-helpfulness@v2'] },
    ]);
  });
});
