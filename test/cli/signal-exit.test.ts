// Ctrl-C or SIGTERM during a command that has no stored run to mark (here curate, over a real store
// and the embedded model): it exits 130 / 143 saying so, with --json an error document on stdout, as
// bench, redteam and cycle do; it died by the signal, silent, with nothing on stdout.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli, spawnCli } from './run-cli.js';

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
      const { child, done, stderrMatches } = spawnCli(args, { cwd: dir });
      // Its first progress line: the work has begun.
      await stderrMatches(/curate: .*started/);
      child.kill(signal);
      const { code: exitCode, stdout, stderr } = await done;
      expect(exitCode).toBe(code);
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
