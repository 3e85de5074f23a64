import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig, parseConfig } from '../../src/config/index.js';
import { InputError, type Message, type Reply, type Target, TargetError } from '../../src/core/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import {
  backoffMs,
  cacheKey,
  createTarget,
  RunHalt,
  resolveTargetConfig,
  STOPPED_AFTER,
  UNREACHABLE_AFTER,
  withCache,
  withConcurrency,
  withHalt,
  withRateLimit,
  withRetry,
  withTimeout,
} from '../../src/targets/index.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';

const reply = (text: string, tokens = 10): Reply => ({
  text,
  finishReason: 'stop',
  usage: { promptTokens: tokens, completionTokens: 0 },
  latencyMs: 1,
});
const hi: Message[] = [{ role: 'user', content: 'hi' }];

/** A local target whose behaviour each call is scripted: throw an error or return a reply. */
function scripted(steps: (Error | string)[]): Target & { calls: number } {
  const t = {
    id: 'scripted',
    calls: 0,
    async chat(): Promise<Reply> {
      const step = steps[Math.min(t.calls, steps.length - 1)]!;
      t.calls++;
      if (step instanceof Error) throw step;
      return reply(step);
    },
  };
  return t;
}

describe('withRetry', () => {
  it('waits exponentially with jitter, and Retry-After when the server gives one, spread up to a tenth later', async () => {
    const waits: number[] = [];
    const inner = scripted([
      new TargetError('busy', 'server', 503),
      new TargetError('slow down', 'rate_limit', 429, 1_500),
      new TargetError('busy', 'server', 503),
      'ok',
    ]);
    const t = withRetry(inner, {
      retries: 5,
      baseMs: 100,
      random: () => 1,
      sleep: async (ms) => void waits.push(ms),
    });
    expect((await t.chat(hi)).text).toBe('ok');
    // (1,500 ms asked, plus the jitter at its most: 150 ms)
    expect(waits).toEqual([100, 1_650, 400]);
  });

  it('a Retry-After of 0 (or a date already past) backs off as without one, not at once', async () => {
    // Taken as asked, a rate-limited server that says 0 got every retry back in the same instant,
    // each met the same limit, and the request was an error within milliseconds.
    const waits: number[] = [];
    const inner = scripted([
      new TargetError('slow down', 'rate_limit', 429, 0),
      new TargetError('slow down', 'rate_limit', 429, 0),
      'ok',
    ]);
    const t = withRetry(inner, {
      retries: 3,
      baseMs: 100,
      random: () => 1,
      sleep: async (ms) => void waits.push(ms),
    });
    expect((await t.chat(hi)).text).toBe('ok');
    expect(waits).toEqual([100, 200]);
  });

  it('caps waits, including a huge Retry-After', () => {
    const o = { baseMs: 100, maxMs: 2_000, random: () => 0 };
    expect(backoffMs(10, new TargetError('x', 'server'), o)).toBe(1_000);
    expect(backoffMs(0, new TargetError('x', 'rate_limit', 429, 3_600_000), o)).toBe(2_000);
  });

  it('waits a Retry-After longer than its backoff cap (90 s), and fails at once on one past five minutes', async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    const ninety = () => scripted([new TargetError('slow down', 'rate_limit', 429, 90_000), 'ok']);
    expect((await withRetry(ninety(), { retries: 2, sleep, random: () => 0 }).chat(hi)).text).toBe('ok');
    // Never sooner than asked; the jitter on top is at most 1 s however long the wait.
    expect((await withRetry(ninety(), { retries: 2, sleep, random: () => 0.999 }).chat(hi)).text).toBe('ok');
    expect(waits).toEqual([90_000, 90_999]);
    const hour = scripted([new TargetError('slow down', 'rate_limit', 429, 3_600_000), 'ok']);
    const err = await withRetry(hour, { retries: 2, sleep })
      .chat(hi)
      .catch((e: unknown) => e as TargetError);
    expect(err).toBeInstanceOf(TargetError);
    expect((err as TargetError).kind).toBe('rate_limit');
    expect((err as TargetError).message).toMatch(/asks to wait 3600 s .*longer than breakfix waits: 300 s/);
    expect(hour.calls).toBe(1);
    expect(waits).toEqual([90_000, 90_999]);
  });

  it('does not retry non-retryable kinds or foreign errors', async () => {
    for (const err of [
      new TargetError('no', 'auth', 401),
      new TargetError('no', 'client', 400),
      new Error('bug'),
    ]) {
      const inner = scripted([err, 'ok']);
      await expect(withRetry(inner, { retries: 3, sleep: async () => {} }).chat(hi)).rejects.toBe(err);
      expect(inner.calls).toBe(1);
    }
  });

  it('never retries a call its caller aborted, even on a retryable kind', async () => {
    // The caller gave up (a timeout upstream, Ctrl-C): a retry would spend a request nobody reads.
    const ctl = new AbortController();
    ctl.abort();
    const err = new TargetError('busy', 'server', 503);
    const inner = scripted([err, 'ok']);
    const t = withRetry(inner, { retries: 3, sleep: async () => {} });
    await expect(t.chat(hi, { signal: ctl.signal })).rejects.toBe(err);
    expect(inner.calls).toBe(1);
  });
});

