// SCRIPTED FAKE of a remote OpenAI-compatible model, for tests only. A real node:http server on
// 127.0.0.1 (random port) that speaks /v1/chat/completions (JSON and `stream: true` SSE) and
// /v1/models. Its replies come from a script function; it misbehaves on demand, per request
// (a schedule) or at random (a probability, deterministic by seed). With `maxFaultsPerRequest` the
// random faults are keyed on the request body instead of arrival order: the n-th arrival of the same
// body faults or not by a hash of (seed, body, n), and never once n reaches the cap, so a client that
// retries at least that many times always gets through, whatever the concurrency or timing.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRng, hash32 } from '../../src/core/index.js';

export type Fault =
  | 'rate_limit' // 429 with Retry-After
  | 'quota' // 429 insufficient_quota: OpenAI's "you exceeded your current quota" (waiting does not end it)
  | 'server_500'
  | 'server_503'
  | 'stall' // never answers (until the client gives up or the server closes)
  | 'reset' // headers and half a body, then the connection is destroyed
  | 'malformed' // 200 with a body that is not JSON
  | 'truncated' // Content-Length promises more than is sent, then the connection closes
  | 'empty' // 200 with empty content
  | 'no_choices' // 200 with `choices: []`
  | 'content_filter' // finish_reason content_filter, no text
  | 'prompt_filter' // Azure OpenAI's input filter: 400 with error code content_filter, no completion
  | 'slow_stream' // SSE chunks with long gaps
  | 'stream_reset' // SSE: a few chunks, then the connection is destroyed mid-body (non-stream: reset)
  | 'stream_cut' // SSE: a few chunks, then a clean end with no finish reason (non-stream: truncated)
  | 'auth' // 401
  | 'bad_request'; // 400

export interface FaultPlan {
  /** Fault for request i (0-based, counting chat requests); null/undefined = behave. */
  schedule?: (Fault | null | undefined)[];
  /** Probability of a random fault on each request not covered by the schedule. */
  probability?: number;
  /** Faults drawn from when random (default: the retryable ones). */
  kinds?: Fault[];
  seed?: number;
  /** Seconds sent in Retry-After for rate_limit (default 0). */
  retryAfterS?: number;
  /** How long `stall` holds a request (default 60 s). */
  stallMs?: number;
  /** Gap between `slow_stream` chunks (default 100 ms). */
  streamGapMs?: number;
  /** Key random faults on the request body; the n-th arrival of a body never faults once n ≥ this. */
  maxFaultsPerRequest?: number;
}

export interface ChatBody {
  model?: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  temperature?: number;
  max_tokens?: number;
  [k: string]: unknown;
}

export interface RequestLog {
  index: number;
  /** The request's path and query, as sent. */
  url: string;
  fault: Fault | null;
  body: ChatBody;
  headers: IncomingMessage['headers'];
}

export interface FakeServerStats {
  requests: number;
  /** Faults injected, by kind. */
  faults: Partial<Record<Fault, number>>;
  /** Most chat requests in flight at once. */
  maxInFlight: number;
}

export interface FakeServer {
  /** Base URL ending in /v1. */
  url: string;
  port: number;
  /** Chat requests received so far. */
  readonly requests: number;
  /** Every chat request (empty when started with `log: false`). */
  log: RequestLog[];
  stats(): FakeServerStats;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  script?: (messages: ChatBody['messages'], body: ChatBody) => string | Promise<string>;
  faults?: FaultPlan;
  latencyMs?: number;
  model?: string;
  /** Keep a log of every request (default true; off for load tests, where it would hold every body). */
  log?: boolean;
  /** Act as a server with a reasoning parser: every reply carries this trace (or the function's, of
   * the request) apart from its content, as `reasoning_content` (streamed as reasoning deltas before
   * the content). */
  reasoning?: string | ((messages: ChatBody['messages']) => string);
  /** The finish reason of replies that are not faults (default `stop`; `length` = cut off). */
  finishReason?: string;
}

