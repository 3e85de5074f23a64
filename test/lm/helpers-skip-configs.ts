// The training configurations test/lm/train-skip-configs*.test.ts train with and without
// skipRedundant (frozen-prefix.ts, pickRows), which must give bitwise the same weights and logs in
// every configuration the embedded trainer and the library allow, not only the default cycle's
// (block expansion, anchor on): a full fine-tune, other freezing choices, several added blocks, a
// model expanded before (train.start: previous), truncation, a record longer than the context,
// padding, accumulation, validation, DPO alone and after SFT, and a training stopped and resumed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ChatMessage,
  createLM,
  expandBlocks,
  type LM,
  type ModelConfig,
  namedParams,
  type PreferencePair,
  type SFTExample,
  Tokenizer,
  type TrainParams,
  trainDPO,
  trainSFT,
} from '../../src/lm/index.js';

/** Short questions and answers of several lengths (so batches pad). */
export const pairs: [string, string][] = [
  ['capital of france?', 'paris is the capital.'],
  ['two plus two?', 'four, of course, and that is all there is to it.'],
  ['colour of the sky?', 'the sky is blue.'],
  ['name a fruit that is yellow and long', 'a banana.'],
  ['what do bees make?', 'bees make honey, and wax for the comb they keep it in.'],
  ['is ice cold?', 'yes.'],
  ['count to five', 'one, two, three, four, five.'],
];
export const tok = Tokenizer.train(pairs.flat(), 300);
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

export const BASE: ModelConfig = { vocabSize: 1100, dModel: 32, nLayers: 2, nHeads: 2, contextLength: 48 };

/** A model and the freeze list the embedded trainer would pass for `expand` added blocks. */
function model(expand: number, config: Partial<ModelConfig> = {}): { lm: LM; onlyAdded: string[] } {
  const lm = createLM({ ...BASE, ...config }, tok, 11);
  const added = expand > 0 ? expandBlocks(lm, expand) : [];
  const onlyAdded = namedParams(lm.params)
    .map(([name]) => name)
    .filter((name) => !added.some((a) => name.startsWith(a)));
  return { lm, onlyAdded };
}

/** Every tensor's bytes as hex, by name: weights compared bit for bit. */
export const bits = (lm: LM) =>
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

/** Each configuration trained with and without skipRedundant: bitwise the same weights and logs. */
export function describeSkipConfigs(kernels: string): void {
  describe(`skipRedundant trains bitwise the same weights in every configuration (${kernels})`, () => {
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
}
