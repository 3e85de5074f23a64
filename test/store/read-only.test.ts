// A store opened read-only (`openStore(path, { readOnly: true })`, what the reading commands use on a
// store this user cannot write): it reads what the store holds, including changes still in its
// write-ahead log, and writes nothing — not the file, no -wal or -shm beside it, no migration. What
// it cannot read without writing is an InputError naming the file and what to do.
// These call the read-only open directly, so they exercise it as root too (where file permissions
// would not stop a write); test/cli/read-only-store.test.ts runs the commands on a store whose
// permissions forbid writing (as another user when the tests run as root).
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/index.js';
import { vulnerabilitiesOf } from '../../src/fix/index.js';
import { openStore } from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations.js';
import { folderHashes, makeAttempt, vuln } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'bf-store-ro-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A folder holding one closed store (its log checkpointed and removed, as a finished run leaves it)
 * with a run of 6 attempts and a stale vulnerability set for round 0. */
function closedStore(): { dir: string; file: string } {
  const dir = join(root, `t${n++}`);
  mkdirSync(dir);
  const file = join(dir, 'breakfix.db');
  const s = openStore(file);
  s.createRun({ id: 'run_test', kind: 'redteam', config: {}, seed: 1 });
  s.saveAttempts(Array.from({ length: 6 }, (_, i) => makeAttempt(i)));
  s.saveVulnerabilities('run_test', 0, [vuln('stale', 9)]);
  s.close();
  return { dir, file };
}

