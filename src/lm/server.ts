// An OpenAI-compatible HTTP server for an embedded checkpoint: POST /v1/chat/completions and
// GET /v1/models on 127.0.0.1. Generation runs in a worker thread, one batch at a time; requests
// arriving together are micro-batched into one generateBatch, and a client that leaves cancels its
// request. Malformed requests get a 400 naming the offending field.
// `stream: true` is answered in the OpenAI server-sent-events format so streaming clients work; the
// batch decodes together, so the chunks are sent once the reply is complete (not token by token).
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BreakfixError } from '../core/errors.js';
import type { GenerateRequest, GenerateResult } from './generate.js';
import type { ChatMessage } from './tokenizer.js';

export interface ServeOptions {
  modelDir: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The id reported by /v1/models and in responses (default: the folder name). */
  modelName?: string;
  batchWindowMs?: number;
  maxBatch?: number;
  /** Requests waiting for the model beyond the batch it is running; more are answered 503 with
   * Retry-After (default 256). */
  maxQueue?: number;
  /** A prompt longer than the context window keeps its latest tokens (as the embedded target
   * does) instead of a 400 `context_length_exceeded` (as OpenAI and vLLM answer). */
  truncate?: boolean;
  /** Starts the generation worker (default spawnWorker); a test passes one to stop it. */
  spawn?: (modelDir: string) => Worker;
}