describe('withRetry and close', () => {
  it('a request cut off by the close is not sent again', async () => {
    // The HTTP clients destroy their connections on close: a request in flight fails as a network
    // error, and so would every retry.
    let closed = false;
    let cut: (() => void) | undefined;
    let calls = 0;
    const inner: Target = {
      id: 'a',
      chat: () => {
        calls++;
        return closed
          ? Promise.reject(new TargetError('a: connection failed: agent destroyed', 'network'))
          : new Promise<Reply>((_, reject) => {
              cut = () => reject(new TargetError('a: connection failed: socket hang up', 'network'));
            });
      },
      close: async () => {
        closed = true;
        cut?.();
      },
    };
    const t = withRetry(inner, { retries: 3, sleep: async () => {} });
    const pending = t.chat(hi).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 10));
    await t.close?.();
    expect(await pending).toMatchObject({ message: 'a: connection failed: socket hang up' });
    expect(calls).toBe(1);
  });

  it('closed while waiting to retry: ends at once with the error that failed it', async () => {
    const busy = new TargetError('a: HTTP 503', 'server', 503);
    const inner = scripted([busy, 'ok']);
    const t = withRetry(inner, { retries: 3, baseMs: 60_000, maxMs: 60_000 });
    const pending = t.chat(hi).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 10));
    await t.close?.();
    expect(await pending).toBe(busy);
    expect(inner.calls).toBe(1);
  });
});

describe('withHalt', () => {
  it('a 401 or a spent quota halts every target sharing the halt; later requests are not sent', async () => {
    for (const refusal of [
      new TargetError('a: HTTP 401 bad key', 'auth', 401),
      new TargetError('a: HTTP 429 quota', 'quota', 429),
    ]) {
      const halt = new RunHalt();
      const a = scripted(['ok', refusal, 'ok']);
      const b = scripted(['ok']);
      const [ha, hb] = [withHalt(a, halt), withHalt(b, halt)];
      expect((await ha.chat(hi)).text).toBe('ok');
      await expect(ha.chat(hi)).rejects.toBe(refusal);
      expect(halt.cause).toBe(refusal);
      await expect(hb.chat(hi)).rejects.toMatchObject({
        kind: refusal.kind,
        message: expect.stringMatching(/not sent, the run halted on an earlier reply/),
      });
      expect([a.calls, b.calls]).toEqual([2, 0]);
      expect(halt.error('resume it')).toMatchObject({
        kind: refusal.kind,
        hint: 'resume it',
        message: expect.stringMatching(/the run stopped there/),
      });
    }
  });

  it('a 403, a 400 or a server error fails its request only', async () => {
    const halt = new RunHalt();
    const a = scripted([
      new TargetError('a: HTTP 403 blocked by a gateway rule', 'auth', 403),
      new TargetError('a: HTTP 400', 'client', 400),
      new TargetError('a: HTTP 500', 'server', 500),
      'ok',
    ]);
    const t = withHalt(a, halt);
    for (let i = 0; i < 3; i++) await expect(t.chat(hi)).rejects.toBeInstanceOf(TargetError);
    expect((await t.chat(hi)).text).toBe('ok');
    expect(halt.halted).toBe(false);
    expect(halt.error()).toBeUndefined();
  });
});

