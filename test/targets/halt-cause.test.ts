// What halts a run and what it ends on: a Retry-After past five minutes halts it (over real HTTP),
// the run ends on the first cause (not a later one), and a reply between refused connections starts
// their count again.
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