const RETRYABLE: Fault[] = [
  'rate_limit',
  'server_500',
  'server_503',
  'reset',
  'malformed',
  'truncated',
  'empty',
];

/** Every fault a retrying client gets through: the 7 above plus stalls, streams cut or reset. */
export const RETRYABLE_FAULTS: Fault[] = [...RETRYABLE, 'stall', 'stream_reset', 'stream_cut'];

export async function startOpenAIServer(opts: FakeServerOptions = {}): Promise<FakeServer> {
  const script = opts.script ?? ((messages) => `You said: ${messages[messages.length - 1]?.content ?? ''}`);
  const plan = opts.faults ?? {};
  const rng = createRng(plan.seed ?? 1);
  const model = opts.model ?? 'fake-model';
  const log: RequestLog[] = [];
  const keepLog = opts.log ?? true;
  let count = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const injected: Partial<Record<Fault, number>> = {};
  const arrivals = new Map<number, number>();
  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const pickFault = (i: number, raw: string): Fault | null => {
    if (plan.schedule && i < plan.schedule.length) return plan.schedule[i] ?? null;
    if (!plan.probability) return null;
    if (plan.maxFaultsPerRequest !== undefined) {
      const key = hash32(raw);
      const n = arrivals.get(key) ?? 0;
      arrivals.set(key, n + 1);
      if (n >= plan.maxFaultsPerRequest) return null;
      const r = createRng(`${plan.seed ?? 1}:${key}:${n}`);
      return r.next() < plan.probability ? r.pick(plan.kinds ?? RETRYABLE) : null;
    }
    if (rng.next() < plan.probability) return rng.pick(plan.kinds ?? RETRYABLE);
    return null;
  };

  const server = createServer(async (req, res) => {
    try {
      await handle(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  // Hundreds of clients at once in the load tests: keep idle sockets for reuse a while.
  server.keepAliveTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      return json(res, 200, { object: 'list', data: [{ id: model, object: 'model', owned_by: 'fake' }] });
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      return json(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'not_found' } });
    }
    const raw = await readBody(req);
    let body: ChatBody;
    try {
      body = JSON.parse(raw) as ChatBody;
    } catch {
      return json(res, 400, {
        error: { message: 'request body is not JSON', type: 'invalid_request_error' },
      });
    }
    const index = count++;
    let fault = pickFault(index, raw);
    if (fault) injected[fault] = (injected[fault] ?? 0) + 1;
    if (keepLog) log.push({ index, url: req.url ?? '', fault, body, headers: req.headers });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (opts.latencyMs) await wait(opts.latencyMs);
      // The stream faults need a stream; without one they are their plain-JSON cousins.
      if (!body.stream && fault === 'stream_reset') fault = 'reset';
      if (!body.stream && fault === 'stream_cut') fault = 'truncated';
      await respond(res, body, fault);
    } finally {
      inFlight--;
    }
  }

  async function respond(res: ServerResponse, body: ChatBody, fault: Fault | null) {
    switch (fault) {
      case 'rate_limit':
        res.setHeader('retry-after', String(plan.retryAfterS ?? 0));
        return json(res, 429, { error: { message: 'Rate limit reached', type: 'rate_limit_error' } });
      case 'quota':
        return json(res, 429, {
          error: {
            message:
              'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
            type: 'insufficient_quota',
            param: null,
            code: 'insufficient_quota',
          },
        });
      case 'server_500':
        return json(res, 500, { error: { message: 'internal error', type: 'server_error' } });
      case 'server_503':
        return json(res, 503, { error: { message: 'overloaded', type: 'server_error' } });
      case 'auth':
        return json(res, 401, {
          error: { message: 'Incorrect API key provided', type: 'invalid_request_error' },
        });
      case 'bad_request':
        return json(res, 400, { error: { message: 'model not found', type: 'invalid_request_error' } });
      case 'prompt_filter':
        // The body Azure OpenAI sends when its content filter blocks the prompt.
        return json(res, 400, {
          error: {
            message:
              "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
            type: null,
            param: 'prompt',
            code: 'content_filter',
            status: 400,
            innererror: {
              code: 'ResponsibleAIPolicyViolation',
              content_filter_result: {
                hate: { filtered: false, severity: 'safe' },
                self_harm: { filtered: false, severity: 'safe' },
                sexual: { filtered: false, severity: 'safe' },
                violence: { filtered: true, severity: 'medium' },
              },
            },
          },
        });
      case 'stall':
        await wait(plan.stallMs ?? 60_000);
        if (!res.destroyed) res.destroy();
        return;
      case 'reset': {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
        res.write('{"id":"chatcmpl-x","object":"chat.completion","choi');
        await wait(5);
        res.socket?.destroy();
        return;
      }
      case 'truncated': {
        const full = JSON.stringify(completion(model, 'this reply will be cut', 'stop', body));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(full.length) });
        res.end(full.slice(0, Math.floor(full.length / 2)));
        res.socket?.destroy();
        return;
      }
      case 'malformed': {
        const bad = '{"id": "chatcmpl-x", "choices": [ {"message": ';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bad.length) });
        res.end(bad);
        return;
      }
      default:
        break;
    }

    const finish = fault === 'content_filter' ? 'content_filter' : (opts.finishReason ?? 'stop');
    let text = '';
    if (fault !== 'empty' && fault !== 'content_filter') text = await script(body.messages ?? [], body);
    const reasoning =
      typeof opts.reasoning === 'function' ? opts.reasoning(body.messages ?? []) : opts.reasoning;
    if (fault === 'no_choices')
      return json(res, 200, { ...completion(model, text, finish, body), choices: [] });
    if (body.stream)
      return stream(
        res,
        model,
        text,
        finish,
        body,
        fault === 'slow_stream' ? (plan.streamGapMs ?? 100) : 0,
        fault,
        reasoning,
      );
    return json(res, 200, completion(model, text, finish, body, reasoning));
  }

  async function stream(
    res: ServerResponse,
    m: string,
    text: string,
    finish: string,
    body: ChatBody,
    gapMs: number,
    fault: Fault | null = null,
    reasoning?: string,
  ) {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model: m };
    const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    send({
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    for (const r of reasoning?.match(/\S+\s*/g) ?? [])
      send({ ...base, choices: [{ index: 0, delta: { reasoning_content: r }, finish_reason: null }] });
    const pieces = text.match(/\S+\s*/g) ?? [];
    for (const [i, p] of pieces.entries()) {
      if (gapMs) await wait(gapMs);
      if (res.destroyed) return;
      if (i === 2 || (i === pieces.length - 1 && i < 2)) {
        if (fault === 'stream_reset') {
          await wait(2);
          res.socket?.destroy();
          return;
        }
        if (fault === 'stream_cut') {
          res.end();
          return;
        }
      }
      send({ ...base, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] });
    }
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] });
    send({ ...base, choices: [], usage: usageOf(body, text) });
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    get requests() {
      return count;
    },
    log,
    stats: () => ({ requests: count, faults: { ...injected }, maxInFlight }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function completion(model: string, text: string, finish: string, body: ChatBody, reasoning?: string) {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text || (reasoning ? null : text),
          ...(reasoning ? { reasoning_content: reasoning } : {}),
        },
        finish_reason: finish,
        logprobs: null,
      },
    ],
    usage: usageOf(body, text),
  };
}

function usageOf(body: ChatBody, text: string) {
  const words = (s: string) => (s.match(/\S+/g) ?? []).length;
  const prompt = (body.messages ?? []).reduce((n, m) => n + words(String(m.content ?? '')), 0);
  const completionTokens = words(text);
  return {
    prompt_tokens: prompt,
    completion_tokens: completionTokens,
    total_tokens: prompt + completionTokens,
  };
}

function json(res: ServerResponse, status: number, data: unknown) {
  const text = JSON.stringify(data);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
