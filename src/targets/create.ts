// createTarget: a config target name or a spec string → a Target wrapped per its config
// (usage ∘ cache ∘ concurrency ∘ retry ∘ rate limit ∘ timeout ∘ provider).
import {
  anthropicTargetSchema,
  type Config,
  checkTargetSet,
  type EmbeddedTargetConfig,
  embeddedTargetSchema,
  meantTarget,
  openaiTargetSchema,
  redactKnownSecrets,
  redactText,
  redactURL,
  registerSpecSecrets,
  registerURLSecrets,
  type TargetConfig,
} from '../config/index.js';
import {
  BreakfixError,
  type ChatOptions,
  InputError,
  type Message,
  type Reply,
  type Target,
  TargetError,
} from '../core/index.js';
import type { Store } from '../store/index.js';
import { createAnthropicTarget } from './anthropic.js';
import { withCache } from './cache.js';
import { withConcurrency } from './concurrency.js';
import { type ModelPathResolver, modelPathResolver } from './embedded-path.js';
import { baseURLOf, endpointKey, headersKey } from './endpoint.js';
import { type RunHalt, unsentOnceHalted, withHalt } from './halt.js';
import { createOpenAITarget } from './openai.js';
import { withRateLimit } from './rate-limit.js';
import { withRetry } from './retry.js';
import { withTimeout } from './timeout.js';
import { type UsageMeter, withUsage } from './usage.js';

export interface TargetContext {
  config?: Config;
  /** The store, for the response cache and the model registry (opened on demand). */
  store?: () => Store;
  noCache?: boolean;
  usage?: UsageMeter;
  /** Folder that relative model paths resolve against. */
  baseDir?: string;
  /** Return the bare provider target, without wrappers. */
  raw?: boolean;
  /** Seeded jitter for retries (tests). */
  random?: () => number;
  /** First retry backoff step in ms (default 500; tests use a few ms). */
  retryBaseMs?: number;
  /** The rpm/tpm window in ms (default a minute; tests use less). */
  rateWindowMs?: number;
  /** Shared by every target of a run: a refused key or spent quota halts them all (halt.ts). */
  halt?: RunHalt;
  /** Told of each retry of a remote target's request, before its wait: what failed, the attempt
   * that comes next (2 for the first retry) of how many in all, and the wait in ms. */
  onRetry?: (err: TargetError, attempt: number, attempts: number, waitMs: number) => void;
}

export { modelPathResolver } from './embedded-path.js';

export const SPEC_HELP =
  'a target name from the config, or a spec: embedded:base, embedded:round-2, embedded:/path/to/model, ' +
  'openai:MODEL (uses OPENAI_BASE_URL, OPENAI_API_KEY), openai:MODEL@http://host:port/v1, anthropic:MODEL';

/** Resolve a name or spec to its target config (defaults applied) and the name to show and store
 * for it (a spec's URL with its credentials redacted). */
export function resolveTargetConfig(
  spec: string | TargetConfig,
  config?: Config,
): { name: string; config: TargetConfig } {
  if (typeof spec !== 'string') return { name: spec.type, config: spec };
  const named = config?.targets[spec];
  if (named && config) {
    checkTargetSet(config, spec);
    return { name: spec, config: named };
  }
  const colon = spec.indexOf(':');
  const kind = colon > 0 ? spec.slice(0, colon) : '';
  const rest = colon > 0 ? spec.slice(colon + 1) : '';
  if (kind === 'embedded')
    return { name: spec, config: embeddedTargetSchema.parse({ type: 'embedded', model: rest || 'base' }) };
  if (kind === 'openai' && rest) {
    const at = rest.lastIndexOf('@http');
    const model = at >= 0 ? rest.slice(0, at) : rest;
    // "openai:llama3@localhost:8000" meant a server, not a model named that: say so instead of
    // sending the whole string as the model name to the default endpoint. (A leading @, as in
    // Cloudflare's "@cf/…" model names, is part of the name.)
    const stray = model.lastIndexOf('@');
    if (stray > 0) {
      // What follows the first "@" was meant as the URL: its user:password@ and ?key= are scrubbed from
      // this message (which quotes the spec) as they would be from a URL's.
      registerSpecSecrets(spec);
      throw new InputError(
        `invalid target spec "${spec}": the part after "@" must be the server's URL, starting with http:// or https:// (got "${model.slice(stray + 1)}")`,
        undefined,
        undefined,
        undefined,
        SPEC_HELP,
      );
    }
    const url = at >= 0 ? rest.slice(at + 1) : undefined;
    const baseURL = url ?? (process.env.OPENAI_BASE_URL || undefined);
    // (No apiKey: the provider target takes OPENAI_API_KEY only for the endpoint it belongs to.)
    const parsed = openaiTargetSchema.safeParse({ type: 'openai', model, baseURL });
    if (!parsed.success)
      throw new InputError(`invalid target spec "${spec}"`, undefined, undefined, undefined, SPEC_HELP);
    // Credentials typed into the spec's URL are scrubbed wherever the spec is printed or stored.
    if (baseURL) registerURLSecrets(baseURL);
    return { name: url ? `openai:${model}@${redactURL(url)}` : spec, config: parsed.data };
  }
  if (kind === 'anthropic' && rest)
    return { name: spec, config: anthropicTargetSchema.parse({ type: 'anthropic', model: rest }) };
  const known = config ? Object.keys(config.targets) : [];
  // A typo, of a config name or of a spec's kind (embeded:base), is the likeliest cause: said as
  // config check says it (config/spec.ts).
  const meant = meantTarget(spec, known);
  throw new InputError(
    `unknown target "${spec}"${meant ? `; did you mean "${meant}"?` : ''}`,
    undefined,
    undefined,
    undefined,
    `use ${SPEC_HELP}${known.length ? `; defined here: ${known.join(', ')}` : ''}`,
  );
}

