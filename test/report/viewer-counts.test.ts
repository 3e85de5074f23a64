// The live viewer's rounds table carries what each rate is over, as the HTML report's does: the
// counts the API sends beside each round's figures are the report's (cardCounts over the report's
// data), read without it. Real SQLite stores, the viewer over real HTTP on 127.0.0.1.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Attempt, Outcome } from '../../src/core/index.js';
import { cardCounts } from '../../src/report/html.js';
import { collectReportData, startViewer, type Viewer } from '../../src/report/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { buildFixtureStore, RUN_ID } from './fixture.js';

const open: { viewer: Viewer; store: Store }[] = [];
afterAll(async () => {
  for (const { viewer, store } of open) {
    await viewer.close();
    store.close();
  }
});

async function roundsOf(store: Store, runId: string) {
  const viewer = await startViewer({ store, port: 0 });
  open.push({ viewer, store });
  const res = await fetch(`${viewer.url}api/runs/${runId}`);
  expect(res.status).toBe(200);
  return (await res.json()).rounds as { round: number; counts: Record<string, string> }[];
}

/** The HTML report's counts for each round's figures, keyed as the viewer sends them. */
function reportCounts(store: Store, runId: string) {
  return collectReportData(store, runId, { samplesPerRound: 0 }).rounds.map((r) => {
    const out: Record<string, string> = {};
    for (const k of Object.keys(r.figures)) {
      const c = cardCounts(r, k);
      if (c) out[k] = c;
    }
    return { round: r.round, counts: out };
  });
}

describe("the viewer's rounds table counts", () => {
  it('are the HTML report’s, round by round', async () => {
    const fx = buildFixtureStore();
    const rounds = await roundsOf(fx.store, RUN_ID);
    // Round 0's red team: 8 attempts, 1 in error, 1 undetermined; its harmful suite's DR-1 over 20
    // decided samples, 1 in error and 2 undetermined.
    expect(rounds[0].counts).toMatchObject({ asr: 'n=6 err 1 und 1', dr1: 'n=20 err 1 und 2' });
    expect(rounds.map(({ round, counts }) => ({ round, counts }))).toEqual(reportCounts(fx.store, RUN_ID));
  });

  it("carry the retest's counts, from what the round stored", async () => {
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'viewer-counts-')), 's.db'));
    const runId = 'run_viewer_retest';
    store.createRun({ id: runId, kind: 'cycle', config: {}, seed: 1, target: 'embedded:base' });
    // Round 1 sent 5 earlier findings again: 1 broke, 2 held, 1 in error, 1 undetermined.
    const outcomes: Outcome[] = ['success', 'failure', 'failure', 'error', 'undetermined'];
    const attempts: Attempt[] = outcomes.map((outcome, i) => ({
      id: `att_retest_${i}`,
      runId,
      round: 1,
      seedId: `seed_${i}`,
      attack: 'direct',
      techniques: [],
      language: 'en',
      category: 'cyber',
      transcript: [{ role: 'user', content: `request ${i}` }],
      verdicts: [],
      outcome,
      turns: 1,
      calls: 1,
      retestOf: `vuln_${i}`,
      createdAt: '2026-01-01T00:00:00.000Z',
    }));
    store.saveAttempts(attempts);
    store.upsertRound(runId, 1, {
      model: 'round-1',
      status: 'done',
      metrics: {
        retested: 5,
        retest_attempts: 5,
        retest_errors: 1,
        retest_undetermined: 1,
        retest_asr: 1 / 3,
      },
    });
    const rounds = await roundsOf(store, runId);
    expect(rounds[0].counts).toEqual({ retest_asr: 'n=3 err 1 und 1' });
    expect(rounds.map(({ round, counts }) => ({ round, counts }))).toEqual(reportCounts(store, runId));
  });
});
