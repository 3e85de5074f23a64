// A provider that refuses the credentials (HTTP 401), says the account's quota is spent, or asks
// for a wait longer than breakfix waits (a Retry-After past five minutes: a daily limit, an outage)
// refuses every later request too: a run that went on would store hundreds of `error` attempts, each of which
// a resume keeps, and spend a paid provider's rate limits on nothing. So one such reply halts the run:
// every target of the command shares a RunHalt, later requests fail at once without being sent, and
// the runs that take the halt (bench, the red team, the cycle) stop, leave what it failed unstored and
// exit naming the cause, so that a resume once the key or plan is fixed does that work.
// (403 does not halt: gateways and WAFs answer 403 to single prompts that match their rules.)
// A target that has answered nothing and whose first requests could not connect at all (refused,
// no such host) halts it too: the address is wrong or the server is not up, and every later request
// would fail the same way after its own retries (a default bench against a closed port spent 160 s
// on the harmful suite alone, all in error). A server that takes the connection and never replies
// (hung, or another program on that port) is as unreachable: its first requests time out after every
// retry (a default bench would spend hours so, at 5 minutes a request). Once a target has answered,
// a connection that fails or a request that times out is an outage its retries may ride out, or a
// slow reply, and fails its request only; but a server that stopped (killed, crashed, its machine
// gone) refuses every later connection, and a run that went on would store an `error` for each of
// its remaining requests, after each one's retries (a bench whose server stopped after 4 replies
// stored 438 errors over ten minutes, saying nothing until it ended). So STOPPED_AFTER refusals in a
// row, each after its retries and none answered between, halt it too, where a resume picks it up.
import {
  type ChatOptions,
  type Message,
  type Progress,
  type Reply,
  type Target,
  TargetError,
} from '../core/index.js';
import { TLS_FAILED } from './errors.js';
import { MAX_RETRY_AFTER_MS } from './retry.js';

/** Requests of a target that has answered none, each unable to connect or timed out after its
 * retries, that halt the run. */
export const UNREACHABLE_AFTER = 3;

/** Requests in a row of a target that had answered, each unable to connect after its retries, that
 * halt the run: more than a short outage's (a burst of concurrent requests failed together), few
 * beside a run's hundreds. */
export const STOPPED_AFTER = 8;

/** A failure to connect at all, as the HTTP clients word it: not a connection cut mid-reply. A TLS
 * handshake that failed (an https:// baseURL on a plain-HTTP server, an untrusted certificate) is
 * one too: no request reached the server, and none will until the config changes. */
const NO_CONNECTION = new RegExp(
  `\\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\\b|${TLS_FAILED}`,
);

/** A request refused without sending it (by a halted run; a cache-only call the cache could not
 * answer, NotCachedError): no call of the model, so no spend. */
export class NotSentError extends TargetError {}

export class RunHalt {
  /** The reply that halted the run; undefined while it runs. */
  get cause(): TargetError | undefined {
    return this.#cause;
  }
  #cause: TargetError | undefined;
  readonly #aborted = new AbortController();

  /** Aborted once the run halts: a wait for a request's turn (the rate limit's window) ends then,
   * rather than running its full length before the request is refused unsent. */
  get signal(): AbortSignal {
    return this.#aborted.signal;
  }

  get halted(): boolean {
    return this.#cause !== undefined;
  }

  /** Halts on an error no later request can get past. */
  observe(err: unknown): void {
    if (err instanceof TargetError && haltsTheRun(err)) this.stop(err);
  }

