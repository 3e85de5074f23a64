// A red-team run whose store write fails mid-run (another program holds the write lock past the
// busy timeout) rejects only once nothing of it runs: no request is sent and no attempt stored after
// the run said it failed, and a resume then completes the plan with each attempt once. Real HTTP on
// 127.0.0.1, a real SQLite file locked by a second connection in a worker thread (so that the lock
// ends on time while this thread waits in SQLite's busy handler).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { runRedteam, selectSeeds } from '../../src/break/index.js';
import type { Progress } from '../../src/core/index.js';
import { openStore } from '../../src/store/index.js';
import { offlineJudges } from '../helpers/offline-judges.js';
import { startOpenAIServer } from '../helpers/openai-server.js';
import { fakeModelTarget, scriptedFakeModel } from '../reliability/helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const judges = offlineJudges();

/** Takes the store's write lock in another thread and holds it `holdMs`; returns once it is held. */
function lockStoreFor(file: string, holdMs: number): Worker {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const Database = require(workerData.driver);
     const db = new Database(workerData.file);
     db.exec('BEGIN IMMEDIATE');
     db.prepare("UPDATE runs SET updated_at = updated_at").run();
     Atomics.store(workerData.flag, 0, 1);
     Atomics.notify(workerData.flag, 0);
     Atomics.wait(workerData.flag, 0, 1, workerData.holdMs);
     db.exec('COMMIT');
     db.close();`,
    {
      eval: true,
      workerData: { file, holdMs, flag, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
    },
  );
  Atomics.wait(flag, 0, 0, 10_000);
  expect(Atomics.load(flag, 0)).toBe(1);
  return worker;
}

describe('red team: a store write that fails mid-run', () => {
  it('rejects with nothing left running: no request sent, no attempt stored after it; a resume completes the plan', async () => {
    const server = await startOpenAIServer({ script: scriptedFakeModel, latencyMs: 300 });
    const dir = mkdtempSync(join(tmpdir(), 'bf-redteam-store-failure-'));
    dirs.push(dir);
    const file = join(dir, 'b.db');
    const store = openStore(file);
    const target = fakeModelTarget(server.url, { retries: 0, concurrency: 4 });
    const options = {
      target,
      seeds: selectSeeds({ kind: 'harmful', split: 'attack' }),
      judges,
      persona: 'intermediate' as const,
      techniques: ['direct'],
      budget: { attempts: 24 },
      concurrency: 4,
      seed: 3,
      store,
      runId: 'locked-midway',
    };
    let locker: Worker | undefined;
    // The first attempt's end takes the lock: its write (250 ms after the run began) then waits out
    // the 5 s busy timeout and fails; the lock ends 1.5 s later.
    const progress: Progress = {
      start() {},
      tick() {
        locker ??= lockStoreFor(file, 6_500);
      },
      done() {},
      log() {},
    };
    try {
      const failed = await runRedteam({ ...options, progress }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failed).toMatchObject({ code: 'store', message: expect.stringMatching(/stayed locked/) });
      const sent = server.requests;
      const stored = store.listAttempts({ runId: 'locked-midway' }).length;
      await new Promise((r) => setTimeout(r, 1_500));
      // Nothing of the failed run went on behind its back.
      expect(server.requests).toBe(sent);
      expect(store.listAttempts({ runId: 'locked-midway' })).toHaveLength(stored);
      expect(store.getRun('locked-midway')?.status).toBe('failed');
      expect(sent).toBeLessThan(24);
      // Every attempt it sent was stored once the lock ended, the one whose write failed too (one
      // request each: direct prompts, no retries).
      expect(stored).toBe(sent);

      // The resume sends what the failed run did not store, and stores each attempt once.
      const summary = await runRedteam(options);
      expect(summary.planned).toBe(24);
      expect(summary.resumed + summary.ran).toBe(24);
      const attempts = store.listAttempts({ runId: 'locked-midway' });
      expect(new Set(attempts.map((a) => a.id)).size).toBe(24);
      expect(attempts).toHaveLength(24);
      expect(server.requests).toBe(sent + summary.ran);
    } finally {
      await locker?.terminate();
      await target.close?.();
      store.close();
      await server.close();
    }
  });
});
