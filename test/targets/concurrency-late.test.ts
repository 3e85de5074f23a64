// The concurrency limit holds for requests that arrive after others were queued and let through,
// over real HTTP: a slot handed to a waiting request is still taken.
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenAITargetConfig } from '../../src/config/index.js';
import { createTarget } from '../../src/targets/index.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('concurrency 1', () => {
  it('a request arriving while a queued one runs waits for it: never 2 at the server', async () => {
    server = await startOpenAIServer({ latencyMs: 150 });
    const cfg: OpenAITargetConfig = {
      type: 'openai',
      model: 'fake-model',
      baseURL: server.url,
      concurrency: 1,
      timeoutMs: 5_000,
      retries: 0,
      cache: false,
      stream: false,
    };
    const t = createTarget(cfg);
    const ask = (content: string) => t.chat([{ role: 'user', content }]);
    // A runs, B waits for A's slot; once A is done, B runs and C arrives.
    const a = ask('a');
    const b = ask('b');
    await a;
    const c = ask('c');
    await Promise.all([b, c]);
    expect(server.requests).toBe(3);
    expect(server.stats().maxInFlight).toBe(1);
  });
});