  /** Halts on `err`, unless the run has halted already. */
  stop(err: TargetError): void {
    if (this.#cause) return;
    this.#cause = err;
    this.#aborted.abort();
  }

  /** The error a halted run ends with: the cause, that the run stopped on it, and `resume` (how to
   * go on once the key or quota is fixed) as its hint. */
  error(resume?: string): TargetError | undefined {
    const c = this.cause;
    return c?.with({
      message: `${c.message}; the run stopped there, keeping what it had stored`,
      hint: resume,
    });
  }
}

function haltsTheRun(err: TargetError): boolean {
  return (
    err.kind === 'quota' ||
    (err.kind === 'auth' && err.status === 401) ||
    (err.retryable && (err.retryAfterMs ?? 0) > MAX_RETRY_AFTER_MS)
  );
}

/** A request that reached no answer at all: no connection, or no reply before the timeout. */
function noAnswer(err: TargetError): boolean {
  return err.kind === 'timeout' || (err.kind === 'network' && NO_CONNECTION.test(err.message));
}

/** `target`, failing every request once `halt` holds, and halting it on a refused key or quota, or
 * when it cannot be reached. */
export function withHalt(target: Target, halt: RunHalt): Target {
  let answered = false;
  let unanswered = 0;
  // (refused connections since the last answer, once it has answered)
  let refusedInARow = 0;
  return {
    id: target.id,
    async chat(messages: Message[], options?: ChatOptions): Promise<Reply> {
      refuseOnceHalted(target.id, halt);
      try {
        const reply = await target.chat(messages, options);
        answered = true;
        refusedInARow = 0;
        return reply;
      } catch (err) {
        halt.observe(err);
        const refused =
          err instanceof TargetError && err.kind === 'network' && NO_CONNECTION.test(err.message);
        // (anything else, a reply cut short too, came from a server that is there)
        if (!refused) refusedInARow = 0;
        // (an HTTP status is an answer: the server is there)
        if (err instanceof TargetError && err.status !== undefined) answered = true;
        else if (answered && refused && ++refusedInARow >= STOPPED_AFTER)
          halt.stop(
            new TargetError(
              `${target.id}: stopped answering: it had answered, then its last ${refusedInARow} requests could not connect, each after its retries (the last: ${err.message.replace(`${target.id}: `, '')})`,
              err.kind,
            ),
          );
        else if (
          !answered &&
          err instanceof TargetError &&
          noAnswer(err) &&
          ++unanswered >= UNREACHABLE_AFTER
        )
          halt.stop(
            new TargetError(
              err.kind === 'timeout'
                ? `${target.id}: unresponsive: its first ${unanswered} requests had no reply within the timeout, after every retry, and none was answered (the last: ${err.message.replace(`${target.id}: `, '')})`
                : `${target.id}: unreachable: its first ${unanswered} requests could not connect and none was answered (the last: ${err.message.replace(`${target.id}: `, '')})`,
              err.kind,
            ),
          );
        throw err;
      }
    },
    close: target.close?.bind(target),
  };
}

/** `target` sending nothing once `halt` holds. withHalt refuses a request as it comes; this one sits
 * below the rate limit, where a request admitted before the halt may wait up to a minute for its turn
 * in the window and would otherwise be sent after it. */
export function unsentOnceHalted(target: Target, halt: RunHalt): Target {
  return {
    id: target.id,
    async chat(messages: Message[], options?: ChatOptions): Promise<Reply> {
      refuseOnceHalted(target.id, halt);
      return target.chat(messages, options);
    },
    close: target.close?.bind(target),
  };
}

function refuseOnceHalted(id: string, halt: RunHalt): void {
  const before = halt.cause;
  if (before)
    throw new NotSentError(
      `${id}: not sent, the run halted on an earlier reply (${before.message})`,
      before.kind,
      before.status,
    );
}

/** `progress`, counting a phase's items only until the run halts: those after it were refused unsent
 * (or answered and then dropped with the suite, or failed by the halt and left for the resume), and
 * its end is said as stopped at the count before the halt, not `done 216/216`. Bench suites and the
 * red team end their phase with `done`, which after the halt becomes the stop. */
export function countedUntilHalt(progress: Progress, halt: RunHalt): Progress {
  return {
    start: (label, total) => progress.start(label, total),
    tick: (n, note) => {
      if (!halt.halted) progress.tick(n, note);
    },
    done: (note) => {
      if (!halt.halted) progress.done(note);
      else stopOnHalt(progress);
    },
    stop: (note) => (progress.stop ? progress.stop(note) : progress.done(note)),
    log: (line) => progress.log(line),
  };
}

/** Ends a phase the halt cut short: stopped at what it counted, where the progress can say so. */
export function stopOnHalt(progress: Progress | undefined): void {
  if (progress?.stop) progress.stop('the run halted');
  else progress?.done('stopped: the run halted');
}
