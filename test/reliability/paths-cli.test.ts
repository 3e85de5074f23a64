// Paths through the real CLI (src/cli/main.ts in a child process): a --store that is not a store, a
// run id that would name a file outside its folder, and output paths that cannot be written (a file
// where a folder should be, a folder where a file should be, a missing folder, /proc) all end with
// exit 2 and one message naming the path — never a raw errno or SqliteError reported as a bug
// (exit 3), never a hang, and nothing written outside the folders breakfix owns.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectSeeds } from '../../src/break/index.js';
import { openStore } from '../../src/store/index.js';
import { type CliResult, MAIN, runCli } from '../cli/run-cli.js';
import { attemptFor } from '../fix/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'breakfix-paths-cli-'));
// The store sits two folders down, so that a run id climbing `../../` would land inside `root`.
const work = join(root, 'a', 'b');
const STORE = join(work, 'bf.db');
const GOOD = 'run_paths_ok';
const EVIL = '../../x y';
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A run id from an old store (written before ids were checked), with attempts to curate. */
beforeAll(() => {
  mkdirSync(work, { recursive: true });
  const store = openStore(STORE);
  store.createRun({ id: GOOD, kind: 'redteam', config: {}, seed: 7 });
  const train = selectSeeds({ kind: 'harmful', split: 'train', language: 'en' }).slice(0, 6);
  const attempts = (runId: string) =>
    train.map((s, i) =>
      attemptFor(s, { outcome: i % 3 ? 'success' : 'failure', runId, round: 0, id: `${runId}-${i}` }),
    );
  store.saveAttempts(attempts(GOOD));
  store.close();
  const db = new Database(STORE);
  db.prepare(
    `INSERT INTO runs (id, kind, status, config, seed, created_at, updated_at)
     VALUES (?, 'redteam', 'done', '{}', 7, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
  ).run(EVIL);
  db.close();
  const again = openStore(STORE);
  again.saveAttempts(attempts(EVIL));
  again.close();
});

const expectClear = (r: CliResult, names: string | RegExp, what = '') => {
  expect(r.code, `${what}\n${r.stderr}`).toBe(2);
  if (typeof names === 'string') expect(r.stderr, what).toContain(names);
  else expect(r.stderr, what).toMatch(names);
  expect(r.stderr, what).not.toMatch(/looks like a bug|E[A-Z]{4,}:|SqliteError/);
};

describe('a --store that is not a breakfix store', () => {
  it('a text file: every command exits 2 naming it, and leaves it alone', async () => {
    const bad = join(root, 'bad.db');
    writeFileSync(bad, 'hi\n');
    const results = await Promise.all(
      ['vulns', 'report', 'redteam', 'view', 'curate'].map(async (cmd) => {
        const extra = cmd === 'redteam' ? ['--budget', '1'] : cmd === 'view' ? ['--port', '0'] : [];
        return [cmd, await runCli([cmd, '--store', bad, ...extra], { cwd: root })] as const;
      }),
    );
    for (const [cmd, r] of results) {
      expectClear(r, bad, cmd);
      expect(r.stderr, cmd).toContain('not a breakfix store: file is not a SQLite database');
    }
    expect(readFileSync(bad, 'utf8')).toBe('hi\n');
  });

  it('a path under a regular file, and a folder', async () => {
    const plain = join(root, 'plain.txt');
    writeFileSync(plain, 'x');
    const [under, folder] = await Promise.all([
      // (bench makes its store; vulns, a reader, would only say there is no store there)
      runCli(['bench', '--suite', 'helpfulness', '--limit', '1', '--store', join(plain, 'sub', 'bf.db')], {
        cwd: root,
      }),
      runCli(['vulns', '--store', work], { cwd: root }),
    ]);
    expectClear(under, `${plain} is a file, not a folder`);
    expectClear(folder, work);
    expect(folder.stderr).toMatch(/not a breakfix store: it is a folder/);
  });
});

describe('run ids never become paths outside their folder', () => {
  it('redteam --run-id with a path in it is refused before anything is stored', async () => {
    const store = join(root, 'w1', 'bf.db');
    const r = await runCli(['redteam', '--run-id', EVIL, '--budget', '2', '--store', store], { cwd: root });
    expectClear(r, /run-id: invalid run id/);
    const s = openStore(store);
    expect(s.listRuns()).toEqual([]);
    s.close();
  });

  it('report and curate of a run id from an old store write nothing outside the store folder', async () => {
    const [report, curate] = await Promise.all([
      runCli(['report', '--run', EVIL, '--store', STORE], { cwd: root }),
      runCli(['curate', '--run', EVIL, '--round', '0', '--store', STORE], { cwd: root }),
    ]);
    expectClear(report, /run-id: run id .* cannot name a report file/, 'report');
    expect(report.stderr).toMatch(/--out/);
    expectClear(curate, /run-id: run id .* cannot name a folder/, 'curate');
    // <store dir>/reports/../../x y.html and <store dir>/datasets/../../x y/ would land beside `b`.
    expect(readdirSync(join(root, 'a'))).toEqual(['b']);
    // With --out the same run reports fine: the run id names no file then.
    const out = join(work, 'evil.md');
    const ok = await runCli(['report', '--run', EVIL, '--store', STORE, '--out', out], { cwd: root });
    expect([0, 1]).toContain(ok.code);
    expect(existsSync(out)).toBe(true);
  });
});

/** runCli with a deadline: a command that loops forever is killed, not left spinning. */
function runCliWithin(ms: number, args: string[]): Promise<CliResult> {
  const tsx = pathToFileURL(
    join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs'),
  ).href;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, MAIN, ...args], {
      cwd: root,
      env: { ...process.env, CI: 'true', BREAKFIX_DEBUG: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: ms,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('output paths that cannot be written', () => {
  const existing = join(root, 'existing.yaml');
  beforeAll(() => writeFileSync(existing, 'a: 1\n'));

  it('curate --out under a file, or a file, is exit 2 naming it', async () => {
    const [under, file] = await Promise.all([
      runCli(['curate', '--run', GOOD, '--round', '0', '--store', STORE, '--out', join(existing, 'sub')], {
        cwd: root,
      }),
      runCli(['curate', '--run', GOOD, '--round', '0', '--store', STORE, '--out', existing], { cwd: root }),
    ]);
    expectClear(under, `${existing} is a file, not a folder`, 'under');
    expectClear(file, existing, 'file');
    expect(file.stderr).toMatch(/export folder \(--out\) is a file, not a folder/);
    expect(readFileSync(existing, 'utf8')).toBe('a: 1\n');
  });

  it.runIf(process.platform === 'linux')(
    'curate --out /proc/… fails at once instead of looping',
    async () => {
      const r = await runCliWithin(45_000, [
        'curate',
        '--run',
        GOOD,
        '--round',
        '0',
        '--store',
        STORE,
        '--out',
        '/proc/breakfix-nope',
      ]);
      expectClear(r, '/proc/breakfix-nope');
    },
    60_000,
  );

  it.runIf(process.platform === 'linux')(
    'a --store under /proc fails at once instead of looping',
    async () => {
      const r = await runCliWithin(45_000, [
        'bench',
        '--suite',
        'helpfulness',
        '--limit',
        '1',
        '--store',
        '/proc/breakfix-nope/sub/bf.db',
      ]);
      expectClear(r, /cannot create the store folder: \/proc\/breakfix-nope/);
    },
    60_000,
  );

  it('report --out under a file, or onto a folder, is exit 2 naming it', async () => {
    const [under, folder] = await Promise.all([
      runCli(['report', '--run', GOOD, '--store', STORE, '--out', join(existing, 'x.html')], { cwd: root }),
      runCli(['report', '--run', GOOD, '--store', STORE, '--out', work], { cwd: root }),
    ]);
    expectClear(under, `${existing}`, 'under');
    expect(under.stderr).toMatch(/is a file, not a folder/);
    expectClear(folder, work, 'folder');
    expect(folder.stderr).toMatch(/report file \(--out\) is a folder, not a file/);
  });

  it('init into a missing folder, onto a folder, or under a file is exit 2 naming it', async () => {
    const cwd = join(root, 'w2');
    mkdirSync(cwd);
    const [missing, dot, under] = await Promise.all([
      runCli(['init', 'sub/dir/x.yaml'], { cwd }),
      runCli(['init', '.', '--force'], { cwd }),
      runCli(['init', join(existing, 'x.yaml')], { cwd }),
    ]);
    expectClear(missing, join(cwd, 'sub'), 'missing');
    expect(missing.stderr).toMatch(/does not exist/);
    expectClear(dot, cwd, 'dot');
    expect(dot.stderr).toMatch(/config file is a folder, not a file/);
    expectClear(under, existing, 'under');
    expect(readdirSync(cwd)).toEqual([]);
    // Still writes where it can.
    const ok = await runCli(['init', 'breakfix.yaml'], { cwd });
    expect(ok.code).toBe(0);
    expect(existsSync(join(cwd, 'breakfix.yaml'))).toBe(true);
  });

  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')(
    'an unwritable folder is named (needs a non-root user)',
    async () => {
      const ro = join(root, 'w3');
      mkdirSync(ro);
      chmodSync(ro, 0o500);
      try {
        const r = await runCli(
          ['curate', '--run', GOOD, '--round', '0', '--store', STORE, '--out', join(ro, 'out')],
          { cwd: root },
        );
        expectClear(r, `cannot write in ${ro}`);
      } finally {
        chmodSync(ro, 0o700);
      }
    },
    30_000,
  );
});
