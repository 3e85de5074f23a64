import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Attempt, TrainingRecord } from '../../src/core/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations.js';
import { makeAttempt, record, vuln } from './fixtures.js';

const tmp = () => join(mkdtempSync(join(tmpdir(), 'bf-store-')), 'nested', 'breakfix.db');
const open: Store[] = [];
const openTmp = (path = tmp()) => {
  const s = openStore(path);
  open.push(s);
  return s;
};
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

describe('store basics', () => {
  it('creates the folder, uses WAL and records the schema version', () => {
    const path = tmp();
    openTmp(path).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    db.close();
    // Reopening applies nothing twice.
    const again = openTmp(path);
    expect(again.integrityCheck()).toBe('ok');
  });

  it("changeStamp moves on every commit: its own, another process's, an error retried in place; not on reads", () => {
    const path = tmp();
    const viewer = openTmp(path);
    const writer = openTmp(path);
    writer.createRun({ id: 'r', kind: 'redteam', config: {}, seed: 1 });
    const stamps = [viewer.changeStamp()];
    expect(viewer.listAttempts({ runId: 'r' })).toEqual([]);
    expect(viewer.changeStamp()).toBe(stamps[0]);
    writer.saveAttempts([makeAttempt(1, 'r', { outcome: 'error', error: 'timeout' })]);
    stamps.push(viewer.changeStamp());
    // The same attempt retried in place: the count of attempts does not move, the stamp does.
    writer.saveAttempts([makeAttempt(1, 'r')], { replaceErrors: true });
    expect(viewer.countAttempts({ runId: 'r' })).toBe(1);
    stamps.push(viewer.changeStamp());
    // A write through the stamp's own connection.
    viewer.upsertRound('r', 0, { status: 'done' });
    stamps.push(viewer.changeStamp());
    expect(new Set(stamps).size).toBe(4);
  });

  it('refuses a database from a newer breakfix', () => {
    const path = tmp();
    openTmp(path).close();
    const db = new Database(path);
    db.pragma(`user_version = ${migrations.length + 5}`);
    db.close();
    expect(() => openStore(path)).toThrow(/newer than this breakfix understands/);
  });

  it('runs: create with redacted config, update, list, latest', () => {
    const s = openTmp();
    const r1 = s.createRun({
      kind: 'cycle',
      seed: 7,
      target: 'candidate',
      config: { targets: { j: { type: 'openai', apiKey: 'sk-live-abcdefghijklmnop', model: 'm' } } },
    });
    expect(r1.id).toMatch(/^run_/);
    expect(r1.status).toBe('running');
    expect(JSON.stringify(r1.config)).not.toContain('sk-live');
    expect((r1.config as { targets: { j: { apiKey: string } } }).targets.j.apiKey).toBe('[redacted]');
    const r2 = s.createRun({ id: 'run_b', kind: 'bench', seed: 1, config: {} });
    s.updateRun(r2.id, { status: 'done', summary: { asr: 0.1 } });
    expect(s.getRun('run_b')).toMatchObject({ status: 'done', summary: { asr: 0.1 } });
    expect(s.listRuns().map((r) => r.id)).toEqual([r1.id, 'run_b']);
    expect(s.listRuns('bench').map((r) => r.id)).toEqual(['run_b']);
    expect(s.latestRun()?.id).toBe('run_b');
    expect(s.latestRun('cycle')?.id).toBe(r1.id);
    expect(s.getRun('nope')).toBeUndefined();
    // Creating a run that exists (resume) returns it unchanged.
    expect(s.createRun({ id: 'run_b', kind: 'bench', seed: 99, config: {} }).seed).toBe(1);
    // A patch without summary keeps the summary.
    s.updateRun('run_b', { status: 'failed' });
    expect(s.getRun('run_b')?.summary).toEqual({ asr: 0.1 });
  });

  it('the latest run of runs created in the same millisecond is the last created', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-05T10:00:00.000Z'), toFake: ['Date'] });
    try {
      const s = openTmp();
      for (const id of ['run_1', 'run_2', 'run_3']) s.createRun({ id, kind: 'bench', seed: 1, config: {} });
      expect(s.latestRun()?.id).toBe('run_3');
      expect(s.latestRun('bench')?.id).toBe('run_3');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a row that breaks a constraint fails loudly, never silently missing', () => {
    const s = openTmp();
    // (NaN binds as NULL: `INSERT OR IGNORE` dropped the run and returned nothing.)
    expect(() => s.createRun({ id: 'run_nan', kind: 'bench', seed: Number.NaN, config: {} })).toThrow(
      /NOT NULL/,
    );
    s.createRun({ id: 'run_test', kind: 'redteam', seed: 1, config: {} });
    expect(() => s.saveAttempt({ ...makeAttempt(9), outcome: undefined as never })).toThrow(/NOT NULL/);
    expect(s.countAttempts()).toBe(0);
  });

  it('rounds and steps upsert and merge', () => {
    const s = openTmp();
    s.createRun({ id: 'r', kind: 'cycle', seed: 1, config: {} });
    s.upsertRound('r', 0, { model: 'embedded:base', status: 'running', step: 'bench' });
    s.upsertRound('r', 0, { step: 'redteam', metrics: { asr: 0.5 } });
    s.upsertRound('r', 1, {});
    expect(s.getRounds('r')).toMatchObject([
      { round: 0, model: 'embedded:base', status: 'running', step: 'redteam', metrics: { asr: 0.5 } },
      { round: 1, status: 'pending' },
    ]);
    // A patch that leaves a field out keeps it: the round finished keeps the step a resume reads.
    s.upsertRound('r', 0, { status: 'done' });
    expect(s.getRounds('r')[0]).toMatchObject({
      model: 'embedded:base',
      status: 'done',
      step: 'redteam',
      metrics: { asr: 0.5 },
    });
    expect(s.getStep('r', 0, 'bench')).toBeUndefined();
    s.markStep('r', 0, 'bench', { suites: 6 });
    s.markStep('r', 0, 'bench', { suites: 7 });
    expect(s.getStep('r', 0, 'bench')?.data).toEqual({ suites: 7 });
  });

  it('a store of an older schema opens and upgrades, keeping its data; the unused seeds table goes', () => {
    // A store as breakfix left it at schema 3 (runs.owner added), with a row in every table it had.
    const old = join(mkdtempSync(join(tmpdir(), 'bf-store-')), 'v3.db');
    const v3 = new Database(old);
    for (const m of migrations.slice(0, 3)) v3.exec(m);
    v3.pragma('user_version = 3');
    v3.prepare(
      "INSERT INTO runs (id, kind, config, seed, created_at, updated_at) VALUES ('run_test', 'redteam', '{}', 1, 't', 't')",
    ).run();
    v3.prepare(
      "INSERT INTO seeds (id, kind, language, source, data) VALUES ('seed_1', 'harmful', 'en', 'x', '{}')",
    ).run();
    v3.close();
    const s = openTmp(old);
    s.saveAttempt(makeAttempt(1));
    expect(s.getRun('run_test')?.kind).toBe('redteam');
    expect(s.getAttempt('att_run_test_1')).toEqual(makeAttempt(1));
    s.close();
    const after = new Database(old, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(migrations.length);
    const tables = after.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')").all();
    expect(tables.map((t) => (t as { name: string }).name)).not.toContain('seeds');
    expect(tables.map((t) => (t as { name: string }).name)).not.toContain('seeds_kind');
    after.close();
  });

  it("a schema-4 store opens with the viewer's covering index in place of attempts_run, its attempts found by it", () => {
    const old = join(mkdtempSync(join(tmpdir(), 'bf-store-')), 'v4.db');
    const v4 = new Database(old);
    for (const m of migrations.slice(0, 4)) v4.exec(m);
    v4.pragma('user_version = 4');
    v4.close();
    const before = openTmp(old);
    before.createRun({ id: 'run_test', kind: 'redteam', config: {}, seed: 1 });
    before.saveAttempts([makeAttempt(1), { ...makeAttempt(2), category: 'cyber', techniques: ['a', 'b'] }]);
    const db = new Database(old, { readonly: true });
    const indexes = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'attempts'").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    expect(indexes).toContain('attempts_view');
    expect(indexes).not.toContain('attempts_run');
    // Every filter the viewer sends is answered from the index, never from the rows.
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM attempts WHERE run_id = ? AND round = ? AND COALESCE(category, '(none)') = ? AND language = ? AND outcome = ? AND (attack = ? OR EXISTS (SELECT 1 FROM json_each(attempts.techniques) WHERE value = ?))",
      )
      .all('r', 0, 'c', 'en', 'failure', 'x', 'x') as { detail: string }[];
    expect(plan[0]?.detail).toMatch(/USING COVERING INDEX attempts_view \(run_id=\? AND round=\?/);
    db.close();
    expect(before.searchAttempts({ runId: 'run_test', technique: 'a+b' }, { offset: 0, limit: 10 })).toEqual({
      total: 1,
      attempts: [{ ...makeAttempt(2), category: 'cyber', techniques: ['a', 'b'] }],
    });
  });

  it('attempts: full round-trip, idempotent save, filters and counts', () => {
    const s = openTmp();
    const a = makeAttempt(1);
    expect(s.saveAttempt(a)).toBe(true);
    expect(s.saveAttempt({ ...a, outcome: 'failure' })).toBe(false);
    expect(s.getAttempt(a.id)).toEqual(a);
    expect(s.hasAttempt(a.id)).toBe(true);
    expect(s.saveAttempts([makeAttempt(1), makeAttempt(2), makeAttempt(3), makeAttempt(4)])).toBe(3);
    expect(s.countAttempts()).toBe(4);
    expect(s.countAttempts({ runId: 'run_test', outcome: 'failure' })).toBe(1);
    expect(s.listAttempts({ category: 'cyber' }).map((x) => x.id)).toEqual(['att_run_test_3']);
    expect(s.listAttempts({ limit: 2 }).map((x) => x.id)).toEqual(['att_run_test_1', 'att_run_test_2']);
    expect(s.listAttempts({ limit: 2, offset: 2 })).toHaveLength(2);
    // Limit and offset are bound, not written into the SQL: a fraction rounds down, Infinity is no
    // limit, and NaN is an error that says which (not SQLite's "no such column: NaN").
    expect(s.listAttempts({ limit: 1.9, offset: 3.5 }).map((x) => x.id)).toEqual(['att_run_test_4']);
    expect(s.listAttempts({ limit: Number.POSITIVE_INFINITY, offset: 1 })).toHaveLength(3);
    expect(s.listAttempts({ offset: 2 }).map((x) => x.id)).toEqual(['att_run_test_3', 'att_run_test_4']);
    expect(() => s.listAttempts({ limit: Number.NaN })).toThrow(
      /listAttempts: limit must be a number of rows/,
    );
    expect(() => s.listAttempts({ offset: Number.POSITIVE_INFINITY })).toThrow(/offset must be a number/);
    // Optional fields stay absent, not null.
    const bare = makeAttempt(9, 'run_x', {
      round: undefined,
      category: undefined,
      severity: undefined,
      verdicts: [],
    });
    delete bare.round;
    delete bare.category;
    delete bare.severity;
    s.saveAttempt(bare);
    expect(s.getAttempt(bare.id)).toEqual(bare);
  });

  it('a severity, turn or call count that is not a number is refused by name, never stored as "none"', () => {
    const s = openTmp();
    const bad: [string, Partial<Attempt>][] = [
      ['severity', { severity: Number.NaN }],
      ['severity', { severity: Number.POSITIVE_INFINITY }],
      ['turns', { turns: Number.NaN }],
      ['calls', { calls: Number.NEGATIVE_INFINITY }],
    ];
    for (const [field, over] of bad) {
      expect(() => s.saveAttempts([makeAttempt(1), makeAttempt(2, 'run_test', over)])).toThrow(
        new RegExp(`^attempt att_run_test_2: ${field} is -?(NaN|Infinity), not a number`),
      );
      expect(s.countAttempts()).toBe(0); // the batch is one transaction
    }
    expect(s.saveAttempts([makeAttempt(1, 'run_test', { severity: 0 })])).toBe(1);
    expect(s.getAttempt('att_run_test_1')?.severity).toBe(0);
  });

  it('a failing attempt write leaves nothing behind (one transaction)', () => {
    const s = openTmp();
    const bad = makeAttempt(5);
    // A verdict value that cannot be serialised makes the verdict insert throw mid-transaction.
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    bad.verdicts = [bad.verdicts[0]!, { ...bad.verdicts[1]!, detail: cyclic }];
    expect(() => s.saveAttempt(bad)).toThrow();
    expect(s.hasAttempt(bad.id)).toBe(false);
    expect(s.saveAttempt(makeAttempt(5))).toBe(true);
    expect(s.getAttempt(makeAttempt(5).id)?.verdicts).toHaveLength(2);
  });

  it('bench results, vulnerabilities, records', () => {
    const s = openTmp();
    s.saveBenchResult({
      runId: 'r',
      round: 0,
      suite: 'harmful',
      model: 'm',
      metrics: { dr3: 0.2 },
      items: [1, 2],
    });
    s.saveBenchResult({ runId: 'r', round: 0, suite: 'harmful', model: 'm', metrics: { dr3: 0.1 } });
    s.saveBenchResult({ runId: 'r', suite: 'helpfulness', model: 'm', metrics: { acc: 0.9 } });
    const rows = s.listBenchResults('r');
    expect(rows.map((r) => [r.suite, r.round, r.metrics])).toEqual([
      ['helpfulness', undefined, { acc: 0.9 }],
      ['harmful', 0, { dr3: 0.1 }],
    ]);
    expect(s.listBenchResults('r', 0)).toHaveLength(1);

    s.saveVulnerabilities('r', 0, [vuln('a', 1), vuln('b', 3)]);
    expect(s.listVulnerabilities('r', 0).map((v) => v.id)).toEqual(['b', 'a']);
    s.saveVulnerabilities('r', 0, [vuln('c', 2)]);
    expect(s.listVulnerabilities('r', 0).map((v) => v.id)).toEqual(['c']);
    // Replacing round 1's set leaves round 0's alone: identify reads every earlier round to tell a
    // regression from a new finding.
    s.saveVulnerabilities('r', 1, [vuln('d', 1)]);
    s.saveVulnerabilities('r', 1, [vuln('e', 1)]);
    expect(s.listVulnerabilities('r', 0).map((v) => v.id)).toEqual(['c']);
    expect(s.listVulnerabilities('r', 1).map((v) => v.id)).toEqual(['e']);

    s.saveRecords('r', 1, 'sft', [record('x'), record('y')]);
    s.saveRecords('r', 1, 'dpo', [record('z')]);
    expect(s.listRecords({ runId: 'r', round: 1, dataset: 'sft' }).map((r) => r.id)).toEqual(['x', 'y']);
    expect(s.listRecords({ runId: 'r' })).toHaveLength(3);
    s.saveRecords('r', 1, 'sft', [record('w')]);
    expect(s.listRecords({ runId: 'r', dataset: 'sft' }).map((r) => r.id)).toEqual(['w']);
  });

  it('a damaged page met mid-run is an error naming the store, not an unexplained failure', () => {
    const path = tmp();
    const s = openStore(path);
    s.createRun({ id: 'run_test', kind: 'redteam', config: {}, seed: 1 });
    // (the pages the schema takes: the ones the attempts' rows come after)
    const schemaPages = (() => {
      const db = new Database(path, { readonly: true });
      try {
        return db.pragma('page_count', { simple: true }) as number;
      } finally {
        db.close();
      }
    })();
    s.saveAttempts(Array.from({ length: 400 }, (_, i) => makeAttempt(i)));
    s.close();
    // Garbage over the pages after the schema's (the header and the schema's pages stay whole, so
    // the store opens; reading the attempts meets the damage).
    const bytes = readFileSync(path);
    bytes.fill(0xa5, schemaPages * 4096, bytes.length - 4096);
    writeFileSync(path, bytes);
    const damaged = openTmp(path);
    let err: unknown;
    try {
      damaged.listAttempts({ runId: 'run_test' });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: 'store',
      message: expect.stringMatching(
        new RegExp(`^the store is damaged: .*\\(${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)$`),
      ),
      hint: expect.stringMatching(/^restore the store from a copy/),
    });
  });

  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')(
    'a read-only store file: refused when opened to write (nothing left beside it), not at the first write (needs a non-root user)',
    () => {
      const path = tmp();
      const first = openStore(path);
      first.createRun({ id: 'run_test', kind: 'redteam', config: {}, seed: 1 });
      first.close();
      chmodSync(path, 0o444);
      try {
        expect(() => openTmp(path)).toThrow(
          expect.objectContaining({
            code: 'input',
            message: expect.stringContaining('the store is read-only for this user'),
            hint: expect.stringMatching(/^run it as a user who can write the store/),
          }),
        );
        expect(existsSync(`${path}-wal`) || existsSync(`${path}-shm`)).toBe(false);
      } finally {
        chmodSync(path, 0o644);
      }
    },
  );

  it('a write lock another program holds past the busy timeout: an error naming the store and what to do, not a bug', () => {
    const path = tmp();
    const s = openTmp(path);
    s.createRun({ id: 'run_test', kind: 'redteam', config: {}, seed: 1 });
    // A sqlite3 shell (or database browser) with a write transaction left open on the file.
    const shell = new Database(path);
    shell.exec('BEGIN IMMEDIATE');
    shell.prepare("UPDATE runs SET updated_at = 'x'").run();
    try {
      expect(() => s.updateRun('run_test', { status: 'done' })).toThrow(
        expect.objectContaining({
          code: 'store',
          message: expect.stringMatching(/^the store stayed locked by another program .*\(.*breakfix\.db\)$/),
          hint: expect.stringMatching(/^end the transaction that holds it/),
        }),
      );
    } finally {
      shell.exec('ROLLBACK');
      shell.close();
    }
    s.updateRun('run_test', { status: 'done' });
    expect(s.getRun('run_test')?.status).toBe('done');
  });

  it('a row whose JSON was damaged outside breakfix is an error naming the row and column', () => {
    const path = tmp();
    const s = openStore(path);
    s.createRun({ id: 'run_test', kind: 'redteam', config: {}, seed: 1 });
    s.saveAttempts([makeAttempt(0), makeAttempt(1)]);
    s.cachePut('k', {
      text: 'hi',
      finishReason: 'stop',
      usage: { promptTokens: 1, completionTokens: 1 },
      latencyMs: 1,
    });
    const id = s.listAttempts({ runId: 'run_test' })[1].id;
    s.close();
    const db = new Database(path);
    db.prepare("UPDATE attempts SET transcript = '{bad' WHERE id = ?").run(id);
    db.prepare("UPDATE cache SET reply = '{bad' WHERE key = 'k'").run();
    db.close();
    const damaged = openTmp(path);
    expect(() => damaged.listAttempts({ runId: 'run_test' })).toThrow(
      expect.objectContaining({
        code: 'store',
        message: expect.stringMatching(
          new RegExp(`^attempt ${id}: transcript is not valid JSON in the store \\(`),
        ),
      }),
    );
    // The run itself still reads; a damaged cache entry is a miss, not a failure.
    expect(damaged.getRun('run_test')?.kind).toBe('redteam');
    expect(damaged.cacheGet('k')).toBeUndefined();
    damaged.close();
  });

  it('a run is claimed by one live process at a time; a killed owner holds nothing', async () => {
    const path = tmp();
    const s = openTmp(path);
    s.createRun({ id: 'run_claim', kind: 'redteam', config: {}, seed: 1 });
    expect(s.claimRun('run_claim')).toEqual({});
    expect(s.claimRun('run_claim')).toEqual({}); // this process again
    // Another live process of this host holds it (a child standing in for a second breakfix).
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    const setOwner = (pid: number | undefined) => {
      const db = new Database(path);
      db.prepare('UPDATE runs SET owner = ? WHERE id = ?').run(
        JSON.stringify({ pid, host: hostname(), since: '2026-12-05T00:00:00.000Z' }),
        'run_claim',
      );
      db.close();
    };
    try {
      setOwner(other.pid);
      expect(s.claimRun('run_claim')).toEqual({
        heldBy: { pid: other.pid, host: hostname(), since: '2026-12-05T00:00:00.000Z' },
      });
      s.releaseRun('run_claim'); // not ours: nothing changes
      expect(s.claimRun('run_claim').heldBy?.pid).toBe(other.pid);
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.on('exit', r));
    }
    // Killed: the run can be resumed at once.
    expect(s.claimRun('run_claim')).toEqual({});
    // Its pid reused by a process that is no breakfix (where /proc tells): held by nothing.
    const stranger = spawn('sleep', ['30']);
    try {
      setOwner(stranger.pid);
      expect(s.claimRun('run_claim')).toEqual({});
    } finally {
      stranger.kill('SIGKILL');
      await new Promise((r) => stranger.on('exit', r));
    }
    s.releaseRun('run_claim');
    setOwner(undefined);
    expect(s.claimRun('run_claim')).toEqual({});
  });

  it.skipIf(process.platform !== 'linux')(
    'a claim names its process by pid and start: a live owner holds the run, the same pid reused by a later process does not',
    async () => {
      const path = tmp();
      const s = openTmp(path);
      s.createRun({ id: 'run_claim', kind: 'redteam', config: {}, seed: 1 });
      // A second breakfix process claims the run through the store and stays alive.
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('./claim-child.ts', import.meta.url)), path, 'run_claim'],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      try {
        const said = await new Promise<string>((resolve) => {
          let out = '';
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            if (out.includes('\n')) resolve(out.trim());
          });
          child.on('exit', () => resolve(out.trim()));
        });
        expect(said).toBe('claimed');
        const owner = () => {
          const db = new Database(path);
          const row = db.prepare('SELECT owner FROM runs WHERE id = ?').get('run_claim') as { owner: string };
          db.close();
          return JSON.parse(row.owner) as { pid: number; start?: string };
        };
        expect(owner()).toMatchObject({ pid: child.pid, start: expect.stringMatching(/^\d+$/) });
        expect(s.claimRun('run_claim').heldBy?.pid).toBe(child.pid);
        // The claim as a process that has since died would have left it, its pid now running another
        // Node process (started later: another start): the run is free, not "being worked on".
        const db = new Database(path);
        db.prepare('UPDATE runs SET owner = ? WHERE id = ?').run(
          JSON.stringify({ ...owner(), start: String(Number(owner().start) - 1) }),
          'run_claim',
        );
        db.close();
        expect(s.claimRun('run_claim')).toEqual({});
        expect(owner().pid).toBe(process.pid);
      } finally {
        child.kill('SIGKILL');
        await new Promise((r) => child.on('exit', r));
      }
    },
  );

  it("a round's curation is replaced whole or not at all", () => {
    const s = openTmp();
    s.saveCuration('r', 2, { sft: [record('s1')], preference: [record('p1')] });
    // The pairs fail to store (a value JSON cannot hold): the SFT records stored before them in the
    // same call are rolled back, so the round keeps its earlier curation, records and pairs together.
    const unstorable = { ...record('p2'), meta: 1n } as unknown as TrainingRecord;
    expect(() => s.saveCuration('r', 2, { sft: [record('s2')], preference: [unstorable] })).toThrow();
    const ids = (dataset: string) => s.listRecords({ runId: 'r', round: 2, dataset }).map((r) => r.id);
    expect([ids('sft'), ids('preference')]).toEqual([['s1'], ['p1']]);
    s.saveCuration('r', 2, { sft: [record('s3')], preference: [] });
    expect([ids('sft'), ids('preference')]).toEqual([['s3'], []]);
  });

  it('model registry and response cache', () => {
    const s = openTmp();
    s.registerModel({ id: 'embedded:base', target: 'embedded:base', path: '/m/base' });
    const m = s.registerModel({
      id: 'embedded:round-1',
      target: 'embedded:round-1',
      path: '/m/r1',
      parent: 'embedded:base',
      round: 1,
      runId: 'r',
      trainingLog: { loss: [2, 1] },
    });
    expect(m).toMatchObject({ parent: 'embedded:base', round: 1, trainingLog: { loss: [2, 1] } });
    expect(s.getModel('embedded:base')).not.toHaveProperty('parent');
    expect(s.listModels().map((x) => x.id)).toEqual(['embedded:base', 'embedded:round-1']);

    expect(s.cacheGet('k')).toBeUndefined();
    const reply = {
      text: 'hi',
      finishReason: 'stop' as const,
      usage: { promptTokens: 1, completionTokens: 1 },
      latencyMs: 5,
    };
    s.cachePut('k', { ...reply, cached: true });
    expect(s.cacheGet('k')).toEqual(reply);
    // JSON that is no reply (no finish reason) is a miss, sent again, as damaged text is.
    s.cachePut('half', { text: 'hi' } as never);
    expect(s.cacheGet('half')).toBeUndefined();
  });
});

