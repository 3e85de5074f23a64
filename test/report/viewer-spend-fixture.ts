// A store whose runs spent what is written here by hand, for the viewer's Spend table: a two-round
// cycle (a judge whose model id is an XSS payload), a bench run that made no request, a run of an
// older breakfix (nothing counted) and one such run resumed by this breakfix (counted from then on).
// Figures by hand, each column a different one so a swapped column shows:
//   round 0: bench/target/m 5 1 0 2 500 50, break/judge/HOSTILE 3 0 1 1 120 9 → round 0: 8 1 1 3 620 59
//   round 1: break/target/m 7 2 1 0 700 70, then 1 0 0 0 100 10 more  → 8 2 1 0 800 80
//   total 16 3 2 3 1420 139
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, type Store } from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations.js';

export const SPEND_RUN = 'run_spend';
export const SPEND_EMPTY = 'run_spend_none';
export const SPEND_OLD = 'run_spend_old';
export const SPEND_RESUMED = 'run_spend_resumed';
export const SPEND_MODEL = 'openai:m@http://127.0.0.1:9/v1';
export const SPEND_HOSTILE = '<img src=x onerror=alert(1)>';

export function buildSpendStore(): Store {
  const path = join(mkdtempSync(join(tmpdir(), 'breakfix-viewer-spend-')), 'breakfix.db');
  // Runs of a breakfix before the spend table (schema 5): no spend_since.
  const v5 = new Database(path);
  for (const m of migrations.slice(0, 5)) v5.exec(m);
  v5.pragma('user_version = 5');
  for (const id of [SPEND_OLD, SPEND_RESUMED])
    v5.prepare(
      `INSERT INTO runs (id, kind, config, seed, created_at, updated_at) VALUES (?, 'cycle', '{}', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
    ).run(id);
  v5.close();
  const store = openStore(path);
  store.addSpend(
    { runId: SPEND_RESUMED, round: 1, stage: 'break', role: 'target', model: SPEND_MODEL },
    { requests: 4, promptTokens: 40, completionTokens: 4 },
  );
  store.createRun({ id: SPEND_EMPTY, kind: 'bench', config: {}, seed: 1 });
  store.createRun({ id: SPEND_RUN, kind: 'cycle', config: {}, seed: 1 });
  const add = (round: number, stage: string, role: string, model: string, c: number[]) =>
    store.addSpend(
      { runId: SPEND_RUN, round, stage, role, model },
      {
        requests: c[0],
        cached: c[1],
        errors: c[2],
        retries: c[3],
        promptTokens: c[4],
        completionTokens: c[5],
      },
    );
  add(0, 'bench', 'target', SPEND_MODEL, [5, 1, 0, 2, 500, 50]);
  add(0, 'break', 'judge', SPEND_HOSTILE, [3, 0, 1, 1, 120, 9]);
  add(1, 'break', 'target', SPEND_MODEL, [7, 2, 1, 0, 700, 70]);
  add(1, 'break', 'target', SPEND_MODEL, [1, 0, 0, 0, 100, 10]);
  return store;
}
