// Starts the real CLI (src/cli/main.ts through tsx) as a long-running child — `view`, `serve` — and
// hands back the process, for tests that signal it while clients hold connections.
import { type ChildProcess, spawn } from 'node:child_process';
import { MAIN, TSX } from '../cli/run-cli.js';

export interface CliChild {
  child: ChildProcess;
  /** Everything it printed, once it has exited. */
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export function spawnCli(args: string[], opts: { cwd?: string } = {}): CliChild {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, CI: 'true', BREAKFIX_DEBUG: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

/** Spawns a command run with `--json` and waits for the `"url"` it prints once listening. */
export async function startListening(
  args: string[],
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<CliChild & { url: string }> {
  const started = spawnCli(args, opts);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`no URL within ${opts.timeoutMs ?? 30_000} ms`)),
      opts.timeoutMs ?? 30_000,
    );
    started.child.stdout?.on('data', (d: string) => {
      out += d;
      // (`view --json` prints its object over several lines, `serve --json` on one)
      const m = /"url":\s*"([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void started.done.then(({ code, stderr }) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before listening: ${stderr}`));
    });
  });
  return { ...started, url };
}

/** The exit code (or signal) once the child exits, or 'running' when it has not within `ms`. */
export function exitWithin(child: ChildProcess, ms: number): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('running'), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal);
    });
  });
}
