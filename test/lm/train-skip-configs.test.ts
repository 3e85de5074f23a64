// skipRedundant (frozen-prefix.ts, pickRows) must train bitwise the same weights and logs as
// recomputing everything, in every training configuration the embedded trainer and the library
// allow, not only the default cycle's (block expansion, anchor on): a full fine-tune, other freezing
// choices, several added blocks, a model expanded before (train.start: previous), truncation, a
// record longer than the context, padding, accumulation, validation, DPO alone and after SFT, and a
// training stopped and resumed from its checkpoint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { makeBatch } from '../../src/lm/batch.js';
import { FrozenPrefix, FrozenScores } from '../../src/lm/frozen-prefix.js';
import {
  type ChatMessage,
  createLM,
  expandBlocks,
  type LM,
  loadWasmKernels,
  type ModelConfig,
  namedParams,
  type PreferencePair,
  type SFTExample,
  Tokenizer,
  type TrainParams,
  trainDPO,
  trainSFT,
} from '../../src/lm/index.js';
import { blocks, embed } from '../../src/lm/model.js';

const pairs: [string, string][] = [
  ['capital of france?', 'paris is the capital.'],
  ['two plus two?', 'four, of course, and that is all there is to it.'],
  ['colour of the sky?', 'the sky is blue.'],
  ['name a fruit that is yellow and long', 'a banana.'],
  ['what do bees make?', 'bees make honey, and wax for the comb they keep it in.'],
  ['is ice cold?', 'yes.'],
  ['count to five', 'one, two, three, four, five.'],
];
const tok = Tokenizer.train(pairs.flat(), 300);
const msgs = (q: string, a: string): ChatMessage[] => [
  { role: 'user', content: q },
  { role: 'assistant', content: a },
];
/** Plain, anchored, last-only (with a faux earlier turn) and one example listed twice. */
function sftData(): SFTExample[] {
  const ex: SFTExample[] = pairs.map(([q, a], i) => ({ messages: msgs(q, a), anchor: i % 3 === 0 }));
  ex.push({ messages: [...msgs(...pairs[5]), ...msgs(...pairs[6])], lastOnly: true, anchor: true });
  ex.push(ex[1]);
  return ex;
}
/** Answers of one or two tokens: a batch's scored rows can be fewer than 4. */
const shortData = (): SFTExample[] =>
  [
    ['is ice cold?', 'yes.'],
    ['is fire cold?', 'no.'],
    ['say ok', 'ok'],
    ['capital of france?', 'paris.'],
  ].map(([q, a], i) => ({ messages: msgs(q, a), anchor: i % 2 === 0 }));
/** A conversation longer than a 48-token context: truncated to it. */
const long: SFTExample = {
  messages: msgs(pairs.map((p) => p[0]).join(' '), pairs.map((p) => p[1]).join(' ')),
};
const prefs: PreferencePair[] = pairs.map(([q, a], i) => ({
  prompt: [{ role: 'user', content: q }],
  chosen: a,
  rejected: pairs[(i + 3) % pairs.length][1],
}));

const BASE: ModelConfig = { vocabSize: 1100, dModel: 32, nLayers: 2, nHeads: 2, contextLength: 48 };

/** A model and the freeze list the embedded trainer would pass for `expand` added blocks. */
function model(expand: number, config: Partial<ModelConfig> = {}): { lm: LM; onlyAdded: string[] } {
  const lm = createLM({ ...BASE, ...config }, tok, 11);
  const added = expand > 0 ? expandBlocks(lm, expand) : [];
  const onlyAdded = namedParams(lm.params)
    .map(([name]) => name)
    .filter((name) => !added.some((a) => name.startsWith(a)));
  return { lm, onlyAdded };
}

const bits = (lm: LM) =>
  namedParams(lm.params).map(([name, t]) => [
    name,
    Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('hex'),
  ]);

type Phase =
  | { kind: 'sft'; data: SFTExample[]; params: Partial<TrainParams> }
  | {
      kind: 'dpo';
      data: PreferencePair[];
      params: Partial<TrainParams>;
    };

