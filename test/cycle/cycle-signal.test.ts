// `breakfix cycle` stopped with Ctrl-C, as a user stops it: a child process over a real store. The
// run says its id before the work, is marked interrupted, exits 130 with the way back in (and an
// error document on stdout with --json), and `cycle --run <id>` finishes it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
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
});
