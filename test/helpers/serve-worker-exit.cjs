// Preloaded with --require into `breakfix serve` run by a test as a child process: in the generation
// worker (the thread whose workerData names a modelDir), it ends that thread with exit code 9 once
// the file BREAKFIX_TEST_WORKER_EXIT names exists. That is a worker dying while the server runs (an
// out-of-memory abort, a crash), which nothing outside the process could otherwise cause without a
// hook in src/. (--require, not --import: Node 20 runs only --require's preloads in worker threads.)
const { existsSync } = require('node:fs');
const { isMainThread, workerData } = require('node:worker_threads');

const trigger = process.env.BREAKFIX_TEST_WORKER_EXIT;
if (!isMainThread && trigger && workerData && typeof workerData.modelDir === 'string') {
  setInterval(() => {
    if (existsSync(trigger)) process.exit(9);
  }, 50).unref();
}
