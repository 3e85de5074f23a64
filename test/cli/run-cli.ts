// Runs the real CLI (src/cli/main.ts through tsx) in a child process, as a user would.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** tsx's loader by absolute URL, so the CLI can run from any working directory. */
export const TSX = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs'),
).href;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  opts: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    /** Close the read end of stdout at once, as `| head -1` does once it has its line. */
    closeStdout?: boolean;
    /** Close the read end of stderr at once, as `2>&1 | head -c 10` does. */
    closeStderr?: boolean;
    /** Written to the command's stdin (otherwise stdin is closed). */
    input?: string;
    /** Run as this user and group (only root may: a test of permissions that root would bypass). */
    uid?: number;
    gid?: number;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, CI: 'true', BREAKFIX_DEBUG: undefined, ...opts.env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(opts.uid !== undefined && { uid: opts.uid }),
      ...(opts.gid !== undefined && { gid: opts.gid }),
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    let stdout = '';
    let stderr = '';
    // (piped above, so never null)
    const out = child.stdout as NonNullable<typeof child.stdout>;
    const err = child.stderr as NonNullable<typeof child.stderr>;
    if (opts.closeStdout) out.destroy();
    if (opts.closeStderr) err.destroy();
    out.setEncoding('utf8').on('data', (d) => (stdout += d));
    err.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface CliChild {
  child: ChildProcess;
  /** Everything it printed, once it has exited. */
  done: Promise<CliResult>;
  /** Resolves with its stderr so far once that matches `re`: the command has reached a point. */
  stderrMatches(re: RegExp): Promise<string>;
}

/** Starts the real CLI as a child and hands back the process, for tests that signal or kill it
 * part-way (`view`, `serve`, a run stopped by Ctrl-C). */
export function spawnCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined> } = {},
): CliChild {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, CI: 'true', BREAKFIX_DEBUG: undefined, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiting: { re: RegExp; resolve: (s: string) => void }[] = [];
  child.stdout?.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d) => {
    stderr += d;
    for (const w of waiting.splice(0)) {
      if (w.re.test(stderr)) w.resolve(stderr);
      else waiting.push(w);
    }
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const stderrMatches = (re: RegExp) =>
    new Promise<string>((resolve, reject) => {
      if (re.test(stderr)) return resolve(stderr);
      waiting.push({ re, resolve });
      void done.then(() => reject(new Error(`exited before its stderr matched ${re}: ${stderr}`)));
    });
  return { child, done, stderrMatches };
}
