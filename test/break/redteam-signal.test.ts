// `breakfix redteam` stopped with Ctrl-C, as a user stops it: a child process over a real store. The
// run says its id before the work, is marked interrupted, exits 130 with the way back in, and the
// same command with --run-id finishes it.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { MAIN, runCli, TSX } from '../cli/run-cli.js';

describe('breakfix redteam and SIGINT', () => {
  it('a stopped run is marked interrupted, exits 130 naming its id, and resumes with --run-id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-sigint-'));
    const store = join(dir, 's.db');
    const args = ['redteam', '--budget', '120', '--concurrency', '1', '--store', store, '--json'];
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd: dir,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    const started = new Promise<void>((resolve) =>
      child.stderr.setEncoding('utf8').on('data', (d) => {
        stderr += d;
        if (/run \S+ \(resume after a stop/.test(stderr)) resolve();
      }),
    );
    const code = new Promise<number | null>((resolve) => child.on('close', resolve));
    await started;
    // Let some attempts be stored first.
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    expect(await code).toBe(130);
    const runId = /run (\S+) \(resume after a stop/.exec(stderr)?.[1] as string;
    expect(stderr).toContain(`interrupted by SIGINT: run ${runId} stopped`);
    expect(stderr).toContain(`hint: resume it: breakfix redteam --run-id ${runId}`);
    expect(JSON.parse(stdout).error).toMatchObject({ code: 'interrupted', exitCode: 130 });
    let db = openStore(store);
    const stored = db.listAttempts({ runId }).length;
    expect(db.getRun(runId)?.status).toBe('interrupted');
    db.close();
    expect(stored).toBeLessThan(120);

    const again = await runCli([...args, '--run-id', runId], { cwd: dir });
    expect([0, 1]).toContain(again.code);
    expect(JSON.parse(again.stdout).attempts).toBe(120);
    db = openStore(store);
    expect(db.getRun(runId)?.status).toBe('done');
    expect(new Set(db.listAttempts({ runId }).map((a) => a.id)).size).toBe(120);
    db.close();
  }, 120_000);
});
