// Opening a store at a path that is not one (a text file, a folder, someone else's SQLite database, a
// store from a newer breakfix) or cannot be one (its folder cannot be made or written) is an
// InputError naming the path — never a raw SqliteError or errno; and a run id, which names files, is
// checked when the run is created.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations.js';
import { makeAttempt } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'bf-store-open-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const d = join(root, `t${n++}`);
  mkdirSync(d);
  return d;
};
const open: Store[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function inputErrorOf(fn: () => unknown): InputError {
  try {
    const s = fn();
    if (s && typeof s === 'object' && 'close' in s) (s as Store).close();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('openStore on a path that is not a store', () => {
  it('a text file: "not a breakfix store", naming the file, left as it was', () => {
    const file = join(fresh(), 'bad.db');
    writeFileSync(file, 'hi\n');
    const err = inputErrorOf(() => openStore(file));
    expect(err.message).toBe(`not a breakfix store: file is not a SQLite database (${file})`);
    expect(err.file).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe('hi\n');
  });

  it('a binary file of more than a page', () => {
    const file = join(fresh(), 'bad.db');
    writeFileSync(file, Buffer.alloc(8192, 0xab));
    expect(inputErrorOf(() => openStore(file)).message).toMatch(/not a SQLite database/);
  });

  it('a folder', () => {
    const dir = fresh();
    const err = inputErrorOf(() => openStore(dir));
    expect(err.message).toMatch(/not a breakfix store: it is a folder/);
    expect(err.file).toBe(dir);
  });

  it('a SQLite database with tables of its own is not written to', () => {
    const file = join(fresh(), 'other.db');
    const db = new Database(file);
    db.exec('CREATE TABLE runs (x TEXT)');
    db.close();
    const err = inputErrorOf(() => openStore(file));
    expect(err.message).toMatch(/not a breakfix store: a SQLite database with tables of its own/);
    const again = new Database(file, { readonly: true });
    expect(again.pragma('user_version', { simple: true })).toBe(0);
    expect(again.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(again.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([
      { name: 'runs' },
    ]);
    again.close();
  });

  it('a store from a newer breakfix is an InputError naming it', () => {
    const file = join(fresh(), 'new.db');
    openStore(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    const err = inputErrorOf(() => openStore(file));
    expect(err.message).toMatch(/newer than this breakfix understands/);
    expect(err.file).toBe(file);
  });

  it('a truncated store: "damaged", naming it, with what to do about it (not "pass --store with a store")', () => {
    const file = join(fresh(), 'cut.db');
    const s = openStore(file);
    s.createRun({ id: 'r', kind: 'redteam', config: {}, seed: 1 });
    s.close();
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, 8192));
    const err = inputErrorOf(() => openStore(file));
    expect(err.message).toMatch(/^the store is damaged: .*\(.*cut\.db\)$/);
    expect(err.file).toBe(file);
    expect(err.hint).toMatch(/^restore the store from a copy/);
    expect(readFileSync(file).length).toBe(8192);
  });

  it('a store damaged mid-file, which opens, is never written into: no run starts or resumes there', () => {
    const file = join(fresh(), 'pages.db');
    const s = openStore(file);
    s.createRun({ id: 'r1', kind: 'redteam', config: {}, seed: 1 });
    s.saveAttempts(Array.from({ length: 400 }, (_, i) => makeAttempt(i, 'r1')));
    s.close();
    // Three pages in the middle overwritten, as a disk error or a bad copy leaves them: the schema
    // (page 1) is whole, so the store opens and reads.
    const bytes = readFileSync(file);
    const page = 4096;
    const at = Math.floor(bytes.length / page / 2) * page;
    bytes.fill(0xa5, at, at + 3 * page);
    writeFileSync(file, bytes);
    const damaged = openStore(file);
    open.push(damaged);
    expect(damaged.getRun('r1')?.id).toBe('r1');
    for (const write of [
      () => damaged.createRun({ id: 'r2', kind: 'redteam', config: {}, seed: 1 }),
      () => damaged.createRun({ id: 'r1', kind: 'redteam', config: {}, seed: 1 }),
      () => damaged.claimRun('r1'),
    ]) {
      const err = inputErrorOf(write);
      expect(err.message).toMatch(/^the store is damaged: SQLite's quick check says ".+" \(.*pages\.db\)$/);
      expect(err.hint).toMatch(/^restore the store from a copy/);
    }
    damaged.close();
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('an empty file becomes a store (SQLite treats it as an empty database)', () => {
    const file = join(fresh(), 'empty.db');
    writeFileSync(file, '');
    const s = openStore(file);
    open.push(s);
    expect(s.integrityCheck()).toBe('ok');
  });
});

describe('openStore on a read-only store', () => {
  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')(
    'of an older schema: says the upgrade needs to write, and what to do (needs a non-root user)',
    () => {
      const file = join(fresh(), 'old.db');
      openStore(file).close();
      const db = new Database(file);
      db.pragma(`user_version = ${migrations.length - 1}`);
      db.close();
      chmodSync(file, 0o444);
      try {
        const err = inputErrorOf(() => openStore(file));
        expect(err.message).toMatch(
          new RegExp(
            `^cannot write to the store to upgrade its schema \\(version ${migrations.length - 1} to`,
          ),
        );
        expect(err.hint).toMatch(/^make the store file and its folder writable/);
      } finally {
        chmodSync(file, 0o644);
      }
    },
  );
});

describe('openStore where its folder cannot be made', () => {
  it('a path under a regular file names that file', () => {
    const file = join(fresh(), 'plain.txt');
    writeFileSync(file, 'x');
    const err = inputErrorOf(() => openStore(join(file, 'sub', 'breakfix.db')));
    expect(err.message).toMatch(/store folder/);
    expect(err.message).toContain(`${file} is a file, not a folder`);
    expect(statSync(file).isFile()).toBe(true);
  });

  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')(
    'an unwritable folder names it (needs a non-root user)',
    () => {
      const dir = fresh();
      chmodSync(dir, 0o500);
      try {
        const err = inputErrorOf(() => openStore(join(dir, 'sub', 'breakfix.db')));
        expect(err.message).toContain(`cannot write in ${dir}`);
      } finally {
        chmodSync(dir, 0o700);
      }
    },
  );
});

describe('createRun checks the run id', () => {
  const BAD = [
    '../../x y',
    '..',
    'a..b',
    '',
    '.hidden',
    '-x',
    '_x',
    'a/b',
    'a\\b',
    'a b',
    'a\nb',
    'run\u0000x',
    'é',
    'x'.repeat(129),
  ];
  const GOOD = ['a', '7', 'run_20260101120000_abcd1234', 'nightly_2026-01-01', 'A.b-c_d', 'x'.repeat(128)];

  it(`${BAD.length} bad ids are an InputError on field run-id, and nothing is written`, () => {
    const s = openStore(join(fresh(), 'bf.db'));
    open.push(s);
    for (const id of BAD) {
      const err = inputErrorOf(() => s.createRun({ id, kind: 'redteam', config: {}, seed: 1 }));
      expect(err.field, JSON.stringify(id)).toBe('run-id');
      expect(err.message).toMatch(/^run-id: invalid run id/);
      expect(err.message.includes('\n') || err.message.includes('\u0000')).toBe(false);
    }
    expect(s.listRuns()).toEqual([]);
  });

  it('good ids and generated ids are accepted', () => {
    const s = openStore(join(fresh(), 'bf.db'));
    open.push(s);
    for (const id of GOOD) expect(s.createRun({ id, kind: 'redteam', config: {}, seed: 1 }).id).toBe(id);
    expect(s.createRun({ kind: 'cycle', config: {}, seed: 1 }).id).toMatch(/^run_/);
    expect(s.listRuns()).toHaveLength(GOOD.length + 1);
  });
});