function inputErrorOf(fn: () => unknown): InputError {
  try {
    const s = fn() as { close?: () => void } | undefined;
    s?.close?.();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('openStore read-only', () => {
  it('reads a closed store and writes nothing: no -wal or -shm beside it, the file unchanged', () => {
    const { dir, file } = closedStore();
    const before = folderHashes(dir);
    expect(Object.keys(before)).toEqual(['breakfix.db']);
    const s = openStore(file, { readOnly: true });
    try {
      expect(s.readOnly).toBe(true);
      expect(s.getRun('run_test')?.kind).toBe('redteam');
      expect(s.countAttempts({ runId: 'run_test' })).toBe(6);
      expect(s.listVulnerabilities('run_test', 0).map((v) => v.id)).toEqual(['stale']);
      expect(s.integrityCheck()).toBe('ok');
      // A write is refused (a store error naming the file), and nothing of it lands.
      expect(() => s.updateRun('run_test', { status: 'done' })).toThrow(
        expect.objectContaining({ code: 'store', message: expect.stringContaining(file) }),
      );
      expect(folderHashes(dir)).toEqual(before);
    } finally {
      s.close();
    }
    expect(folderHashes(dir)).toEqual(before);
    // Read-write, the same store is as it was.
    const rw = openStore(file);
    expect(rw.readOnly).toBe(false);
    expect(rw.getRun('run_test')?.status).toBe('running');
    rw.close();
  });

  it("reads the changes still in another process's write-ahead log, and writes nothing", () => {
    const { dir, file } = closedStore();
    // Another process has the store open, with a commit not yet checkpointed into the file.
    const writer = new Database(file);
    try {
      writer.pragma('wal_autocheckpoint = 0');
      writer
        .prepare(
          "INSERT INTO runs (id, kind, status, config, seed, created_at, updated_at) VALUES ('run_in_log', 'bench', 'done', '{}', 1, '2026', '2026')",
        )
        .run();
      expect(readdirSync(dir).sort()).toEqual(['breakfix.db', 'breakfix.db-shm', 'breakfix.db-wal']);
      // (The -shm is the log's shared-memory index, where every reader of a WAL store takes its read
      // marks when it may write there: the store's content is the file and its log.)
      const content = () => {
        const { 'breakfix.db-shm': _shm, ...rest } = folderHashes(dir);
        return rest;
      };
      const before = content();
      const s = openStore(file, { readOnly: true });
      try {
        expect(s.getRun('run_in_log')?.kind).toBe('bench');
        expect(s.countAttempts({ runId: 'run_test' })).toBe(6);
      } finally {
        s.close();
      }
      expect(content()).toEqual(before);
      expect(readdirSync(dir).sort()).toEqual(['breakfix.db', 'breakfix.db-shm', 'breakfix.db-wal']);
    } finally {
      writer.close();
    }
  });

  it('a write-ahead log with changes but no -shm index: refused, naming the file and what to do; nothing made', () => {
    const { dir, file } = closedStore();
    const writer = new Database(file);
    writer.pragma('wal_autocheckpoint = 0');
    writer.prepare("UPDATE runs SET status = 'done'").run();
    // The store as a copy of the folder taken while a process had it open, without the -shm.
    const copy = join(root, `t${n++}`);
    mkdirSync(copy);
    copyFileSync(file, join(copy, 'breakfix.db'));
    copyFileSync(`${file}-wal`, join(copy, 'breakfix.db-wal'));
    writer.close();
    const before = folderHashes(copy);
    const err = inputErrorOf(() => openStore(join(copy, 'breakfix.db'), { readOnly: true }));
    expect(err.file).toBe(join(copy, 'breakfix.db'));
    expect(err.message).toMatch(
      /write-ahead log \(breakfix\.db-wal\) holds changes not yet in the store file/,
    );
    expect(err.hint).toMatch(/^copy the store .* into a folder you can write/);
    expect(folderHashes(copy)).toEqual(before);
    expect(dir).not.toBe(copy);
  });

  it('a store of an older schema: refused (the upgrade writes), the file left at its version', () => {
    const { dir, file } = closedStore();
    const db = new Database(file);
    db.pragma(`user_version = ${migrations.length - 1}`);
    db.close();
    const before = folderHashes(dir);
    const err = inputErrorOf(() => openStore(file, { readOnly: true }));
    expect(err.file).toBe(file);
    expect(err.message).toBe(
      `the store is read-only here, and its schema (version ${migrations.length - 1}) is older than this breakfix's (${migrations.length}): upgrading it writes to it (${file})`,
    );
    expect(err.hint).toMatch(/copy the store .* \(breakfix upgrades the copy\)/);
    expect(folderHashes(dir)).toEqual(before);
  });

  it('a path that is no store: a missing file, an empty one, a text file — each named, none made or changed', () => {
    const dir = join(root, `t${n++}`);
    mkdirSync(dir);
    expect(inputErrorOf(() => openStore(join(dir, 'none.db'), { readOnly: true })).message).toMatch(
      /^cannot read the store: /,
    );
    writeFileSync(join(dir, 'empty.db'), '');
    writeFileSync(join(dir, 'text.db'), 'not sqlite at all, but long enough to have a header of sorts\n');
    expect(inputErrorOf(() => openStore(join(dir, 'empty.db'), { readOnly: true })).message).toBe(
      `the store is empty: nothing has been run with it yet (${join(dir, 'empty.db')})`,
    );
    expect(inputErrorOf(() => openStore(join(dir, 'text.db'), { readOnly: true })).message).toMatch(
      /^not a breakfix store/,
    );
    expect(readdirSync(dir).sort()).toEqual(['empty.db', 'text.db']);
  });

  it('vulns on a read-only store: the set identified from the attempts, not the stale stored one, and not saved', () => {
    const { dir, file } = closedStore();
    const before = folderHashes(dir);
    const s = openStore(file, { readOnly: true });
    let shown: string[];
    try {
      const found = vulnerabilitiesOf(s, 'run_test', 0);
      shown = found.map((v) => v.id);
      expect(shown.length).toBeGreaterThan(0);
      expect(shown).not.toContain('stale');
      // In the order the store lists a set: score, highest first.
      expect(found.map((v) => v.score)).toEqual([...found.map((v) => v.score)].sort((a, b) => b - a));
      expect(s.listVulnerabilities('run_test', 0).map((v) => v.id)).toEqual(['stale']);
    } finally {
      s.close();
    }
    expect(folderHashes(dir)).toEqual(before);
    // The same set, in the same order, as a writable store identifies and saves.
    const rw = openStore(file);
    try {
      expect(vulnerabilitiesOf(rw, 'run_test', 0).map((v) => v.id)).toEqual(shown);
      expect(rw.listVulnerabilities('run_test', 0).map((v) => v.id)).toEqual(shown);
    } finally {
      rw.close();
    }
  });
});
