// An outside trainer (train.command, trl) runs in a process group of its own, which a closed
// terminal's SIGHUP does not reach: breakfix must stop it. SIGHUP was not among the signals
// runStreaming forwards, so Node's default ended breakfix and left the trainer (GPUs held) running
// with nobody to stop it. Now it is asked to stop with SIGTERM and the run ends with an
// InterruptedError for SIGHUP (exit 129). A real child process running runStreaming, a real signal.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alive } from '../helpers/processes.js';
import { TSX } from './run-cli.js';

const RUN_COMMAND = fileURLToPath(new URL('../../src/fix/train/run-command.ts', import.meta.url));

describe('an outside trainer when breakfix gets SIGHUP', () => {
  it("stops the trainer's process group and ends interrupted by SIGHUP", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainer-sighup-'));
    const pidFile = join(dir, 'sleep.pid');
    const script = join(dir, 'run.mts');
    writeFileSync(
      script,
      `import { runStreaming } from ${JSON.stringify(RUN_COMMAND)};
runStreaming([${JSON.stringify(`sleep 300 & echo $! > ${pidFile}; wait`)}], { shell: true, graceMs: 1000 }).then(
  () => process.stdout.write('finished\\n'),
  (e) => process.stdout.write(\`\${e.name} \${e.signal}\\n\`),
);
`,
    );
    const child = spawn(process.execPath, ['--import', TSX, script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    const done = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const started = Date.now();
    while (!(existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim()) && Date.now() - started < 60_000)
      await new Promise((r) => setTimeout(r, 100));
    const trainer = Number(readFileSync(pidFile, 'utf8').trim());
    expect(trainer).toBeGreaterThan(1);
    try {
      child.kill('SIGHUP');
      await done;
      expect(stdout.trim()).toBe('InterruptedError SIGHUP');
      expect(alive(trainer)).toBe(false);
    } finally {
      if (alive(trainer)) process.kill(trainer, 'SIGKILL');
    }
  }, 120_000);
});
