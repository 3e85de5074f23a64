// Against the SCRIPTED FAKE OpenAI-compatible server (test/helpers/openai-server.ts) over real
// HTTP: every misbehaviour ends in a correct retry or a definite TargetError, and the accounting
// adds up — nothing lost, nothing silently counted.
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenAITargetConfig } from '../../src/config/index.js';
import { createRng, TargetError, type TargetErrorKind } from '../../src/core/index.js';
import { createTarget, createUsageMeter, RunHalt } from '../../src/targets/index.js';
import { isPromptFiltered } from '../../src/targets/openai.js';
import { type FakeServer, type Fault, startOpenAIServer } from '../helpers/openai-server.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function fake(...args: Parameters<typeof startOpenAIServer>) {
  const s = await startOpenAIServer(...args);
  servers.push(s);
  return s;
}

const cfg = (url: string, over: Partial<OpenAITargetConfig> = {}): OpenAITargetConfig => ({
  type: 'openai',
  model: 'fake-model',
  baseURL: url,
  concurrency: 4,
  timeoutMs: 400,
  retries: 0,
  cache: false,
  stream: false,
  ...over,
});

const hi = [{ role: 'user' as const, content: 'hello there' }];

const definite: [Fault, TargetErrorKind, boolean][] = [
  ['rate_limit', 'rate_limit', true],
  ['server_500', 'server', true],
  ['server_503', 'server', true],
  ['stall', 'timeout', true],
  ['reset', 'network', true],
  ['truncated', 'network', true],
  ['malformed', 'malformed', true],
  ['empty', 'empty', true],
  ['no_choices', 'malformed', true],
  ['auth', 'auth', false],
  // OpenAI's spent credit is a 429 too, but no wait ends it: not retried, not a rate limit.
  ['quota', 'quota', false],
  ['bad_request', 'client', false],
];

describe('each fault without retries is a definite TargetError of the right kind', () => {
  it.each(definite)('%s → %s', async (fault, kind, retryable) => {
    const s = await fake({ faults: { schedule: [fault], stallMs: 5_000 } });
    const usage = createUsageMeter();
    const t = createTarget(cfg(s.url), { usage });
    const err = await t.chat(hi).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect((err as TargetError).kind).toBe(kind);
    expect((err as TargetError).retryable).toBe(retryable);
    expect(s.requests).toBe(1);
    expect(usage.total()).toMatchObject({ requests: 1, replies: 0, errors: 1, errorsByKind: { [kind]: 1 } });
  });
});

describe('a halted run', () => {
  it('counts the request that halted it, not the later ones it refuses unsent', async () => {
    const s = await fake({ faults: { schedule: ['auth', 'auth', 'auth'] } });
    const usage = createUsageMeter();
    const t = createTarget(cfg(s.url), { usage, halt: new RunHalt() });
    expect(await t.chat(hi).catch((e: unknown) => (e as TargetError).kind)).toBe('auth');
    const unsent = (await t.chat(hi).catch((e: unknown) => e)) as TargetError;
    expect(unsent.message).toMatch(/not sent, the run halted/);
    expect(s.requests).toBe(1);
    expect(usage.total()).toMatchObject({ requests: 1, errors: 1, errorsByKind: { auth: 1 } });
  });
});