describe('withHalt and a target that cannot be reached', () => {
  it('its first requests refused a connection: the run halts after UNREACHABLE_AFTER, naming why', async () => {
    // A real port with nothing listening: the refusal comes from the operating system.
    const closed = await startOpenAIServer({ script: () => 'unused', log: false });
    const url = closed.url;
    await closed.close();
    const halt = new RunHalt();
    const t = withHalt(
      createTarget({
        type: 'openai',
        baseURL: url,
        model: 'm',
        apiKey: 'k',
        retries: 0,
        cache: false,
        concurrency: 1,
        timeoutMs: 10_000,
        stream: false,
      }),
      halt,
    );
    for (let i = 0; i < UNREACHABLE_AFTER; i++) {
      expect(halt.halted).toBe(false);
      await expect(t.chat(hi)).rejects.toMatchObject({ kind: 'network', message: /ECONNREFUSED/ });
    }
    expect(halt.cause?.message).toMatch(
      new RegExp(
        `unreachable: its first ${UNREACHABLE_AFTER} requests could not connect and none was answered`,
      ),
    );
    await expect(t.chat(hi)).rejects.toMatchObject({
      message: /not sent, the run halted on an earlier reply/,
    });
    expect(halt.error('resume it')).toMatchObject({
      kind: 'network',
      message: /unreachable.*the run stopped there/,
    });
  });

  it('its first requests had no reply within the timeout (a server that never answers): the run halts too', async () => {
    // A real socket that takes the connection and never replies (a hung server, another program's port).
    const sockets = new Set<Socket>();
    const hung = createNetServer((c) => sockets.add(c));
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    try {
      const halt = new RunHalt();
      const t = withHalt(
        createTarget({
          type: 'openai',
          baseURL: `http://127.0.0.1:${(hung.address() as AddressInfo).port}/v1`,
          model: 'm',
          apiKey: 'k',
          retries: 0,
          cache: false,
          concurrency: 1,
          timeoutMs: 300,
          stream: false,
        }),
        halt,
      );
      for (let i = 0; i < UNREACHABLE_AFTER; i++) {
        expect(halt.halted).toBe(false);
        await expect(t.chat(hi)).rejects.toMatchObject({ kind: 'timeout' });
      }
      expect(halt.cause).toMatchObject({
        kind: 'timeout',
        message: new RegExp(
          `unresponsive: its first ${UNREACHABLE_AFTER} requests had no reply within the timeout, after every retry, and none was answered`,
        ),
      });
      await expect(t.chat(hi)).rejects.toMatchObject({ message: /not sent, the run halted/ });
    } finally {
      for (const c of sockets) c.destroy();
      await new Promise((r) => hung.close(r));
    }
  });

  it('once it has answered, timeouts fail their requests only (a slow reply is no wrong address)', async () => {
    const slow = () => new TargetError('a: no reply within 300 ms', 'timeout');
    const halt = new RunHalt();
    const t = withHalt(scripted(['ok', ...Array.from({ length: UNREACHABLE_AFTER + 1 }, slow)]), halt);
    expect((await t.chat(hi)).text).toBe('ok');
    for (let i = 0; i <= UNREACHABLE_AFTER; i++) await expect(t.chat(hi)).rejects.toBeInstanceOf(TargetError);
    expect(halt.halted).toBe(false);
  });

  it('once it has answered, failed connections fail their requests only (an outage retries may ride out)', async () => {
    const refused = () =>
      new TargetError('a: connection failed: connect ECONNREFUSED 127.0.0.1:9', 'network');
    const halt = new RunHalt();
    const a = scripted(['ok', ...Array.from({ length: UNREACHABLE_AFTER + 2 }, refused), 'ok']);
    const t = withHalt(a, halt);
    expect((await t.chat(hi)).text).toBe('ok');
    for (let i = 0; i < UNREACHABLE_AFTER + 2; i++)
      await expect(t.chat(hi)).rejects.toBeInstanceOf(TargetError);
    expect(halt.halted).toBe(false);
    expect((await t.chat(hi)).text).toBe('ok');
  });

  it('once it has answered, STOPPED_AFTER refused connections in a row halt the run: the server stopped', async () => {
    const refused = () =>
      new TargetError('scripted: connection failed: connect ECONNREFUSED 127.0.0.1:9', 'network');
    const cut = () => new TargetError('scripted: connection failed: socket hang up', 'network');
    const halt = new RunHalt();
    // A reply cut short between them is a server that is there: the count starts again after it.
    const refusals = (n: number) => Array.from({ length: n }, refused);
    const t = withHalt(
      scripted(['ok', ...refusals(STOPPED_AFTER - 1), cut(), ...refusals(STOPPED_AFTER)]),
      halt,
    );
    expect((await t.chat(hi)).text).toBe('ok');
    for (let i = 0; i < STOPPED_AFTER; i++) await expect(t.chat(hi)).rejects.toBeInstanceOf(TargetError);
    expect(halt.halted).toBe(false);
    for (let i = 0; i < STOPPED_AFTER - 1; i++) await expect(t.chat(hi)).rejects.toBeInstanceOf(TargetError);
    expect(halt.halted).toBe(false);
    await expect(t.chat(hi)).rejects.toBeInstanceOf(TargetError);
    expect(halt.cause?.message).toBe(
      `scripted: stopped answering: it had answered, then its last ${STOPPED_AFTER} requests could not connect, each after its retries (the last: connection failed: connect ECONNREFUSED 127.0.0.1:9)`,
    );
    await expect(t.chat(hi)).rejects.toThrow(/not sent, the run halted on an earlier reply/);
  });

  it('an HTTP error is an answer, and a connection cut mid-reply is no sign of a wrong address', async () => {
    const halt = new RunHalt();
    const cut = () => new TargetError('a: connection failed: socket hang up', 'network');
    const t = withHalt(scripted(Array.from({ length: UNREACHABLE_AFTER + 1 }, cut)), halt);
    for (let i = 0; i <= UNREACHABLE_AFTER; i++) await expect(t.chat(hi)).rejects.toBeInstanceOf(TargetError);
    expect(halt.halted).toBe(false);
    const refused = () =>
      new TargetError('b: connection failed: connect ECONNREFUSED 127.0.0.1:9', 'network');
    const u = withHalt(
      scripted([new TargetError('b: HTTP 502', 'server', 502), ...Array.from({ length: 4 }, refused)]),
      halt,
    );
    for (let i = 0; i < 5; i++) await expect(u.chat(hi)).rejects.toBeInstanceOf(TargetError);
    expect(halt.halted).toBe(false);
  });
});