type EmbeddedFactory = (
  spec: string,
  opts: { resolveModelPath?: ModelPathResolver; signal?: AbortSignal },
) => Target;

/** Loaded on first use so the CLI does not load the language-model engine unless it needs it. The
 * module (src/targets/embedded.ts) belongs to the lm helper. */
let embeddedFactory: Promise<EmbeddedFactory> | undefined;
function loadEmbeddedFactory(): Promise<EmbeddedFactory> {
  const specifier = './embedded.js';
  embeddedFactory ??= (import(specifier) as Promise<{ createEmbeddedTarget?: EmbeddedFactory }>).then(
    (m) => {
      if (typeof m.createEmbeddedTarget !== 'function')
        throw new Error('createEmbeddedTarget is not exported');
      return m.createEmbeddedTarget;
    },
    (err: unknown) => {
      embeddedFactory = undefined;
      throw new BreakfixError(
        `the embedded model is unavailable: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
        'embedded_unavailable',
        'reinstall with `npm ci` (it builds dist/), or point roles.target at an OpenAI-compatible endpoint',
      );
    },
  );
  return embeddedFactory;
}

function createEmbedded(cfg: EmbeddedTargetConfig, ctx: TargetContext): Target {
  const spec = `embedded:${cfg.model}`;
  let inner: Promise<Target> | undefined;
  const get = () => {
    inner ??= loadEmbeddedFactory().then((create) =>
      // (the halt stops its generation too: a batch in flight ends at its next step, not its last)
      create(spec, { resolveModelPath: modelPathResolver(ctx.store), signal: ctx.halt?.signal }),
    );
    return inner;
  };
  return {
    id: spec,
    async chat(messages: Message[], options?: ChatOptions): Promise<Reply> {
      // The target's configured defaults, as a remote target applies them; a call's own win.
      return (await get()).chat(messages, {
        ...options,
        temperature: options?.temperature ?? cfg.temperature,
        maxTokens: options?.maxTokens ?? cfg.maxTokens,
      });
    },
    async close() {
      if (inner) await (await inner).close?.();
    },
  };
}

/** A remote reply as breakfix may keep and print it: a key echoed in its text or model name
 * scrubbed, the model name cut to a name's length (and dropped when it is no string), token counts that are whole numbers (a server's
 * string there would reach the terminal and turn the token budget into string concatenation); and
 * an error's message scrubbed, whichever path built it. */
function withSafeReplies(inner: Target): Target {
  return {
    id: inner.id,
    ready: inner.ready?.bind(inner),
    async chat(messages: Message[], opts?: ChatOptions): Promise<Reply> {
      let reply: Reply;
      try {
        reply = await inner.chat(messages, opts);
      } catch (err) {
        if (!(err instanceof TargetError)) throw err;
        const message = redactText(err.message);
        if (message === err.message) throw err;
        throw err.with({ message });
      }
      // (a name that is no string, {…} or null from a proxy, names nothing: dropped, not "[object Object]")
      const model = typeof reply.model === 'string' ? redactText(reply.model).slice(0, 200) : undefined;
      const { model: _asSent, ...rest } = reply;
      return {
        ...rest,
        text: redactKnownSecrets(reply.text),
        usage: {
          promptTokens: tokenCount(reply.usage?.promptTokens),
          completionTokens: tokenCount(reply.usage?.completionTokens),
        },
        ...(model !== undefined && { model }),
      };
    },
    close: inner.close?.bind(inner),
  };
}

/** A reply's token count as a whole number; 0 for what is no count. A count of 2^31 or more is none
 * either: the longest contexts (10M tokens) are 200 times smaller, and it is what a proxy's unsigned
 * counter gives when it underflows (4294967295, 18446744073709551615) or a float's garbage (1e300);
 * taken as it stood, one such reply counts past any tokens budget at once and its usage
 * read 1e+300. */
const tokenCount = (n: unknown): number =>
  typeof n === 'number' && Number.isFinite(n) && n >= 0 && n < 2 ** 31 ? Math.floor(n) : 0;

/** The bare provider target for a config. */
export function createProviderTarget(cfg: TargetConfig, ctx: TargetContext = {}): Target {
  switch (cfg.type) {
    case 'openai':
      return createOpenAITarget(cfg);
    case 'anthropic':
      return createAnthropicTarget(cfg);
    case 'embedded':
      return createEmbedded(cfg, ctx);
  }
}

/** A target by config name or spec, wrapped with usage accounting, the response cache (remote
 * targets), a concurrency limit, retries, rate limits and a per-request timeout, per its config. */
export function createTarget(spec: string | TargetConfig, ctx: TargetContext = {}): Target {
  const { config: cfg } = resolveTargetConfig(spec, ctx.config);
  let t = createProviderTarget(cfg, ctx);
  if (ctx.raw) return t;
  const remote = cfg.type !== 'embedded';
  if (remote) {
    // A reply that echoes a key (a server's misconfigured system prompt, a proxy's debug text) would
    // carry it into the cache, transcripts, reports and fix data.
    t = withSafeReplies(t);
    // The embedded model runs in-process: no network to time out, nothing to retry or rate-limit.
    t = withTimeout(t, cfg.timeoutMs);
    // Under the rate limit and the retries: a request waiting for its turn in the window, or to
    // retry, when the run halts is not sent after it.
    if (ctx.halt) t = unsentOnceHalted(t, ctx.halt);
    t = withRateLimit(t, {
      rpm: cfg.rpm,
      tpm: cfg.tpm,
      windowMs: ctx.rateWindowMs,
      signal: ctx.halt?.signal,
    });
    const halt = ctx.halt;
    t = withRetry(t, {
      retries: cfg.retries,
      random: ctx.random,
      baseMs: ctx.retryBaseMs,
      stopped: halt && (() => halt.halted),
      onRetry: (err, attempt, waitMs) => {
        ctx.usage?.recordRetry(t.id, err);
        ctx.onRetry?.(err, attempt + 1, cfg.retries + 1, waitMs);
      },
    });
    // Inside the concurrency queue: requests waiting there when the run halts are not sent.
    if (ctx.halt) t = withHalt(t, ctx.halt);
  }
  t = withConcurrency(t, cfg.concurrency, { cooperative: remote });
  // Inside the cache: a fresh reply is counted (in the store's spend table) before it is cached, so a
  // crash between the two never loses an answered request; the cache counts its own hits.
  if (ctx.usage) t = withUsage(t, ctx.usage);
  // Embedded models change every round under the same name, so only remote replies are cached.
  if (remote && cfg.cache && ctx.store) {
    t = withCache(t, {
      store: ctx.store,
      noCache: ctx.noCache,
      usage: ctx.usage,
      namespace: {
        temperature: cfg.temperature ?? null,
        maxTokens: cfg.maxTokens ?? null,
        // (thinking on or off changes the reply; absent keeps the keys of earlier caches)
        ...('thinkingTokens' in cfg &&
          cfg.thinkingTokens !== undefined && { thinkingTokens: cfg.thinkingTokens }),
        ...('reasoningEffort' in cfg &&
          cfg.reasoningEffort !== undefined && { reasoningEffort: cfg.reasoningEffort }),
        ...endpointKey(baseURLOf(cfg)),
        ...headersKey('headers' in cfg ? cfg.headers : undefined),
      },
    });
  }
  return t;
}