describe('a request waiting to retry when the run halts', () => {
  it('is not sent again: it ends with the error it met, and the halt is what the run ends on', async () => {
    // The first request meets a 503 and waits to retry; the second's 401 halts the run meanwhile.
    // Sent again after the halt, the retry would go to a provider that has refused the key (or
    // whose quota is spent, or that asked to be left alone for hours).
    const s = await fake({ faults: { schedule: ['server_503', 'auth'] } });
    const usage = createUsageMeter();
    const halt = new RunHalt();
    const t = createTarget(cfg(s.url, { retries: 3 }), { usage, halt, retryBaseMs: 400, random: () => 1 });
    const first = t.chat(hi).catch((e: unknown) => e as TargetError);
    while (s.requests < 1) await new Promise((r) => setTimeout(r, 5));
    expect(await t.chat(hi).catch((e: unknown) => (e as TargetError).kind)).toBe('auth');
    expect(halt.halted).toBe(true);
    const err = await first;
    expect(err).toBeInstanceOf(TargetError);
    expect((err as TargetError).kind).toBe('server');
    expect(s.requests).toBe(2);
    expect(usage.total()).toMatchObject({ requests: 2, errors: 2, errorsByKind: { server: 1, auth: 1 } });
  });

  it('nor is one waiting for its turn in the rate limit: it ends unsent, counted as no request', async () => {
    // rpm 1: the second request waits for the first to leave the window; the first's 401 halts the
    // run meanwhile. (A window of a minute, not 500 ms: under load the 401 came back after the window
    // had passed, the second was sent, and the test failed on timing; the halt wakes the waiter.)
    const s = await fake({ faults: { schedule: ['auth'] } });
    const usage = createUsageMeter();
    const halt = new RunHalt();
    const t = createTarget(cfg(s.url, { rpm: 1 }), { usage, halt, rateWindowMs: 60_000 });
    const [first, second] = await Promise.all(
      [t.chat(hi), t.chat([{ role: 'user', content: 'another' }])].map((p) =>
        p.catch((e: unknown) => e as TargetError),
      ),
    );
    expect((first as TargetError).kind).toBe('auth');
    expect((second as TargetError).message).toMatch(/not sent, the run halted/);
    expect(s.requests).toBe(1);
    expect(usage.total()).toMatchObject({ requests: 1, errors: 1, errorsByKind: { auth: 1 } });
  });
});

describe('a 401', () => {
  it('from a server that got no key says why (OPENAI_API_KEY is not sent there) and how to give one', async () => {
    const s = await fake({ faults: { schedule: ['auth', 'auth'] } });
    const err = (await createTarget(cfg(s.url), {})
      .chat(hi)
      .catch((e: unknown) => e)) as TargetError;
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(
      /HTTP 401 .*\(no key was sent: OPENAI_API_KEY goes only to api\.openai\.com or to the OPENAI_BASE_URL endpoint; give this target apiKey: \$\{MY_SERVER_KEY\}/,
    );
    // A key that was sent and refused is the key's fault: no such note.
    const keyed = (await createTarget(cfg(s.url, { apiKey: 'sk-wrong-key-for-this-server-1234' }), {})
      .chat(hi)
      .catch((e: unknown) => e)) as TargetError;
    expect(keyed.kind).toBe('auth');
    expect(keyed.message).not.toContain('no key was sent');
  });
});

describe('with retries', () => {
  it.each(definite.filter(([, , r]) => r))('%s is retried and then succeeds', async (fault) => {
    const s = await fake({ faults: { schedule: [fault, fault], stallMs: 5_000 } });
    const usage = createUsageMeter();
    // A timeout well above a loaded machine's reply time, so only the scheduled stalls time out.
    const t = createTarget(cfg(s.url, { retries: 3, timeoutMs: 1_500 }), {
      usage,
      retryBaseMs: 2,
      random: () => 0.5,
    });
    const reply = await t.chat(hi);
    expect(reply.text).toBe('You said: hello there');
    expect(s.requests).toBe(3);
    expect(usage.total()).toMatchObject({ requests: 1, replies: 1, errors: 0, retries: 2 });
  });

  it.each(definite.filter(([, , r]) => !r))('%s is not retried, JSON or streamed', async (fault, kind) => {
    for (const stream of [false, true]) {
      const s = await fake({ faults: { schedule: [fault] } });
      const t = createTarget(cfg(s.url, { retries: 3, stream }), { retryBaseMs: 2 });
      const err = await t.chat(hi).catch((e: unknown) => e);
      expect((err as TargetError).kind, `stream: ${stream}`).toBe(kind);
      expect(s.requests, `stream: ${stream}`).toBe(1);
    }
  });

  it('gives up after the configured retries with the last error and the attempt count', async () => {
    const s = await fake({ faults: { schedule: ['server_503', 'server_503', 'server_503'] } });
    const t = createTarget(cfg(s.url, { retries: 2 }), { retryBaseMs: 1 });
    const err = (await t.chat(hi).catch((e: unknown) => e)) as TargetError;
    expect(err.kind).toBe('server');
    expect(err.status).toBe(503);
    expect(err.message).toMatch(/after 3 attempts/);
    expect(s.requests).toBe(3);
  });

  it('honours Retry-After from a 429', async () => {
    const s = await fake({ faults: { schedule: ['rate_limit'], retryAfterS: 0.2 } });
    const first = (await createTarget(cfg(s.url), {})
      .chat(hi)
      .catch((e: unknown) => e)) as TargetError;
    expect(first.kind).toBe('rate_limit');
    expect(first.retryAfterMs).toBe(200);
  });

  it('random faults at 40%: every request ends as a reply or a definite error, and the counts add up', async () => {
    const s = await fake({
      faults: {
        probability: 0.4,
        seed: 11,
        kinds: ['rate_limit', 'server_500', 'reset', 'malformed', 'empty', 'truncated'],
      },
      script: (m) => `echo ${m[0]?.content}`,
    });
    const usage = createUsageMeter();
    const t = createTarget(cfg(s.url, { retries: 2, concurrency: 6 }), { usage, retryBaseMs: 1 });
    const rng = createRng(3);
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        t.chat([{ role: 'user', content: `q${i}` }], { seed: rng.int(1000) }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r) => r.status === 'rejected');
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled') expect(r.value.text).toBe(`echo q${i}`);
      else expect(r.reason).toBeInstanceOf(TargetError);
    }
    const total = usage.total();
    expect(ok.length + failed.length).toBe(60);
    expect(total.requests).toBe(60);
    expect(total.replies).toBe(ok.length);
    expect(total.errors).toBe(failed.length);
    // Every request the server saw is either a final attempt or a retried one.
    expect(s.requests).toBe(total.replies + total.errors + total.retries);
    expect(total.retries).toBeGreaterThan(0);
  });
});

