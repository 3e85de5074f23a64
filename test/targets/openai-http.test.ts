// The plain (non-streaming) OpenAI-compatible call over node:http (src/targets/http-json.ts),
// against SCRIPTED FAKE endpoints written here on 127.0.0.1: what a real server may do that the
// fault server (test/helpers/openai-server.ts) does not — compress unasked, answer errors in plain
// text with Retry-After-Ms, use an unknown encoding — and the request the client sends.
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenAITargetConfig } from '../../src/config/index.js';
import { TargetError } from '../../src/core/index.js';
import { createTarget } from '../../src/targets/index.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

interface Seen {
  url: string;
  /** The client's port: the same port twice means a reused connection. */
  port?: number;
  headers: IncomingMessage['headers'];
  body: string;
}

async function endpoint(
  respond: (res: ServerResponse, seen: Seen) => void,
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = {
        url: req.url ?? '',
        port: req.socket.remotePort,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(s);
      respond(res, s);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, seen };
}

const completion = (text: string) =>
  JSON.stringify({
    id: 'x',
    object: 'chat.completion',
    model: 'served-model',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 2 },
  });

const cfg = (url: string, over: Partial<OpenAITargetConfig> = {}): OpenAITargetConfig => ({
  type: 'openai',
  model: 'fake-model',
  baseURL: url,
  concurrency: 2,
  timeoutMs: 2_000,
  retries: 0,
  cache: false,
  stream: false,
  ...over,
});
const hi = [{ role: 'user' as const, content: 'hello' }];

/** The error a chat with the endpoint at `url` ends in (a default target: no retries configured). */
async function chatError(url: string): Promise<TargetError> {
  return (await createTarget(cfg(url), {})
    .chat(hi)
    .catch((e: unknown) => e)) as TargetError;
}

