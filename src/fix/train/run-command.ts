// Runs a child process, streaming its output lines to a callback; rejects on a non-zero exit.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { redactText, registerEnvironmentSecrets } from '../../config/index.js';
import { BreakfixError, onStopSignals, type StopSignal } from '../../core/index.js';

/** runStreaming's `timeout` for a trainer limited to `seconds` by the config `field`, of which what
 * is left at `deadline` (ms since the epoch; a trainer of several steps shares one): none without a
 * limit. Past it the trainer's processes are stopped as on Ctrl-C and the step fails naming the field. */
export function trainerTimeout(
  field: string,
  seconds: number | undefined,
  deadline = seconds === undefined ? 0 : Date.now() + seconds * 1000,
): { timeout?: { ms: number; error: () => Error } } {
  if (seconds === undefined) return {};
  return {
    timeout: {
      ms: Math.max(1, deadline - Date.now()),
      error: () =>
        new BreakfixError(
          `the training ran past ${field} (${shownDuration(seconds)}) and was stopped, its processes first; nothing was registered`,
          'train_command',
          `raise ${field} (or remove it) if the trainer needs longer, or find why it hangs (its last output is in the progress log), then run the step again`,
        ),
    },
  };
}

/** Seconds as the config may have said them: "6h", "90m", "45s", else the seconds. */
function shownDuration(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const)
    if (seconds >= size && Number.isInteger(seconds / size)) return `${seconds / size}${unit}`;
  return `${seconds} s`;
}

/** The trainer was stopped because breakfix got SIGINT, SIGTERM or SIGHUP; its processes are gone. */
export class InterruptedError extends BreakfixError {
  constructor(
    readonly signal: StopSignal,
    what = 'the training processes were stopped',
    hint?: string,
  ) {
    super(`interrupted by ${signal}: ${what}`, 'interrupted', hint);
    this.name = 'InterruptedError';
  }
}

/** Trainers running now. Their processes are in groups of their own, which a terminal's Ctrl-C does
 * not reach: only runStreaming's listener stops them, so a command's own signal handler must not
 * exit while one runs (stopRunOnSignal waits for the InterruptedError instead). */
let running = 0;
export const trainerRunning = (): boolean => running > 0;

/** How long a trainer's output may drain after it exits. */
const DRAIN_MS = 2000;

