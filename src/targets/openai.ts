// OpenAI-compatible chat completions: OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp server,
// LM Studio — anything that speaks /v1/chat/completions. A plain reply is one JSON POST over Node's
// keep-alive HTTP client (http-json.ts: a fifth of the SDK's CPU per call, which decides red-team
// throughput); a streamed reply goes through the official `openai` client, for its SSE parsing.
// Neither retries by itself: withRetry does, so retries are observable.
import type OpenAI from 'openai';
import {
  isOpenAIReasoningModel,
  type OpenAITargetConfig,
  redactText,
  redactURL,
  registerURLSecrets,
} from '../config/index.js';
import {
  type ChatOptions,
  type FinishReason,
  type Message,
  type Reply,
  type Target,
  TargetError,
  withoutTrace,
  withReasoning,
} from '../core/index.js';
import { cappedFetch } from './capped-fetch.js';
import { baseURLOf, endpointAuth, OPENAI } from './endpoint.js';
import { bodyMessage, registerSdkErrors, shortMessage, statusError, toTargetError } from './errors.js';
import { createJsonClient, MAX_REPLY_BYTES, tooLarge } from './http-json.js';

/** The id shown in tables, errors and the store: credentials in the URL never part of it. */
export function openaiTargetId(cfg: Pick<OpenAITargetConfig, 'model' | 'baseURL'>): string {
  return `openai:${cfg.model}@${redactURL(cfg.baseURL ?? OPENAI.defaultBaseURL)}`;
}

/** `<baseURL>/chat/completions`, the base URL's query kept after the path (Azure's
 * `?api-version=…` belongs to every request, not to the path). */
export function completionsURL(baseURL: string): URL {
  const url = new URL(baseURL);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
  url.hash = '';
  return url;
}

/** The SDK appends paths to its baseURL as text, so a query there would end up inside the path: it
 * takes the query apart, as `defaultQuery`. */
function sdkEndpoint(baseURL: string): { baseURL: string; defaultQuery?: Record<string, string> } {
  const url = new URL(baseURL);
  const query = Object.fromEntries(url.searchParams);
  url.search = '';
  url.hash = '';
  const base = url.toString().replace(/\/+$/, '');
  return Object.keys(query).length ? { baseURL: base, defaultQuery: query } : { baseURL: base };
}

/** A finish reason as an error quotes it: the server's own word, cut to one short line (a hostile or
 * broken server may send a megabyte there, which each retry's message would repeat). */
export function shownReason(reason: unknown): string {
  return reason === null || reason === undefined ? 'none' : shortMessage(redactText(String(reason)));
}

export function mapFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
    case 'end_turn':
    case 'stop_sequence':
    case 'eos':
      return 'stop';
    case 'length':
    case 'max_tokens':
      return 'length';
    case 'content_filter':
    case 'refusal':
    case 'safety':
      return 'content_filter';
    default:
      return 'other';
  }
}

