// One process at a time on a run: a second `redteam --run-id` or `cycle --resume` on a run another
// live process is working on would send every request again (and the store keep only the first
// of each), or train a round twice. A process that was killed holds nothing: its run resumes at once.
// On this host the owner's pid says at once whether it lives; a process on another host (a store on a
// shared disk) cannot be asked, so the holder writes a heartbeat into its claim while it works, and a
// claim from another host holds the run while that heartbeat is fresh.
// A holder whose claim was taken (late past CLAIM_STALE_MS, or `--take-over` from another host)
// stops: two processes on one run would both send its requests and a round could train twice. The
// store checks the claim in each write to a run its connection claimed (store.ts: assertOwned), so no
// caller can forget it, and the work loops call the same check before work that costs (a red-team
// attempt; a cycle step's first write); the loser ends with ClaimLostError (exit 4), writing nothing more.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { BreakfixError, terminalText } from '../core/index.js';
import type { RunOwner, Store } from './types.js';

/** How often the process working on a run writes its heartbeat. */
export const CLAIM_HEARTBEAT_MS = 60_000;
/** How old another host's heartbeat must be before its claim counts as abandoned. The heartbeat is
 * a timer, and the embedded trainer holds the event loop while a step runs: the longest hold
 * measured in the default cycle on a loaded 2-core machine was 66 s, 6.4 s since training yields
 * after every step and reference batch (docs/RELIABILITY.md); ten minutes leaves room for a slower
 * machine, a larger model's steps and the two hosts' clocks to differ. */
export const CLAIM_STALE_MS = 10 * 60_000;

/** The last time `owner` said it was working: its heartbeat, or its claim's start where it has none
 * (claims stored by a breakfix that wrote no heartbeat). NaN where neither is a time. */
export function lastSignOfLife(owner: RunOwner): number {
  return Date.parse(owner.heartbeat ?? owner.since);
}

/** Whether another host's claim still holds its run at `nowMs`. */
export function claimIsFresh(owner: RunOwner, nowMs: number): boolean {
  return nowMs - lastSignOfLife(owner) < CLAIM_STALE_MS;
}

export interface ClaimOptions {
  /** Take the run from another host's process whose heartbeat is still fresh (the user knows that
   * process is gone). A live process of this host is never taken over: it can be stopped instead. */
  takeOver?: boolean;
  /** How the command that claims says to take over (`--take-over`), for the refusal's hint. */
  takeOverHint?: string;
}

/** A process's claim on the run it was working on was taken by another process: it writes nothing
 * more to the run and stops (exit 4). */
export class ClaimLostError extends BreakfixError {
  constructor(
    readonly runId: string,
    /** Who holds the run now; undefined where the claim was cleared. */
    readonly takenBy: RunOwner | undefined,
  ) {
    super(
      `run ${runId} was taken over while this process worked on it (${takenBy ? `now claimed by ${ownerText(takenBy)}` : 'its claim was cleared'}): this process stopped and wrote nothing more to the run; what it stored before is kept`,
      'claim_lost',
      'the run goes on in the process that took it; if that process is gone, resume the run with --take-over',
    );
    this.name = 'ClaimLostError';
  }
}

export function claimRunOrRefuse(store: Store, runId: string, opts: ClaimOptions = {}): void {
  const { heldBy, tookOver } = store.claimRun(runId, { takeOver: opts.takeOver });
  if (tookOver)
    process.stderr.write(
      `breakfix: warning: run ${runId} was claimed by ${ownerText(tookOver)}; ` +
        `${opts.takeOver ? 'taken over as asked' : `taken over, as nothing was heard from it for ${minutes(CLAIM_STALE_MS)}`}: ` +
        "if that process still runs, stop it, or both send the run's requests\n",
    );
  if (!heldBy) return;
  if (heldBy.host === hostname())
    throw new BreakfixError(
      `run ${runId} is being worked on by process ${heldBy.pid} (since ${terminalText(heldBy.since)}): a second process would send its requests again`,
      'input',
      `wait for it to finish, or stop it (kill ${heldBy.pid}) and run this again: a stopped run resumes where it was`,
    );
  const lapses = new Date(lastSignOfLife(heldBy) + CLAIM_STALE_MS).toISOString();
  throw new BreakfixError(
    `run ${runId} is being worked on by ${ownerText(heldBy)}: a second process would send its requests again`,
    'input',
    `wait for it to finish, or stop it there and run this again: a stopped run resumes where it was; ` +
      `if that host is down, its claim lapses at ${lapses} (${minutes(CLAIM_STALE_MS)} after its last heartbeat) and a run started then takes it over` +
      (opts.takeOverHint
        ? `, or take it over now with ${opts.takeOverHint} once you are sure that process is gone`
        : ''),
  );
}

function ownerText(o: RunOwner): string {
  const beat = o.heartbeat
    ? `last heartbeat ${terminalText(o.heartbeat)}`
    : 'no heartbeat (an older breakfix)';
  return `process ${o.pid} on host ${terminalText(o.host)} (since ${terminalText(o.since)}, ${beat})`;
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} minutes`;

/** Whether the breakfix process of this host that claimed a run is still running. Its pid alone
 * does not say (a killed owner's pid goes to the next process that needs one; in a container the
 * same few pids come back at every restart): where /proc tells, the process running as that pid must
 * be the one that started when the claim was made. A permission error means a process is, as another
 * user's. A claim without a start (no /proc, or stored by an older breakfix) falls back to "a Node
 * process runs as that pid". */
export function isAlive(owner: RunOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = owner.start !== undefined ? processStart(owner.pid) : undefined;
  if (start !== undefined) return start === owner.start;
  try {
    return /node|breakfix/i.test(readFileSync(`/proc/${owner.pid}/cmdline`, 'latin1'));
  } catch {
    return true; // no /proc (macOS), or not ours to read: alive as far as can be told
  }
}

/** When process `pid` started, in clock ticks since boot (/proc/<pid>/stat, field 22), as text;
 * undefined where /proc does not say. The command name (field 2) may hold spaces and parentheses:
 * the fields are counted after its last `)`. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return start && /^\d+$/.test(start) ? start : undefined;
  } catch {
    return undefined;
  }
}