export interface RunningServer {
  url: string;
  port: number;
  modelName: string;
  /** Settles when the generation worker stops while the server runs (it died: out of memory, a
   * crash): every request is answered 503 from then on, so the process should close and exit. */
  workerStopped: Promise<Error>;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

class BadRequest extends Error {
  constructor(
    message: string,
    readonly param?: string,
    readonly status = 400,
    /** OpenAI's error code, where it has one (`model_not_found`, `context_length_exceeded`). */
    readonly code?: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/**
 * Spawns the generation worker. From dist/ it is plain JS; from src/ (tsx, vitest) a small data:
 * URL bootstrap registers tsx's loader in the worker first, then imports the TypeScript entry.
 */
export function spawnWorker(modelDir: string): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  if (!fromSource)
    return new Worker(new URL('./serve-worker.js', import.meta.url), { workerData: { modelDir } });
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./serve-worker.ts', import.meta.url).href;
  const boot = `const { register } = await import(${JSON.stringify(api)}); register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
    workerData: { modelDir },
  });
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const modelDir = resolve(opts.modelDir);
  const modelName = opts.modelName ?? basename(modelDir);
  const host = opts.host ?? '127.0.0.1';
  const window = opts.batchWindowMs ?? 5;
  const maxBatch = opts.maxBatch ?? 32;
  const maxQueue = opts.maxQueue ?? 256;
  const worker = (opts.spawn ?? spawnWorker)(modelDir);
  const created = Math.floor(Date.now() / 1000);
  let contextLength = 0;

  // A running worker keeps the process alive: a start that fails must end it.
  await new Promise<void>((ok, fail) => {
    const onMsg = (m: {
      type: string;
      message?: string;
      input?: boolean;
      hint?: string;
      config?: { contextLength: number };
    }) => {
      if (m.type === 'ready') {
        contextLength = m.config?.contextLength ?? 0;
        ok();
      } else if (m.type === 'fatal') {
        const message = `cannot load the model in ${modelDir}: ${m.message}`;
        fail(m.input ? new BreakfixError(message, 'input', m.hint) : new Error(message));
      }
    };
    worker.on('message', onMsg);
    worker.once('error', (e) => fail(new Error(`the generation worker failed to start: ${e.message}`)));
    worker.once('exit', (code) =>
      fail(new Error(`the generation worker stopped while loading (exit code ${code})`)),
    );
  }).catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });

  // Micro-batching: requests arriving within `window` ms go to the worker as one batch, and one batch
  // runs at a time: those arriving meanwhile wait here and go together once it is done. (Posted as
  // they came, every batch ran interleaved in the worker, each holding its key/value cache: 4,000
  // concurrent requests held about a gigabyte, and one whose client had gone still ran.)
  let nextId = 1;
  const waiting = new Map<number, { ok: (r: GenerateResult[]) => void; fail: (e: Error) => void }>();
  interface Queued {
    req: GenerateRequest;
    ok: (r: GenerateResult) => void;
    fail: (e: Error) => void;
    /** Where it runs, once posted: a client that leaves then cancels it in the worker. */
    at?: { id: number; index: number };
  }
  const queue: Queued[] = [];
  let busy = false;
  let timer: NodeJS.Timeout | undefined;
  worker.on('message', (m: { type: string; id: number; results?: GenerateResult[]; message?: string }) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.type === 'result') w.ok(m.results!);
    else w.fail(new Error(m.message ?? 'generation failed'));
  });
  // A worker that stops (a crash, out of memory) answers nothing more: what waits and what comes
  // later is told so at once (503), never left hanging.
  let closing = false;
  let stopped: BadRequest | undefined;
  let onStopped!: (e: Error) => void;
  const workerStopped = new Promise<Error>((ok) => {
    onStopped = ok;
  });
  const stop = (cause: string) => {
    if (closing || stopped) return;
    stopped = new BadRequest(`the generation worker stopped (${cause}); restart the server`, undefined, 503);
    for (const q of queue.splice(0)) q.fail(stopped);
    for (const w of waiting.values()) w.fail(stopped);
    waiting.clear();
    onStopped(stopped);
  };
  worker.on('error', (e) => stop(e.message));
  worker.on('exit', (code) => stop(`exit code ${code}`));
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (busy || stopped || closing || !queue.length) return;
    const batch = queue.splice(0, maxBatch);
    const id = nextId++;
    for (const [index, b] of batch.entries()) b.at = { id, index };
    busy = true;
    const done = () => {
      busy = false;
      flush();
    };
    waiting.set(id, {
      ok: (rs) => {
        for (const [i, b] of batch.entries()) b.ok(rs[i]);
        done();
      },
      fail: (e) => {
        for (const b of batch) b.fail(e);
        done();
      },
    });
    worker.postMessage({ type: 'generate', id, reqs: batch.map((b) => b.req) });
  };
  const generate = (req: GenerateRequest, signal: AbortSignal) =>
    new Promise<GenerateResult>((ok, fail) => {
      if (stopped) return fail(stopped);
      // Past maxQueue waiting, a request is told to come back (as an overloaded OpenAI server says)
      // rather than held: each one held keeps its body and its client's connection.
      if (queue.length >= maxQueue)
        return fail(
          new BadRequest(
            `the server is busy: ${queue.length} requests are waiting for the model; retry shortly`,
            undefined,
            503,
            undefined,
            { 'retry-after': '1' },
          ),
        );
      const q: Queued = { req, ok, fail };
      queue.push(q);
      signal.addEventListener(
        'abort',
        () => {
          const i = queue.indexOf(q);
          if (i >= 0) {
            queue.splice(i, 1);
            fail(new Error('the client left'));
          } else if (q.at && waiting.has(q.at.id)) worker.postMessage({ type: 'cancel', ...q.at });
        },
        { once: true },
      );
      if (busy) return;
      if (queue.length >= maxBatch) flush();
      else timer ??= setTimeout(flush, window);
    });

  // DNS rebinding: a page on another site whose name is rebound to 127.0.0.1 is same-origin with this
  // server and could read its replies. Only the names this server was reached at are allowed (set
  // once listening; none checked when bound to every interface on purpose), as in `breakfix view`.
  let allowedHosts: Set<string> | null = null;
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof BadRequest)
        sendError(
          res,
          err.status,
          err.message,
          err.param,
          err.status >= 500 ? 'server_error' : undefined,
          err.code,
          err.headers,
        );
      else
        sendError(
          res,
          500,
          `generation failed: ${err instanceof Error ? err.message : String(err)}`,
          undefined,
          'server_error',
        );
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (allowedHosts && !allowedHosts.has((req.headers.host ?? '').toLowerCase()))
      throw new BadRequest(
        `forbidden host "${req.headers.host ?? ''}": this server answers requests to ${[...allowedHosts][0]} only`,
        undefined,
        403,
      );
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
    if (path === '/v1/models' || path === '/models') {
      if (req.method !== 'GET') throw wrongMethod(path, req.method, 'GET');
      sendJson(res, 200, {
        object: 'list',
        data: [{ id: modelName, object: 'model', created, owned_by: 'breakfix' }],
      });
      return;
    }
    if (path === '/v1/chat/completions' || path === '/chat/completions') {
      if (req.method !== 'POST') throw wrongMethod(path, req.method, 'POST');
      // A web page can POST text/plain to any address without asking (no CORS preflight): a body
      // that is not declared JSON is refused, so no site the user visits can make the model generate.
      if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? ''))
        throw new BadRequest(
          `send the body as JSON with the header "Content-Type: application/json" (got ${JSON.stringify(req.headers['content-type'] ?? 'none')})`,
          undefined,
          415,
        );
      const body = await readJson(req);
      const genReq = parseChatRequest(body);
      const streaming = parseStreamRequest(body);
      checkModel(body, modelName);
      // A client that leaves before its reply (a timeout, Ctrl-C) takes its generation with it.
      const left = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) left.abort();
      });
      const r = await generate({ ...genReq, truncate: Boolean(opts.truncate) }, left.signal);
      // Without --truncate a prompt that does not fit is not generated from (its tail is not what
      // was asked), as an OpenAI server would say.
      if (r.truncatedTokens > 0 && !opts.truncate)
        throw new BadRequest(
          `messages of ${r.promptTokens + r.truncatedTokens} tokens do not fit: start the server with --truncate to keep their latest tokens, or shorten them (this model's context is ${contextLength} tokens, at most ${r.promptTokens} of them for the prompt, keeping ${contextLength - r.promptTokens} for the reply)`,
          'messages',
          400,
          'context_length_exceeded',
        );
      if (streaming) {
        sendStream(res, r, modelName, streaming.includeUsage, contextLength);
        return;
      }
      sendJson(res, 200, {
        id: `chatcmpl-${randomUUID()}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: modelName,
        ...truncation(r, contextLength),
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: r.text },
            finish_reason: r.finishReason,
            logprobs: null,
          },
        ],
        usage: {
          prompt_tokens: r.promptTokens,
          completion_tokens: r.completionTokens,
          total_tokens: r.promptTokens + r.completionTokens,
        },
      });
      return;
    }
    throw new BadRequest(
      `no route ${req.method} ${path}; this server offers GET /v1/models and POST /v1/chat/completions`,
      undefined,
      404,
    );
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 8080, host, () => {
      server.off('error', fail);
      ok();
    });
  }).catch(async (err: unknown) => {
    // (EADDRINUSE, EADDRNOTAVAIL, ENOTFOUND: the caller reports it; the worker must not outlive it.)
    await worker.terminate();
    throw err;
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 8080);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  if (host !== '0.0.0.0' && host !== '::')
    allowedHosts = new Set(
      [`${urlHost}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`].map((h) =>
        h.toLowerCase(),
      ),
    );
  return {
    url: `http://${urlHost}:${port}/v1`,
    port,
    modelName,
    workerStopped,
    async close() {
      closing = true;
      if (timer) clearTimeout(timer);
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      // server.close() alone waits for every connection still in a request (a generation, or a
      // client that sent half a request) and keep-alive sockets hold it too: stopping means now.
      server.closeAllConnections();
      const stopping = new Error('the server is shutting down');
      for (const q of queue.splice(0)) q.fail(stopping);
      for (const w of waiting.values()) w.fail(stopping);
      waiting.clear();
      await worker.terminate();
      await closed;
    },
  };
}

/** The request's body, at most MAX_BODY bytes. A larger one is refused (413) at once, and the rest
 * of it read and dropped: stopping reading (a `for await` that throws destroys the socket) reset
 * the connection while the client was still sending, and it saw a connection error, not the 413. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > MAX_BODY) return;
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
      else {
        chunks.length = 0;
        fail(new BadRequest(`request body is larger than ${MAX_BODY} bytes`, undefined, 413));
      }
    });
    req.on('end', () => ok(Buffer.concat(chunks)));
    req.on('error', fail);
    req.on('close', () => {
      if (!req.complete) fail(new Error('the client left before sending the whole request'));
    });
  });
}

/** A 405 with the Allow header HTTP requires of it (RFC 9110 §15.5.6), which clients read. */
function wrongMethod(path: string, method: string | undefined, allowed: string): BadRequest {
  return new BadRequest(`${path} takes ${allowed}, not ${method}`, undefined, 405, undefined, {
    allow: allowed,
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const bytes = await readBody(req);
  // JSON travels as UTF-8 (RFC 8259): other bytes decoded leniently become U+FFFD, and the model
  // would answer a prompt the client never sent.
  if (!isUtf8(bytes)) throw new BadRequest('request body is not valid UTF-8: send the JSON encoded as UTF-8');
  const text = bytes.toString('utf8');
  if (!text.trim()) throw new BadRequest('request body is empty; send a JSON object with "messages"');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadRequest(`request body is not valid JSON: ${(err as Error).message}`);
  }
}

const ROLES = new Set(['system', 'user', 'assistant', 'developer']);

/** Validates an OpenAI chat-completions body; every rejection names the field. */
export function parseChatRequest(body: unknown): GenerateRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new BadRequest('request body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b.messages) || b.messages.length === 0)
    throw new BadRequest('"messages" must be a non-empty array of {role, content}', 'messages');
  const messages: ChatMessage[] = b.messages.map((m: unknown, i: number) => {
    const field = `messages[${i}]`;
    if (m === null || typeof m !== 'object')
      throw new BadRequest(`${field} must be an object with "role" and "content"`, field);
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !ROLES.has(role))
      throw new BadRequest(
        `${field}.role must be one of system, developer, user, assistant (got ${JSON.stringify(role)})`,
        `${field}.role`,
      );
    let text: string;
    if (typeof content === 'string') text = content;
    else if (Array.isArray(content)) {
      text = content
        .map((part: unknown, j: number) => {
          const p = part as { type?: unknown; text?: unknown };
          if (p?.type !== 'text' || typeof p.text !== 'string')
            throw new BadRequest(
              `${field}.content[${j}] must be {type: "text", text: string}; only text is supported`,
              `${field}.content`,
            );
          return p.text;
        })
        .join('');
    } else throw new BadRequest(`${field}.content must be a string`, `${field}.content`);
    return { role: role === 'developer' ? 'system' : (role as ChatMessage['role']), content: text };
  });
  if (b.n !== undefined && b.n !== null && b.n !== 1) throw new BadRequest('"n" must be 1', 'n');
  const num = (name: string, lo: number, hi: number, int = false): number | undefined => {
    const v = b[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (int && !Number.isInteger(v))) {
      throw new BadRequest(
        `"${name}" must be ${int ? 'an integer' : 'a number'} between ${lo} and ${hi} (got ${JSON.stringify(v)})`,
        name,
      );
    }
    return v;
  };
  const maxTokens = num('max_completion_tokens', 1, 100_000, true) ?? num('max_tokens', 1, 100_000, true);
  let stop: string[] | undefined;
  if (typeof b.stop === 'string') stop = [b.stop];
  else if (Array.isArray(b.stop) && b.stop.every((s) => typeof s === 'string')) stop = b.stop as string[];
  else if (b.stop !== undefined && b.stop !== null)
    throw new BadRequest('"stop" must be a string or an array of strings', 'stop');
  // OpenAI's limit; each stop string is searched for after every token, on the one generation worker.
  if (stop && stop.length > MAX_STOP)
    throw new BadRequest(`"stop" takes at most ${MAX_STOP} strings (got ${stop.length})`, 'stop');
  refuseUnsupported(b);
  return {
    messages,
    maxTokens: maxTokens ?? 256,
    temperature: num('temperature', 0, 2),
    topP: num('top_p', 0, 1),
    stop,
    seed: num('seed', -(2 ** 53), 2 ** 53, true),
  };
}

const MAX_STOP = 4;

/** Fields that would change what a client gets back (a tool call, JSON output, log-probabilities,
 * biased or penalised sampling):
 * this model can give none of them, and a plain-text 200 would pass for a model that ignored them. */
function refuseUnsupported(b: Record<string, unknown>): void {
  const given = (v: unknown) => v !== undefined && v !== null && v !== false;
  if ((Array.isArray(b.tools) && b.tools.length > 0) || (given(b.tools) && !Array.isArray(b.tools)))
    throw new BadRequest('this server does not support tools: the embedded model cannot call them', 'tools');
  if (Array.isArray(b.functions) ? b.functions.length > 0 : given(b.functions))
    throw new BadRequest('this server does not support functions', 'functions');
  if (given(b.tool_choice) && b.tool_choice !== 'none')
    throw new BadRequest(
      'this server does not support tools: "tool_choice" can only be "none"',
      'tool_choice',
    );
  const format = b.response_format as { type?: unknown } | undefined | null;
  if (given(format) && format?.type !== 'text')
    throw new BadRequest(
      `this server answers plain text only: "response_format" can only be {"type": "text"} (got ${JSON.stringify(format)})`,
      'response_format',
    );
  if (given(b.logprobs)) throw new BadRequest('this server does not return log-probabilities', 'logprobs');
  // Sampling it would not apply: the reply to a request that asked for them would pass for one that
  // had them. Their neutral values (0, {}) are what many clients send by default.
  const bias = b.logit_bias;
  if (given(bias) && (typeof bias !== 'object' || bias === null || Object.keys(bias).length > 0))
    throw new BadRequest('this server does not apply "logit_bias": send {} or leave it out', 'logit_bias');
  for (const name of ['frequency_penalty', 'presence_penalty'])
    if (given(b[name]) && b[name] !== 0)
      throw new BadRequest(`this server does not apply "${name}": send 0 or leave it out`, name);
  if (given(b.top_logprobs) && b.top_logprobs !== 0)
    throw new BadRequest('this server does not return log-probabilities', 'top_logprobs');
}

/** The body's `model` must name the model served, as an OpenAI server requires: a client whose
 * config names another model is talking to the wrong server, and must not get this one's answers. */
function checkModel(body: unknown, served: string): void {
  const model = (body as Record<string, unknown>).model;
  if (typeof model !== 'string' || !model)
    throw new BadRequest(`"model" is required: this server serves "${served}"`, 'model');
  if (model !== served)
    throw new BadRequest(
      `the model "${model}" does not exist: this server serves "${served}" (see GET /v1/models)`,
      'model',
      404,
      'model_not_found',
    );
}

/** `stream` and `stream_options` of a chat body (already validated as an object by parseChatRequest):
 * undefined when the client wants one JSON reply. */
export function parseStreamRequest(body: unknown): { includeUsage: boolean } | undefined {
  const b = body as Record<string, unknown>;
  if (b.stream !== undefined && b.stream !== null && typeof b.stream !== 'boolean')
    throw new BadRequest('"stream" must be true or false', 'stream');
  const opts = b.stream_options;
  if (opts !== undefined && opts !== null) {
    if (typeof opts !== 'object' || Array.isArray(opts))
      throw new BadRequest('"stream_options" must be an object', 'stream_options');
    const inc = (opts as Record<string, unknown>).include_usage;
    if (inc !== undefined && typeof inc !== 'boolean')
      throw new BadRequest(
        '"stream_options.include_usage" must be true or false',
        'stream_options.include_usage',
      );
    if (b.stream !== true)
      throw new BadRequest('"stream_options" is only allowed with "stream": true', 'stream_options');
  }
  if (b.stream !== true) return undefined;
  return { includeUsage: (opts as { include_usage?: boolean } | undefined)?.include_usage === true };
}

/** Sends a finished reply as OpenAI chat.completion.chunk events: the role, the text in word-sized
 * deltas, the finish reason, the usage when asked, then `[DONE]`. */
/** Whether the prompt was read cut short (only with --truncate: without it such a prompt is a 400),
 * as fields beside the OpenAI ones, which have none for it: `truncated` as llama.cpp's server names
 * it, with the prompt tokens dropped from the start and the window (`n_ctx`, llama.cpp's name for it)
 * when it was. A client (breakfix's openai target) counts them as it counts the embedded target's. */
function truncation(r: GenerateResult, contextLength: number) {
  return r.truncatedTokens > 0
    ? { truncated: true, truncated_tokens: r.truncatedTokens, n_ctx: contextLength }
    : { truncated: false };
}

function sendStream(
  res: ServerResponse,
  r: GenerateResult,
  model: string,
  includeUsage: boolean,
  contextLength: number,
): void {
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const event = (delta: object, finish: string | null, usage?: object) =>
    res.write(
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        // (on the chunk that ends the reply, whether or not the client asked for usage)
        ...(finish ? truncation(r, contextLength) : {}),
        choices: usage ? [] : [{ index: 0, delta, finish_reason: finish, logprobs: null }],
        ...(includeUsage ? { usage: usage ?? null } : {}),
      })}\n\n`,
    );
  event({ role: 'assistant', content: '' }, null);
  for (const piece of r.text.match(/\s*\S+|\s+$/g) ?? []) event({ content: piece }, null);
  event({}, r.finishReason);
  if (includeUsage)
    event({}, null, {
      prompt_tokens: r.promptTokens,
      completion_tokens: r.completionTokens,
      total_tokens: r.promptTokens + r.completionTokens,
    });
  res.end('data: [DONE]\n\n');
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  param?: string,
  type = 'invalid_request_error',
  code?: string,
  headers?: Record<string, string>,
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status, { error: { message, type, param: param ?? null, code: code ?? null } }, headers);
}