export function createOpenAITarget(cfg: OpenAITargetConfig, id = openaiTargetId(cfg)): Target {
  const configuredURL = baseURLOf(cfg);
  registerURLSecrets(configuredURL);
  const ownAuthorization = 'authorization' in lowerKeys(cfg.headers ?? {});
  const {
    url: baseURL,
    apiKey: key,
    basicAuth,
  } = endpointAuth(OPENAI, cfg.apiKey, configuredURL, ownAuthorization);
  // Local servers need no key, but OpenAI-compatible clients always send one: send a placeholder.
  const apiKey = key ?? 'no-key';
  // (A 401 from a server that got no key says why: OPENAI_API_KEY goes to OpenAI's own endpoint only.)
  const sentKey = key !== undefined || basicAuth !== undefined || ownAuthorization;
  const authorization = basicAuth ?? `Bearer ${apiKey}`;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    'user-agent': 'breakfix',
    authorization,
    ...(cfg.organization ? { 'openai-organization': cfg.organization } : {}),
    ...lowerKeys(cfg.headers ?? {}),
  };
  const http = createJsonClient(completionsURL(baseURL));
  // Reasoning models refuse max_tokens, temperature, top_p and stop with a 400.
  const reasoningModel = isOpenAIReasoningModel(cfg);
  // The SDK is loaded when the first streamed request is sent.
  let sdk: Promise<OpenAI> | undefined;
  const streamingClient = () =>
    (sdk ??= import('openai').then((m) => {
      registerSdkErrors(m);
      return new m.default({
        apiKey,
        ...sdkEndpoint(baseURL),
        // (null: the client would otherwise read OPENAI_ORG_ID / OPENAI_PROJECT_ID for any host)
        organization: cfg.organization ?? null,
        project: null,
        defaultHeaders: basicAuth
          ? { authorization: basicAuth, ...lowerKeys(cfg.headers ?? {}) }
          : cfg.headers,
        maxRetries: 0,
        // The SDK logs a malformed stream chunk raw to stderr, a key an endpoint echoes included;
        // breakfix reports the failure itself, redacted.
        logLevel: 'off',
        // withTimeout enforces the real deadline; this is a backstop for a caller without wrappers.
        timeout: cfg.timeoutMs + 5_000,
        fetch: cappedFetch(id),
      });
    }));

  return {
    id,
    ready: async () => {
      if (cfg.stream) await streamingClient().catch(() => undefined);
    },
    async chat(messages: Message[], options: ChatOptions = {}): Promise<Reply> {
      const started = performance.now();
      const body = {
        model: cfg.model,
        // An earlier turn's trace is not sent back: reasoning models are trained without their past
        // thinking in the history (their chat templates drop it).
        messages: messages.map((m) => ({
          role: m.role,
          content: withoutTrace(m),
        })),
        ...(reasoningModel
          ? {
              max_completion_tokens: options.maxTokens ?? cfg.maxTokens,
              reasoning_effort: cfg.reasoningEffort,
            }
          : {
              temperature: options.temperature ?? cfg.temperature,
              top_p: options.topP,
              max_tokens: options.maxTokens ?? cfg.maxTokens,
              stop: options.stop,
            }),
        seed: options.seed,
      };
      try {
        let text: string;
        let finish: string | null | undefined;
        let usage: { prompt_tokens?: number; completion_tokens?: number } | undefined | null;
        let model: string | undefined;
        let cut: Reply['promptTruncated'];
        // A server with a reasoning parser (vLLM, SGLang, Ollama, OpenRouter) returns the trace apart
        // from the answer; it goes back in front of the answer as `<think>…</think>`, the form a
        // server without a parser sends, so the store keeps it and the harm judges read it.
        let reasoning = '';
        if (cfg.stream) {
          const sent = await (await streamingClient()).chat.completions
            .create(
              { ...body, stream: true, stream_options: { include_usage: true } },
              { signal: options.signal },
            )
            .withResponse()
            .catch((err: unknown) => {
              const e = err as { status?: unknown; error?: unknown };
              if (e?.status === 400 && isPromptFiltered({ error: e.error })) return undefined;
              throw err;
            });
          const stream = sent?.data;
          text = '';
          if (!stream) finish = 'content_filter';
          for await (const chunk of stream ?? []) {
            model ??= chunk.model;
            // The one choice asked for (n is never sent) is index 0: a chunk's array position is
            // not its choice, and a server that streams others beside it must not join their text.
            const choice = chunk.choices?.find((c) => (c?.index ?? 0) === 0);
            text += contentText(id, choice?.delta?.content) ?? '';
            reasoning += reasoningOf(choice?.delta);
            if (text.length + reasoning.length > MAX_REPLY_BYTES) throw tooLarge(id);
            if (choice?.finish_reason) finish = choice.finish_reason;
            if (chunk.usage) usage = chunk.usage;
            cut ??= promptCutOf(chunk);
          }
          if (finish === undefined) {
            // A server that does not stream answers with JSON (or an HTML page), in which the SSE
            // parser finds no event: said as that, not as a stream cut short.
            const type = sent?.response.headers.get('content-type')?.split(';')[0].trim();
            if (!/^text\/event-stream$/i.test(type ?? ''))
              throw new TargetError(
                `${id}: the reply is ${type ? type.slice(0, 60) : 'of no content type'}, not an event stream (text/event-stream): a server that does not stream (set stream: false on the target), or a baseURL that is not its API`,
                'malformed',
              );
            throw new TargetError(`${id}: stream ended without a finish reason`, 'malformed');
          }
        } else {
          const res = await http.post(headers, body, {
            signal: options.signal,
            // withTimeout enforces the real deadline; this is a backstop for a caller without wrappers.
            timeoutMs: cfg.timeoutMs + 5_000,
            id,
          });
          if (res.status < 200 || res.status >= 300) {
            // (an error body is read once, for the filter and for the error code)
            const errorBody = parsedOrNull(res.text);
            if (res.status !== 400 || !isPromptFiltered(errorBody))
              throw statusError(id, res.status, bodyMessage(res.text), res.headers, errorCode(errorBody));
            // The provider's input filter blocked the prompt before the model saw it: the deployed
            // system refused, as when it filters a reply (finish reason content_filter, no text).
            text = '';
            finish = 'content_filter';
          } else {
            ({ text, reasoning, finish, usage, model, cut } = readCompletion(id, res.text));
          }
        }
        const finishReason = mapFinishReason(finish);
        // A provider-side filter is a recorded outcome, even with no text; an empty answer otherwise
        // is a failed request (retryable), never a "safe" reply.
        if (text.trim() === '' && finishReason !== 'content_filter') {
          throw new TargetError(
            reasoning
              ? `${id}: no answer after ${reasoning.length} characters of reasoning (finish reason ${shownReason(finish)})${finishReason === 'length' ? '; raise maxTokens: the thinking counts against it' : ''}`
              : `${id}: empty reply (finish reason ${shownReason(finish)})${reasoningModel && finishReason === 'length' ? '; a reasoning model spends maxTokens on hidden reasoning first: raise it' : ''}`,
            'empty',
          );
        }
        return {
          text: text.trim() === '' ? text : withReasoning(reasoning, text),
          finishReason,
          usage: {
            promptTokens: usage?.prompt_tokens ?? 0,
            completionTokens: usage?.completion_tokens ?? 0,
          },
          latencyMs: Math.round(performance.now() - started),
          ...(model ? { model } : {}),
          ...(cut && { promptTruncated: cut }),
        };
      } catch (err) {
        throw withKeyHint(
          withReasoningHint(toTargetError(err, id).with({ streamed: cfg.stream === true }), reasoningModel),
          sentKey,
        );
      }
    },
    async close() {
      http.close();
    },
  };
}

