// A response cache in the store, keyed on target id (which names the model and endpoint), the
// messages and every parameter that changes the reply. Callers that want several samples of one
// prompt pass different `seed`s (part of the key) or `noCache`.
import { createHash } from 'node:crypto';
import type { ChatOptions, Message, Reply, Target } from '../core/index.js';
import type { Store } from '../store/index.js';
import { NotSentError } from './halt.js';
import type { UsageMeter } from './usage.js';

export interface CacheOptions {
  store: () => Store;
  /** Bypass for every call (the CLI's --no-cache). */
  noCache?: boolean;
  /** Extra key material, e.g. the defaults a target applies (temperature from config). */
  namespace?: unknown;
  /** Counts the replies taken from the cache. Fresh replies are counted by the target inside this
   * one (`withUsage`), before they are cached: counted after, a crash between the two writes lost
   * the count of a request that had been answered, and the resume took its reply from the cache. */
  usage?: UsageMeter;
}

export function cacheKey(
  targetId: string,
  messages: Message[],
  options: ChatOptions = {},
  namespace?: unknown,
): string {
  const params = {
    temperature: options.temperature,
    topP: options.topP,
    maxTokens: options.maxTokens,
    stop: options.stop,
    seed: options.seed,
  };
  const material = JSON.stringify([
    targetId,
    namespace ?? null,
    messages.map((m) => [m.role, m.content]),
    params,
  ]);
  return `v1:${createHash('sha256').update(material).digest('hex')}`;
}

/** A cache-only call (ChatOptions.cacheOnly) whose reply the cache does not hold: nothing was sent. */
export class NotCachedError extends NotSentError {
  constructor(targetId: string) {
    // ('aborted': the caller stopped it, as a spent budget does; never retried, never a halt)
    super(`${targetId}: not in the response cache (a cache-only call: not sent)`, 'aborted');
    this.name = 'NotCachedError';
  }
}

export function withCache(target: Target, opts: CacheOptions): Target {
  return {
    id: target.id,
    servesCacheOnly: true,
    async chat(messages: Message[], options?: ChatOptions): Promise<Reply> {
      const skip = opts.noCache || options?.noCache;
      // A cache-only call is never sent, the cache skipped or not: its reply comes from the cache or not at all.
      if (skip && !options?.cacheOnly) return target.chat(messages, options);
      const key = cacheKey(target.id, messages, options, opts.namespace);
      const hit = skip ? undefined : opts.store().cacheGet(key);
      if (hit) {
        const reply = { ...hit, cached: true };
        opts.usage?.record(target.id, reply);
        return reply;
      }
      if (options?.cacheOnly) throw new NotCachedError(target.id);
      const reply = await target.chat(messages, options);
      opts.store().cachePut(key, reply);
      return reply;
    },
    close: target.close?.bind(target),
  };
}