describe('provider refusal and streaming', () => {
  it('content_filter is a reply with finishReason content_filter, not an error', async () => {
    const s = await fake({ faults: { schedule: ['content_filter'] } });
    const usage = createUsageMeter();
    const reply = await createTarget(cfg(s.url, { retries: 3 }), { usage }).chat(hi);
    expect(reply).toMatchObject({ text: '', finishReason: 'content_filter' });
    expect(s.requests).toBe(1);
    expect(usage.total()).toMatchObject({ replies: 1, contentFiltered: 1, errors: 0 });
  });

  it("a prompt the provider's input filter blocks (Azure's 400 content_filter) is a filtered reply, JSON or streamed", async () => {
    for (const stream of [false, true]) {
      const s = await fake({ faults: { schedule: ['prompt_filter', 'bad_request'] } });
      const usage = createUsageMeter();
      const t = createTarget(cfg(s.url, { retries: 3, stream }), { usage });
      expect(await t.chat(hi)).toMatchObject({ text: '', finishReason: 'content_filter' });
      expect(s.requests).toBe(1);
      // Any other 400 is still a bad request: an error, not a refusal.
      const err = await t.chat(hi).catch((e: unknown) => e);
      expect((err as TargetError).kind).toBe('client');
      expect(usage.total()).toMatchObject({ replies: 1, contentFiltered: 1, errors: 1 });
    }
  });

  it('reads the input-filter bodies Azure OpenAI and OpenAI send, and no other 400 body', () => {
    const azure = {
      error: {
        message: 'The response was filtered due to the prompt triggering content management policy.',
        code: 'content_filter',
        status: 400,
        innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: {} },
      },
    };
    const openai = {
      error: {
        message: 'Invalid prompt: your prompt was flagged as potentially violating our usage policy.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_prompt',
      },
    };
    expect(isPromptFiltered(azure)).toBe(true);
    expect(isPromptFiltered({ error: { innererror: { code: 'ResponsibleAIPolicyViolation' } } })).toBe(true);
    expect(isPromptFiltered(openai)).toBe(true);
    expect(
      isPromptFiltered({ error: { code: 'invalid_prompt', message: "'messages' must be non-empty" } }),
    ).toBe(false);
    expect(isPromptFiltered({ error: { code: 'context_length_exceeded', message: 'too long' } })).toBe(false);
    expect(isPromptFiltered({ error: 'content_filter' })).toBe(false);
    expect(isPromptFiltered(null)).toBe(false);
    expect(isPromptFiltered('content_filter')).toBe(false);
  });

  it('streams replies, including a content filter and a slow stream', async () => {
    const s = await fake({ faults: { schedule: [null, 'content_filter', 'slow_stream'], streamGapMs: 20 } });
    const t = createTarget(cfg(s.url, { stream: true, timeoutMs: 5_000 }), {});
    const a = await t.chat([{ role: 'user', content: 'stream me please' }]);
    expect(a).toMatchObject({
      text: 'You said: stream me please',
      finishReason: 'stop',
      usage: { promptTokens: 3, completionTokens: 5 },
    });
    expect((await t.chat(hi)).finishReason).toBe('content_filter');
    expect((await t.chat(hi)).text).toBe('You said: hello there');
    expect(s.log.every((l) => l.body.stream === true)).toBe(true);
  });

  it('a slow stream past the timeout is a timeout error', async () => {
    const s = await fake({
      faults: { schedule: ['slow_stream'], streamGapMs: 200 },
      script: () => 'one two three four five six',
    });
    const err = (await createTarget(cfg(s.url, { stream: true, timeoutMs: 300 }), {})
      .chat(hi)
      .catch((e: unknown) => e)) as TargetError;
    expect(err).toBeInstanceOf(TargetError);
    expect(err.kind).toBe('timeout');
  });

  it('a caller abort is final and not retried', async () => {
    const s = await fake({ latencyMs: 2_000 });
    const controller = new AbortController();
    const p = createTarget(cfg(s.url, { retries: 3, timeoutMs: 5_000 }), { retryBaseMs: 1 }).chat(hi, {
      signal: controller.signal,
    });
    // Abort while the server holds the request (a fixed delay races the request under load).
    const started = Date.now();
    while (s.requests === 0 && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 2));
    controller.abort();
    const err = (await p.catch((e: unknown) => e)) as TargetError;
    expect(err.kind).toBe('aborted');
    expect(s.requests).toBe(1);
  });
});