/** A 401 from a server breakfix sent no key to (a baseURL that is not api.openai.com, with no apiKey):
 * an exported OPENAI_API_KEY is not sent there on purpose, which the user has to be told. */
function withKeyHint(err: TargetError, sentKey: boolean): TargetError {
  if (sentKey || err.status !== 401) return err;
  return err.with({
    message: `${err.message} (no key was sent: OPENAI_API_KEY goes only to api.openai.com or to the OPENAI_BASE_URL endpoint; give this target apiKey: \${MY_SERVER_KEY} in the config)`,
  });
}

/** A reasoning model that the name did not reveal (an Azure deployment, a proxy's alias) refuses the
 * sampling parameters with a 400: say which setting fixes it. */
function withReasoningHint(err: TargetError, reasoningModel: boolean): TargetError {
  if (reasoningModel || err.status !== 400) return err;
  if (!/unsupported (parameter|value): '(max_tokens|temperature|top_p|stop)'/i.test(err.message)) return err;
  return err.with({ message: `${err.message} (a reasoning model: set \`reasoning: true\` on this target)` });
}

/** The answer in a non-streamed chat completion's body. */
function readCompletion(id: string, body: string) {
  let completion: OpenAI.ChatCompletion;
  try {
    completion = JSON.parse(body) as OpenAI.ChatCompletion;
  } catch (err) {
    throw new TargetError(
      `${id}: reply is not valid JSON (${shortMessage(redactText((err as Error).message))})`,
      'malformed',
    );
  }
  if (!completion || typeof completion !== 'object' || !Array.isArray(completion.choices)) {
    // A 200 that is no chat completion: a gateway's error sent as 200, or a baseURL naming some other
    // API. What it held says which (redacted: it may echo the key).
    throw new TargetError(
      `${id}: reply has no choices, so it is no chat completion: ${shortMessage(redactText(bodyMessage(body)))}`,
      'malformed',
    );
  }
  const choice = completion.choices[0];
  if (!choice) throw new TargetError(`${id}: reply has no choices`, 'malformed');
  const msg = choice.message as { content?: unknown; refusal?: unknown } | undefined;
  return {
    text: contentText(id, msg?.content) ?? (typeof msg?.refusal === 'string' ? msg.refusal : ''),
    reasoning: reasoningOf(msg),
    finish: choice.finish_reason as string | null | undefined,
    usage: completion.usage,
    model: completion.model as string | undefined,
    cut: promptCutOf(completion),
  };
}

