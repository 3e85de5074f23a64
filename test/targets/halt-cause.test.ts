// What halts a run and what it ends on: a Retry-After past five minutes halts it (over real HTTP;
// exactly five does not, nor a long one on a 403 that is not retried),
// the run ends on the first cause (not a later one), and a reply between refused connections starts
// their count again.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenAITargetConfig } from '../../src/config/index.js';
import { type Reply, type Target, TargetError } from '../../src/core/index.js';
import { createTarget, createUsageMeter, RunHalt, STOPPED_AFTER, withHalt } from '../../src/targets/index.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const cfg = (url: string): OpenAITargetConfig => ({
  type: 'openai',
  model: 'fake-model',
  baseURL: url,
  concurrency: 1,
  timeoutMs: 2_000,
  retries: 2,
  cache: false,
  stream: false,
});
const hi = [{ role: 'user' as const, content: 'hello there' }];

describe('a server asking to wait longer than five minutes', () => {
  it('halts the run: the next request is refused unsent, and only the first is counted', async () => {
    server = await startOpenAIServer({ faults: { schedule: ['rate_limit'], retryAfterS: 600 } });
    const halt = new RunHalt();
    const usage = createUsageMeter();
    const t = createTarget(cfg(server.url), { halt, usage, retryBaseMs: 1, random: () => 0 });
    const first = (await t.chat(hi).catch((e: unknown) => e)) as TargetError;
    expect(first.kind).toBe('rate_limit');
    expect(halt.halted).toBe(true);
    expect(halt.cause?.kind).toBe('rate_limit');
    const second = (await t.chat(hi).catch((e: unknown) => e)) as TargetError;
    expect(second.message).toMatch(/not sent, the run halted on an earlier reply/);
    expect(server.requests).toBe(1);
    expect(usage.total()).toMatchObject({ requests: 1, errors: 1, retries: 0 });
  });
});

describe('where the five minutes end, and what a Retry-After halts', () => {
  it('a 429 asking for exactly five minutes does not halt the run; one second more does', async () => {
    for (const [retryAfterS, halts] of [
      [300, false],
      [301, true],
    ] as const) {
      server = await startOpenAIServer({ faults: { schedule: ['rate_limit'], retryAfterS } });
      const halt = new RunHalt();
      const t = createTarget({ ...cfg(server.url), retries: 0 }, { halt, retryBaseMs: 1, random: () => 0 });
      const err = (await t.chat(hi).catch((e: unknown) => e)) as TargetError;
      expect(err.kind).toBe('rate_limit');
      expect(err.retryAfterMs).toBe(retryAfterS * 1000);
      expect(halt.halted, `Retry-After ${retryAfterS}`).toBe(halts);
      await server.close();
      server = undefined;
    }
  });

  it("a 403 that carries a long Retry-After (a gateway's block page) fails its request only", async () => {
    // (403 never halts: a WAF answers it to single prompts that match its rules, and a Retry-After
    // on a reply that is not retried says nothing about the next request)
    const waf = createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json', 'retry-after': '3600' });
      res.end(JSON.stringify({ error: { message: 'blocked by the gateway policy' } }));
    });
    await new Promise<void>((ok) => waf.listen(0, '127.0.0.1', ok));
    try {
      const url = `http://127.0.0.1:${(waf.address() as AddressInfo).port}/v1`;
      const halt = new RunHalt();
      const t = createTarget(cfg(url), { halt, retryBaseMs: 1, random: () => 0 });
      const err = (await t.chat(hi).catch((e: unknown) => e)) as TargetError;
      expect(err.status).toBe(403);
      expect(err.retryAfterMs).toBe(3_600_000);
      expect(halt.halted).toBe(false);
      const again = (await t.chat(hi).catch((e: unknown) => e)) as TargetError;
      expect(again.message).not.toMatch(/not sent/);
      expect(again.status).toBe(403);
    } finally {
      await new Promise((ok) => waf.close(ok));
    }
  });
});

describe('a run halted twice', () => {
  it('ends on the first cause: a spent quota met after a refused key does not replace it', () => {
    const halt = new RunHalt();
    halt.observe(new TargetError('a: HTTP 401 bad key', 'auth', 401));
    halt.observe(new TargetError('b: HTTP 429 quota spent', 'quota', 429));
    expect(halt.cause?.message).toBe('a: HTTP 401 bad key');
    expect(halt.error('resume it')?.message).toBe(
      'a: HTTP 401 bad key; the run stopped there, keeping what it had stored',
    );
  });
});

describe('refused connections with a reply between them', () => {
  it('count again from 0 after the reply: STOPPED_AFTER - 1, a reply, STOPPED_AFTER - 1 halts nothing', async () => {
    const steps: (string | TargetError)[] = [
      'ok',
      ...Array.from(
        { length: STOPPED_AFTER - 1 },
        () => new TargetError('s: connection failed: connect ECONNREFUSED 127.0.0.1:9', 'network'),
      ),
      'ok',
      ...Array.from(
        { length: STOPPED_AFTER - 1 },
        () => new TargetError('s: connection failed: connect ECONNREFUSED 127.0.0.1:9', 'network'),
      ),
    ];
    let i = 0;
    const inner: Target = {
      id: 's',
      async chat(): Promise<Reply> {
        const step = steps[i++];
        if (step instanceof TargetError) throw step;
        return {
          text: step ?? 'ok',
          finishReason: 'stop',
          usage: { promptTokens: 1, completionTokens: 1 },
          latencyMs: 1,
        };
      },
    };
    const halt = new RunHalt();
    const t = withHalt(inner, halt);
    for (const step of steps) {
      if (step instanceof TargetError) await expect(t.chat(hi)).rejects.toBe(step);
      else expect((await t.chat(hi)).text).toBe('ok');
    }
    // 2 × (STOPPED_AFTER - 1) = 14 refusals, never STOPPED_AFTER (8) in a row
    expect(halt.halted).toBe(false);
  });
});
