import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createTarget, modelPathResolver } from '../../src/targets/index.js';

let store: Store | undefined;
afterEach(() => store?.close());

describe('embedded targets', () => {
  it('resolve round names through the model registry', () => {
    store = openStore(':memory:');
    const s = store;
    s.registerModel({ id: 'round-1', target: 'embedded:round-1', path: '/models/r1' });
    s.registerModel({ id: 'embedded:round-2', target: 'embedded:round-2', path: '/models/r2' });
    const resolve = modelPathResolver(() => s);
    expect(resolve('round-1')).toBe('/models/r1');
    expect(resolve('round-2')).toBe('/models/r2');
    expect(resolve('round-9')).toBeUndefined();
    expect(modelPathResolver(undefined)('round-1')).toBeUndefined();
  });

  it('a round that a cycle on a served model registered is named with the spec that reaches it', () => {
    store = openStore(':memory:');
    const s = store;
    s.registerModel({
      id: 'round-1',
      target: 'openai:/models/r1@http://127.0.0.1:8001/v1',
      path: '/models/r1',
    });
    expect(() => modelPathResolver(() => s)('round-1')).toThrow(
      /embedded:round-1 is no embedded model: this store registered round-1 as openai:\/models\/r1@http:\/\/127\.0\.0\.1:8001\/v1/,
    );
  });

  it('are named by their spec', () => {
    store = openStore(':memory:');
    const s = store;
    const t = createTarget('embedded:round-1', { store: () => s });
    expect(t.id).toBe('embedded:round-1');
  });

  it('embedded:base answers a chat', async () => {
    const t = createTarget('embedded:base', {});
    const reply = await t.chat([{ role: 'user', content: 'Hello, how are you?' }], {
      maxTokens: 16,
      seed: 1,
    });
    expect(reply.text.trim().length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(reply.finishReason);
    // Greedy decoding: the same chat gets the same reply.
    const again = await t.chat([{ role: 'user', content: 'Hello, how are you?' }], {
      maxTokens: 16,
      seed: 1,
    });
    expect(again.text).toBe(reply.text);
    await t.close?.();
  });
});

describe('an embedded target in the config', () => {
  it("takes its maxTokens as the default, as a remote target does (a call's own wins)", async () => {
    const config = parseConfig(
      'targets:\n  candidate:\n    type: embedded\n    maxTokens: 3\n  long:\n    type: embedded\n',
      'x.yaml',
    );
    const ask = [{ role: 'user' as const, content: 'What is the capital of France?' }];
    const capped = await createTarget('candidate', { config }).chat(ask, { seed: 1 });
    expect(capped.usage.completionTokens).toBeLessThanOrEqual(3);
    expect(capped.finishReason).toBe('length');
    const own = await createTarget('candidate', { config }).chat(ask, { seed: 1, maxTokens: 40 });
    expect(own.usage.completionTokens).toBeGreaterThan(3);
  });
});
