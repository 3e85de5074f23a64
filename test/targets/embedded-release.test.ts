// A closed embedded target lets go of its model and the model's prefix cache (a 64 MiB pool): a
// cycle closes each round's model once it moves on, and held them all until the command ended.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContext } from '../../src/cli/common.js';
import { PREFIX_CACHE_BYTES } from '../../src/lm/prefix-cache.js';
import { createTarget } from '../../src/targets/index.js';
import { liveArrayBuffers } from '../helpers/gc.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const hello = [{ role: 'user' as const, content: 'Hello, how are you?' }];

describe('releasing an embedded target', () => {
  it("close() lets go of the model's prefix cache, while the target itself is still held", async () => {
    const before = await liveArrayBuffers();
    const t = createTarget('embedded:base', {});
    await t.chat(hello, { maxTokens: 16 });
    const answered = await liveArrayBuffers();
    expect(answered - before).toBeGreaterThanOrEqual(PREFIX_CACHE_BYTES);
    await t.close?.();
    // (`t` is still referenced here, as a command's table of targets references it)
    expect(t.id).toBe('embedded:base');
    const limit = before + PREFIX_CACHE_BYTES / 4;
    expect((await liveArrayBuffers(limit)) - before).toBeLessThan(PREFIX_CACHE_BYTES / 4);
  });

  it('a context forgets a released target: the model is let go, and the name makes a new one that loads it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-release-'));
    dirs.push(dir);
    const ctx = await loadContext({ store: join(dir, 'b.db') });
    try {
      const before = await liveArrayBuffers();
      const first = ctx.target('embedded:base');
      const reply = await first.chat(hello, { maxTokens: 16 });
      expect((await liveArrayBuffers()) - before).toBeGreaterThanOrEqual(PREFIX_CACHE_BYTES);
      await ctx.release('embedded:base');
      const limit = before + PREFIX_CACHE_BYTES / 4;
      expect((await liveArrayBuffers(limit)) - before).toBeLessThan(PREFIX_CACHE_BYTES / 4);
      // The released one is closed; the name now gives a fresh target, reloaded from disk, with the
      // same reply (greedy decoding, the same weights).
      await expect(first.chat(hello, { maxTokens: 16 })).rejects.toThrow(/closed/);
      const again = ctx.target('embedded:base');
      expect(again).not.toBe(first);
      expect((await again.chat(hello, { maxTokens: 16 })).text).toBe(reply.text);
      // Releasing a name no target was made for does nothing.
      await ctx.release('embedded:round-9');
    } finally {
      await ctx.close();
    }
  });
});