describe('plain replies over node:http', () => {
  it.each([
    ['gzip', gzipSync],
    // (HTTP/1.1 has recipients treat x-gzip as gzip: some servers still send the old name)
    ['x-gzip', gzipSync],
    ['br', brotliCompressSync],
  ] as const)('decodes a %s-compressed reply the client did not ask for', async (encoding, compress) => {
    const { url } = await endpoint((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding });
      res.end(compress(Buffer.from(completion('compressed answer'))));
    });
    const reply = await createTarget(cfg(url), {}).chat(hi);
    expect(reply).toMatchObject({
      text: 'compressed answer',
      finishReason: 'stop',
      model: 'served-model',
      usage: { promptTokens: 3, completionTokens: 2 },
    });
  });

  it("a socket's own timeout (the agent's idle 4 s, which a connection still being made has) never ends a request: its deadline does", async () => {
    // (white-box: a TCP handshake slower than 4 s — a busy server's full accept queue, SYNs
    // retransmitted, as this sandbox does to 127.0.0.1 under load — cannot be made on demand, so every
    // socket the agent makes times out after 50 ms whatever it is asked, and the reply takes 300 ms)
    const { url } = await endpoint((res) => setTimeout(() => res.end(completion('ok')), 300));
    const original = Agent.prototype.createConnection;
    Agent.prototype.createConnection = function (this: Agent, ...args: unknown[]) {
      const socket = (original as (...a: unknown[]) => Socket).apply(this, args);
      const set = socket.setTimeout.bind(socket);
      socket.setTimeout = ((_ms: number, ...rest: []) => set(50, ...rest)) as typeof socket.setTimeout;
      set(50);
      return socket;
    } as typeof original;
    try {
      expect((await createTarget(cfg(url, { timeoutMs: 30_000 }), {}).chat(hi)).text).toBe('ok');
    } finally {
      Agent.prototype.createConnection = original;
    }
  });

  it('an unknown content encoding is a malformed reply (retryable), not a crash', async () => {
    const { url } = await endpoint((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'zstd-nope' });
      res.end('????');
    });
    const err = await chatError(url);
    expect(err).toBeInstanceOf(TargetError);
    expect(err.kind).toBe('malformed');
    expect(err.retryable).toBe(true);
  });

  it('a plain-text error body is the message; Retry-After-Ms sets the wait', async () => {
    const { url } = await endpoint((res) => {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after-ms': '150' });
      res.end('upstream overloaded, try later');
    });
    const err = await chatError(url);
    expect(err.kind).toBe('server');
    expect(err.status).toBe(503);
    expect(err.retryAfterMs).toBe(150);
    expect(err.message).toContain('HTTP 503 upstream overloaded, try later');
  });

  it('a Retry-After given as an HTTP date sets the wait until that time', async () => {
    // (RFC 9110 allows a date there; some gateways send one. Read backwards, a future date is 0 s.)
    const { url } = await endpoint((res) => {
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': new Date(Date.now() + 120_000).toUTCString(),
      });
      res.end(JSON.stringify({ error: { message: 'slow down' } }));
    });
    const err = await chatError(url);
    expect(err.kind).toBe('rate_limit');
    // (the date has whole seconds, and the request took some: well under the 2 minutes, well over 0)
    expect(err.retryAfterMs).toBeGreaterThan(60_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('a 200 that is not JSON is malformed', async () => {
    const { url } = await endpoint((res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login page</html>');
    });
    const err = await chatError(url);
    expect(err.kind).toBe('malformed');
  });

  it('content given as text parts is read as their text; content of another kind is an error, never an answer', async () => {
    let content: unknown;
    const { url } = await endpoint((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        }),
      );
    });
    const t = createTarget(cfg(url), {});
    content = [
      { type: 'text', text: 'Hello, ' },
      { type: 'text', text: 'world' },
    ];
    expect(await t.chat(hi)).toMatchObject({ text: 'Hello, world', finishReason: 'stop' });
    for (const bad of [42, { text: 'x' }, [{ type: 'image_url', image_url: { url: 'x' } }]]) {
      content = bad;
      const err = (await t.chat(hi).catch((e: unknown) => e)) as TargetError;
      expect(err, JSON.stringify(bad)).toBeInstanceOf(TargetError);
      expect(err.message).toMatch(/content is not text/);
      expect(err.kind).toBe('malformed');
    }
  });

  it("a refusal given in the message's refusal field (content null) is the reply's text, not an empty reply", async () => {
    // (OpenAI's structured outputs refuse this way; an empty reply would be retried, then an error)
    const { url } = await endpoint((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: null, refusal: "I can't help with that." },
              finish_reason: 'stop',
            },
          ],
        }),
      );
    });
    expect(await createTarget(cfg(url), {}).chat(hi)).toMatchObject({
      text: "I can't help with that.",
      finishReason: 'stop',
    });
  });

  it('an answer of whitespace alone is an empty reply (retryable), never an answer to judge', async () => {
    const { url } = await endpoint((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(completion(' \n\t '));
    });
    const err = await chatError(url);
    expect(err).toBeInstanceOf(TargetError);
    expect(err.kind).toBe('empty');
    expect(err.retryable).toBe(true);
  });

  it('sends one JSON POST to <baseURL>/chat/completions with the key, organization and extra headers', async () => {
    const { url, seen } = await endpoint((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(completion('ok'));
    });
    const t = createTarget(
      cfg(`${url}/`, {
        apiKey: 'sk-test-0123456789abcdef',
        organization: 'org-red',
        headers: { 'X-Team': 'red', 'User-Agent': 'custom-agent' },
        temperature: 0.2,
      }),
      {},
    );
    await t.chat(hi, { maxTokens: 7 });
    await t.chat(hi);
    expect(seen).toHaveLength(2);
    const [first] = seen;
    expect(first.url).toBe('/v1/chat/completions');
    expect(first.headers).toMatchObject({
      authorization: 'Bearer sk-test-0123456789abcdef',
      'openai-organization': 'org-red',
      'x-team': 'red',
      'user-agent': 'custom-agent',
      'content-type': 'application/json',
    });
    expect(Number(first.headers['content-length'])).toBe(Buffer.byteLength(first.body));
    expect(JSON.parse(first.body)).toEqual({
      model: 'fake-model',
      messages: hi,
      temperature: 0.2,
      max_tokens: 7,
    });
    // keep-alive: the second call reuses the connection
    expect(first.headers.connection).toBe('keep-alive');
    expect(seen[1].port).toBe(first.port);
  });
});

// Like OpenAI's API for a reasoning model (o-series, gpt-5): the legacy sampling parameters are a
// 400 with the API's own wording; anything else is answered.
async function reasoningEndpoint() {
  return endpoint((res, seen) => {
    const body = JSON.parse(seen.body) as Record<string, unknown>;
    const refused = ['max_tokens', 'temperature', 'top_p', 'stop'].find((k) => k in body);
    if (refused) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            message:
              refused === 'max_tokens'
                ? "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."
                : `Unsupported value: '${refused}' does not support ${JSON.stringify(body[refused])} with this model. Only the default (1) value is supported.`,
            type: 'invalid_request_error',
            param: refused,
            code: refused === 'max_tokens' ? 'unsupported_parameter' : 'unsupported_value',
          },
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(completion('ok'));
  });
}