export function runStreaming(
  argv: string[],
  opts: {
    cwd?: string;
    env?: Record<string, string>;
    shell?: boolean;
    onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
    /** How long the trainer has to stop after a forwarded signal before it is killed (default 5 s). */
    graceMs?: number;
    /** Where the trainer's process group is recorded while it runs (see trainerGroupFile). */
    groupFile?: string;
    /** Longest the trainer may run: past it its group is stopped as on a signal (SIGTERM, SIGKILL
     * after the grace period) and the run fails with `error()` once the group is gone. */
    timeout?: { ms: number; error: () => Error };
  },
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    try {
      if (opts.groupFile) checkNoTrainer(opts.groupFile);
    } catch (err) {
      reject(err);
      return;
    }
    const [cmd, ...args] = argv;
    // Its own process group: `sh -c` and whatever it starts (accelerate's workers holding GPUs) are
    // signalled together, and a terminal's Ctrl-C reaches them only through breakfix, which waits.
    const env = { ...process.env, ...opts.env };
    registerEnvironmentSecrets(env);
    const spawnOpts = {
      cwd: opts.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
      detached: true,
    };
    const spawnTrainer = () =>
      opts.shell ? spawn('/bin/sh', ['-c', cmd], spawnOpts) : spawn(cmd, args, spawnOpts);
    let interrupted: StopSignal | undefined;
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;
    // Set just below; the handlers are installed first, because a signal that came after the fork
    // and before them (a loaded machine may not run this process again until the trainer has
    // started) would end breakfix with the default action and leave the trainer's group running.
    // Signals are dispatched on the event loop, so a handler always finds `child` set.
    let child: { pid?: number } | undefined;
    const signalGroup = (sig: NodeJS.Signals) => {
      if (child?.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // The group is gone already.
      }
    };
    const groupAlive = () => {
      if (child?.pid === undefined) return false;
      try {
        process.kill(-child.pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const stopGroup = (sig: NodeJS.Signals) => {
      signalGroup(sig);
      killTimer ??= setTimeout(() => signalGroup('SIGKILL'), opts.graceMs ?? 5000);
    };
    const onSignal = (sig: StopSignal) => {
      if (interrupted) {
        // A second signal: the user will not wait.
        signalGroup('SIGKILL');
        return;
      }
      interrupted = sig;
      // (a hang-up is breakfix's terminal going away, not the trainer's: it is asked to stop as a
      // supervisor asks, with SIGTERM, which trainers are written to handle)
      stopGroup(sig === 'SIGHUP' ? 'SIGTERM' : sig);
    };
    // (a signal after the timeout still says the run was interrupted: the user asked it to stop)
    const failure = () =>
      interrupted ? new InterruptedError(interrupted) : (opts.timeout?.error() ?? new Error('timed out'));
    const removeHandlers = onStopSignals(onSignal, { every: true });
    running++;
    let cleaned = false;
    const cleanup = () => {
      if (cleaned) return;
      cleaned = true;
      running--;
      removeHandlers();
      if (killTimer) clearTimeout(killTimer);
      if (timeoutTimer) clearTimeout(timeoutTimer);
      // (what the trainer left running on purpose, a server started with `&`, is no training)
      if (opts.groupFile) rmSync(opts.groupFile, { force: true });
    };
    let proc: ReturnType<typeof spawnTrainer>;
    try {
      proc = spawnTrainer();
    } catch (err) {
      cleanup();
      reject(err);
      return;
    }
    child = proc;
    if (opts.timeout)
      timeoutTimer = setTimeout(() => {
        if (interrupted) return;
        timedOut = true;
        stopGroup('SIGTERM');
      }, opts.timeout.ms);
    // Left behind only when breakfix itself is killed (SIGKILL, the OOM killer), which leaves the
    // group running: the next run into the folder (a resume) finds it there.
    if (opts.groupFile && proc.pid !== undefined)
      try {
        writeFileSync(opts.groupFile, `${JSON.stringify({ pgid: proc.pid, host: hostname() })}\n`);
      } catch {
        // A guard only: a folder that cannot take the file still trains.
      }
    const tail: string[] = [];
    const pipe = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        const lines = buf.split(/\r?\n|\r/);
        buf = lines.pop() ?? '';
        for (const l of lines) emit(l, name);
      });
      stream.on('end', () => {
        if (buf) emit(buf, name);
      });
    };
    // A trainer may echo its environment or command line, token and all: every line is redacted
    // before anyone sees it (the progress display, the stored log, the error's last lines).
    const emit = (raw: string, name: 'stdout' | 'stderr') => {
      const line = redactText(raw);
      tail.push(line);
      if (tail.length > 20) tail.shift();
      opts.onLine?.(line, name);
    };
    pipe(proc.stdout, 'stdout');
    pipe(proc.stderr, 'stderr');
    proc.on('error', (err) => {
      cleanup();
      reject(
        new BreakfixError(
          `cannot start ${cmd}: ${err.message}`,
          'train_command',
          'check that it is installed and on PATH',
        ),
      );
    });
    // 'exit', not 'close': after a signal, a worker that ignores it may hold the pipes open for ever.
    proc.on('exit', (code, signal) => {
      // (a trainer that exited in time is not stopped while its output drains)
      if (timeoutTimer) clearTimeout(timeoutTimer);
      if (interrupted || timedOut) {
        // The leader is gone; what it started has the rest of the grace period to finish (the timer
        // kills it then). Report once the whole group is gone.
        const giveUp = Date.now() + (opts.graceMs ?? 5000) + 2000;
        const wait = () => {
          if (groupAlive() && Date.now() < giveUp) setTimeout(wait, 50);
          else {
            cleanup();
            reject(failure());
          }
        };
        wait();
        return;
      }
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        clearTimeout(drain);
        // Said whether or not it holds the pipes: a server started with `&` and its output sent to a
        // file (as one is) lets 'close' come at once, and is left running all the same.
        if (!interrupted && groupAlive())
          opts.onLine?.(
            `breakfix: the training command exited and left process group ${child?.pid} running; breakfix does not stop it`,
            'stderr',
          );
        cleanup();
        // (a signal while the output drained stopped the group: the run was interrupted)
        if (interrupted) reject(new InterruptedError(interrupted));
        else if (code === 0) resolvePromise();
        else
          reject(
            new BreakfixError(
              `${opts.shell ? 'training command' : cmd} exited with ${signal ?? code}${opts.shell ? shellExitMeaning(code, cmd, opts.cwd ?? process.cwd()) : ''}${tail.length ? `; last output:\n${tail.slice(-5).join('\n')}` : ''}`,
              'train_command',
            ),
          );
      };
      proc.on('close', settle);
      // A process the trainer left running (a server started with `&`) holds the pipes open, and
      // 'close' would wait for it: the trainer's own exit is the result, said once its output drained.
      const drain = setTimeout(() => {
        proc.stdout.destroy();
        proc.stderr.destroy();
        settle();
      }, DRAIN_MS);
    });
  });
}

