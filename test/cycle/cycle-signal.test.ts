// `breakfix cycle` stopped with Ctrl-C, as a user stops it: a child process over a real store. The
// run says its id before the work, is marked interrupted, exits 130 with the way back in (and an
// error document on stdout with --json), and `cycle --run <id>` finishes it.
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { alive } from '../helpers/processes.js';
import { miniCycleConfig, runBreakfix } from '../reliability/helpers-cycle.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-sigint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('breakfix cycle and SIGINT', () => {
  it('a stopped cycle is marked interrupted, lets go of its claim, exits 130 naming its id, and continues with --run', async () => {
    const config = miniCycleConfig(dir);
    let signalled = false;
    const stopped = await runBreakfix(['cycle', '-c', config, '--json'], {
      onLine: (line, child) => {
        // Stopped inside round 0's curation, with its bench and red team already stored.
        if (!signalled && /curate: answer and check: started/.test(line)) {
          signalled = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(signalled, stopped.stderr).toBe(true);
    expect(stopped.code, stopped.stderr).toBe(130);
    const runId = /run (\S+) \(resume after a stop/.exec(stopped.stderr)?.[1] as string;
    expect(runId).toBeTruthy();
    expect(stopped.stderr).toContain(`interrupted by SIGINT: run ${runId} stopped`);
    expect(stopped.stderr).toContain(`hint: resume it: breakfix cycle --run ${runId}`);
    expect(JSON.parse(stopped.stdout).error).toMatchObject({ code: 'interrupted', exitCode: 130 });
    let db = openStore(join(dir, 'b.db'));
    expect(db.getRun(runId)?.status).toBe('interrupted');
    db.close();
    // It let go of its claim: a resume on another host (which cannot see that this process is gone)
    // need not wait for the claim's heartbeat to go stale.
    const raw = new Database(join(dir, 'b.db'));
    expect(raw.prepare('SELECT owner FROM runs WHERE id = ?').get(runId)).toEqual({ owner: null });
    raw.close();

    const resumed = await runBreakfix(['cycle', '-c', config, '--run', runId, '--json']);
    expect([0, 1], resumed.stderr).toContain(resumed.code);
    const out = JSON.parse(resumed.stdout);
    expect(out.rounds.map((r: { round: number }) => r.round)).toEqual([0, 1]);
    // (as the text's "run … (resumed)" line says it)
    expect(out).toMatchObject({ resumed: true, stopped: 'round 1: last round reached' });
    db = openStore(join(dir, 'b.db'));
    expect(db.getRun(runId)?.status).toBe('done');
    db.close();
  }, 300_000);

  it("stopped while an outside trainer runs, it stops the trainer's processes before it exits 130, and the run resumes", async () => {
    // The trainer runs in a process group of its own, which a terminal's Ctrl-C does not reach: the
    // cycle's own handler exited at once and left it training (in earnest, GPUs held) with nobody
    // to stop it, while the train backend's handler, which stops it, never ran.
    const sub = join(dir, 'trainer');
    mkdirSync(sub);
    const config = miniCycleConfig(sub);
    appendFileSync(
      config,
      `  backend: command\n  command:\n    template: "if [ -n \\"$BF_HANG\\" ]; then sleep 300 & echo $! > ${sub}/sleep.pid; echo $$ > ${sub}/sh.pid; wait; fi; mkdir -p {out} && cp {base}/* {out}/"\n`,
    );
    const pidIn = (f: string) =>
      existsSync(join(sub, f)) ? Number(readFileSync(join(sub, f), 'utf8').trim() || 0) : 0;
    let child: ChildProcess | undefined;
    try {
      const running = runBreakfix(['cycle', '-c', config, '--json'], {
        env: { BF_HANG: '1' },
        onSpawn: (c) => {
          child = c;
        },
      });
      // (both numbers written: a pid read as 0 would signal this test's own group in the cleanup)
      expect(await until(() => pidIn('sleep.pid') > 1 && pidIn('sh.pid') > 1, 240_000)).toBe(true);
      child?.kill('SIGINT');
      const stopped = await running;
      expect(stopped.code, stopped.stderr).toBe(130);
      expect(await until(() => !alive(pidIn('sleep.pid')) && !alive(pidIn('sh.pid')), 10_000)).toBe(true);
      const runId = /run (\S+) \(resume after a stop/.exec(stopped.stderr)?.[1] as string;
      expect(stopped.stderr).toContain(`interrupted by SIGINT: run ${runId} stopped`);
      expect(stopped.stderr).toContain(`hint: resume it: breakfix cycle --run ${runId}`);
      expect(JSON.parse(stopped.stdout).error).toMatchObject({ code: 'interrupted', exitCode: 130 });
      const db = openStore(join(sub, 'b.db'));
      expect(db.getRun(runId)?.status).toBe('interrupted');
      db.close();

      const resumed = await runBreakfix(['cycle', '-c', config, '--run', runId, '--json']);
      expect([0, 1], resumed.stderr).toContain(resumed.code);
      expect(JSON.parse(resumed.stdout).rounds.map((r: { round: number }) => r.round)).toEqual([0, 1]);
    } finally {
      child?.kill('SIGKILL');
      for (const f of ['sleep.pid', 'sh.pid'])
        if (pidIn(f) > 1)
          try {
            process.kill(pidIn(f), 'SIGKILL');
          } catch {}
    }
  }, 300_000);
});

const until = async (ok: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return ok();
};
