// Opening the SQLite file as a breakfix store: creating it or refusing a path that is no store, the
// read-only open for a store this user cannot write, the schema check and upgrade on open, and the
// SQLite failures of any later call put in words naming the file.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ensureOutputDir } from '../config/outdir.js';
import { BreakfixError, describeFsError, errorMessage, InputError } from '../core/index.js';
import { migrate, migrations } from './migrations.js';
import type { Store } from './types.js';

type SqliteError = InstanceType<typeof Database.SqliteError>;

/** How long a statement waits for another connection's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

const STORE_HINT = 'pass --store with a breakfix store (a .db file), or a new path to create one there';

/** Open (creating if needed) the SQLite file, set it up and bring its schema up to date. A path that
 * is not a store — not SQLite, a folder, a store from a newer breakfix, a folder that cannot be made —
 * is an InputError naming it, never a raw SqliteError. */
export function openDatabase(file: string): Database.Database {
  const fail = (message: string, hint = STORE_HINT) =>
    new InputError(message, file, undefined, undefined, hint);
  if (file !== ':memory:') {
    let isDir = false;
    try {
      isDir = statSync(file).isDirectory();
    } catch {
      // missing: SQLite creates it
    }
    if (isDir) throw fail('not a breakfix store: it is a folder, not a file');
    // Opened read-write, SQLite would leave -wal and -shm files of this user beside a store it
    // cannot write (after which the store's owner cannot write it either), and the command would
    // fail at its first write, its work so far lost: refused before anything is opened. Checked
    // before the folder is, so that a store in a read-only folder (a colleague's, a CI artifact)
    // gets this message rather than the folder's, whose hint is to name another store.
    if (existsSync(file) && !storeWritable(file))
      throw fail(
        'the store is read-only for this user (the file, its -wal/-shm files or its folder): this command writes to it',
        `run it as a user who can write the store, or ${READ_ONLY_HINT}; report, vulns, view and model list read it as it is`,
      );
    ensureOutputDir(dirname(file), { what: 'store folder', hint: STORE_HINT });
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(file);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const conn = db;
    retryWhileBusy(() => prepareStore(conn, fail));
    return db;
  } catch (err) {
    db?.close();
    throw openError(err, file, fail);
  }
}

const READ_ONLY_HINT =
  'copy the store (its .db file, and its -wal file when there is one) into a folder you can write, and pass --store with the copy';

/** Whether this process can write the store at `file`: its folder (where SQLite keeps the -wal and
 * -shm files of a WAL store), the file itself and those two files where they exist. A store that
 * exists and is not writable is for `openStore(file, { readOnly: true })`: opened read-write, SQLite
 * would make -wal and -shm files this user owns beside another user's store (after which its owner's
 * writes fail), or fail in a folder it cannot write. As root only a read-only mount says no. */
