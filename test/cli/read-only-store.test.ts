// The commands that only read the store work on one this user cannot write — a colleague's store, a
// CI artifact unpacked read-only, a read-only mount — and leave it exactly as it was (no -wal or -shm
// beside it, no migration); what they cannot read without writing is exit 2 naming the store and
// what to do. The store's folder and file have their write permissions removed; as root, which
// permissions do not stop, the CLI runs as the unprivileged user 65534 (nobody) instead. (Here too,
// for the same reason: judge's --out onto a file this user cannot write is refused, not replaced.)
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/migrations.js';
import { buildFixtureStore, RUN_ID } from '../report/fixture.js';
import { folderHashes } from '../store/fixtures.js';
import { MAIN, runCli, TSX } from './run-cli.js';

const asRoot = process.getuid?.() === 0;
/** Who runs the CLI: this user, or nobody when this user is root. */
const user = asRoot ? { uid: 65534, gid: 65534 } : {};

const base = mkdtempSync(join(tmpdir(), 'bf-ro-cli-'));
/** Folders above `base` that another user could not pass through, and their modes, restored after. */
const opened: [string, number][] = [];
let fixtureDb = '';

beforeAll(() => {
  if (asRoot)
    for (let d = base; dirname(d) !== d; d = dirname(d)) {
      const mode = statSync(d).mode & 0o7777;
      if (!(mode & 0o001)) {
        opened.push([d, mode]);
        chmodSync(d, mode | 0o011);
      }
    }
  chmodSync(base, 0o755);
  // The CLI's own temp files (tsx's cache) and home go where it can write.
  mkdirSync(join(base, 'tmp'), { mode: 0o777 });
  chmodSync(join(base, 'tmp'), 0o777);
  mkdirSync(join(base, 'cwd'));
  chmodSync(join(base, 'cwd'), 0o777);
  const f = buildFixtureStore();
  f.store.close();
  fixtureDb = f.storePath;
});

afterAll(() => {
  for (const [d, mode] of opened.reverse()) chmodSync(d, mode);
  // (make what the tests locked writable again so it can be removed)
  for (const e of readdirSync(base, { recursive: true, withFileTypes: true }))
    if (e.isDirectory()) chmodSync(join(e.parentPath, e.name), 0o755);
  rmSync(base, { recursive: true, force: true });
});

let n = 0;
/** A copy of the fixture store in `<base>/s<n>/.breakfix/`, its folder and file read-only (or only
 * its file, with `folder: 'writable'`). */
function readOnlyStore(opts: { folder?: 'writable'; version?: number } = {}): { dir: string; file: string } {
  const dir = join(base, `s${n++}`, '.breakfix');
  mkdirSync(dir, { recursive: true });
  chmodSync(dirname(dir), 0o755);
  const file = join(dir, 'breakfix.db');
  copyFileSync(fixtureDb, file);
  if (opts.version !== undefined) {
    const db = new Database(file);
    db.pragma(`user_version = ${opts.version}`);
    db.close();
  }
  chmodSync(file, 0o444);
  chmodSync(dir, opts.folder === 'writable' ? 0o777 : 0o555);
  return { dir, file };
}

const cli = (args: string[]) =>
  runCli(args, {
    cwd: join(base, 'cwd'),
    env: { TMPDIR: join(base, 'tmp'), HOME: join(base, 'tmp') },
    ...user,
  });

/** Whether the unprivileged user can run the CLI from where this checkout lies (a checkout under a
 * 0700 home would stop it before it reads any store): else the suite is skipped, saying why. */
const nobodyCanRun =
  !asRoot ||
  spawnSync(
    process.execPath,
    ['--import', TSX, '-e', `require('node:fs').accessSync(${JSON.stringify(MAIN)}, 4)`],
    {
      ...user,
      cwd: tmpdir(),
    },
  ).status === 0;

