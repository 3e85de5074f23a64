// The viewer's spend endpoint over real HTTP, on a real SQLite store opened read-only: the figures
// written by hand in viewer-spend-fixture.ts against their totals computed by hand, the table's cells
// as the report writes them, and the states of a run that spent nothing, of an older breakfix's run
// and of one this breakfix resumed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewer, type Viewer } from '../../src/report/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import {
  buildSpendStore,
  SPEND_EMPTY,
  SPEND_HOSTILE,
  SPEND_MODEL,
  SPEND_OLD,
  SPEND_RESUMED,
  SPEND_RUN,
} from './viewer-spend-fixture.js';

let store: Store;
let viewer: Viewer;
beforeAll(async () => {
  const built = buildSpendStore();
  const path = built.path;
  built.close();
  store = openStore(path, { readOnly: true });
  viewer = await startViewer({ store, port: 0 });
});
afterAll(async () => {
  await viewer?.close();
  store?.close();
});

const get = async (path: string) => {
  const res = await fetch(new URL(path, viewer.url));
  return { status: res.status, json: await res.json() };
};

describe('the viewer shows what a run spent', () => {
  it('per round, stage, role and model, with a subtotal per round and the total', async () => {
    const { status, json } = await get(`/api/runs/${SPEND_RUN}/spend`);
    expect(status).toBe(200);
    expect(json.recorded).toBe('all');
    expect(json.total).toEqual({
      requests: 16,
      cached: 3,
      errors: 2,
      retries: 3,
      promptTokens: 1420,
      completionTokens: 139,
    });
    expect(json.headers).toEqual([
      'round',
      'stage',
      'role',
      'model',
      'requests',
      'cached',
      'errors',
      'retries',
      'prompt tokens',
      'completion tokens',
    ]);
    expect(json.rows).toEqual([
      { kind: 'line', cells: ['0', 'bench', 'target', SPEND_MODEL, '5', '1', '0', '2', '500', '50'] },
      // (a model id from the store is data: the page puts it in as text)
      { kind: 'line', cells: ['0', 'break', 'judge', SPEND_HOSTILE, '3', '0', '1', '1', '120', '9'] },
      { kind: 'round', cells: ['0', 'round total', '', '', '8', '1', '1', '3', '620', '59'] },
      { kind: 'line', cells: ['1', 'break', 'target', SPEND_MODEL, '8', '2', '1', '0', '800', '80'] },
      { kind: 'round', cells: ['1', 'round total', '', '', '8', '2', '1', '0', '800', '80'] },
      { kind: 'total', cells: ['total', '', '', '', '16', '3', '2', '3', '1420', '139'] },
    ]);
    expect(json.note).toMatch(/^Requests: calls of each model/);
    expect(json.note).not.toMatch(/Counted from/);
  });

  it('a run that made no request says so; an older breakfix\'s run is "not recorded"', async () => {
    const empty = await get(`/api/runs/${SPEND_EMPTY}/spend`);
    expect(empty.json).toMatchObject({ recorded: 'all', lines: [], rows: [] });
    expect(empty.json.total).toEqual({
      requests: 0,
      cached: 0,
      errors: 0,
      retries: 0,
      promptTokens: 0,
      completionTokens: 0,
    });
    expect(empty.json.note).toBe('No model request was made.');
    const old = await get(`/api/runs/${SPEND_OLD}/spend`);
    expect(old.json).toMatchObject({ recorded: 'none', lines: [], rows: [] });
    expect(old.json.note).toBe(
      'Not recorded: this run was made by a breakfix that did not count model requests.',
    );
  });

  it('a run this breakfix resumed is counted from then on, and says from when', async () => {
    const { json } = await get(`/api/runs/${SPEND_RESUMED}/spend`);
    expect(json.recorded).toBe('since');
    const since = store.getRun(SPEND_RESUMED)?.spendSince;
    expect(since).toMatch(/^20\d\d-/);
    expect(json.since).toBe(since);
    expect(json.note).toContain(
      `Counted from ${since} on: this run was started by a breakfix that did not count model requests, and those it made before are not here.`,
    );
    // One round: its line and the total, no subtotal.
    expect(json.rows).toEqual([
      { kind: 'line', cells: ['1', 'break', 'target', SPEND_MODEL, '4', '0', '0', '0', '40', '4'] },
      { kind: 'total', cells: ['total', '', '', '', '4', '0', '0', '0', '40', '4'] },
    ]);
  });

  it('an unknown run is 404, a longer path no endpoint', async () => {
    expect((await get('/api/runs/nope/spend')).status).toBe(404);
    expect((await get(`/api/runs/${SPEND_RUN}/spend/x`)).status).toBe(404);
  });
});