export function storeWritable(file: string): boolean {
  const abs = resolve(file);
  try {
    accessSync(dirname(abs), constants.W_OK);
    for (const f of [abs, `${abs}-wal`, `${abs}-shm`]) if (existsSync(f)) accessSync(f, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The size of `file`, 0 when there is none. */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Open an existing store without writing anything: not the file, not its folder (no -wal or -shm is
 * made), no migration. A store whose write-ahead log is empty (every change checkpointed into the
 * file: how a store is left when the last process closed it) is read into memory as it is on disk.
 * One whose log holds changes is read through the log when its -shm index is there too (another
 * process has it open); without the index, SQLite would have to make one beside it, and the store
 * is refused with what to do. A store that needs a schema upgrade (which writes) is refused too.
 * Every refusal is an InputError naming the file (exit 2), never a raw SqliteError. */
export function openReadOnlyDatabase(file: string): Database.Database {
  const fail = (message: string, hint = READ_ONLY_HINT) =>
    new InputError(message, file, undefined, undefined, hint);
  let db: Database.Database | undefined;
  try {
    for (let attempt = 1; !db; attempt++) {
      let stat: ReturnType<typeof statSync>;
      try {
        stat = statSync(file);
      } catch (err) {
        throw fail(`cannot read the store: ${describeFsError(err)}`, STORE_HINT);
      }
      if (stat.isDirectory()) throw fail('not a breakfix store: it is a folder, not a file', STORE_HINT);
      if (sizeOf(`${file}-wal`) > 0) {
        if (!existsSync(`${file}-shm`))
          throw fail(
            `the store is read-only here, and its write-ahead log (${basename(file)}-wal) holds changes not yet in the store file: reading them needs the -shm index SQLite would have to create beside it`,
          );
        db = new Database(file, { readonly: true, fileMustExist: true });
        break;
      }
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (err) {
        throw fail(`cannot read the store: ${describeFsError(err)}`, STORE_HINT);
      }
      const after = statSync(file);
      // Written meanwhile (a checkpoint of another process, a log begun): read it again.
      if (
        after.size !== bytes.length ||
        after.mtimeMs !== stat.mtimeMs ||
        after.size !== stat.size ||
        sizeOf(`${file}-wal`) > 0
      ) {
        if (attempt >= 3)
          throw new BreakfixError(
            `the store kept changing while it was read (${file})`,
            'store',
            'run the command again once the process writing it is done',
          );
        continue;
      }
      // A WAL store's header says so (bytes 18 and 19 are 2), and SQLite would look for its -shm
      // beside a copy in memory; with the log empty the file is the whole store: read it as a
      // rollback-journal one.
      if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) {
        bytes[18] = 1;
        bytes[19] = 1;
      }
      db = new Database(bytes, { readonly: true });
    }
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const { version, tables } = readSchema(db);
    checkSchema(version, tables, fail);
    if (version === 0) throw fail('the store is empty: nothing has been run with it yet', STORE_HINT);
    if (version < migrations.length)
      throw fail(
        `the store is read-only here, and its schema (version ${version}) is older than this breakfix's (${migrations.length}): upgrading it writes to it`,
        `${READ_ONLY_HINT} (breakfix upgrades the copy), or run breakfix on it once as a user who can write it`,
      );
    return db;
  } catch (err) {
    db?.close();
    if (
      err instanceof Database.SqliteError &&
      (err.code.startsWith('SQLITE_READONLY') || err.code.startsWith('SQLITE_CANTOPEN'))
    )
      throw fail(`the store cannot be read without writing beside it: ${err.message} (${err.code})`);
    throw openError(err, file, fail);
  }
}

/** A failure to open or set up the store at `file`, as the error to throw: an InputError naming the
 * file for a path that is no usable store, a BreakfixError for a lock or a broken driver. */
function openError(
  err: unknown,
  file: string,
  fail: (message: string, hint?: string) => InputError,
): unknown {
  if (err instanceof InputError) return err;
  const message = sqliteProblem(err);
  if (message && (err as SqliteError).code.startsWith('SQLITE_BUSY'))
    return new BreakfixError(`${message} (${file})`, 'store', sqliteRemedy(err as SqliteError));
  if (message)
    return fail(
      message,
      (err as SqliteError).code === 'SQLITE_NOTADB' ? STORE_HINT : sqliteRemedy(err as SqliteError),
    );
  // The SQLite driver is a native module built at install time: an install that skipped its
  // build script (npm's --ignore-scripts, or a package manager that runs only approved scripts)
  // leaves no binary, and its own error names none of that.
  if (/Could not locate the bindings file|NODE_MODULE_VERSION|invalid ELF header/.test(errorMessage(err)))
    return new BreakfixError(
      `the SQLite driver (better-sqlite3) has no working native build: ${errorMessage(err).split('\n')[0]}`,
      'store_driver',
      "let better-sqlite3's install script run (npm 11.19 and later run only approved scripts: `npm install-scripts approve better-sqlite3`; --ignore-scripts skips it), then `npm rebuild better-sqlite3`",
    );
  return err;
}

/** The store's schema version and how many tables it holds, read in one transaction (one snapshot). */
function readSchema(db: Database.Database): { version: number; tables: number } {
  return db.transaction(() => ({
    version: db.pragma('user_version', { simple: true }) as number,
    tables: (
      db
        .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .get() as { n: number }
    ).n,
  }))();
}

/** Refuses a store from a newer breakfix, and a database whose tables are someone else's (a new store
 * has no tables yet; tables without a breakfix schema version are not a store). */
function checkSchema(
  version: number,
  tables: number,
  fail: (message: string, hint?: string) => InputError,
): void {
  if (version > migrations.length)
    throw fail(
      `store schema version ${version} is newer than this breakfix understands (${migrations.length}); upgrade breakfix`,
      STORE_HINT,
    );
  if (version === 0 && tables > 0)
    throw fail('not a breakfix store: a SQLite database with tables of its own', STORE_HINT);
}

/** Check that `db` is a breakfix store (or a new file) and bring it to the current schema. */
function prepareStore(db: Database.Database, fail: (message: string, hint?: string) => InputError): void {
  // The first statement that reads the file (where "not a database" surfaces); a file that is not a
  // store is refused before anything (the journal mode) is written to it.
  // Version and tables are read in one transaction (one snapshot): another process creating the
  // same new store commits its first migration between two separate reads, and version 0 beside
  // its tables looked like someone else's database.
  const { version, tables } = readSchema(db);
  checkSchema(version, tables, fail);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable against process crashes in WAL mode (only power loss can drop the last commits).
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  try {
    migrate(db);
  } catch (err) {
    // A store of an older schema is upgraded when it is opened, by any command (a report too).
    if (err instanceof Database.SqliteError && err.code.startsWith('SQLITE_READONLY'))
      throw fail(
        `cannot write to the store to upgrade its schema (version ${version} to ${migrations.length}, this breakfix's): ${err.message}`,
        sqliteRemedy(err),
      );
    throw err;
  }
}

/** Run `setup` again while another process holds the database lock in a way SQLite reports at once
 * instead of waiting out busy_timeout (switching a new file to WAL, or recovering its WAL index,
 * while several processes open it together). Every step of `setup` can be repeated. */
function retryWhileBusy(setup: () => void, tries = 20): void {
  for (let attempt = 1; ; attempt++) {
    try {
      setup();
      return;
    } catch (err) {
      const busy = err instanceof Database.SqliteError && err.code.startsWith('SQLITE_BUSY');
      if (!busy || attempt >= tries) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25 * attempt);
    }
  }
}

/** The SQLite failures that mean "this path is not a usable store", in words. */
function sqliteProblem(err: unknown): string | undefined {
  if (!(err instanceof Database.SqliteError)) return undefined;
  const code = err.code;
  if (code === 'SQLITE_NOTADB') return 'not a breakfix store: file is not a SQLite database';
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_'))
    return `the store is damaged: ${err.message}`;
  if (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_CANTOPEN_'))
    return `cannot open the store: ${err.message}`;
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_') || code === 'SQLITE_PERM')
    return `cannot write to the store: ${err.message}`;
  if (code === 'SQLITE_FULL') return `the disk is full: the store cannot grow (${err.message})`;
  // (Another breakfix writes for milliseconds at a time: a lock held past busy_timeout is another
  // program's open transaction.)
  if (code.startsWith('SQLITE_BUSY'))
    return `the store stayed locked by another program past the ${BUSY_TIMEOUT_MS / 1000} s breakfix waits for a write (${err.message})`;
  if (code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_'))
    return `the store cannot be read or written: ${err.message} (${code})`;
  return undefined;
}

/** What to do about a failure `sqliteProblem` names. */
function sqliteRemedy(err: SqliteError): string {
  const code = err.code;
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code.startsWith('SQLITE_CANTOPEN'))
    return 'make the store file and its folder writable by this user (or pass --store with another path)';
  if (code === 'SQLITE_FULL') return 'free disk space';
  if (code.startsWith('SQLITE_BUSY'))
    return 'end the transaction that holds it (a sqlite3 shell or database browser open on the file)';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
    return "restore the store from a copy (`breakfix config check` runs SQLite's integrity check on it)";
  return "check the disk and the store file's permissions";
}

/** `store` with a SQLite failure of any of its calls — the file made read-only, the disk full, a
 * damaged page met mid-run — as a BreakfixError naming the file (exit 3), not an unexplained error
 * that reads as breakfix's bug. The failed call's transaction was rolled back: what was stored stays. */
export function withStoreErrors(store: Store, file: string): Store {
  const wrapped = Object.entries(store).map(([key, value]) => {
    if (typeof value !== 'function') return [key, value];
    const call = value as (...args: unknown[]) => unknown;
    return [
      key,
      (...args: unknown[]) => {
        try {
          return call(...args);
        } catch (err) {
          const problem = sqliteProblem(err);
          if (!problem) throw err;
          throw new BreakfixError(
            `${problem} (${file})`,
            'store',
            `${sqliteRemedy(err as SqliteError)}, then run the command again: what the store held before this call is kept (a run with an id resumes)`,
          );
        }
      },
    ];
  });
  return Object.fromEntries(wrapped) as Store;
}