describe('request shape', () => {
  it('sends model, parameters, headers and the API key', async () => {
    const s = await fake();
    const t = createTarget(
      cfg(s.url, {
        apiKey: 'sk-test-abcdefgh12345678',
        headers: { 'X-Team': 'red' },
        temperature: 0.3,
        maxTokens: 50,
      }),
      {},
    );
    await t.chat(hi, { seed: 4, stop: ['\n\n'] });
    const req = s.log[0]!;
    expect(req.body).toMatchObject({
      model: 'fake-model',
      temperature: 0.3,
      max_tokens: 50,
      seed: 4,
      stop: ['\n\n'],
    });
    expect(req.headers.authorization).toBe('Bearer sk-test-abcdefgh12345678');
    expect(req.headers['x-team']).toBe('red');
  });

  it('an unreachable server is a network error after retries', async () => {
    const s = await fake();
    const url = s.url;
    await s.close();
    servers.length = 0;
    const err = (await createTarget(cfg(url, { retries: 1 }), { retryBaseMs: 1 })
      .chat(hi)
      .catch((e: unknown) => e)) as TargetError;
    expect(err.kind).toBe('network');
  });
});

describe('the scripted fake server itself', () => {
  it('lists its model on /v1/models', async () => {
    const s = await fake({ model: 'tiny' });
    const res = await fetch(`${s.url}/models`);
    expect(await res.json()).toMatchObject({ object: 'list', data: [{ id: 'tiny' }] });
  });

  it('draws random faults deterministically from its seed', async () => {
    const run = async () => {
      const s = await fake({ faults: { probability: 0.5, seed: 5 } });
      const t = createTarget(cfg(s.url), {});
      for (let i = 0; i < 12; i++) await t.chat(hi).catch(() => undefined);
      return s.log.map((l) => l.fault);
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a.some((f) => f !== null)).toBe(true);
    expect(a.some((f) => f === null)).toBe(true);
  });
});