interface Case {
  name: string;
  expand?: number;
  config?: Partial<ModelConfig>;
  /** Freeze list; 'added' = everything but the added blocks (block expansion). */
  freeze?: string[] | 'added';
  /** Before training: the added block trained already (a model expanded by an earlier fine-tune). */
  pretrained?: boolean;
  phases: Phase[];
}

const sft = (params: Partial<TrainParams> = {}, data = sftData()): Phase => ({ kind: 'sft', data, params });
const dpo = (params: Partial<TrainParams> = {}): Phase => ({ kind: 'dpo', data: prefs, params });

const cases: Case[] = [
  { name: 'full fine-tune (expandBlocks 0, nothing frozen), anchor on', phases: [sft({ anchor: 2 })] },
  {
    name: 'expandBlocks 0 with the schema default freeze (wte, wpe), anchor on',
    freeze: ['wte', 'wpe'],
    phases: [sft({ anchor: 2 })],
  },
  {
    name: 'embeddings and block 0 frozen (one frozen block)',
    freeze: ['wte', 'wpe', 'h.0.'],
    phases: [sft({ anchor: 2 })],
  },
  {
    name: 'a middle block frozen, not the first',
    freeze: ['wte', 'wpe', 'h.1.'],
    phases: [sft({ anchor: 2 })],
  },
  {
    name: 'every block frozen, only the final norm trains',
    freeze: ['wte', 'wpe', 'h.'],
    phases: [sft({ anchor: 2 })],
  },
  {
    name: 'part of block 0 frozen (its attention only)',
    freeze: ['wte', 'wpe', 'h.0.wqkv', 'h.0.wo'],
    phases: [sft()],
  },
  { name: 'the output embedding frozen, positions trained', freeze: ['wte'], phases: [sft({ anchor: 2 })] },
  { name: 'expandBlocks 1, anchor off', expand: 1, freeze: 'added', phases: [sft({ anchor: 0 })] },
  { name: 'expandBlocks 2, anchor on', expand: 2, freeze: 'added', phases: [sft({ anchor: 2 })] },
  {
    name: 'train.start previous (an expanded model whose added block trained before)',
    expand: 1,
    freeze: 'added',
    pretrained: true,
    phases: [sft({ anchor: 2 }), dpo()],
  },
  {
    name: 'maxLength truncation (SFT cuts the end, last-only and DPO cut the oldest prompt tokens)',
    expand: 1,
    freeze: 'added',
    phases: [sft({ anchor: 2, maxLength: 22 }), dpo({ maxLength: 12 })],
  },
  {
    name: 'a record longer than the context',
    expand: 1,
    freeze: 'added',
    phases: [sft({ anchor: 2 }, [...sftData(), long, { ...long, anchor: true }])],
  },
  {
    name: 'batches that leave padding, accumulation, validation every step',
    expand: 1,
    freeze: 'added',
    phases: [
      sft({
        anchor: 2,
        batchSize: 4,
        accumSteps: 2,
        validation: [{ messages: msgs(...pairs[3]) }, long, { messages: msgs('q', 'a') }],
        evalEvery: 1,
      }),
    ],
  },
  {
    name: 'batches of one sequence, short answers (the output layer over fewer than 4 scored rows)',
    expand: 1,
    freeze: 'added',
    phases: [sft({ anchor: 2, batchSize: 1, steps: 8 }, shortData()), dpo({ batchSize: 1, steps: 8 })],
  },
  {
    name: 'an anchor with fewer than 4 scored rows beside plain records (the distillation targets)',
    freeze: ['wte', 'wpe', 'h.0.'],
    phases: [sft({ anchor: 2, batchSize: 2, steps: 8 }, shortData())],
  },
  { name: 'DPO only, block expansion', expand: 1, freeze: 'added', phases: [dpo({ accumSteps: 2 })] },
  { name: 'DPO only, the schema default freeze', freeze: ['wte', 'wpe'], phases: [dpo()] },
  { name: 'DPO only, full fine-tune', phases: [dpo({ weightDecay: 0.1 })] },
  {
    name: 'SFT then DPO on the same model, block expansion',
    expand: 1,
    freeze: 'added',
    phases: [sft({ anchor: 2 }), dpo()],
  },
  {
    name: 'SFT training block 0, then DPO with block 0 frozen (the prefix of weights SFT changed)',
    phases: [sft({ freeze: ['wte', 'wpe'] }), dpo({ freeze: ['wte', 'wpe', 'h.0.'] })],
  },
  {
    name: 'a feed-forward width that is no multiple of 4 (the kernels scalar tails)',
    expand: 1,
    freeze: 'added',
    config: { dFF: 66 },
    phases: [sft({ anchor: 2 }), dpo()],
  },
];

