// A provider that refuses the credentials (HTTP 401), says the account's quota is spent, or asks
// for a wait longer than breakfix waits (a Retry-After past five minutes: a daily limit, an outage)
// refuses every later request too: a run that went on would store hundreds of `error` attempts, each of which
// a resume keeps, and spend a paid provider's rate limits on nothing. So one such reply halts the run:
// every target of the command shares a RunHalt, later requests fail at once without being sent, and
// the runs that take the halt (bench, the red team, the cycle) stop, leave what it failed unstored and
// exit naming the cause, so that a resume once the key or plan is fixed does that work.
// (403 does not halt: gateways and WAFs answer 403 to single prompts that match their rules.)
import { type ChatOptions, type Message, type Reply, type Target, TargetError } from '../core/index.js';
import { MAX_RETRY_AFTER_MS } from './retry.js';

export class RunHalt {
  /** The reply that halted the run; undefined while it runs. */
  cause: TargetError | undefined;

  get halted(): boolean {
    return this.cause !== undefined;
  }

  /** Halts on an error no later request can get past. */
  observe(err: unknown): void {
    if (!this.cause && err instanceof TargetError && haltsTheRun(err)) this.cause = err;
  }

  /** The error a halted run ends with: the cause, that the run stopped on it, and `resume` (how to
   * go on once the key or quota is fixed) as its hint. */
  error(resume?: string): TargetError | undefined {
    const c = this.cause;
    return (
      c &&
      new TargetError(
        `${c.message}; the run stopped there, keeping what it had stored`,
        c.kind,
        c.status,
        c.retryAfterMs,
        resume,
      )
    );
  }
}

function haltsTheRun(err: TargetError): boolean {
  return (
    err.kind === 'quota' ||
    (err.kind === 'auth' && err.status === 401) ||
    (err.retryable && (err.retryAfterMs ?? 0) > MAX_RETRY_AFTER_MS)
  );
}

/** `target`, failing every request once `halt` holds, and halting it on a refused key or quota. */
export function withHalt(target: Target, halt: RunHalt): Target {
  return {
    id: target.id,
    async chat(messages: Message[], options?: ChatOptions): Promise<Reply> {
      const before = halt.cause;
      if (before)
        throw new TargetError(
          `${target.id}: not sent, the run halted on an earlier reply (${before.message})`,
          before.kind,
          before.status,
        );
      try {
        return await target.chat(messages, options);
      } catch (err) {
        halt.observe(err);
        throw err;
      }
    },
    close: target.close?.bind(target),
  };
}
