// The embedded target: spec resolution, lazy loading, micro-batched concurrent calls that answer
// exactly as single calls do, and failures as TargetError.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError, TargetError } from '../../src/core/index.js';
import { createLM, saveLM, Tokenizer, trainSFT } from '../../src/lm/index.js';
import { createEmbeddedTarget, resolveEmbeddedPath } from '../../src/targets/embedded.js';

let dir: string;
let tok: Tokenizer;
const pairs = [
  ['red?', 'apples are red.'],
  ['green?', 'grass is green.'],
  ['blue?', 'the sea is blue.'],
];

beforeAll(async () => {
  const convs = pairs.map(([u, a]) => ({
    messages: [
      { role: 'user' as const, content: u },
      { role: 'assistant' as const, content: a },
    ],
  }));
  tok = Tokenizer.train(pairs.flat(), 300);
  const lm = createLM(
    { vocabSize: tok.vocabSize, dModel: 32, nLayers: 1, nHeads: 2, contextLength: 40 },
    tok,
    2,
  );
  await trainSFT(lm, convs, { steps: 120, batchSize: 3, lr: 1e-2, seed: 1 });
  dir = mkdtempSync(join(tmpdir(), 'lm-target-'));
  await saveLM(lm, dir);
});

describe('embedded target', () => {
  it('resolves base, registered names and folders', () => {
    expect(resolveEmbeddedPath('embedded:base')).toMatch(/models[/\\]breakfix-tiny-base$/);
    // A bare `embedded:` is the base model, as resolveTargetConfig reads it (the trainer did too).
    expect(resolveEmbeddedPath('embedded:')).toBe(resolveEmbeddedPath('embedded:base'));
    expect(resolveEmbeddedPath('embedded:round-2', (n) => (n === 'round-2' ? dir : undefined))).toBe(dir);
    expect(resolveEmbeddedPath(`embedded:${dir}`)).toBe(dir);
    expect(() => resolveEmbeddedPath('embedded:/no/such/model')).toThrow(/no embedded model/);
  });

  it('answers concurrent calls (micro-batched; batch invariance of the decode is generate-batching.test.ts) each as a single call would', async () => {
    const target = createEmbeddedTarget(`embedded:${dir}`, { batchWindowMs: 5 });
    const replies = await Promise.all(pairs.map(([u]) => target.chat([{ role: 'user', content: u }])));
    replies.forEach((r, i) => {
      expect(r.text).toBe(pairs[i][1]);
      expect(r.finishReason).toBe('stop');
      expect(r.usage.completionTokens).toBeGreaterThan(0);
      expect(Number.isFinite(r.latencyMs)).toBe(true);
    });
    const single = await target.chat([{ role: 'user', content: pairs[1][0] }], { maxTokens: 3 });
    expect(single.finishReason).toBe('length');
    expect(single.usage.completionTokens).toBe(3);
    await target.close?.();
  });

  it("a call's stop ends its reply before the stop text; a prompt over the context says what it dropped", async () => {
    const target = createEmbeddedTarget(`embedded:${dir}`);
    const ask = [{ role: 'user' as const, content: pairs[0][0] }];
    const whole = await target.chat(ask);
    expect(whole.text).toBe('apples are red.');
    expect(whole.promptTruncated).toBeUndefined();
    expect(await target.chat(ask, { stop: [' are'] })).toMatchObject({
      text: 'apples',
      finishReason: 'stop',
    });
    const long = [{ role: 'user' as const, content: 'red? '.repeat(30) }];
    const r = await target.chat(long, { maxTokens: 4 });
    // The 40-token context keeps 4 tokens for the reply: the prompt's latest 36 tokens are read.
    expect(r.usage.promptTokens).toBe(36);
    expect(r.promptTruncated).toEqual({ dropped: tok.encodeChat(long, true).ids.length - 36, context: 40 });
    expect(r.promptTruncated!.dropped).toBeGreaterThan(0);
    await target.close?.();
  });

  it('a call still waiting for its batch when the target closes fails as aborted, never left pending; later calls fail too', async () => {
    const target = createEmbeddedTarget(`embedded:${dir}`, { batchWindowMs: 50 });
    const waiting = target.chat([{ role: 'user', content: pairs[0][0] }]);
    await target.close?.();
    // close() fails the waiting calls itself, before it returns: by the loop's next turn the call has
    // settled, on any machine. (A 2 s timer here counted a slow machine's call as never settled.)
    const settled = await Promise.race([
      waiting.then(
        () => 'answered',
        (e: unknown) => e,
      ),
      new Promise((r) => setImmediate(() => r('still pending'))),
    ]);
    expect(settled).toBeInstanceOf(TargetError);
    expect(settled).toMatchObject({
      kind: 'aborted',
      message: expect.stringMatching(/closed before it answered/),
    });
    await expect(target.chat([{ role: 'user', content: pairs[1][0] }])).rejects.toMatchObject({
      kind: 'aborted',
    });
  });

  it('a folder that is no checkpoint is bad input naming the missing file, not a target failure', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'lm-empty-'));
    const target = createEmbeddedTarget('embedded:x', { resolveModelPath: () => empty });
    const err = await target.chat([{ role: 'user', content: 'hi' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err).not.toBeInstanceOf(TargetError);
    expect((err as InputError).file).toBe(join(empty, 'config.json'));
  });
});
