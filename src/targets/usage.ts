// Usage accounting: every request a target makes is counted exactly once — as a reply (fresh or
// cached) or as an error of a named kind — so nothing is lost and nothing silently counted.
import { type ChatOptions, type Message, type Reply, type Target, TargetError } from '../core/index.js';

export interface TargetUsage {
  requests: number;
  replies: number;
  cached: number;
  errors: number;
  errorsByKind: Record<string, number>;
  retries: number;
  promptTokens: number;
  completionTokens: number;
  contentFiltered: number;
  latencyMs: number;
}

export interface UsageMeter {
  record(targetId: string, reply: Reply): void;
  recordError(targetId: string, err: unknown): void;
  recordRetry(targetId: string, err: TargetError): void;
  /** Per target id. */
  snapshot(): Record<string, TargetUsage>;
  total(): TargetUsage;
}

const empty = (): TargetUsage => ({
  requests: 0,
  replies: 0,
  cached: 0,
  errors: 0,
  errorsByKind: {},
  retries: 0,
  promptTokens: 0,
  completionTokens: 0,
  contentFiltered: 0,
  latencyMs: 0,
});

export function createUsageMeter(): UsageMeter {
  const byTarget = new Map<string, TargetUsage>();
  const get = (id: string) => {
    let u = byTarget.get(id);
    if (!u) {
      u = empty();
      byTarget.set(id, u);
    }
    return u;
  };
  return {
    record(id, reply) {
      const u = get(id);
      u.requests++;
      u.replies++;
      if (reply.cached) u.cached++;
      else {
        // Cached replies cost nothing: only fresh ones add tokens.
        u.promptTokens += reply.usage.promptTokens;
        u.completionTokens += reply.usage.completionTokens;
        u.latencyMs += reply.latencyMs;
      }
      if (reply.finishReason === 'content_filter') u.contentFiltered++;
    },
    recordError(id, err) {
      const u = get(id);
      u.requests++;
      u.errors++;
      const kind = err instanceof TargetError ? err.kind : 'other';
      u.errorsByKind[kind] = (u.errorsByKind[kind] ?? 0) + 1;
    },
    recordRetry(id) {
      get(id).retries++;
    },
    snapshot() {
      return Object.fromEntries(
        [...byTarget].map(([k, v]) => [k, { ...v, errorsByKind: { ...v.errorsByKind } }]),
      );
    },
    total() {
      const t = empty();
      for (const u of byTarget.values()) {
        for (const k of Object.keys(t) as (keyof TargetUsage)[]) {
          if (k === 'errorsByKind') {
            for (const [ek, n] of Object.entries(u.errorsByKind))
              t.errorsByKind[ek] = (t.errorsByKind[ek] ?? 0) + n;
          } else (t[k] as number) += u[k] as number;
        }
      }
      return t;
    },
  };
}

/** Count every call of `target` on `meter`. */
export function withUsage(target: Target, meter: UsageMeter): Target {
  return {
    id: target.id,
    async chat(messages: Message[], options?: ChatOptions): Promise<Reply> {
      try {
        const reply = await target.chat(messages, options);
        meter.record(target.id, reply);
        return reply;
      } catch (err) {
        meter.recordError(target.id, err);
        throw err;
      }
    },
    close: target.close?.bind(target),
  };
}
