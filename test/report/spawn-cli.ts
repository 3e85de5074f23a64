// Long-running CLI children — `view`, `serve` — for tests that signal them while clients hold
// connections: wait for the URL they listen on, and for their exit within a time.
import type { ChildProcess } from 'node:child_process';
import { type CliChild, spawnCli } from '../cli/run-cli.js';

/** Spawns a command run with `--json` and waits for the `"url"` it prints once listening. */
export async function startListening(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
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
