// A response cache entry that is valid JSON but no reply (edited outside breakfix, or written by
// something else) is a miss, as an entry that is not JSON is: the request goes to the model again and
// the entry is replaced. Served as a hit, a reply without text reached the judges and the meters.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openaiTargetSchema } from '../../src/config/index.js';
import { openStore } from '../../src/store/index.js';
import { createTarget, createUsageMeter } from '../../src/targets/index.js';
import { startOpenAIServer } from '../helpers/openai-server.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('response cache: an entry that is no reply', () => {
  it.each([
    ['an empty object', '{}'],
    [
      'a reply without text',
      '{"finishReason":"stop","usage":{"promptTokens":1,"completionTokens":1},"latencyMs":1}',
    ],
    [
      'text that is no string',
      '{"text":42,"finishReason":"stop","usage":{"promptTokens":1,"completionTokens":1},"latencyMs":1}',
    ],
    [
      'a reply without a finish reason',
      '{"text":"hi","usage":{"promptTokens":1,"completionTokens":1},"latencyMs":1}',
    ],
    ['a bare string', '"hi"'],
  ])('%s is a miss: asked again and replaced', async (_, damaged) => {
    const server = await startOpenAIServer();
    const dir = mkdtempSync(join(tmpdir(), 'bf-cache-damaged-'));
    dirs.push(dir);
    const file = join(dir, 'b.db');
    const store = openStore(file);
    const usage = createUsageMeter();
    const target = createTarget(
      openaiTargetSchema.parse({ type: 'openai', model: 'm', baseURL: server.url, retries: 0 }),
      { store: () => store, usage },
    );
    const hi = [{ role: 'user' as const, content: 'hello' }];
    try {
      const first = await target.chat(hi);
      expect(first.text).toBe('You said: hello');
      const outside = new Database(file);
      expect(outside.prepare('UPDATE cache SET reply = ?').run(damaged).changes).toBe(1);
      outside.close();
      const again = await target.chat(hi);
      expect(again.text).toBe('You said: hello');
      expect(again.cached).toBeUndefined();
      expect(server.requests).toBe(2);
      // Replaced: the next call is a hit on the model's reply.
      const third = await target.chat(hi);
      expect(third).toMatchObject({ text: 'You said: hello', cached: true });
      expect(server.requests).toBe(2);
      expect(usage.total()).toMatchObject({ replies: 3, cached: 1, errors: 0 });
    } finally {
      await target.close?.();
      store.close();
      await server.close();
    }
  });
});
