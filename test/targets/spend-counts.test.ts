// What the spend table and the usage meter book for each request, over real HTTP into a real SQLite
// store: a fresh reply its tokens, a reply from the cache none (counted as cached), a retry as a
// retry, a failed request as a request and an error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenAITargetConfig } from '../../src/config/index.js';
import { openStore } from '../../src/store/index.js';
import { asRole, createTarget, createUsageMeter, inSpendScope, spendSink } from '../../src/targets/index.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';

let server: FakeServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A store in a temporary folder holding run `r`, and the config of a target at `url` (no stream). */
function storeAndTarget(kind: 'bench' | 'redteam', url: string, over: { retries: number; cache: boolean }) {
  const dir = mkdtempSync(join(tmpdir(), 'bf-spend-counts-'));
  dirs.push(dir);
  const store = openStore(join(dir, 'store.db'));
  store.createRun({ id: 'r', kind, config: {}, seed: 1 });
  const cfg: OpenAITargetConfig = {
    type: 'openai',
    model: 'fake-model',
    baseURL: url,
    concurrency: 1,
    timeoutMs: 2_000,
    stream: false,
    ...over,
  };
  return { store, cfg };
}

describe('the spend booked for a fresh reply, a cached one, a retry and an error', () => {
  it('adds up to hand-computed counts in the store and the meter', async () => {
    // Server requests: #0 503 (retried), #1 answers "a" (5 words), #2 400 for "b" (not retried).
    // "a" asked again comes from the cache: no request reaches the server.
    server = await startOpenAIServer({
      script: () => 'one two three four five',
      faults: { schedule: ['server_503', null, 'bad_request'] },
      // (a reply that takes some time: its latency is more than 0 ms, so the meter's sum can be seen)
      latencyMs: 5,
    });
    const { store, cfg } = storeAndTarget('bench', server.url, { retries: 1, cache: true });
    try {
      const usage = createUsageMeter(spendSink(() => store));
      const t = createTarget(cfg, { usage, store: () => store, retryBaseMs: 1, random: () => 0 });
      const a = [{ role: 'user' as const, content: 'hello there' }]; // 2 prompt tokens
      const b = [{ role: 'user' as const, content: 'another question here' }];
      let fresh = 0;
      await inSpendScope({ runId: 'r', stage: 'bench', role: 'target' }, async () => {
        const first = await t.chat(a);
        expect(first.text).toBe('one two three four five');
        fresh = first.latencyMs;
        expect((await t.chat(a)).cached).toBe(true);
        await expect(t.chat(b)).rejects.toMatchObject({ kind: 'client' });
      });
      expect(server.requests).toBe(3);
      expect(store.listSpend('r')).toEqual([
        {
          stage: 'bench',
          role: 'target',
          model: t.id,
          requests: 3,
          cached: 1,
          errors: 1,
          retries: 1,
          promptTokens: 2,
          completionTokens: 5,
        },
      ]);
      expect(usage.total()).toMatchObject({
        requests: 3,
        replies: 2,
        cached: 1,
        errors: 1,
        retries: 1,
        promptTokens: 2,
        completionTokens: 5,
      });
      // The meter's latency is the fresh reply's alone: the cached one waited on no model.
      expect(fresh).toBeGreaterThan(0);
      expect(usage.total().latencyMs).toBe(fresh);
    } finally {
      store.close();
    }
  });

  it("totals each kind of error over all the meter's targets", async () => {
    const s = await startOpenAIServer({ faults: { schedule: ['bad_request', 'bad_request'] } });
    server = s;
    const usage = createUsageMeter();
    const cfg = (model: string): OpenAITargetConfig => ({
      type: 'openai',
      model,
      baseURL: s.url,
      concurrency: 1,
      timeoutMs: 2_000,
      retries: 0,
      cache: false,
      stream: false,
    });
    const one = createTarget(cfg('model-one'), { usage });
    const two = createTarget(cfg('model-two'), { usage });
    const ask = [{ role: 'user' as const, content: 'hello' }];
    await expect(one.chat(ask)).rejects.toMatchObject({ kind: 'client' });
    await expect(two.chat(ask)).rejects.toMatchObject({ kind: 'client' });
    expect(Object.keys(usage.snapshot())).toHaveLength(2);
    expect(usage.total()).toMatchObject({ requests: 2, errors: 2, errorsByKind: { client: 2 } });
  });

  it('books a request to the role named nearest it: the attacker model playing the user simulator', async () => {
    const s = await startOpenAIServer({ script: () => 'one two' });
    server = s;
    const { store, cfg } = storeAndTarget('redteam', s.url, { retries: 0, cache: false });
    try {
      const usage = createUsageMeter(spendSink(() => store));
      const attacker = asRole(createTarget(cfg, { usage }), 'attacker');
      const simulator = asRole(attacker, 'user-simulator');
      await inSpendScope({ runId: 'r', stage: 'redteam' }, async () => {
        await attacker.chat([{ role: 'user', content: 'attack' }]);
        await simulator.chat([{ role: 'user', content: 'simulate' }]);
      });
      const requests = Object.fromEntries(store.listSpend('r').map((r) => [r.role, r.requests]));
      expect(requests).toEqual({ attacker: 1, 'user-simulator': 1 });
    } finally {
      store.close();
    }
  });
});
