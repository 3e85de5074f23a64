// At most `limit` calls in flight; the rest wait in arrival order.
import type { ChatOptions, Message, Reply, Target } from '../core/index.js';

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

export function withConcurrency(target: Target, limit: number): Target {
  const sem = createSemaphore(Math.max(1, limit));
  return {
    id: target.id,
    async chat(messages: Message[], options?: ChatOptions): Promise<Reply> {
      await sem.acquire();
      try {
        return await target.chat(messages, options);
      } finally {
        sem.release();
      }
    },
    close: target.close?.bind(target),
  };
}