describe('withTimeout', () => {
  it('cuts off a call that ignores its abort signal', async () => {
    const never: Target = { id: 'never', chat: () => new Promise<Reply>(() => {}) };
    const err = (await withTimeout(never, 30)
      .chat(hi)
      .catch((e: unknown) => e)) as TargetError;
    expect(err.kind).toBe('timeout');
  });

  it('passes an abort signal that fires at the deadline', async () => {
    let seen: AbortSignal | undefined;
    const listening: Target = {
      id: 'l',
      chat: (_m, o) =>
        new Promise<Reply>((_r, reject) => {
          seen = o?.signal;
          o?.signal?.addEventListener('abort', () => reject(new Error('aborted inside')));
        }),
    };
    await expect(withTimeout(listening, 20).chat(hi)).rejects.toMatchObject({ kind: 'timeout' });
    expect(seen?.aborted).toBe(true);
  });

  it('starts the deadline once the target is ready: loading its SDK is not the request', async () => {
    // As the Anthropic target: chat waits for the SDK it loads on demand, which ready() loads too.
    // Under load that import took 3-4 s and the first requests of a run timed out at a 2 s timeoutMs.
    let loaded!: () => void;
    const sdk = new Promise<void>((resolve) => (loaded = resolve));
    const lazy: Target = {
      id: 'lazy',
      ready: () => sdk,
      chat: async () => {
        await sdk;
        return reply('ok');
      },
    };
    vi.useFakeTimers();
    try {
      const answer = withTimeout(lazy, 100)
        .chat(hi)
        .catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(1_000);
      loaded();
      await vi.advanceTimersByTimeAsync(0);
      expect(await answer).toMatchObject({ text: 'ok' });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('withConcurrency', () => {
  it('never has more than the limit in flight, and finishes everything', async () => {
    let active = 0;
    let peak = 0;
    const slow: Target = {
      id: 'slow',
      async chat(m) {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        return reply(m[0]!.content);
      },
    };
    const t = withConcurrency(slow, 3);
    const out = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.chat([{ role: 'user', content: `${i}` }])),
    );
    expect(out.map((r) => r.text)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}`));
    expect(peak).toBe(3);
  });
});

/** The rate limiter's clock, simulated: a sleep moves it on at once and is recorded. */
function simulatedClock() {
  const c = {
    now: 0,
    sleeps: [] as number[],
    options: {
      now: () => c.now,
      sleep: async (ms: number) => {
        c.sleeps.push(ms);
        c.now += ms;
      },
    },
  };
  return c;
}

describe('withRateLimit', () => {
  it('holds requests beyond rpm until the window slides (simulated clock)', async () => {
    const clock = simulatedClock();
    const t = withRateLimit(scripted(['ok']), {
      rpm: 2,
      ...clock.options,
    });
    await t.chat(hi);
    clock.now += 10_000;
    await t.chat(hi);
    await t.chat(hi);
    expect(clock.sleeps).toEqual([50_000]);
    expect(clock.now).toBe(60_000);
  });

  it('counts tokens per minute using reported usage', async () => {
    const clock = simulatedClock();
    const inner: Target = { id: 'x', chat: async () => reply('ok', 600) };
    const t = withRateLimit(inner, {
      tpm: 1_000,
      ...clock.options,
    });
    await t.chat(hi, { maxTokens: 10 });
    await t.chat(hi, { maxTokens: 10 }); // 600 + estimate ≤ 1000 → goes
    await t.chat(hi, { maxTokens: 10 }); // 1200 used → waits a window
    expect(clock.sleeps).toEqual([60_000]);
  });

  it('a reply that reports no usage keeps its estimate: the limit still holds', async () => {
    // Servers that report no token counts (a stream without include_usage, llama.cpp) give 0 and 0;
    // taken as the request's size, every request would count as free and tpm would limit nothing.
    const clock = simulatedClock();
    const inner: Target = { id: 'x', chat: async () => reply('ok', 0) };
    const t = withRateLimit(inner, {
      tpm: 500,
      ...clock.options,
    });
    await t.chat(hi, { maxTokens: 200 }); // estimate 201
    await t.chat(hi, { maxTokens: 200 }); // 402 ≤ 500 → goes
    await t.chat(hi, { maxTokens: 200 }); // 603 > 500 → waits a window
    expect(clock.sleeps).toEqual([60_000]);
  });
});

describe('withRateLimit and a request larger than the whole tpm budget', () => {
  it('goes alone in an empty window, rather than waiting forever; the next waits a window', async () => {
    const clock = simulatedClock();
    const inner: Target = { id: 'x', chat: async () => reply('ok', 0) };
    const t = withRateLimit(inner, {
      tpm: 100,
      ...clock.options,
    });
    expect((await t.chat(hi, { maxTokens: 500 })).text).toBe('ok'); // estimate 501 > 100, window empty
    expect(clock.sleeps).toEqual([]);
    expect((await t.chat(hi, { maxTokens: 500 })).text).toBe('ok');
    expect(clock.sleeps).toEqual([60_000]);
  });
});

describe('withRateLimit and the run halting', () => {
  it('a request waiting for its turn stops waiting when the halt signal fires: no further wait', async () => {
    // (the target below refuses it unsent; waiting on would hold the halted run up to a window)
    let clock = 0;
    const sleeps: number[] = [];
    const halt = new AbortController();
    const inner = scripted(['ok']);
    const t = withRateLimit(inner, {
      rpm: 1,
      now: () => clock,
      signal: halt.signal,
      sleep: async (ms) => {
        sleeps.push(ms);
        if (sleeps.length === 1) {
          halt.abort();
          throw new TargetError('request aborted', 'aborted');
        }
        clock += ms;
      },
    });
    await t.chat(hi);
    await t.chat(hi);
    expect(sleeps).toEqual([60_000]);
    expect(inner.calls).toBe(2);
  });
});

describe('withCache', () => {
  let store: Store;
  afterEach(() => store?.close());

  it('serves identical requests from the store; parameters and noCache change that', async () => {
    store = openStore(':memory:');
    const inner = scripted(['a', 'b', 'c', 'd']);
    const t = withCache(inner, { store: () => store });
    expect((await t.chat(hi)).text).toBe('a');
    const again = await t.chat(hi);
    expect(again).toMatchObject({ text: 'a', cached: true });
    expect((await t.chat(hi, { temperature: 0.7 })).text).toBe('b');
    expect((await t.chat(hi, { noCache: true })).text).toBe('c');
    expect(inner.calls).toBe(3);
    const bypass = withCache(inner, { store: () => store, noCache: true });
    expect((await bypass.chat(hi)).text).toBe('d');
    expect(cacheKey('a', hi)).not.toBe(cacheKey('b', hi));
    expect(cacheKey('a', hi, { seed: 1 })).not.toBe(cacheKey('a', hi, { seed: 2 }));
  });

  it('keys on each message role and every reply-changing parameter', () => {
    // The same words as a system prompt or as a user turn get different replies; so do a shorter
    // reply limit, another nucleus or other stop strings. A key without one of them would serve a
    // reply made under other conditions.
    const asSystem: Message[] = [{ role: 'system', content: 'hi' }];
    expect(cacheKey('a', asSystem)).not.toBe(cacheKey('a', hi));
    const base = cacheKey('a', hi);
    for (const options of [{ maxTokens: 16 }, { topP: 0.5 }, { stop: ['\n'] }, { temperature: 1 }])
      expect(cacheKey('a', hi, options), JSON.stringify(options)).not.toBe(base);
    expect(cacheKey('a', hi, {}, { temperature: 0.2 })).not.toBe(base);
  });

  it('createTarget caches remote targets in the store, across target instances', async () => {
    store = openStore(':memory:');
    const s: FakeServer = await startOpenAIServer();
    try {
      const config = parseConfig(
        `targets:\n  remote:\n    type: openai\n    model: m\n    baseURL: ${s.url}\n`,
        'x.yaml',
      );
      const a = createTarget('remote', { config, store: () => store });
      const b = createTarget('remote', { config, store: () => store });
      await a.chat(hi);
      expect((await b.chat(hi)).cached).toBe(true);
      expect(s.requests).toBe(1);
      await createTarget('remote', { config, store: () => store, noCache: true }).chat(hi);
      expect(s.requests).toBe(2);
    } finally {
      await s.close();
    }
  });
});

describe('resolveTargetConfig', () => {
  const config = parseConfig('targets:\n  judge:\n    type: anthropic\n    model: claude-x\n', 'x.yaml');
  it.each([
    ['candidate', { type: 'embedded', model: 'base' }],
    ['judge', { type: 'anthropic', model: 'claude-x' }],
    ['embedded:round-2', { type: 'embedded', model: 'round-2' }],
    ['embedded:', { type: 'embedded', model: 'base' }],
    [
      'openai:llama3@http://localhost:11434/v1',
      { type: 'openai', model: 'llama3', baseURL: 'http://localhost:11434/v1' },
    ],
    ['anthropic:claude-y', { type: 'anthropic', model: 'claude-y' }],
  ])('%s', (spec, expected) => {
    expect(resolveTargetConfig(spec, config).config).toMatchObject(expected);
  });

  it('an unknown name is an InputError that lists the choices', () => {
    let err: InputError | undefined;
    try {
      resolveTargetConfig('gpt', defaultConfig());
    } catch (e) {
      err = e as InputError;
    }
    expect(err).toBeInstanceOf(InputError);
    expect(err?.message).toBe('unknown target "gpt"');
    expect(err?.hint).toMatch(/embedded:base/);
    expect(err?.hint).toMatch(/defined here: candidate/);
  });

  it('an "@" not followed by a URL is an error, not part of the model name', () => {
    expect(() => resolveTargetConfig('openai:llama3@localhost:11434', config)).toThrow(
      /the part after "@" must be the server's URL, starting with http:\/\/ or https:\/\/ \(got "localhost:11434"\)/,
    );
    // A name that starts with "@" (Cloudflare's "@cf/…") stays a name.
    expect(resolveTargetConfig('openai:@cf/meta/llama-3-8b', config).config).toMatchObject({
      model: '@cf/meta/llama-3-8b',
    });
  });
});
