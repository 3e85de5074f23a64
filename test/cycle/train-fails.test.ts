// `breakfix cycle` whose trainer fails, as a user meets it: a child process over a real store. The
// error says what failed and how to continue once it is fixed, and that command finishes the run.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { miniCycleConfig, runBreakfix } from '../reliability/helpers-cycle.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-train-fails-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('breakfix cycle with a failing trainer', () => {
  it('exits 3 with the trainer output and the command that resumes the run, which then finishes it', async () => {
    const config = miniCycleConfig(dir);
    // The command backend; the "trainer" copies the base checkpoint, and fails while BF_FAIL is set.
    appendFileSync(
      config,
      '  backend: command\n  command:\n    template: "if [ -n \\"$BF_FAIL\\" ]; then echo out of memory >&2; exit 7; fi; mkdir -p {out} && cp {base}/* {out}/"\n',
    );
    const failed = await runBreakfix(['cycle', '-c', config, '-q'], { env: { BF_FAIL: '1' } });
    expect(failed.code, failed.stderr).toBe(3);
    expect(failed.stderr).toContain('training command exited with 7; last output:\n  out of memory');
    const runId =
      /hint: fix the trainer, then resume: breakfix cycle --run (\S+) \(same config and store\)/.exec(
        failed.stderr,
      )?.[1];
    expect(runId, failed.stderr).toBeTruthy();

    const resumed = await runBreakfix(['cycle', '-c', config, '--run', runId as string, '--json']);
    expect([0, 1], resumed.stderr).toContain(resumed.code);
    expect(JSON.parse(resumed.stdout).rounds.map((r: { round: number }) => r.round)).toEqual([0, 1]);
  }, 300_000);
});
