// The spend table: model requests and tokens added to per round, stage, role and model as each
// request ends, in a real SQLite file; and a store of the schema before it, whose runs counted nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations.js';

const tmp = () => join(mkdtempSync(join(tmpdir(), 'bf-spend-')), 'breakfix.db');
const open: Store[] = [];
const openTmp = (path = tmp()) => {
  const s = openStore(path);
  open.push(s);
  return s;
};
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

const key = {
  runId: 'run_a',
  round: 1,
  stage: 'break',
  role: 'judge',
  model: 'openai:j@http://127.0.0.1:9/v1',
};

describe('spend', () => {
  it('adds each count to its row, kept apart per round, stage, role and model, across connections', () => {
    const path = tmp();
    const s = openTmp(path);
    const run = s.createRun({ id: 'run_a', kind: 'cycle', config: {}, seed: 1 });
    expect(run.spendSince).toBe(run.createdAt);
    s.addSpend(key, { requests: 1, promptTokens: 10, completionTokens: 3 });
    s.addSpend(key, { requests: 1, cached: 1 });
    s.addSpend(key, { retries: 1 });
    s.addSpend(key, { requests: 1, errors: 1 });
    s.addSpend({ ...key, role: 'target' }, { requests: 1, promptTokens: 4, completionTokens: 2 });
    // A second process on the same store (a resume) adds to the same rows.
    const other = openTmp(path);
    other.addSpend(key, { requests: 1, promptTokens: 5, completionTokens: 1 });
    other.addSpend({ ...key, round: undefined, stage: 'bench' }, { requests: 2, cached: 2 });
    expect(s.listSpend('run_a')).toEqual([
      {
        stage: 'bench',
        role: 'judge',
        model: key.model,
        requests: 2,
        cached: 2,
        errors: 0,
        retries: 0,
        promptTokens: 0,
        completionTokens: 0,
      },
      {
        round: 1,
        stage: 'break',
        role: 'judge',
        model: key.model,
        requests: 4,
        cached: 1,
        errors: 1,
        retries: 1,
        promptTokens: 15,
        completionTokens: 4,
      },
      {
        round: 1,
        stage: 'break',
        role: 'target',
        model: key.model,
        requests: 1,
        cached: 0,
        errors: 0,
        retries: 0,
        promptTokens: 4,
        completionTokens: 2,
      },
    ]);
    expect(s.listSpend('run_b')).toEqual([]);
    // (counting does not move the time counting began)
    expect(s.getRun('run_a')?.spendSince).toBe(run.createdAt);
  });

  it('a store of schema 5 opens; its runs counted nothing, and one resumed is counted from its first request on', () => {
    const path = tmp();
    const v5 = new Database(path);
    for (const m of migrations.slice(0, 5)) v5.exec(m);
    v5.pragma('user_version = 5');
    v5.prepare(
      "INSERT INTO runs (id, kind, config, seed, created_at, updated_at) VALUES ('run_old', 'cycle', '{}', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
    ).run();
    v5.prepare(
      "INSERT INTO runs (id, kind, config, seed, created_at, updated_at) VALUES ('run_resumed', 'cycle', '{}', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
    ).run();
    v5.close();
    const s = openTmp(path);
    expect(s.getRun('run_old')?.spendSince).toBeUndefined();
    expect(s.listSpend('run_old')).toEqual([]);
    s.addSpend({ ...key, runId: 'run_resumed' }, { requests: 1 });
    const since = s.getRun('run_resumed')?.spendSince;
    expect(since && since > '2026-01-01T00:00:00.000Z').toBe(true);
    expect(s.listSpend('run_resumed')).toHaveLength(1);
  });
});
