// Generation keeps the keys and values of the rows it ran (prompt and reply) and restores them for a
// later prompt that starts with the same tokens (a conversation's next turn, prompts built on one
// template), running only the rows after them. The restored rows must be bitwise the rows the
// prompt's own prefill computes, or a reply would change with what was asked before it.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { promptRoom } from '../../src/lm/generate.js';
import {
  createLM,
  type GenerateRequest,
  type GenerateResult,
  generateBatch,
  loadLM,
} from '../../src/lm/index.js';
import type { LM } from '../../src/lm/model.js';
import { PrefixCache } from '../../src/lm/prefix-cache.js';
import type { ChatMessage } from '../../src/lm/tokenizer.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

const TEMPLATE =
  'You are a careful assistant. Answer briefly and plainly, and say so when you do not know. The question: ';

/** Batches of requests, each batch built from the replies of the batches before it. */
type Script = ((earlier: GenerateResult[][]) => GenerateRequest[])[];

const user = (content: string): ChatMessage => ({ role: 'user', content });

function script(): Script {
  const sampled = (
    messages: ChatMessage[],
    seed: number,
    extra: Partial<GenerateRequest> = {},
  ): GenerateRequest => ({
    messages,
    temperature: 1,
    topP: 0.9,
    maxTokens: 48,
    seed,
    ...extra,
  });
  const asks = ['How do I bake bread?', 'Tell me about chess.', 'What is the capital of France?'];
  return [
    // One prompt alone, then a batch sharing a template with it and with each other.
    () => [sampled([user(TEMPLATE + asks[0])], 1)],
    () => [
      ...asks.map((a, i) => sampled([user(TEMPLATE + a)], 10 + i)),
      { messages: [user(`${TEMPLATE}Write a poem about rain.`)], maxTokens: 30 }, // greedy
      sampled([user(`${TEMPLATE}Explain photosynthesis.`)], 14, { stop: ['e', '.'] }),
      sampled([user(TEMPLATE + asks[1])], 15, { maxTokens: 3 }),
    ],
    // Second turns: the first turn's prompt and reply, then a new question.
    (earlier) =>
      earlier[1]
        .slice(0, 3)
        .map((r, i) =>
          sampled(
            [user(TEMPLATE + asks[i]), { role: 'assistant', content: r.text }, user('Say more, please.')],
            20 + i,
          ),
        ),
    // A third turn alone (batch of 1), and the same prompt again (every row but the last stored).
    (earlier) => [
      sampled(
        [
          user(TEMPLATE + asks[0]),
          { role: 'assistant', content: earlier[1][0].text },
          user('Say more, please.'),
          { role: 'assistant', content: earlier[2][0].text },
          user('And then?'),
        ],
        30,
      ),
    ],
    () => [sampled([user(TEMPLATE + asks[0])], 1), sampled([user(TEMPLATE + asks[0])], 2, { maxTokens: 1 })],
    // Longer than the context: its latest tokens are kept, so its start is not any stored prefix.
    () => [sampled([user(`${TEMPLATE}${'please '.repeat(200)}`)], 40)],
  ];
}

async function run(lm: LM, cache: PrefixCache | null): Promise<GenerateResult[][]> {
  const out: GenerateResult[][] = [];
  for (const batch of script()) out.push(await generateBatch(lm, batch(out), { prefixCache: cache }));
  return out;
}

/** Every request of the script, as it was made given the replies `done`. */
function requestsOf(done: GenerateResult[][]): GenerateRequest[] {
  const reqs: GenerateRequest[] = [];
  for (const [b, batch] of script().entries()) reqs.push(...batch(done.slice(0, b)));
  return reqs;
}

describe('generation: prefix cache', () => {
  for (const [name, make] of [
    ['shipped base model', async () => loadLM(join(root, 'models/breakfix-tiny-base'))],
    // Freshly initialised: nearly flat next-token distributions, so a last-bit change in a logit
    // often changes a sampled token.
    ['untrained model', async () => createLM((await base()).config, (await base()).tokenizer, 7)],
  ] as const) {
    it(`replies with a cache are bit for bit those without one (${name})`, async () => {
      const lm = await make();
      const without = await run(lm, null);
      const cache = new PrefixCache();
      const withCache = await run(lm, cache);
      expect(withCache).toEqual(without);
      // Not vacuous: the cache was used, for much of the prompt tokens.
      const prompts = withCache.flat().reduce((n, r) => n + r.promptTokens, 0);
      expect(cache.reused).toBeGreaterThan(prompts / 3);
      expect(withCache[2].every((r) => r.completionTokens > 0)).toBe(true);
      expect(withCache[5][0].truncatedTokens).toBeGreaterThan(0);
      // A cache of a few prompts' rows: newer rows overwrite older ones in its pool.
      const small = new PrefixCache(600_000);
      expect(await run(lm, small)).toEqual(without);
      expect(small.reused).toBeGreaterThan(0);
      expect(small.size).toBeLessThan(cache.size);
    });
  }

  it('restored keys and values are bitwise those a prompt computes alone, for every layer and row', async () => {
    const lm = createLM((await base()).config, (await base()).tokenizer, 7);
    const cache = new PrefixCache();
    const done = await run(lm, cache);
    const { dModel: D, nLayers: L, contextLength } = lm.config;
    const fresh = () => Array.from({ length: L }, () => new Float32Array(contextLength * D));
    const bytes = (a: Float32Array, n: number) => Buffer.from(a.buffer, a.byteOffset, n * D * 4);
    let compared = 0;
    for (const req of requestsOf(done)) {
      const ids = lm.tokenizer.encodeChat(req.messages, true).ids;
      if (ids.length > promptRoom(contextLength, req.maxTokens ?? 128)) continue; // truncated
      // The request alone, into an empty cache: its rows computed from nothing.
      const own = new PrefixCache();
      await generateBatch(lm, [req], { prefixCache: own });
      const [k1, v1, k2, v2] = [fresh(), fresh(), fresh(), fresh()];
      expect(own.restore(ids, ids.length, k1, v1, D)).toBe(ids.length);
      expect(own.reused).toBe(ids.length); // (this restore only: nothing was reused generating)
      expect(cache.restore(ids, ids.length, k2, v2, D)).toBe(ids.length);
      for (let l = 0; l < L; l++) {
        expect(bytes(k2[l], ids.length).equals(bytes(k1[l], ids.length)), `layer ${l} keys`).toBe(true);
        expect(bytes(v2[l], ids.length).equals(bytes(v1[l], ids.length)), `layer ${l} values`).toBe(true);
      }
      compared += ids.length;
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('a model whose weights changed in place (training) does not reuse rows computed before', async () => {
    const lm = createLM((await base()).config, (await base()).tokenizer, 7);
    const ask: GenerateRequest = {
      messages: [user(`${TEMPLATE}Tell me about chess.`)],
      temperature: 1,
      seed: 5,
    };
    await generateBatch(lm, [ask]); // the model's own cache now holds this prompt's rows
    for (const a of [lm.params.layers[0].wqkv.data, lm.params.wpe.data])
      for (let i = 0; i < a.length; i += 7) a[i] *= 0.5;
    const after = await generateBatch(lm, [ask]);
    expect(after).toEqual(await generateBatch(lm, [ask], { prefixCache: null }));
  });
});

let shipped: LM | undefined;
async function base(): Promise<LM> {
  shipped ??= await loadLM(join(root, 'models/breakfix-tiny-base'));
  return shipped;
}
