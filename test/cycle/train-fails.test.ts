// `breakfix cycle` whose trainer fails, as a user meets it: a child process over a real store. The
// error says what failed and how to continue once it is fixed, and that command finishes the run.
// Until a round of the run has trained, the fix may be an edit of the train settings themselves
// (nothing stored came from them); after that, an edit is refused, naming the round they trained.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { miniCycleConfig, runBreakfix } from '../reliability/helpers-cycle.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-train-fails-'));
  dirs.push(dir);
  return dir;
}

// The command backend; the "trainer" copies the base checkpoint, and fails while BF_FAIL is set.
const FAILING =
  'if [ -n \\"$BF_FAIL\\" ]; then echo out of memory >&2; exit 7; fi; mkdir -p {out} && cp {base}/* {out}/';
const FIXED = 'mkdir -p {out} && cp {base}/* {out}/';

function withTrainer(dir: string, template: string): string {
  const config = miniCycleConfig(dir);
  appendFileSync(config, `  backend: command\n  command:\n    template: "${template}"\n`);
  return config;
}

function readRun(db: string, runId: string) {
  const store = openStore(db);
  try {
    return { run: store.getRun(runId), rounds: store.getRounds(runId), models: store.listModels() };
  } finally {
    store.close();
  }
}

function storedTemplate(db: string, runId: string): unknown {
  const store = openStore(db);
  try {
    const config = store.getRun(runId)?.config as { train: { command: { template: string } } } | undefined;
    return config?.train.command.template;
  } finally {
    store.close();
  }
}

describe('breakfix cycle with a failing trainer', () => {
  it('exits 3 with the trainer output and the command that resumes the run, which then finishes it', async () => {
    const dir = tempDir();
    const config = withTrainer(dir, FAILING);
    const failed = await runBreakfix(['cycle', '-c', config, '-q'], { env: { BF_FAIL: '1' } });
    expect(failed.code, failed.stderr).toBe(3);
    expect(failed.stderr).toContain('training command exited with 7; last output:\n  out of memory');
    const runId =
      /hint: fix the trainer, then resume: breakfix cycle --run (\S+) \(same config and store\)/.exec(
        failed.stderr,
      )?.[1];
    expect(runId, failed.stderr).toBeTruthy();
    expect(failed.stderr).toContain('no round of the run has trained yet, so its train settings');

    // The fix is in the template itself. BF_FAIL is still set: the old template would fail again.
    withTrainer(dir, FIXED);
    const resumed = await runBreakfix(['cycle', '-c', config, '--run', runId as string, '--json'], {
      env: { BF_FAIL: '1' },
    });
    expect([0, 1], resumed.stderr).toContain(resumed.code);
    expect(resumed.stderr).toMatch(
      /train settings changed since it started \(train\.command\.template: .*\); none of its rounds has trained yet, so it goes on with the new ones/,
    );
    expect(JSON.parse(resumed.stdout).rounds.map((r: { round: number }) => r.round)).toEqual([0, 1]);
    // The stored config says what the run trained with.
    expect(storedTemplate(join(dir, 'b.db'), runId as string)).toBe(FIXED);
  }, 300_000);

  it('a trainer that writes no model: exit 3 saying what the command must write, and the command that resumes the run', async () => {
    const dir = tempDir();
    const config = withTrainer(dir, 'echo trained nothing');
    const failed = await runBreakfix(['cycle', '-c', config, '-q']);
    expect(failed.code, failed.stderr).toBe(3);
    expect(failed.stderr).toContain('the training command finished but produced no model');
    expect(failed.stderr).toMatch(
      /hint: the command must write the trained checkpoint into \{out\} \(or set train\.command\.target to where it serves the model\); then resume: breakfix cycle --run \S+ \(same config and store\); no round of the run has trained yet/,
    );
  }, 300_000);

  it('refuses (exit 2) an edited trainer once a round has trained with the old one, naming that round', async () => {
    const dir = tempDir();
    const config = withTrainer(dir, FIXED);
    let runId = '';
    // Stopped hard once round 0 has trained its candidate (round 1 starts on it).
    const killed = await runBreakfix(['cycle', '-c', config], {
      onLine: (line, child) => {
        runId ||= /^run (\S+) \(resume after a stop/.exec(line)?.[1] ?? '';
        if (line.startsWith('round 1: model')) child.kill('SIGKILL');
      },
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(runId, killed.stderr).not.toBe('');

    const before = readRun(join(dir, 'b.db'), runId);
    withTrainer(dir, `echo another trainer; ${FIXED}`);
    const refused = await runBreakfix(['cycle', '-c', config, '--run', runId]);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`cycle run ${runId} started with another config`);
    expect(refused.stderr).toContain('train.command.template:');
    expect(refused.stderr).toContain(
      "train settings may change on resume only before the run's first training; round 0 trained with them",
    );
    expect(storedTemplate(join(dir, 'b.db'), runId)).toBe(FIXED);
    // Nothing was run or stored under the edited trainer.
    expect(readRun(join(dir, 'b.db'), runId)).toEqual(before);
  }, 300_000);
});
