// An embedded call whose signal aborts (its caller's, or the run's halt) stops generating at the next
// decoding step and fails as an `aborted` TargetError: what it had generated is a reply cut short, and
// is never answered as a reply (it would be judged, stored and trained on as the model's answer). The
// embedded target dropped the call's signal, so an aborted call ran to its last token and answered.
// The calls beside it in the batch answer as they would alone.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TargetError } from '../../src/core/index.js';
import { createEmbeddedTarget } from '../../src/targets/embedded.js';
import { createTarget, RunHalt } from '../../src/targets/index.js';
import { ENDLESS_CHAR, saveEndlessModel } from './helpers-endless.js';

let spec: string;
const chat = (content: string) => [{ role: 'user' as const, content }];
const MAX = 480;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-abort-'));
  // (large enough that 480 tokens take well over the test's waits: decoding of a 128-wide, 2-block
  // model became fast enough, with the prefix cache and the WASM decode attention, that the batch was
  // done 100 ms after the abort)
  spec = `embedded:${await saveEndlessModel(dir, { dModel: 256, nLayers: 4, contextLength: 512 })}`;
});

/** When `p` settled, and how. */
const settled = (p: Promise<unknown>) =>
  p.then(
    (value) => ({ at: performance.now(), value, error: undefined as unknown }),
    (error: unknown) => ({ at: performance.now(), value: undefined, error }),
  );

describe('an aborted embedded call', () => {
  it('fails as aborted at once, not answered with the reply cut short; the call beside it answers as alone', async () => {
    const alone = await createEmbeddedTarget(spec).chat(chat('general kenobi'), { maxTokens: MAX });
    expect(alone.text).toBe(ENDLESS_CHAR.repeat(MAX));

    const target = createEmbeddedTarget(spec, { batchWindowMs: 20 });
    const stop = new AbortController();
    const cut = settled(target.chat(chat('hello there'), { maxTokens: MAX, signal: stop.signal }));
    const beside = settled(target.chat(chat('general kenobi'), { maxTokens: MAX }));
    // Into the batch's generation: the batch starts after its 20 ms window.
    await new Promise((r) => setTimeout(r, 80));
    const abortedAt = performance.now();
    stop.abort();
    const [a, b] = await Promise.all([cut, beside]);
    expect(a.value, 'a cut reply must not be answered').toBeUndefined();
    expect(a.error).toBeInstanceOf(TargetError);
    expect(a.error).toMatchObject({ kind: 'aborted' });
    expect(b.error).toBeUndefined();
    expect((b.value as { text: string }).text).toBe(alone.text);
    // It stopped at its next step, well before the batch's other reply was done.
    expect(b.at - abortedAt, 'the batch must still have had work to do').toBeGreaterThan(100);
    expect(a.at - abortedAt).toBeLessThan((b.at - abortedAt) / 2);
    await target.close?.();
  });

  it('a call waiting for its batch fails as aborted when its signal aborts, and one already aborted is not queued', async () => {
    const target = createEmbeddedTarget(spec, { batchWindowMs: 200 });
    const stop = new AbortController();
    const waiting = settled(target.chat(chat('hello'), { maxTokens: 4, signal: stop.signal }));
    stop.abort();
    const w = await waiting;
    expect(w.error).toMatchObject({ kind: 'aborted' });
    await expect(target.chat(chat('hello'), { signal: stop.signal })).rejects.toMatchObject({
      kind: 'aborted',
    });
    await target.close?.();
  });

  it("the run's halt (createTarget's halt) stops the calls generating and waiting, each failing as aborted", async () => {
    const halt = new RunHalt();
    const target = createTarget(spec, { halt });
    const calls = [
      settled(target.chat(chat('hello'), { maxTokens: MAX })),
      settled(target.chat(chat('there'), { maxTokens: MAX })),
    ];
    await new Promise((r) => setTimeout(r, 150));
    halt.stop(new TargetError('a remote judge: HTTP 401', 'auth', 401));
    const ends = await Promise.all(calls);
    for (const e of ends) {
      expect(e.value).toBeUndefined();
      expect(e.error).toMatchObject({ kind: 'aborted' });
    }
    // (a later call fails at once too, sent to no batch)
    await expect(target.chat(chat('hello'))).rejects.toMatchObject({ kind: 'aborted' });
    await target.close?.();
  });

  it('many calls at once under a halt add one listener to its signal, not one each (no MaxListeners warning on stderr)', async () => {
    const halt = new RunHalt();
    const target = createTarget(spec, { halt });
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      await Promise.all(
        Array.from({ length: 24 }, (_, i) => target.chat(chat(`hello ${i}`), { maxTokens: 2 })),
      );
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.message)).toEqual([]);
    await target.close?.();
  });
});
