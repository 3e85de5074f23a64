// A cache-only call (ChatOptions.cacheOnly, made by a red team whose tokens budget is spent:
// src/break/attacks/session.ts) is answered from the response cache or not at all: it never reaches
// the model, with the cache skipped too. A target that cannot promise that (no servesCacheOnly: the
// cache off, a caller's own wrapper) gets no call at all once the budget is spent. The real
// createTarget over HTTP on 127.0.0.1 (the scripted fake counts what it receives), a real SQLite file.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../src/break/attacks/index.js';
import { type BudgetCounter, BudgetSpent } from '../../src/break/attacks/types.js';
import { parseConfig } from '../../src/config/index.js';
import { createRng, type Message, type Target } from '../../src/core/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { asRole, createTarget, NotCachedError } from '../../src/targets/index.js';
import { attackSeeds } from '../break/redteam-fakes.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';

const hi: Message[] = [{ role: 'user', content: 'hi' }];
const other: Message[] = [{ role: 'user', content: 'something else' }];

let server: FakeServer | undefined;
let store: Store | undefined;
afterEach(async () => {
  await server?.close();
  store?.close();
  server = undefined;
  store = undefined;
});

async function setUp(cache = true) {
  server = await startOpenAIServer({ script: () => 'a scripted reply' });
  const s = openStore(join(mkdtempSync(join(tmpdir(), 'bf-cache-only-')), 's.db'));
  store = s;
  const config = parseConfig(
    `targets:\n  remote:\n    type: openai\n    model: m\n    baseURL: ${server.url}\n    cache: ${cache}\n`,
    'breakfix.yaml',
  );
  return {
    server,
    target: (noCache = false) => createTarget('remote', { config, store: () => s, noCache }),
  };
}

/** A session whose budget is spent: by a tokens budget (free calls allowed) or by the clock (none). */
function spentSession(target: Target, by: 'tokens' | 'seconds', attacker?: Target): Session {
  const budget: BudgetCounter = {
    calls: 0,
    tokens: 0,
    attackerTokens: 0,
    reason: by,
    exhausted: () => true,
    freeCalls: () => by === 'tokens',
  };
  return new Session({
    target,
    attacker,
    seed: attackSeeds(1)[0]!,
    judges: { attack: [] },
    rng: createRng(1),
    budget,
    techniques: [],
    maxTurns: 1,
  });
}

describe('cache-only calls', () => {
  it("createTarget's cached target answers one from the cache, and rejects it unsent when the cache cannot", async () => {
    const { server, target } = await setUp();
    const t = target();
    expect(t.servesCacheOnly).toBe(true);
    expect(asRole(t, 'target').servesCacheOnly).toBe(true);

    await expect(t.chat(hi, { cacheOnly: true })).rejects.toBeInstanceOf(NotCachedError);
    expect(server.requests).toBe(0);

    const fresh = await t.chat(hi);
    expect(server.requests).toBe(1);
    const cached = await t.chat(hi, { cacheOnly: true });
    expect(cached).toMatchObject({ text: fresh.text, cached: true });
    expect(server.requests).toBe(1);

    // Other parameters, the cache skipped for the call or for every call: none is answered, none sent.
    await expect(t.chat(hi, { cacheOnly: true, temperature: 0.5 })).rejects.toBeInstanceOf(NotCachedError);
    await expect(t.chat(hi, { cacheOnly: true, noCache: true })).rejects.toBeInstanceOf(NotCachedError);
    await expect(target(true).chat(hi, { cacheOnly: true })).rejects.toBeInstanceOf(NotCachedError);
    expect(server.requests).toBe(1);
  });

  it("a spent tokens budget takes the cache's replies, free, and sends nothing", async () => {
    const { server, target } = await setUp();
    const t = target();
    await t.chat(hi);
    const sent = server.requests;

    const session = spentSession(t, 'tokens', t);
    expect(await session.send(hi)).toBe('a scripted reply');
    expect(session.calls).toBe(1);
    expect(session.tokens).toBe(0);
    await expect(session.send(other)).rejects.toBeInstanceOf(BudgetSpent);
    // The attacker alike, through the attempt's counted attacker.
    expect((await session.attacker?.chat(hi))?.cached).toBe(true);
    await expect(session.attacker?.chat(other)).rejects.toBeInstanceOf(BudgetSpent);
    expect(session.detail).toMatchObject({ attackerCalls: 1, attackerTokens: 0 });
    expect(server.requests).toBe(sent);
  });

  it('a target that cannot promise to answer from the cache alone gets no call once the budget is spent', async () => {
    const { server, target } = await setUp();
    const t = target();
    await t.chat(hi);
    const sent = server.requests;
    // A caller's own wrapper over the cached target: it might drop the flag, so none is made through it.
    const wrapped: Target = { id: t.id, chat: (m, o) => t.chat(m, o) };
    await expect(spentSession(wrapped, 'tokens').send(hi)).rejects.toBeInstanceOf(BudgetSpent);
    // Past the seconds budget's deadline nothing is called, cached or not.
    await expect(spentSession(t, 'seconds').send(hi)).rejects.toBeInstanceOf(BudgetSpent);
    expect(server.requests).toBe(sent);
  });

  it('with the cache off the target makes no promise, and a spent budget sends nothing', async () => {
    const { server, target } = await setUp(false);
    const t = target();
    expect(t.servesCacheOnly).toBeUndefined();
    await expect(spentSession(t, 'tokens').send(hi)).rejects.toBeInstanceOf(BudgetSpent);
    expect(server.requests).toBe(0);
  });
});
