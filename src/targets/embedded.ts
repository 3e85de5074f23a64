// The embedded model as a Target. Concurrent chat() calls are collected for a moment and answered
// by one batched generation, so an attack or benchmark running at concurrency 32 does
// matrix-matrix work instead of 32 separate decodes.
import {
  BreakfixError,
  type ChatOptions,
  type Message,
  type Reply,
  type Target,
  TargetError,
} from '../core/index.js';
import { type GenerateRequest, type GenerateResult, generateBatch, type LM, loadLM } from '../lm/index.js';
import { type ModelPathResolver, resolveEmbeddedPath } from './embedded-path.js';

export { BASE_MODEL_DIR, packageRoot, resolveEmbeddedPath } from './embedded-path.js';

export interface EmbeddedTargetOptions {
  /** Resolves a registered model name (`round-2`) to its checkpoint folder. */
  resolveModelPath?: ModelPathResolver;
  /** How long to wait for more calls before starting a batch. */
  batchWindowMs?: number;
  /** Most sequences decoded together. */
  maxBatch?: number;
  /** The run's halt (RunHalt.signal): once aborted, every call waiting or generating ends as an
   * `aborted` TargetError, as a call whose own `signal` aborts does. */
  signal?: AbortSignal;
}

interface Pending {
  req: GenerateRequest;
  resolve: (r: GenerateResult) => void;
  reject: (e: unknown) => void;
  started: number;
}

export function createEmbeddedTarget(spec: string, opts: EmbeddedTargetOptions = {}): Target {
  const window = opts.batchWindowMs ?? 2;
  const maxBatch = opts.maxBatch ?? 64;
  let lm: Promise<LM> | undefined;
  // (kept apart from the model, which close() lets go: a reply that ends after the close says it)
  let contextLength = 0;
  const queue: Pending[] = [];
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const closedError = () => new TargetError(`${spec}: the target was closed before it answered`, 'aborted');
  const abortedError = () => new TargetError(`${spec}: request aborted before it answered`, 'aborted');

  // The calls the halt stops: one listener on its signal for them all (one a call passed Node's
  // limit of 10 at any concurrency above it, with a warning on stderr).
  const haltable = new Set<() => void>();
  opts.signal?.addEventListener(
    'abort',
    () => {
      for (const abort of [...haltable]) abort();
    },
    { once: true },
  );

  const model = () => {
    lm ??= Promise.resolve().then(() => loadLM(resolveEmbeddedPath(spec, opts.resolveModelPath)));
    return lm;
  };

  const drain = async () => {
    if (running) return;
    running = true;
    try {
      while (queue.length) {
        const batch = queue.splice(0, maxBatch);
        let loaded: LM;
        try {
          loaded = await model();
          contextLength = loaded.config.contextLength;
        } catch (err) {
          // A missing or corrupt checkpoint is not retryable; every waiting call fails with it. A
          // model name that names nothing is the user's input (exit 2, with the hint), not a failure.
          const e =
            err instanceof BreakfixError && err.code === 'input'
              ? err
              : new TargetError(
                  `${spec}: cannot load the model: ${err instanceof Error ? err.message : String(err)}`,
                  'client',
                );
          for (const p of batch) p.reject(e);
          continue;
        }
        try {
          const results = await generateBatch(
            loaded,
            batch.map((p) => p.req),
          );
          for (const [i, p] of batch.entries()) p.resolve(results[i]);
        } catch (err) {
          const e = new TargetError(
            `${spec}: generation failed: ${err instanceof Error ? err.message : String(err)}`,
            'server',
          );
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      running = false;
    }
  };

  const schedule = () => {
    if (timer || running) return;
    timer = setTimeout(() => {
      timer = undefined;
      void drain();
    }, window);
  };

  return {
    id: spec,
    async chat(messages: Message[], options: ChatOptions = {}): Promise<Reply> {
      const started = Date.now();
      const own = options.signal;
      const result = await new Promise<GenerateResult>((resolvePromise, reject) => {
        if (closed) return reject(closedError());
        if (own?.aborted || opts.signal?.aborted) return reject(abortedError());
        // An aborted call stops generating at the next decoding step. What it had generated is a reply
        // cut short: it fails as aborted, never resolves as an answer to judge, store or train on (a
        // resume asks it again).
        const stop = own || opts.signal ? new AbortController() : undefined;
        const settle = () => {
          own?.removeEventListener('abort', onAbort);
          haltable.delete(onAbort);
        };
        const pending: Pending = {
          req: {
            messages,
            maxTokens: options.maxTokens ?? 96,
            temperature: options.temperature ?? 0,
            topP: options.topP,
            stop: options.stop,
            seed: options.seed,
            signal: stop?.signal,
          },
          resolve: (r) => {
            settle();
            if (stop?.signal.aborted) reject(abortedError());
            else resolvePromise(r);
          },
          reject: (e) => {
            settle();
            reject(e);
          },
          started,
        };
        function onAbort() {
          stop?.abort();
          // It fails now, not when its batch ends: one waiting for its batch leaves the queue, one
          // generating ends at its next step and its batch goes on without it.
          const at = queue.indexOf(pending);
          if (at >= 0) queue.splice(at, 1);
          pending.reject(abortedError());
        }
        own?.addEventListener('abort', onAbort, { once: true });
        if (opts.signal) haltable.add(onAbort);
        queue.push(pending);
        if (running) return; // the running drain loop picks it up
        schedule();
      });
      return {
        text: result.text,
        finishReason: result.finishReason,
        usage: { promptTokens: result.promptTokens, completionTokens: result.completionTokens },
        latencyMs: Date.now() - started,
        model: spec,
        // (said, not silent: a many-shot prompt's first shots never reach a 192-token model)
        ...(result.truncatedTokens > 0 && {
          promptTruncated: { dropped: result.truncatedTokens, context: contextLength },
        }),
      };
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      // A call still waiting for its batch would wait forever once the timer that starts it is gone:
      // it fails instead. (A batch already generating ends as it would.)
      for (const p of queue.splice(0)) p.reject(closedError());
      // The model, and with it its prefix cache's pool (64 MiB, prefix-cache.ts), is let go: a cycle
      // closes each round's target once it moves on, and kept every round's until it ended. A batch
      // already generating holds its own reference until it ends.
      lm = undefined;
    },
  };
}
