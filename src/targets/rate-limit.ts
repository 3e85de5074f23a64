// Requests- and tokens-per-minute limits over a sliding 60-second window. Tokens are estimated
// before a request (prompt chars / 4 + maxTokens) and corrected with the reported usage after, where
// the server reports any.
import type { ChatOptions, Message, Reply, Target } from '../core/index.js';
import { abortableSleep } from './retry.js';

export interface RateLimitOptions {
  rpm?: number;
  tpm?: number;
  windowMs?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The run's halt signal (RunHalt.signal): a request waiting for its turn stops waiting then, and
   * goes on unlogged to the target below, which refuses it unsent. */
  signal?: AbortSignal;
}

export function estimateTokens(messages: Message[], maxTokens?: number): number {
  const chars = messages.reduce((n, m) => n + m.content.length, 0);
  return Math.ceil(chars / 4) + (maxTokens ?? 256);
}

export function withRateLimit(target: Target, opts: RateLimitOptions): Target {
  const { rpm, tpm } = opts;
  if (!rpm && !tpm) return target;
  const windowMs = opts.windowMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? abortableSleep;
  const { signal } = opts;
  const log: { at: number; tokens: number }[] = [];
  // Admissions are serialised so two waiters never both take the last slot.
  let gate: Promise<void> = Promise.resolve();

  const prune = (t: number) => {
    while (log.length > 0 && log[0]!.at <= t - windowMs) log.shift();
  };
  const admit = async (tokens: number) => {
    for (;;) {
      if (signal?.aborted) return undefined;
      const t = now();
      prune(t);
      const used = log.reduce((n, e) => n + e.tokens, 0);
      const rpmOk = !rpm || log.length < rpm;
      // A single request bigger than the whole budget still goes, alone in an empty window.
      const tpmOk = !tpm || used + tokens <= tpm || log.length === 0;
      if (rpmOk && tpmOk) {
        const entry = { at: t, tokens };
        log.push(entry);
        return entry;
      }
      const oldest = log[0]!;
      try {
        await sleep(Math.max(1, oldest.at + windowMs - t), signal);
      } catch (err) {
        if (!signal?.aborted) throw err;
      }
    }
  };

  return {
    id: target.id,
    async chat(messages: Message[], options?: ChatOptions): Promise<Reply> {
      const estimate = estimateTokens(messages, options?.maxTokens);
      const admitted = gate.then(() => admit(estimate));
      gate = admitted.then(
        () => undefined,
        () => undefined,
      );
      const entry = await admitted;
      const reply = await target.chat(messages, options);
      // A server that reports no usage (a stream without include_usage, llama.cpp) says 0 and 0:
      // taken as the request's size, every such request would be free and tpm would limit nothing.
      const reported = reply.usage.promptTokens + reply.usage.completionTokens;
      if (entry && reported > 0) entry.tokens = reported;
      return reply;
    },
    close: target.close?.bind(target),
  };
}