describe('OpenAI reasoning models (o-series, gpt-5)', () => {
  it('a reasoning model by name gets max_completion_tokens and no sampling parameters, with reasoning_effort when set', async () => {
    const { url, seen } = await reasoningEndpoint();
    const t = createTarget(cfg(url, { model: 'o3-mini', temperature: 0, reasoningEffort: 'low' }), {});
    expect((await t.chat(hi, { maxTokens: 300, temperature: 0, topP: 0.9, stop: ['\n'] })).text).toBe('ok');
    expect(JSON.parse(seen[0].body)).toEqual({
      model: 'o3-mini',
      messages: hi,
      max_completion_tokens: 300,
      reasoning_effort: 'low',
    });
  });

  it('a deployment whose name does not say so fails with a hint to set reasoning: true, and works once it is set', async () => {
    const { url, seen } = await reasoningEndpoint();
    const err = await createTarget(cfg(url, { model: 'safety-prod' }), {})
      .chat(hi, { maxTokens: 50, temperature: 0 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect((err as TargetError).kind).toBe('client');
    expect((err as TargetError).message).toMatch(
      /HTTP 400 Unsupported .*set `reasoning: true` on this target/,
    );
    const t = createTarget(cfg(url, { model: 'safety-prod', reasoning: true }), {});
    expect((await t.chat(hi, { maxTokens: 50, temperature: 0 })).text).toBe('ok');
    expect(JSON.parse(seen[1].body)).toEqual({
      model: 'safety-prod',
      messages: hi,
      max_completion_tokens: 50,
    });
  });

  it('an empty reply cut at the limit says the hidden reasoning used up maxTokens', async () => {
    const { url } = await endpoint((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          model: 'o4-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'length' }],
          usage: {
            prompt_tokens: 3,
            completion_tokens: 20,
            completion_tokens_details: { reasoning_tokens: 20 },
          },
        }),
      );
    });
    const err = await createTarget(cfg(url, { model: 'o4-mini' }), {})
      .chat(hi, { maxTokens: 20 })
      .catch((e: unknown) => e);
    expect((err as TargetError).kind).toBe('empty');
    expect((err as TargetError).message).toMatch(/finish reason length\); a reasoning model .*raise it/);
  });

  it('any other model keeps max_tokens and temperature; reasoning: false overrides the name', async () => {
    const { url, seen } = await endpoint((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(completion('ok'));
    });
    for (const over of [{ model: 'gpt-5-chat-latest' }, { model: 'gpt-5', reasoning: false }])
      await createTarget(cfg(url, over), {}).chat(hi, { maxTokens: 9, temperature: 0 });
    for (const s of seen) expect(JSON.parse(s.body)).toMatchObject({ max_tokens: 9, temperature: 0 });
  });
});

describe("an HTTP error's message", () => {
  const failing = (status: number, body: unknown) =>
    endpoint((res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });

  it('is the body\'s error where that is a bare string ({"error": "..."}, as some servers write it)', async () => {
    const { url } = await failing(404, { error: "model 'nope' not found" });
    const t = createTarget(cfg(url), {});
    const err = (await t.chat(hi).catch((e: unknown) => e)) as TargetError;
    expect(err).toBeInstanceOf(TargetError);
    expect(err.message).toBe(`${t.id}: HTTP 404 model 'nope' not found`);
  });

  it('is cut to one line of 200 characters', async () => {
    const { url } = await failing(400, { error: { message: `bad\nrequest ${'word '.repeat(100)}` } });
    const t = createTarget(cfg(url), {});
    const err = (await t.chat(hi).catch((e: unknown) => e)) as TargetError;
    expect(err).toBeInstanceOf(TargetError);
    const said = err.message.slice(`${t.id}: HTTP 400 `.length);
    expect(said).toBe(`bad request ${'word '.repeat(100)}`.slice(0, 197) + '...');
  });
});

describe('what a served reply says of itself', () => {
  const answering = (extra: Record<string, unknown>, finish = 'stop', status = 200) =>
    endpoint((res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          choices: [
            { index: 0, message: { role: 'assistant', content: 'an answer' }, finish_reason: finish },
          ],
          ...extra,
        }),
      );
    });

  it.each([
    ['eos', 'stop'],
    ['safety', 'content_filter'],
  ])("a server's finish reason %s is %s", async (given, finishReason) => {
    const { url } = await answering({}, given);
    expect(await createTarget(cfg(url), {}).chat(hi)).toMatchObject({ text: 'an answer', finishReason });
  });

  it('a prompt the server says it cut by no tokens was not cut', async () => {
    const { url } = await answering({ truncated: true, truncated_tokens: 0, n_ctx: 4096 });
    expect((await createTarget(cfg(url), {}).chat(hi)).promptTruncated).toBeUndefined();
  });

  it('a 300 reply is an HTTP error, even with a completion in its body', async () => {
    const { url } = await answering({}, 'stop', 300);
    const err = (await createTarget(cfg(url), {})
      .chat(hi)
      .catch((e: unknown) => e)) as TargetError;
    expect(err).toBeInstanceOf(TargetError);
    expect(err).toMatchObject({ kind: 'client', status: 300 });
  });
});
