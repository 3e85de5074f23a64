// Every test run gets one temporary folder, and os.tmpdir() points into it for the test workers and
// every process they spawn (CLI runs, the browser), so the ~150 mkdtempSync calls in the tests and
// whatever the code under test writes to the temp dir go there. Teardown removes it: a run leaves
// nothing behind in the system temp dir. BREAKFIX_KEEP_TEST_TMP=1 keeps it for a post-mortem.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function setup(): () => void {
  const previous = process.env.TMPDIR;
  const runDir = mkdtempSync(join(tmpdir(), 'breakfix-test-run-'));
  process.env.TMPDIR = runDir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (process.env.BREAKFIX_KEEP_TEST_TMP === '1') {
      console.log(`test temp folder kept: ${runDir}`);
      return;
    }
    rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
  };
}
