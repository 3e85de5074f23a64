// Before a test of the kernels' split over worker threads: the workers started, so the split is what
// runs. (A fixed 100 ms left a slow machine's worker unstarted: the caller did every job alone and the
// test compared it with itself.)
import { expect } from 'vitest';
import type { loadWasmKernels } from '../../src/lm/index.js';

type Kernels = NonNullable<ReturnType<typeof loadWasmKernels>>;

/** Waits until every worker of `k` has started (a minute at most: they start in milliseconds). */
export async function untilWorkersStarted(k: Kernels): Promise<void> {
  const end = Date.now() + 60_000;
  while (k.startedWorkers() < k.threads && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  expect(k.startedWorkers(), 'worker threads started').toBe(k.threads);
}
