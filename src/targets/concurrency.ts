// At most `limit` calls in flight; the rest wait in arrival order.
import type { ChatOptions, Message, Reply, Target } from '../core/index.js';
import { cooperate } from './cooperate.js';

export function createSemaphore(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    async acquire(): Promise<void> {
      if (active < limit) {
        active++;
        return;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    release(): void {
      const next = waiting.shift();
      if (next) next();
      else active--;
    },
    get active() {
      return active;
    },
    get waiting() {
      return waiting.length;
    },
  };
}

/** `cooperative`: start requests over several event-loop turns when many slots free up in one (see
 * cooperate.ts); for remote targets. The embedded model wants its requests together, to batch them. */
export function withConcurrency(target: Target, limit: number, opts: { cooperative?: boolean } = {}): Target {
  const sem = createSemaphore(Math.max(1, limit));
  return {
    id: target.id,
    async chat(messages: Message[], options?: ChatOptions): Promise<Reply> {
      await sem.acquire();
      try {
        // Many slots can free up in one event-loop turn: start their requests over several turns.
        if (opts.cooperative) await cooperate();
        return await target.chat(messages, options);
      } finally {
        sem.release();
      }
    },
    close: target.close?.bind(target),
  };
}
