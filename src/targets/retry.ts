// Retry with exponential backoff and jitter. Only retryable TargetError kinds are retried (429,
// 5xx, timeout, network, malformed, empty); a `Retry-After` from the server sets the shortest wait. A call
// the caller aborted is never retried.
import { type ChatOptions, type Message, type Reply, type Target, TargetError } from '../core/index.js';

export interface RetryOptions {
  retries: number;
  /** First backoff step (ms). */
  baseMs?: number;
  /** Cap on one backoff wait (ms). */
  maxMs?: number;
  /** The longest Retry-After honoured (ms). A server asking for longer fails the request at once,
   * saying so: retrying earlier than asked only meets another 429. */
  maxRetryAfterMs?: number;
  /** Random source in [0, 1) for jitter (seeded in tests). */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onRetry?: (err: TargetError, attempt: number, waitMs: number) => void;
  /** Whether the run has halted (halt.ts): a request waiting to retry then is not sent again. */
  stopped?: () => boolean;
}

export function backoffMs(
  attempt: number,
  err: TargetError,
  o: Required<Pick<RetryOptions, 'baseMs' | 'maxMs' | 'random'>> & Pick<RetryOptions, 'maxRetryAfterMs'>,
): number {
  // (a Retry-After of 0, or a date already past, asks for no wait: the retries would all come back in
  // the same instant and meet the same limit, so it backs off as without one)
  if (err.retryAfterMs !== undefined && err.retryAfterMs > 0) {
    // Never sooner than asked, and spread over up to a tenth more (at most 1 s): the requests that met
    // the same 429 together would otherwise all come back in the same instant and meet it again.
    const asked = Math.min(err.retryAfterMs, o.maxRetryAfterMs ?? o.maxMs);
    return Math.round(asked + o.random() * Math.min(1_000, asked / 10));
  }
  const exp = Math.min(o.maxMs, o.baseMs * 2 ** attempt);
  // "Equal jitter": half fixed, half random, so waits grow but retries from many workers spread out.
  return Math.round(exp / 2 + o.random() * (exp / 2));
}

/** Five minutes: a provider's rate-limit window is a minute or so; longer is an outage or a quota. */
export const MAX_RETRY_AFTER_MS = 300_000;

export function withRetry(target: Target, opts: RetryOptions): Target {
  // Once the target is closed (the command is ending) nothing is sent again: a request cut off by
  // the close (its connection destroyed) would otherwise go out again after the command had ended.
  let closed = false;
  // The backoff waits under way, each ended by the close (no listener on one shared signal: many
  // retries at once would pile up listeners on it).
  const sleeping = new Set<AbortController>();
  const o = {
    ...opts,
    baseMs: opts.baseMs ?? 500,
    maxMs: opts.maxMs ?? 30_000,
    maxRetryAfterMs: opts.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS,
    random: opts.random ?? Math.random,
    sleep: opts.sleep ?? abortableSleep,
  };
  return {
    id: target.id,
    async chat(messages: Message[], options?: ChatOptions): Promise<Reply> {
      for (let attempt = 0; ; attempt++) {
        try {
          return await target.chat(messages, options);
        } catch (err) {
          const retryable =
            err instanceof TargetError &&
            err.retryable &&
            !options?.signal?.aborted &&
            !closed &&
            !o.stopped?.();
          if (retryable && err.retryAfterMs !== undefined && err.retryAfterMs > o.maxRetryAfterMs)
            throw err.with({
              message: `${err.message} (the server asks to wait ${Math.round(err.retryAfterMs / 1000)} s before another request, longer than breakfix waits: ${o.maxRetryAfterMs / 1000} s)`,
            });
          if (!retryable || attempt >= o.retries) {
            if (err instanceof TargetError && attempt > 0) {
              throw err.with({ message: `${err.message} (after ${attempt + 1} attempts)` });
            }
            throw err;
          }
          const wait = backoffMs(attempt, err, o);
          o.onRetry?.(err, attempt + 1, wait);
          const stop = new AbortController();
          const onAbort = () => stop.abort();
          options?.signal?.addEventListener('abort', onAbort, { once: true });
          sleeping.add(stop);
          try {
            await o.sleep(wait, stop.signal);
          } catch (stopped) {
            // closed while waiting to retry: the request ends with what failed it
            throw closed ? err : stopped;
          } finally {
            sleeping.delete(stop);
            options?.signal?.removeEventListener('abort', onAbort);
          }
          // The run halted while this request waited (another request's refused key, spent quota):
          // nothing more is sent, and the request ends with what failed it.
          if (o.stopped?.()) throw err;
        }
      }
    },
    async close() {
      closed = true;
      for (const stop of sleeping) stop.abort();
      await target.close?.();
    },
  };
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new TargetError('request aborted', 'aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new TargetError('request aborted', 'aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
