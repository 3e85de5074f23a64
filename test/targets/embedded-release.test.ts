// A closed embedded target lets go of its model and the model's prefix cache (a 64 MiB pool): a
// cycle closes each round's model once it moves on, and held them all until the command ended.
import { describe, expect, it } from 'vitest';
import { PREFIX_CACHE_BYTES } from '../../src/lm/prefix-cache.js';
import { createTarget } from '../../src/targets/index.js';
import { liveArrayBuffers } from '../helpers/gc.js';

const hello = [{ role: 'user' as const, content: 'Hello, how are you?' }];

describe('releasing an embedded target', () => {
  it("close() lets go of the model's prefix cache, while the target itself is still held", async () => {
    const before = liveArrayBuffers();
    const t = createTarget('embedded:base', {});
    await t.chat(hello, { maxTokens: 16 });
    const answered = liveArrayBuffers();
    expect(answered - before).toBeGreaterThanOrEqual(PREFIX_CACHE_BYTES);
    await t.close?.();
    // (`t` is still referenced here, as a command's table of targets references it)
    expect(t.id).toBe('embedded:base');
    expect(liveArrayBuffers() - before).toBeLessThan(PREFIX_CACHE_BYTES / 4);
  });
});
