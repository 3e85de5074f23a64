// `breakfix redteam` stopped with Ctrl-C, as a user stops it: a child process over a real store. The
// run says its id before the work, is marked interrupted, exits 130 with the way back in, and the
// same command with --run-id finishes it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli, spawnCli } from '../cli/run-cli.js';
import { untilStored } from '../helpers/stored-attempts.js';

describe('breakfix redteam and SIGINT', () => {
  it('a stopped run is marked interrupted, exits 130 naming its id, and resumes with --run-id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-sigint-'));
    const store = join(dir, 's.db');
    const args = ['redteam', '--budget', '120', '--concurrency', '1', '--store', store, '--json'];
    const { child, done, stderrMatches } = spawnCli(args, { cwd: dir });
    const said = await stderrMatches(/run \S+ \(resume after a stop/);
    // Some attempts stored first, so the resume has some to skip.
    await untilStored(store, /run (\S+) \(resume after a stop/.exec(said)?.[1] as string, 2, child);
    child.kill('SIGINT');
    const { code, stdout, stderr } = await done;
    expect(code).toBe(130);
    const runId = /run (\S+) \(resume after a stop/.exec(stderr)?.[1] as string;
    expect(stderr).toContain(`interrupted by SIGINT: run ${runId} stopped`);
    expect(stderr).toContain(`hint: resume it: breakfix redteam --run-id ${runId}`);
    expect(JSON.parse(stdout).error).toMatchObject({ code: 'interrupted', exitCode: 130 });
    let db = openStore(store);
    const stored = db.listAttempts({ runId }).length;
    expect(db.getRun(runId)?.status).toBe('interrupted');
    db.close();
    expect(stored).toBeGreaterThanOrEqual(2);
    expect(stored).toBeLessThan(120);

    const again = await runCli([...args, '--run-id', runId], { cwd: dir });
    expect([0, 1]).toContain(again.code);
    expect(JSON.parse(again.stdout).attempts).toBe(120);
    db = openStore(store);
    expect(db.getRun(runId)?.status).toBe('done');
    expect(new Set(db.listAttempts({ runId }).map((a) => a.id)).size).toBe(120);
    db.close();

    // Run once more, in text: every attempt was stored, none is sent, and the calls and tokens shown
    // are said to be this invocation's (the run's own are in its spend table).
    const text = await runCli(['redteam', '--budget', '120', '--store', store, '--run-id', runId, '-q'], {
      cwd: dir,
    });
    expect([0, 1]).toContain(text.code);
    expect(text.stdout).toMatch(
      /^120 attempts \(0 run, 120 resumed of 120 planned\) · 0 target calls · 0 target tokens \(by the attempts run now: breakfix report has the run’s spend\)/m,
    );
  }, 120_000);
});