async function train(c: Case, skipRedundant: boolean, extra: Partial<TrainParams> = {}, lm?: LM) {
  const m = lm ? { lm, onlyAdded: [] as string[] } : model(c.expand ?? 0, c.config);
  const freeze = c.freeze === 'added' ? model(c.expand ?? 0, c.config).onlyAdded : c.freeze;
  if (c.pretrained && !lm) {
    // (the earlier fine-tune: the added block moved from its zero-output start)
    await trainSFT(m.lm, sftData(), {
      steps: 3,
      batchSize: 3,
      lr: 5e-3,
      seed: 2,
      freeze,
      skipRedundant: false,
    });
  }
  const logs: unknown[] = [];
  for (const [i, ph] of c.phases.entries()) {
    const params: TrainParams = {
      steps: 5,
      batchSize: 3,
      lr: 5e-3,
      warmupSteps: 1,
      seed: 3 + i,
      freeze,
      ...ph.params,
      ...extra,
      skipRedundant,
    };
    const out =
      ph.kind === 'sft' ? await trainSFT(m.lm, ph.data, params) : await trainDPO(m.lm, ph.data, params);
    logs.push(out.map(({ tokensPerSec: _, ...l }) => l));
  }
  return { lm: m.lm, weights: bits(m.lm), logs };
}

describe('skipRedundant trains bitwise the same weights in every configuration', () => {
  for (const c of cases)
    it(c.name, async () => {
      const recomputed = await train(c, false);
      const reused = await train(c, true);
      // (the training moved the weights and logged steps: the comparison is of trained weights)
      expect(reused.weights).not.toEqual(bits(model(c.expand ?? 0, c.config).lm));
      expect((reused.logs as unknown[][]).every((l) => l.length > 0)).toBe(true);
      expect(reused.logs).toEqual(recomputed.logs);
      expect(reused.weights).toEqual(recomputed.weights);
    });

  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  for (const kind of ['sft', 'dpo'] as const)
    it(`${kind}: a training stopped half-way and resumed from its checkpoint`, async () => {
      const c: Case = {
        name: kind,
        expand: 1,
        freeze: 'added',
        phases: [kind === 'sft' ? sft({ anchor: 2, steps: 6 }) : dpo({ steps: 6 })],
      };
      const resumed = async (skipRedundant: boolean) => {
        const dir = mkdtempSync(join(tmpdir(), 'bf-skip-resume-'));
        dirs.push(dir);
        await train(c, skipRedundant, { checkpointDir: dir, checkpointEvery: 1, stopAfter: 3 });
        // A fresh process: the start model again, its state loaded from the checkpoint.
        return train(c, skipRedundant, { checkpointDir: dir, resume: true });
      };
      const whole = await train(c, false);
      const off = await resumed(false);
      const on = await resumed(true);
      expect(on.logs).toEqual(off.logs);
      expect(on.weights).toEqual(off.weights);
      expect(on.weights).toEqual(whole.weights);
    });
});

