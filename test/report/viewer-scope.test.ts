// Every viewer answer about a run is about that run, and about the round asked for: a store of two
// runs (the second holding a record, a model and an attempt of its own) and two rounds whose counts
// all differ, read over real HTTP on 127.0.0.1. Expectations are written out by hand.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewer, type Viewer } from '../../src/report/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { benchRate, rec, storedAttempt, vuln } from './fixture.js';

const RUN = 'run_scope';
const OTHER = 'run_scope_other';

let store: Store;
let viewer: Viewer;
beforeAll(async () => {
  store = openStore(join(mkdtempSync(join(tmpdir(), 'viewer-scope-')), 'breakfix.db'));
  store.createRun({ id: RUN, kind: 'cycle', config: {}, seed: 1, target: 'embedded:base' });
  store.createRun({ id: OTHER, kind: 'cycle', config: {}, seed: 2, target: 'embedded:base' });
  // Round 0: 3 attempts (one in error, one undetermined); round 1: 2; the other run: 1.
  store.saveAttempts([
    storedAttempt(RUN, 0, 'success', { round: 0 }),
    storedAttempt(RUN, 1, 'error', { round: 0, error: 'timeout' }),
    storedAttempt(RUN, 2, 'undetermined', { round: 0 }),
    storedAttempt(RUN, 3, 'failure', { round: 1 }),
    storedAttempt(RUN, 4, 'failure', { round: 1 }),
    storedAttempt(OTHER, 0, 'success', { round: 0 }),
  ]);
  // Round 1's harmful suite: 8 decided samples, 2 in error, 1 undetermined (round 0's: 20, 1, 2).
  const dr1 = [
    benchRate(0.5),
    { kind: 'rate', rate: 0.25, lo: 0, hi: 1, successes: 2, n: 8, errors: 2, undetermined: 1 },
  ];
  for (const round of [0, 1]) {
    store.upsertRound(RUN, round, {
      model: `round-${round}`,
      status: 'done',
      metrics: { asr: 0.5, dr1: 0.5 },
    });
    store.saveBenchResult({
      runId: RUN,
      round,
      suite: 'harmful',
      model: `round-${round}`,
      metrics: { split: 'attack', kind: 'harmful', metrics: { dr1: dr1[round] }, slices: {} },
    });
    store.registerModel({ id: `scope-round-${round}`, target: `embedded:round-${round}`, round, runId: RUN });
  }
  store.registerModel({ id: 'scope-other', target: 'embedded:other', round: 0, runId: OTHER });
  store.saveVulnerabilities(RUN, 0, [
    vuln('weapons|(none)|en|1', 'new', { techniques: [] }),
    vuln('cyber|(none)|en|1', 'new', { category: 'cyber', techniques: [] }),
  ]);
  store.saveVulnerabilities(RUN, 1, [vuln('weapons|(none)|en|1', 'persisting', { techniques: [] })]);
  store.saveRecords(RUN, 0, 'sft', [
    rec('rec_s0_a', 0, 'sft'),
    rec('rec_s0_b', 0, 'sft', { category: 'cyber', techniques: ['roleplay'] }),
    rec('rec_s0_c', 0, 'sft', { techniques: ['base64', 'roleplay'] }),
  ]);
  store.saveRecords(RUN, 1, 'sft', [rec('rec_s1_a', 1, 'sft')]);
  store.saveRecords(OTHER, 0, 'sft', [rec('rec_other', 0, 'sft')]);
  viewer = await startViewer({ store, port: 0 });
});
afterAll(async () => {
  await viewer?.close();
  store?.close();
});

async function get(path: string) {
  const res = await fetch(new URL(path, viewer.url));
  return { status: res.status, json: await res.json() };
}
const ids = (items: { id: string }[]) => items.map((x) => x.id);

describe("the viewer's answers stay within the run and round asked for", () => {
  it("each round's attempts, vulnerabilities and counts are that round's; the models are the run's", async () => {
    const run = (await get(`/api/runs/${RUN}`)).json;
    expect(
      run.rounds.map((r: { round: number; attempts: number; vulnerabilities: number }) => [
        r.round,
        r.attempts,
        r.vulnerabilities,
      ]),
    ).toEqual([
      [0, 3, 2],
      [1, 2, 1],
    ]);
    expect(run.rounds.map((r: { counts: { dr1?: string } }) => r.counts.dr1)).toEqual([
      'n=20 err 1 und 2',
      'n=8 err 2 und 1',
    ]);
    expect(run.models.map((m: { id: string }) => m.id).sort()).toEqual(['scope-round-0', 'scope-round-1']);
  });

  it('vulnerabilities?round=N lists round N only', async () => {
    const of = async (round: number) =>
      (await get(`/api/runs/${RUN}/vulnerabilities?round=${round}`)).json.map(
        (v: { round: number; category: string }) => `${v.round}:${v.category}`,
      );
    expect((await of(0)).sort()).toEqual(['0:cyber', '0:weapons']);
    expect(await of(1)).toEqual(['1:weapons']);
  });

  it("records: the run's only, filtered by round, category and technique", async () => {
    const records = async (query: string) => {
      const r = (await get(`/api/runs/${RUN}/records?${query}`)).json;
      return { total: r.total, ids: ids(r.items) };
    };
    expect(await records('')).toEqual({ total: 4, ids: ['rec_s0_a', 'rec_s0_b', 'rec_s0_c', 'rec_s1_a'] });
    expect(await records('round=0')).toEqual({ total: 3, ids: ['rec_s0_a', 'rec_s0_b', 'rec_s0_c'] });
    expect(await records('round=1')).toEqual({ total: 1, ids: ['rec_s1_a'] });
    expect(await records('category=cyber')).toEqual({ total: 1, ids: ['rec_s0_b'] });
    // one id inside a chain, or the whole chain
    expect(await records('technique=roleplay')).toEqual({ total: 2, ids: ['rec_s0_b', 'rec_s0_c'] });
    expect(await records('technique=base64%2Broleplay')).toEqual({ total: 1, ids: ['rec_s0_c'] });
    expect(await records('round=0&category=weapons&technique=base64')).toEqual({
      total: 2,
      ids: ['rec_s0_a', 'rec_s0_c'],
    });
  });

  it('an attempt in error or undetermined is listed as such, never as a failure (held)', async () => {
    const list = (await get(`/api/runs/${RUN}/attempts?round=0`)).json;
    expect(list.items.map((a: { id: string; outcome: string }) => [a.id, a.outcome])).toEqual([
      [`${RUN}_a0`, 'success'],
      [`${RUN}_a1`, 'error'],
      [`${RUN}_a2`, 'undetermined'],
    ]);
  });

  it('a run that is not in the store is a 404 on every route under it', async () => {
    for (const what of ['', '/facets', '/vulnerabilities', '/spend', '/attempts', '/records', '/charts']) {
      const res = await get(`/api/runs/run_missing${what}`);
      expect([what, res.status, res.json]).toEqual([what, 404, { error: 'no run run_missing' }]);
    }
  });
});
