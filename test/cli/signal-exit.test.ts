// Ctrl-C or SIGTERM during a command that has no stored run to mark (here curate, over a real store
// and the embedded model): it exits 130 / 143 saying so, with --json an error document on stdout, as
// bench, redteam and cycle do; it died by the signal, silent, with nothing on stdout.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { MAIN, runCli, TSX } from './run-cli.js';

let dir: string;
let store: string;
let runId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-signal-'));
  store = join(dir, 's.db');
  const rt = await runCli(['redteam', '--budget', '6', '--store', store, '--json'], { cwd: dir });
  expect([0, 1]).toContain(rt.code);
  runId = JSON.parse(rt.stdout).runId;
}, 120_000);

describe('a command stopped by a signal', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`curate stopped by ${signal} exits ${code} with the error on stderr and, with --json, on stdout`, async () => {
      const args = ['curate', '--store', store, '--out', join(dir, `out-${signal}`), '--json'];
      const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
        cwd: dir,
        env: { ...process.env, CI: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
      // Its first progress line: the work has begun.
      const working = new Promise<void>((resolve) =>
        child.stderr.setEncoding('utf8').on('data', (d) => {
          stderr += d;
          if (/curate: .*started/.test(stderr)) resolve();
        }),
      );
      const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('close', (c, s) => resolve({ code: c, signal: s })),
      );
      await working;
      child.kill(signal);
      expect(await exit).toEqual({ code, signal: null });
      expect(stderr).toContain(
        `breakfix: interrupted by ${signal}: breakfix curate stopped before it finished`,
      );
      expect(JSON.parse(stdout).error).toMatchObject({ code: 'interrupted', exitCode: code });
      // Nothing half-curated was stored.
      const db = openStore(store);
      try {
        expect(db.listRecords({ runId }).length).toBe(0);
      } finally {
        db.close();
      }
    }, 120_000);
  }
});