/** What the shell's own exit codes mean for a training command, said where the shell's line ("not
 * found") does not say what to do: the template's first word is a command looked up on PATH unless
 * it has a slash, so a script beside the config must be `./train.sh`; and a script that is no
 * executable file needs its interpreter. (The message, not the hint: a cycle's hint says how to
 * resume.) */
function shellExitMeaning(code: number | null, command: string, cwd: string): string {
  const word =
    command
      .trim()
      .split(/\s+/)[0]
      ?.replace(/^['"]|['"]$/g, '') ?? '';
  if (code === 127)
    return word.includes('/')
      ? ` (the shell found no ${word}: a relative path is from ${cwd}, where the command runs)`
      : existsSync(join(cwd, word))
        ? ` (${word} is in ${cwd}, where the command runs, but a bare name is looked up on PATH only: write ./${word})`
        : ` (the shell found no command ${word} on PATH: is it installed, in the environment breakfix runs in?)`;
  if (code === 126)
    return ` (the shell could not execute ${word}: make it executable, chmod +x ${word}, or name its interpreter, sh ${word} or python3 ${word})`;
  return '';
}

/** The file in a trainer's output folder that names its process group while it runs. */
export const trainerGroupFile = (outDir: string): string => join(outDir, '.breakfix-trainer.json');

/** Throws when the group file names a trainer still running (one a killed breakfix left): a second
 * would train beside it, and writing the data or configs it reads would change them under it. */
export function checkNoTrainer(file: string): void {
  const running = runningGroup(file);
  if (running !== undefined)
    throw new BreakfixError(
      `a trainer started by an earlier breakfix is still running into this folder (process group ${running}, recorded in ${file}): a second one would train beside it and the two would write the same model`,
      'train_command',
      `wait for it to end or stop it (kill -- -${running}), then run again; if that group is no trainer, remove ${file}`,
    );
}

/** The process group a group file records, when it runs on this host still; else undefined. */
function runningGroup(file: string): number | undefined {
  let recorded: { pgid?: unknown; host?: unknown };
  try {
    recorded = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const { pgid } = recorded;
  if (typeof pgid !== 'number' || !Number.isInteger(pgid) || pgid <= 1 || recorded.host !== hostname())
    return undefined;
  try {
    process.kill(-pgid, 0);
    return pgid;
  } catch {
    return undefined;
  }
}
