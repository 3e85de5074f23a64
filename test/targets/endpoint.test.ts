// Which endpoint a remote target calls, which API key it sends there (src/targets/endpoint.ts), and
// what the response cache keys on. Against SCRIPTED FAKE servers on 127.0.0.1: the OpenAI one of
// test/helpers/openai-server.ts, and two written here — an Anthropic Messages endpoint, and a
// hostile one that answers 401 quoting the key it was sent, as OpenAI's "Incorrect API key
// provided: …" does.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openaiTargetSchema, parseConfig, redactText } from '../../src/config/index.js';
import { ConfigError, type Message, TargetError } from '../../src/core/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { cacheKey, createTarget } from '../../src/targets/index.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';

// Not key-shaped (no sk- prefix): only knowing it as a secret scrubs it.
const ENV_KEY = 'QAenvKey0123456789abcdefXYZ';
const hi: Message[] = [{ role: 'user', content: 'hi' }];

const servers: { close(): unknown }[] = [];
let store: Store | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  store?.close();
  store = undefined;
  for (const s of servers.splice(0)) await s.close();
});

/** Environment variables for one test: every provider variable cleared unless given. */
function env(vars: Record<string, string> = {}): void {
  for (const v of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL'])
    vi.stubEnv(v, vars[v] ?? '');
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The key a request carried (Anthropic's client sends it as x-api-key or as a bearer token). */
const keyOf = (req: IncomingMessage) =>
  String(req.headers['x-api-key'] ?? req.headers.authorization ?? '').replace(/^Bearer /, '');

/** SCRIPTED FAKE hostile endpoint: every request gets 401 with the key it carried in the message. */
async function echoKey401(): Promise<{ url: string; keys: string[] }> {
  const keys: string[] = [];
  const url = await listen(
    createServer((req, res) => {
      const key = keyOf(req);
      keys.push(key);
      req.resume().on('end', () => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}` } }));
      });
    }),
  );
  return { url, keys };
}

/** SCRIPTED FAKE Anthropic Messages endpoint: answers `text`, records the keys it was sent. */
async function fakeAnthropic(text: string): Promise<{ url: string; keys: string[]; auths: string[] }> {
  const keys: string[] = [];
  const auths: string[] = [];
  const url = await listen(
    createServer((req, res) => {
      keys.push(keyOf(req));
      auths.push(String(req.headers.authorization ?? ''));
      req.resume().on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'msg_1',
            type: 'message',
            role: 'assistant',
            model: 'c',
            content: [{ type: 'text', text }],
            stop_reason: 'end_turn',
            usage: { input_tokens: 1, output_tokens: 1 },
          }),
        );
      });
    }),
  );
  return { url, keys, auths };
}

async function fakeOpenAI(): Promise<FakeServer> {
  const s = await startOpenAIServer();
  servers.push(s);
  return s;
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe('a key from the environment', () => {
  it('is scrubbed when its OpenAI-compatible server echoes it back (spec and config target)', async () => {
    const echo = await echoKey401();
    env({ OPENAI_API_KEY: ENV_KEY, OPENAI_BASE_URL: `${echo.url}/v1` });
    const config = parseConfig(
      `targets:\n  j:\n    type: openai\n    model: m\n    baseURL: ${echo.url}/v1\n`,
      'x.yaml',
    );
    for (const spec of ['openai:m', 'j']) {
      const err = await failure(createTarget(spec, { config }).chat(hi));
      expect(err).toBeInstanceOf(TargetError);
      expect(err?.message).toMatch(/HTTP 401 Incorrect API key provided: \[redacted\]/);
      expect(err?.message).not.toContain(ENV_KEY);
    }
    expect(echo.keys).toEqual([ENV_KEY, ENV_KEY]);
    expect(redactText(`key ${ENV_KEY}`)).toBe('key [redacted]');
  });

  it('is scrubbed when the Anthropic endpoint echoes it back', async () => {
    const echo = await echoKey401();
    env({ ANTHROPIC_API_KEY: `${ENV_KEY}-anthropic`, ANTHROPIC_BASE_URL: echo.url });
    const err = await failure(createTarget('anthropic:c', {}).chat(hi));
    expect(err).toBeInstanceOf(TargetError);
    expect(echo.keys).toEqual([`${ENV_KEY}-anthropic`]);
    expect(err?.message).toMatch(/Incorrect API key provided/);
    expect(err?.message).not.toContain(ENV_KEY);
  });

  it('OPENAI_API_KEY goes to the OPENAI_BASE_URL endpoint only, never to a server a spec or config names', async () => {
    const s = await fakeOpenAI();
    const config = parseConfig(
      [
        'targets:',
        '  plain:',
        '    type: openai',
        '    model: m',
        `    baseURL: ${s.url}`,
        '  keyed:',
        '    type: openai',
        '    model: m',
        `    baseURL: ${s.url}`,
        '    apiKey: own-key-0123456789',
      ].join('\n'),
      'x.yaml',
    );
    const auth = async (spec: string) => {
      await createTarget(spec, { config }).chat(hi);
      return s.log.at(-1)?.headers.authorization;
    };
    env({ OPENAI_API_KEY: ENV_KEY });
    expect(await auth(`openai:m@${s.url}`)).toBe('Bearer no-key');
    expect(await auth('plain')).toBe('Bearer no-key');
    expect(await auth('keyed')).toBe('Bearer own-key-0123456789');
    env({ OPENAI_API_KEY: ENV_KEY, OPENAI_BASE_URL: s.url });
    expect(await auth('openai:m')).toBe(`Bearer ${ENV_KEY}`);
    expect(await auth(`openai:m@${s.url}/`)).toBe(`Bearer ${ENV_KEY}`);
    expect(await auth('plain')).toBe(`Bearer ${ENV_KEY}`);
    // Exported for another endpoint, the key still does not go to this one (mutant N1: any base URL
    // given the key once OPENAI_BASE_URL was set at all).
    env({ OPENAI_API_KEY: ENV_KEY, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    expect(await auth('plain')).toBe('Bearer no-key');
    expect(await auth(`openai:m@${s.url}`)).toBe('Bearer no-key');
  });

  it('ANTHROPIC_API_KEY goes to the ANTHROPIC_BASE_URL endpoint only', async () => {
    const fake = await fakeAnthropic('ok');
    const config = parseConfig(
      `targets:\n  c:\n    type: anthropic\n    model: c\n    baseURL: ${fake.url}\n`,
      'x.yaml',
    );
    env({ ANTHROPIC_API_KEY: ENV_KEY });
    await createTarget('c', { config }).chat(hi);
    env({ ANTHROPIC_API_KEY: ENV_KEY, ANTHROPIC_BASE_URL: fake.url });
    await createTarget('anthropic:c', {}).chat(hi);
    await createTarget('c', { config }).chat(hi);
    expect(fake.keys).toEqual(['no-key', ENV_KEY, ENV_KEY]);
  });

  it("missing for the provider's own endpoint is a ConfigError naming the variable, before any request", () => {
    env();
    const config = parseConfig(
      'targets:\n  o:\n    type: openai\n    model: m\n    baseURL: https://api.openai.com/v1\n  a:\n    type: anthropic\n    model: c\n',
      'x.yaml',
    );
    for (const [spec, message] of [
      ['openai:gpt-4o-mini', 'OPENAI_API_KEY is not set (needed for api.openai.com)'],
      ['o', 'OPENAI_API_KEY is not set (needed for api.openai.com)'],
      ['anthropic:claude-x', 'ANTHROPIC_API_KEY is not set (needed for api.anthropic.com)'],
      ['a', 'ANTHROPIC_API_KEY is not set (needed for api.anthropic.com)'],
    ]) {
      let err: unknown;
      try {
        createTarget(spec, { config });
      } catch (e) {
        err = e;
      }
      expect(err, spec).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toBe(message);
      expect((err as ConfigError).hint).toMatch(/apiKey/);
    }
    // A server of one's own may need no key.
    expect(createTarget('openai:m@http://127.0.0.1:9/v1', {}).id).toBe('openai:m@http://127.0.0.1:9/v1');
  });
});

describe('the response cache keys on the endpoint really called', () => {
  it('an Anthropic target moved by ANTHROPIC_BASE_URL shows it in its id and does not reuse replies', async () => {
    const a = await fakeAnthropic('from a');
    const b = await fakeAnthropic('from b');
    store = openStore(':memory:');
    const s = store;
    env({ ANTHROPIC_BASE_URL: a.url });
    expect((await createTarget('anthropic:c', { store: () => s }).chat(hi)).text).toBe('from a');
    env({ ANTHROPIC_BASE_URL: b.url });
    const t = createTarget('anthropic:c', { store: () => s });
    expect(t.id).toBe(`anthropic:c@${b.url}`);
    expect(await t.chat(hi)).toMatchObject({ text: 'from b' });
    expect(b.keys).toHaveLength(1);
    env({ ANTHROPIC_API_KEY: 'sk-ant-unused-0123456789' });
    expect(createTarget('anthropic:c', {}).id).toBe('anthropic:c');
  });

  it('two query values the id redacts alike are two endpoints; api-version is shown', async () => {
    const s = await fakeOpenAI();
    store = openStore(':memory:');
    const st = store;
    env();
    const a = createTarget(`openai:m@${s.url}?tenant=a`, { store: () => st });
    const b = createTarget(`openai:m@${s.url}?tenant=b`, { store: () => st });
    expect(a.id).toBe(b.id);
    await a.chat(hi);
    expect((await b.chat(hi)).cached).toBeUndefined();
    expect(s.requests).toBe(2);
    expect((await a.chat(hi)).cached).toBe(true);
    expect(createTarget(`openai:m@${s.url}?api-version=2024-02-01`, {}).id).toBe(
      `openai:m@${s.url}?api-version=2024-02-01`,
    );
    // (nor is the version taken for a secret, to be scrubbed from every text)
    expect(redactText('released 2024-02-01')).toBe('released 2024-02-01');
  });

  it('two header sets behind one URL are two endpoints: a header may pick what answers', async () => {
    const s = await fakeOpenAI();
    store = openStore(':memory:');
    const st = store;
    env();
    const target = (headers?: Record<string, string>) =>
      createTarget(openaiTargetSchema.parse({ type: 'openai', model: 'm', baseURL: s.url, headers }), {
        store: () => st,
      });
    const v1 = target({ 'X-Model-Version': '1' });
    const v2 = target({ 'X-Model-Version': '2' });
    expect(v1.id).toBe(v2.id);
    await v1.chat(hi);
    expect((await v2.chat(hi)).cached).toBeUndefined();
    expect(s.requests).toBe(2);
    // The same headers (a name in another case is the same header) share the cache; none, as before.
    expect((await target({ 'x-model-version': '1' }).chat(hi)).cached).toBe(true);
    await target().chat(hi);
    expect(s.requests).toBe(3);
    expect(st.cacheGet(cacheKey(v1.id, hi, {}, { temperature: null, maxTokens: null }))).toBeDefined();
  });

  it('keeps the cache keys of a target whose URL the id shows whole', async () => {
    const s = await fakeOpenAI();
    store = openStore(':memory:');
    env();
    const t = createTarget(`openai:m@${s.url}`, { store: () => store! });
    await t.chat(hi);
    expect(store.cacheGet(cacheKey(t.id, hi, {}, { temperature: null, maxTokens: null }))).toBeDefined();
  });
});

describe('a base URL with a query (Azure: ?api-version=…)', () => {
  for (const stream of [false, true]) {
    it(`keeps the query after /chat/completions${stream ? ' (streaming)' : ''}`, async () => {
      const s = await fakeOpenAI();
      env();
      for (const baseURL of [`${s.url}?api-version=1`, `${s.url}/?api-version=1`]) {
        const cfg = openaiTargetSchema.parse({ type: 'openai', model: 'm', baseURL, stream, cache: false });
        expect((await createTarget(cfg, {}).chat(hi)).text).toBe('You said: hi');
      }
      expect(s.log.map((l) => l.url)).toEqual([
        '/v1/chat/completions?api-version=1',
        '/v1/chat/completions?api-version=1',
      ]);
    });
  }
});

describe('a base URL with a user and password (a proxy with basic auth)', () => {
  // 'p@ss' percent-encoded in the URL, as a URL must hold it.
  const withCredentials = (url: string) => url.replace('http://', 'http://qa:p%40ss@');
  const basic = `Basic ${Buffer.from('qa:p@ss').toString('base64')}`;

  for (const stream of [false, true]) {
    it(`sends them as HTTP Basic auth, not in the URL${stream ? ' (streaming)' : ''}`, async () => {
      const s = await fakeOpenAI();
      env();
      const baseURL = withCredentials(s.url);
      const cfg = openaiTargetSchema.parse({ type: 'openai', model: 'm', baseURL, stream, cache: false });
      const t = createTarget(cfg, {});
      expect((await t.chat(hi)).text).toBe('You said: hi');
      expect(s.log.map((l) => l.headers.authorization)).toEqual([basic]);
      expect(t.id).not.toContain('p%40ss');
      // The header is a secret like the URL: a server echoing it back is scrubbed.
      expect(redactText(`got ${basic}`)).not.toContain(basic.slice(6));
    });
  }

  it('with an API key as well is a ConfigError before any request (both would be the Authorization header)', async () => {
    const s = await fakeOpenAI();
    env();
    const cfg = openaiTargetSchema.parse({
      type: 'openai',
      model: 'm',
      baseURL: withCredentials(s.url),
      apiKey: ENV_KEY,
      cache: false,
    });
    expect(() => createTarget(cfg, {})).toThrow(ConfigError);
    expect(() => createTarget(cfg, {})).toThrow(/user and password and an API key/);
    // A header the config sets itself decides.
    const own = openaiTargetSchema.parse({ ...cfg, headers: { Authorization: 'Token x' } });
    await createTarget(own, {}).chat(hi);
    expect(s.log.map((l) => l.headers.authorization)).toEqual(['Token x']);
  });

  it('an Anthropic endpoint gets them as Basic auth; with an apiKey as well, a ConfigError', async () => {
    const a = await fakeAnthropic('ok');
    env();
    const yaml = (key: string) =>
      `targets:\n  c:\n    type: anthropic\n    model: c\n    baseURL: ${withCredentials(a.url)}\n${key}`;
    const config = parseConfig(yaml(''), 'x.yaml');
    expect((await createTarget('c', { config }).chat(hi)).text).toBe('ok');
    expect(a.auths).toEqual([basic]);
    const both = parseConfig(yaml(`    apiKey: ${ENV_KEY}\n`), 'x.yaml');
    expect(() => createTarget('c', { config: both })).toThrow(/user and password and an API key/);
  });
});

describe('a malformed streamed chunk', () => {
  it('is an error breakfix reports, redacted; the SDK prints nothing (its log would hold the chunk raw)', async () => {
    const url = await listen(
      createServer((req, res) => {
        req.resume().on('end', () => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(`data: {oops ${String(req.headers.authorization)}\n\n`);
        });
      }),
    );
    env();
    const printed: unknown[] = [];
    for (const level of ['error', 'warn', 'info', 'log', 'debug'] as const)
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void printed.push(args));
    const cfg = openaiTargetSchema.parse({
      type: 'openai',
      model: 'm',
      baseURL: `${url}/v1`,
      apiKey: ENV_KEY,
      stream: true,
      retries: 0,
      cache: false,
    });
    const err = await failure(createTarget(cfg, {}).chat(hi));
    vi.restoreAllMocks();
    expect(err).toBeInstanceOf(TargetError);
    expect(err?.message).not.toContain(ENV_KEY);
    expect(printed).toEqual([]);
  });
});
