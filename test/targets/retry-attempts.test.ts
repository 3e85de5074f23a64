// What a retried request says and counts, over real HTTP: the attempt numbers the retry hook hears,
// the "(after N attempts)" of a request that failed after one retry, the kinds of the statuses the
// fake server has no fault for (408, 409, 403), and a request that fails once the run has halted.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenAITargetConfig } from '../../src/config/index.js';
import { type Reply, type Target, TargetError } from '../../src/core/index.js';
import {
  createTarget,
  createUsageMeter,
  toTargetError,
  withRetry,
  withTimeout,
  withUsage,
} from '../../src/targets/index.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';

const servers: (FakeServer | Server)[] = [];
afterEach(async () => {
  for (const s of servers.splice(0))
    await ('log' in s ? s.close() : new Promise<void>((resolve) => s.close(() => resolve())));
});

const cfg = (url: string, over: Partial<OpenAITargetConfig> = {}): OpenAITargetConfig => ({
  type: 'openai',
  model: 'fake-model',
  baseURL: url,
  concurrency: 1,
  timeoutMs: 2_000,
  retries: 0,
  cache: false,
  stream: false,
  ...over,
});
const hi = [{ role: 'user' as const, content: 'hello there' }];

/** A server that answers every request with `status` and an OpenAI-style error body. */
async function statusServer(status: number): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const s = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `status ${status} from the test server` } }));
    });
  });
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/v1`, requests: () => requests };
}

describe('a retried request', () => {
  it('the retry hook hears the attempt about to be made out of all: 2 of 3, then 3 of 3', async () => {
    const s = await startOpenAIServer({ faults: { schedule: ['server_503', 'server_503'] } });
    servers.push(s);
    const heard: [number, number][] = [];
    const usage = createUsageMeter();
    const t = createTarget(cfg(s.url, { retries: 2 }), {
      usage,
      retryBaseMs: 1,
      random: () => 0,
      onRetry: (_err, attempt, attempts) => heard.push([attempt, attempts]),
    });
    expect((await t.chat(hi)).text).toBeTypeOf('string');
    // request 1 fails (503) → attempt 2 of 3; request 2 fails → attempt 3 of 3; request 3 answers
    expect(heard).toEqual([
      [2, 3],
      [3, 3],
    ]);
    expect(s.requests).toBe(3);
    expect(usage.total()).toMatchObject({ requests: 1, replies: 1, retries: 2, errors: 0 });
  });

  it('one that fails after a single retry says it was tried twice', async () => {
    const s = await startOpenAIServer({ faults: { schedule: ['server_503', 'server_503'] } });
    servers.push(s);
    const t = createTarget(cfg(s.url, { retries: 1 }), { retryBaseMs: 1, random: () => 0 });
    const err = (await t.chat(hi).catch((e: unknown) => e)) as TargetError;
    expect(err).toBeInstanceOf(TargetError);
    expect(err.kind).toBe('server');
    expect(err.message).toMatch(/\(after 2 attempts\)$/);
    expect(s.requests).toBe(2);
  });
});

describe('statuses the fault server has none of', () => {
  it.each([
    ['408 is a timeout: retried, and counted as one', 408, 'timeout'],
    [
      '409 (a conflict: a server busy with another request for the same thing) is a server error: retried',
      409,
      'server',
    ],
  ] as const)('%s', async (_name, status, kind) => {
    const s = await statusServer(status);
    const usage = createUsageMeter();
    const t = createTarget(cfg(s.url, { retries: 1 }), { usage, retryBaseMs: 1, random: () => 0 });
    const err = (await t.chat(hi).catch((e: unknown) => e)) as TargetError;
    expect(err).toBeInstanceOf(TargetError);
    expect(err.kind).toBe(kind);
    expect(err.status).toBe(status);
    // the first reply is retried once: two requests reach the server, one counted
    expect(s.requests()).toBe(2);
    expect(usage.total()).toMatchObject({ requests: 1, errors: 1, retries: 1, errorsByKind: { [kind]: 1 } });
  });

  it('403 is a refused key (auth), not a bad request: not retried', async () => {
    const s = await statusServer(403);
    const usage = createUsageMeter();
    const t = createTarget(cfg(s.url, { retries: 2 }), { usage, retryBaseMs: 1, random: () => 0 });
    const err = (await t.chat(hi).catch((e: unknown) => e)) as TargetError;
    expect(err).toBeInstanceOf(TargetError);
    expect(err.kind).toBe('auth');
    expect(err.status).toBe(403);
    expect(s.requests()).toBe(1);
    expect(usage.total()).toMatchObject({ requests: 1, errors: 1, retries: 0, errorsByKind: { auth: 1 } });
  });
});

describe('a request that fails after the run halted', () => {
  it('is neither waited on nor counted as retried: it ends at once with its error', async () => {
    // The run halts while the request is at the server (another request's refused key); its 503
    // then comes back. No retry will be sent, so none is announced and no backoff is slept.
    let halted = false;
    const inner: Target = {
      id: 'halting',
      async chat(): Promise<Reply> {
        halted = true;
        throw new TargetError('busy', 'server', 503);
      },
    };
    const retries: number[] = [];
    const slept: number[] = [];
    const t = withRetry(inner, {
      retries: 3,
      stopped: () => halted,
      onRetry: (_e, attempt) => retries.push(attempt),
      sleep: async (ms) => void slept.push(ms),
    });
    const err = (await t.chat(hi).catch((e: unknown) => e)) as TargetError;
    expect(err.kind).toBe('server');
    expect(err.message).toBe('busy');
    expect(retries).toEqual([]);
    expect(slept).toEqual([]);
  });
});

describe('a connection error outside the SDKs (the socket as Node words it)', () => {
  it.each(['read ECONNRESET', 'write EPIPE', 'other side closed'])(
    '%s is a failed connection (network), not an unreadable reply',
    (message) => {
      const err = toTargetError(new Error(message), 'remote');
      expect(err.kind).toBe('network');
      expect(err.message).toBe(`remote: connection failed: ${message}`);
    },
  );
});

describe('a request its caller aborted while it was at the target', () => {
  it('ends as aborted, whatever the target threw once cut off (a socket destroyed reads as network)', async () => {
    const caller = new AbortController();
    const inner: Target = {
      id: 'cut',
      async chat(): Promise<Reply> {
        caller.abort();
        throw new TargetError('cut: connection failed: socket hang up', 'network');
      },
    };
    const usage = createUsageMeter();
    const t = withUsage(withTimeout(inner, 5_000), usage);
    const err = (await t.chat(hi, { signal: caller.signal }).catch((e: unknown) => e)) as TargetError;
    expect(err.kind).toBe('aborted');
    expect(err.message).toBe('cut: request aborted');
    expect(usage.total().errorsByKind).toEqual({ aborted: 1 });
  });
});