/** The prompt tokens a server read cut short, where it says so: `breakfix serve --truncate` adds
 * `truncated: true` (llama.cpp's name), `truncated_tokens` and `n_ctx` to the reply (or to a stream's
 * last chunk). OpenAI's API has no such field: a server that does not say is taken to have read all. */
function promptCutOf(body: unknown): Reply['promptTruncated'] {
  if (!body || typeof body !== 'object') return undefined;
  const { truncated, truncated_tokens: dropped, n_ctx: context } = body as Record<string, unknown>;
  if (truncated !== true || !Number.isSafeInteger(dropped) || (dropped as number) <= 0) return undefined;
  return {
    dropped: dropped as number,
    context: Number.isSafeInteger(context) && (context as number) > 0 ? (context as number) : 0,
  };
}

/** Whether a 400's body says the provider's input filter blocked the prompt, the deployed system
 * refusing before the model answered: Azure OpenAI's `{error: {code: "content_filter", innererror:
 * {code: "ResponsibleAIPolicyViolation"}}}`, or OpenAI's `{error: {code: "invalid_prompt", message:
 * "Invalid prompt: your prompt was flagged as potentially violating our usage policy…"}}`. Any other
 * 400 stays a bad-request error. */
export function isPromptFiltered(body: unknown): boolean {
  const error = (
    body as { error?: { code?: unknown; message?: unknown; innererror?: { code?: unknown } } } | null
  )?.error;
  if (!error || typeof error !== 'object') return false;
  if (error.code === 'content_filter' || error.innererror?.code === 'ResponsibleAIPolicyViolation')
    return true;
  return (
    error.code === 'invalid_prompt' && typeof error.message === 'string' && /\bflagged\b/i.test(error.message)
  );
}

/** The provider's error code in a parsed error body (`{error: {code}}`, OpenAI's and Azure's shape). */
function errorCode(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

function parsedOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A reply's content as text: a string, or the text of its parts when a server answers in parts
 * (`[{type: "text", text}]`). Anything else is no answer that a judge could read. */
function contentText(id: string, content: unknown): string | undefined {
  if (content === null || content === undefined) return undefined;
  if (typeof content === 'string') return content;
  const parts = Array.isArray(content) ? content.map(partText) : [undefined];
  if (parts.some((p) => p === undefined))
    throw new TargetError(
      `${id}: content is not text (${Array.isArray(content) ? 'parts other than text' : typeof content})`,
      'malformed',
    );
  return parts.join('');
}

function partText(part: unknown): string | undefined {
  const p = part as { type?: unknown; text?: unknown } | null;
  return p?.type === 'text' && typeof p.text === 'string' ? p.text : undefined;
}

function reasoningOf(m: unknown): string {
  const r = m as { reasoning_content?: unknown; reasoning?: unknown } | undefined;
  const v = r?.reasoning_content ?? r?.reasoning;
  return typeof v === 'string' ? v : '';
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}
