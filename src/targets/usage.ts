// Usage accounting: every request a target makes is counted exactly once — as a reply (fresh or
// cached) or as an error of a named kind — so nothing is lost and nothing silently counted.
import { AsyncLocalStorage } from 'node:async_hooks';
import { redactText } from '../config/index.js';
import { type ChatOptions, type Message, type Reply, type Target, TargetError } from '../core/index.js';
import type { SpendCounts, SpendKey, Store } from '../store/index.js';
import { NotSentError } from './halt.js';

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

/** Each count as it is made (a request ended, a retry), with the target it was made on. */
export type UsageSink = (targetId: string, counts: SpendCounts) => void;

export function createUsageMeter(sink?: UsageSink): UsageMeter {
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
      sink?.(
        id,
        reply.cached
          ? { requests: 1, cached: 1 }
          : {
              requests: 1,
              promptTokens: reply.usage.promptTokens,
              completionTokens: reply.usage.completionTokens,
            },
      );
    },
    recordError(id, err) {
      const u = get(id);
      u.requests++;
      u.errors++;
      const kind = err instanceof TargetError ? err.kind : 'other';
      u.errorsByKind[kind] = (u.errorsByKind[kind] ?? 0) + 1;
      sink?.(id, { requests: 1, errors: 1 });
    },
    recordRetry(id) {
      get(id).retries++;
      sink?.(id, { retries: 1 });
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
        // (a request a halted run refused unsent is no call of the model: the halt's cause was counted)
        if (!(err instanceof NotSentError)) meter.recordError(target.id, err);
        throw err;
      }
    },
    close: target.close?.bind(target),
  };
}

/** What the requests made now are booked to in the store's spend table; no `runId` or `stage`: none
 * is run (a `chat`, a check), nothing is booked. */
export type SpendScope = Partial<Omit<SpendKey, 'model'>>;

// The scope follows each request down its own chain of calls, however many run at once: the stage
// is set around a cycle's step or a command's work, the role around each call of a role's model.
const spendScopes = new AsyncLocalStorage<SpendScope>();

/** Run `fn` with its requests booked to `scope`, over the scope around it. */
export function inSpendScope<T>(scope: SpendScope, fn: () => T): T {
  return spendScopes.run({ ...spendScopes.getStore(), ...scope }, fn);
}

/** The scope requests made here are booked to (undefined outside any): a red team reads what its
 * run's stage already spent by it. */
export function currentSpendScope(): SpendScope | undefined {
  return spendScopes.getStore();
}

/** `target` with its requests booked to `role`, unless the caller nearer the request named its role
 * already (the attacker model playing the user simulator). */
export function asRole(target: Target, role: string): Target {
  return {
    ...target,
    chat(messages: Message[], options?: ChatOptions): Promise<Reply> {
      if (spendScopes.getStore()?.role !== undefined) return target.chat(messages, options);
      return inSpendScope({ role }, () => target.chat(messages, options));
    },
  };
}

/** Books each count into `store`'s spend table under the scope it was made in, as it is made: a
 * crash loses no request that ended, and a resume adds only its own requests (the ones the first
 * process made come back from the cache, counted as cached). */
export function spendSink(store: () => Store): UsageSink {
  return (model, counts) => {
    const s = spendScopes.getStore();
    if (s?.runId === undefined || s.stage === undefined) return;
    store().addSpend(
      { runId: s.runId, round: s.round, stage: s.stage, role: s.role ?? '(none)', model: redactText(model) },
      counts,
    );
  };
}