describe('crash safety', () => {
  it('several processes opening a new store at once all get it, migrated once', async () => {
    const path = tmp();
    const children = Array.from({ length: 6 }, () =>
      spawn(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('./open-child.ts', import.meta.url)), path],
        {
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      ),
    );
    const outputs = children.map((c) => {
      let out = '';
      c.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      return {
        ready: () => out.includes('ready'),
        done: new Promise<string>((r) => c.on('exit', () => r(out))),
      };
    });
    // Every child is started before any opens the store, so the opens really race.
    while (!outputs.every((o) => o.ready())) await new Promise((r) => setTimeout(r, 20));
    for (const c of children) c.stdin.write('go\n');
    const results = await Promise.all(outputs.map((o) => o.done));
    expect(results.map((r) => r.replace('ready\n', '').trim())).toEqual(Array(6).fill('opened'));
    const s = openTmp(path);
    expect(s.listRuns()).toHaveLength(6);
    s.close();
  });

  it('SIGKILL mid-write loop leaves a database that opens, passes integrity_check, and resumes', async () => {
    const path = tmp();
    openTmp(path).close();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./write-loop.ts', import.meta.url)), path, 'run_crash'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
    });
    // Let it write a while longer, then kill it without warning.
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));

    const s = openTmp(path);
    expect(s.integrityCheck()).toBe('ok');
    const n = s.countAttempts({ runId: 'run_crash' });
    expect(n).toBeGreaterThanOrEqual(50);
    // Every stored attempt is whole: it has both of its verdicts.
    const db = new Database(path, { readonly: true });
    const orphans = db
      .prepare(
        `SELECT COUNT(*) AS n FROM attempts a WHERE (SELECT COUNT(*) FROM verdicts v WHERE v.attempt_id = a.id) != 2`,
      )
      .get() as { n: number };
    db.close();
    expect(orphans.n).toBe(0);
    // Resume: saving the first n + 10 again adds exactly 10 new, duplicates none.
    let added = 0;
    for (let i = 0; i < n + 10; i++) if (s.saveAttempt(makeAttempt(i, 'run_crash'))) added++;
    expect(added).toBe(10);
    expect(s.countAttempts({ runId: 'run_crash' })).toBe(n + 10);
  });
});