// A row computed in one batch is reused in another: every op must give an element the same value
// wherever it sits. The GELU kernels' scalar tails (the last n mod 4 elements) rounded differently
// from their 4-lane body, so with a feed-forward width that is no multiple of 4 (a checkpoint's
// intermediate_size) a row's activations depended on the size of the batch it was computed in.
describe("a row's value does not depend on the batch that computed it", () => {
  it('GELU forward and backward: the same element gives the same bits in the 4-lane body and in the tail', () => {
    const k = loadWasmKernels(0)!;
    const rng = createRng(9);
    // (values of a trained model's pre-activations: the two roundings part above |x| ≈ 0.3)
    const xs = Array.from({ length: 4000 }, () => (rng.next() - 0.5) * 8);
    const lanes = (v: number, g: number) => {
      // v in lanes 0..3 (the body) and at 4 (the tail of a 5-element array)
      const x = new Float32Array(5).fill(v);
      const [o, t, gx] = [new Float32Array(5), new Float32Array(5), new Float32Array(5)];
      k.geluRows(x, o, t, 5);
      k.geluBackward(x, t, new Float32Array(5).fill(g), gx, 5, false);
      return [o[0] === o[4], t[0] === t[4], gx[0] === gx[4]];
    };
    const differing = xs.filter((v) => lanes(v, 0.7 - v / 9).some((same) => !same));
    expect(differing).toEqual([]);
  });

  it('FrozenPrefix: rows computed one sequence at a time equal those computed in a batch (feed-forward width 66)', () => {
    const lm = createLM({ ...BASE, vocabSize: 300, dFF: 66 }, tok, 3);
    // (pre-activations the size a trained model's are)
    for (const l of lm.params.layers) for (let i = 0; i < l.w1.size; i++) l.w1.data[i] *= 40;
    const rng = createRng(5);
    const items = Array.from({ length: 300 }, () => {
      const n = 3 + Math.floor(rng.next() * 40);
      return { ids: Array.from({ length: n }, () => Math.floor(rng.next() * 300)), mask: Array(n).fill(1) };
    });
    const prefix = new FrozenPrefix(lm, 2);
    // Each sequence alone first (as a step whose batch holds one new sequence does): its last row's
    // last elements are then the GELU kernel's tail.
    for (const e of items) prefix.stream([e], e.ids.length - 1);
    const D = BASE.dModel;
    const differing: number[] = [];
    for (let i = 0; i < items.length; i += 4) {
      const chunk = items.slice(i, i + 4);
      const b = makeBatch(chunk);
      const want = blocks(lm, embed(lm, b.inputs, b.B, b.T), b.B, b.T, 0, 2).data;
      const got = prefix.stream(chunk, b.T).data;
      chunk.forEach((e, j) => {
        const rows = [j * b.T * D, (j * b.T + e.ids.length - 1) * D];
        if (!got.subarray(...rows).every((v, r) => Object.is(v, want[rows[0] + r]))) differing.push(i + j);
      });
    }
    expect(differing).toEqual([]);
  });
});

// The caches grow with the data set (a row of 128 floats per token: about 63 MB of prefix rows on the
// default cycle's round-0 data, ten times that on ten times the data); past a bound they keep no more
// and compute the rest for each batch, with the same bits.
describe('the caches of skipRedundant keep at most their bound', () => {
  const lm = createLM({ ...BASE, vocabSize: 300 }, tok, 4);
  const rng = createRng(8);
  const items = Array.from({ length: 40 }, () => {
    const n = 3 + Math.floor(rng.next() * 30);
    return {
      ids: Array.from({ length: n }, () => Math.floor(rng.next() * 300)),
      mask: Array.from({ length: n }, (_, i) => (i > n / 2 ? 1 : 0)),
    };
  });
  const batches = Array.from({ length: 30 }, () =>
    Array.from({ length: 4 }, () => items[Math.floor(rng.next() * 40)]),
  );
  const bound = 20_000;
  const hex = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

  it('FrozenPrefix: the same stream as with room for every sequence, and no more than its bound kept', () => {
    const [all, bounded] = [new FrozenPrefix(lm, 2), new FrozenPrefix(lm, 2, bound)];
    for (const b of batches) {
      const T = Math.max(...b.map((e) => e.ids.length - 1));
      expect(hex(bounded.stream(b, T).data)).toBe(hex(all.stream(b, T).data));
    }
    expect(all.cache.bytes).toBeGreaterThan(bound);
    expect(bounded.cache.bytes).toBeGreaterThan(0);
    expect(bounded.cache.bytes).toBeLessThanOrEqual(bound);
  });

  it('FrozenScores: the same logits as with room for every sequence, and no more than its bound kept', () => {
    const [all, bounded] = [new FrozenScores(lm), new FrozenScores(lm, bound / 4)];
    for (const b of batches) expect(hex(bounded.logits(b).data)).toBe(hex(all.logits(b).data));
    expect(all.cache.bytes).toBeGreaterThan(bound / 4);
    expect(bounded.cache.bytes).toBeGreaterThan(0);
    expect(bounded.cache.bytes).toBeLessThanOrEqual(bound / 4);
  });
});