describe.skipIf(process.platform === 'win32' || !nobodyCanRun)(
  `reading a store this user cannot write${nobodyCanRun ? '' : ' (skipped: as root, and user 65534 cannot read this checkout)'}`,
  () => {
    it('report, vulns, model list, curate --export-only and config check read it, and leave it as it was', async () => {
      const { dir, file } = readOnlyStore();
      const before = folderHashes(dir);
      const json = await cli(['report', '--store', file, '--format', 'json', '--out', '-']);
      expect(json.stderr).toBe('');
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ run: { id: RUN_ID } });

      const vulns = await cli(['vulns', '--store', file, '--run', RUN_ID, '--round', '0']);
      expect(vulns.stderr).toBe('');
      expect(vulns.stdout).toContain(`vulnerabilities · run ${RUN_ID} · round 0`);
      expect(vulns.code).toBe(1); // open vulnerabilities

      const models = await cli(['model', 'list', '--store', file, '--json']);
      expect(models.code).toBe(0);
      expect(JSON.parse(models.stdout).filter((m: { source: string }) => m.source === 'store')).toHaveLength(
        3,
      );

      const exported = await cli([
        'curate',
        '--export-only',
        '--store',
        file,
        '--run',
        RUN_ID,
        '--round',
        '1',
        '--out',
        join(base, 'cwd', 'export'),
      ]);
      // (nothing on stderr but the note that round 2's candidate also trained on round 0's records)
      expect(exported.stderr).toMatch(
        /^the candidate after round 1 trained on rounds 0-1: \d+ more records than this round's own; --cumulative exports them all\n$/,
      );
      expect(exported.code).toBe(0);

      const check = await cli(['config', 'check', '--store', file, '--json']);
      expect(check.code).toBe(0);
      const checked = JSON.parse(check.stdout);
      expect(checked.data.store).toEqual({ path: file, exists: true, writable: false });
      expect(checked.warnings.join('\n')).toContain(`the store ${file} is read-only for this user`);

      expect(folderHashes(dir)).toEqual(before);
    }, 120_000);

    it("report's default file beside the store: says where it could not write and that --out writes elsewhere", async () => {
      const { dir, file } = readOnlyStore();
      const before = folderHashes(dir);
      const r = await cli(['report', '--store', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`cannot write in ${dir}`);
      expect(r.stderr).toContain(
        'hint: pass --out FILE to write the report elsewhere, or --out - for stdout',
      );
      const out = join(base, 'cwd', 'report.html');
      const ok = await cli(['report', '--store', file, '--out', out]);
      expect(ok.code).toBe(0);
      expect(readFileSync(out, 'utf8')).toContain(RUN_ID);
      // So does curate --export-only's default folder.
      const exported = await cli([
        'curate',
        '--export-only',
        '--store',
        file,
        '--run',
        RUN_ID,
        '--round',
        '1',
      ]);
      expect(exported.code).toBe(2);
      expect(exported.stderr).toContain(`cannot write in ${dir}`);
      expect(exported.stderr).toContain('hint: pass --out DIR to export elsewhere');
      expect(folderHashes(dir)).toEqual(before);
    });

    it('a read-only file in a writable folder: no -wal or -shm of this user left beside it (its owner could no longer write)', async () => {
      const { dir, file } = readOnlyStore({ folder: 'writable' });
      const r = await cli(['report', '--store', file, '--format', 'json', '--out', '-']);
      expect(r.code).toBe(0);
      expect(readdirSync(dir)).toEqual(['breakfix.db']);
    });

    it('a command that writes (curate): exit 2 before it opens the store, nothing left beside it', async () => {
      const { dir, file } = readOnlyStore({ folder: 'writable' });
      const before = folderHashes(dir);
      // (--force: curate the round again, replacing its stored records)
      const r = await cli(['curate', '--store', file, '--run', RUN_ID, '--round', '0', '--force']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('the store is read-only for this user');
      expect(r.stderr).toMatch(/hint: run it as a user who can write the store, or copy the store/);
      expect(folderHashes(dir)).toEqual(before);
    });

    it('a command that writes, on a store in a read-only folder: the read-only message, not the folder one', async () => {
      // A colleague's store or an unpacked CI artifact: the folder is read-only too. The folder's
      // own message ("cannot write in the store folder", hint: name another store) came first and
      // told the user to pass --store with the store they had passed.
      const { dir, file } = readOnlyStore();
      const before = folderHashes(dir);
      const r = await cli(['curate', '--store', file, '--run', RUN_ID, '--round', '0', '--force']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`the store is read-only for this user`);
      expect(r.stderr).toContain(`(${file})`);
      expect(r.stderr).toMatch(/hint: run it as a user who can write the store, or copy the store/);
      expect(r.stderr).not.toContain('cannot write in the store folder');
      expect(folderHashes(dir)).toEqual(before);
    });

    it('a store of an older schema: exit 2 naming the store, why and what to do; left at its version', async () => {
      const { dir, file } = readOnlyStore({ version: migrations.length - 1 });
      const before = folderHashes(dir);
      const r = await cli(['vulns', '--store', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `breakfix: the store is read-only here, and its schema (version ${migrations.length - 1}) is older than this breakfix's (${migrations.length}): upgrading it writes to it (${file})\nhint: copy the store (its .db file, and its -wal file when there is one) into a folder you can write, and pass --store with the copy (breakfix upgrades the copy), or run breakfix on it once as a user who can write it\n`,
      );
      expect(folderHashes(dir)).toEqual(before);
    });

    it('judge --out onto an existing file this user cannot write: exit 2 naming it, never replaced by a rename', async () => {
      // (its folder is writable: the staged OUT.partial-PID could be renamed over the file)
      const dir = join(base, `j${n++}`);
      mkdirSync(dir, { mode: 0o777 });
      chmodSync(dir, 0o777);
      writeFileSync(join(dir, 'in.jsonl'), `${JSON.stringify({ prompt: 'Hi', response: 'Hello!' })}\n`);
      const out = join(dir, 'out.jsonl');
      writeFileSync(out, 'earlier results\n');
      chmodSync(out, 0o444);
      const r = await cli([
        'judge',
        'refusal',
        '--in',
        join(dir, 'in.jsonl'),
        '--out',
        out,
        '--store',
        join(dir, 's.db'),
      ]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`breakfix: cannot write --out: permission denied (${out})`);
      expect(readFileSync(out, 'utf8')).toBe('earlier results\n');
    });
  },
);
