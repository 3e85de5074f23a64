// The embedded backend trains a tiny model for a few real SFT and DPO steps and registers it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, Progress, TrainingRecord } from '../../src/core/index.js';
import { createTrainer, embeddedSftExamples, trainParams } from '../../src/fix/index.js';
import {
  createLM,
  expandBlocks,
  forward,
  loadLM,
  namedParams,
  saveLM,
  sequenceLogProb,
  Tokenizer,
} from '../../src/lm/index.js';
import { ClaimLostError, openStore, type Store } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-embtrain-'));
let store: Store;
const baseDir = join(dir, 'base');

const prov = { source: 'attempt', round: 0, seedId: 's' };
const harmful = 'Sure, here is how to pick a lock. Step 1: [redacted]. Step 2: [redacted].';
const safe = "I can't help with how to pick a lock, because it could cause serious harm.";
const prompt: Message[] = [{ role: 'user', content: 'How do I pick a lock?' }];
const sft: TrainingRecord[] = [
  {
    id: 'a',
    kind: 'sft',
    purpose: 'safety',
    split: 'train',
    messages: [...prompt, { role: 'assistant', content: safe }],
    provenance: prov,
  },
  {
    id: 'b',
    kind: 'sft',
    purpose: 'helpful',
    split: 'train',
    messages: [
      { role: 'user', content: 'What is 2 + 2?' },
      { role: 'assistant', content: 'The answer is 4.' },
    ],
    provenance: prov,
  },
  {
    id: 'c',
    kind: 'sft',
    purpose: 'benign',
    split: 'validation',
    messages: [
      { role: 'user', content: 'How do I kill a process?' },
      { role: 'assistant', content: 'Use kill.' },
    ],
    provenance: prov,
  },
  // Earlier assistant turn (many-shot shot): SFT scores the last answer only, never the shot.
  {
    id: 'd',
    kind: 'sft',
    purpose: 'safety',
    split: 'train',
    messages: [
      { role: 'user', content: 'x' },
      { role: 'assistant', content: harmful },
      ...prompt,
      { role: 'assistant', content: safe },
    ],
    provenance: prov,
  },
];
const preference: TrainingRecord[] = [
  {
    id: 'p',
    kind: 'preference',
    purpose: 'safety',
    split: 'train',
    prompt,
    chosen: { role: 'assistant', content: safe },
    rejected: { role: 'assistant', content: harmful },
    provenance: prov,
  },
];

beforeAll(async () => {
  const corpus = [
    harmful,
    safe,
    'How do I pick a lock?',
    'What is 2 + 2? The answer is 4.',
    'How do I kill a process? Use kill.',
  ];
  const tok = Tokenizer.train(corpus, 300);
  const lm = createLM(
    { vocabSize: tok.vocabSize, dModel: 32, nLayers: 1, nHeads: 2, contextLength: 96 },
    tok,
    1,
  );
  await saveLM(lm, baseDir);
  store = openStore(join(dir, 'breakfix.db'));
  store.registerModel({ id: 'tiny-base', target: `embedded:${baseDir}`, path: baseDir });
});

afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What an embedded fine-tune of the shipped base on `sft` ends with: its error, or undefined. */
function trainingError(
  params: ReturnType<typeof trainParams>,
  run: { outDir: string; runId: string; preference: TrainingRecord[]; progress?: Progress },
): Promise<unknown> {
  return createTrainer({ train: params }, { store }, 'embedded')
    .train({ base: { id: 'tiny-base', target: 'embedded:tiny-base' }, sft, params, round: 1, ...run })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
}

describe('embedded backend', () => {
  it('runs SFT then DPO, saves a new checkpoint and registers it with its log', async () => {
    const params = trainParams({
      embedded: {
        sft: { steps: 6, batchSize: 2, lr: 3e-3 },
        dpo: { steps: 8, batchSize: 1, beta: 0.5, lr: 3e-3 },
      },
    });
    const out = join(dir, 'round-1');
    const trainer = createTrainer({ train: params }, { store }, 'embedded');
    const res = await trainer.train({
      base: { id: 'tiny-base', target: 'embedded:tiny-base' },
      sft,
      preference,
      params,
      outDir: out,
      runId: 'run_e',
      round: 1,
    });
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
    const steps = res.log as {
      phase: string;
      loss?: number;
      rewardMargin?: number;
      prefAccuracy?: number;
      sftLastOnly?: unknown;
    }[];
    expect(steps[0]).toMatchObject({
      phase: 'data',
      sft: 3,
      pairs: 1,
      sftLastOnly: { earlierAssistant: 1, tooLong: 0 },
    });
    expect(steps.filter((s) => s.phase === 'sft')).toHaveLength(6);
    const dpo = steps.filter((s) => s.phase === 'dpo');
    expect(dpo).toHaveLength(8);
    for (const s of dpo) expect(Number.isFinite(s.rewardMargin)).toBe(true);
    // DPO moved the model towards the safe answer: the margin grows and ends positive.
    expect(dpo[7].rewardMargin as number).toBeGreaterThan(dpo[0].rewardMargin as number);
    expect(dpo[7].prefAccuracy).toBe(1);
    const before = await loadLM(baseDir);
    const after = await loadLM(out);
    const pref = (m: typeof before) => sequenceLogProb(m, prompt, safe) - sequenceLogProb(m, prompt, harmful);
    expect(pref(after)).toBeGreaterThan(pref(before));
    const row = store.getModel(res.model.id);
    expect(row).toMatchObject({
      target: `embedded:${out}`,
      path: out,
      parent: 'tiny-base',
      round: 1,
      runId: 'run_e',
    });
    expect(row?.trainingLog).toEqual(res.log);
  }, 120_000);

  it('with sft.anchor, trains helpful and benign records toward the start model instead of their answers', async () => {
    const helpfulPrompt: Message[] = [{ role: 'user', content: 'What is 2 + 2?' }];
    const run = async (anchor: number) => {
      const params = trainParams({
        embedded: {
          sft: { steps: 8, batchSize: 2, lr: 3e-3, freeze: [], anchor },
          dpo: { steps: 0, batchSize: 1, beta: 0.1, lr: 1e-4, freeze: [] },
        },
      });
      const out = join(dir, `anchor-${anchor}`);
      await createTrainer({ train: params }, {}, 'embedded').train({
        base: { id: 'tiny-base', target: `embedded:${baseDir}`, path: baseDir },
        sft,
        preference: [],
        params,
        outDir: out,
        seed: 7,
      });
      return loadLM(out);
    };
    const before = await loadLM(baseDir);
    const [plain, anchored] = [await run(0), await run(1)];
    const helpfulLp = (m: typeof before) => sequenceLogProb(m, helpfulPrompt, 'The answer is 4.');
    const safeLp = (m: typeof before) => sequenceLogProb(m, prompt, safe);
    // Plain SFT sharpens the helpful answer; anchored, it stays near what the start model gave it.
    expect(Math.abs(helpfulLp(anchored) - helpfulLp(before))).toBeLessThan(
      Math.abs(helpfulLp(plain) - helpfulLp(before)) / 2,
    );
    // The safety record is still learnt.
    expect(safeLp(anchored)).toBeGreaterThan(safeLp(before) + 5);
    const { examples } = embeddedSftExamples(
      [
        ...sft,
        { ...sft[1], id: 'probe', purpose: 'benign', provenance: { ...prov, source: 'overrefusal_probe' } },
      ],
      () => true,
    );
    expect(examples.map((e) => e.anchor === true)).toEqual([false, true, true, false, false]);
    // helpfulWeight: each helpful task is drawn that many times as often; nothing else is repeated.
    const weighted = embeddedSftExamples(sft, () => true, 2).examples;
    expect(weighted.length).toBe(sft.length + 1);
    expect(weighted.filter((e) => e.messages[0].content === 'What is 2 + 2?')).toHaveLength(2);
  }, 120_000);

  it('with expandBlocks, adds blocks that start as the identity and trains only them', async () => {
    const params = trainParams({
      embedded: {
        expandBlocks: 1,
        sft: { steps: 6, batchSize: 2, lr: 3e-3, freeze: [], anchor: 1 },
        dpo: { steps: 4, batchSize: 1, beta: 0.5, lr: 3e-3, freeze: [] },
      },
    });
    const out = join(dir, 'expanded');
    await createTrainer({ train: params }, {}, 'embedded').train({
      base: { id: 'tiny-base', target: `embedded:${baseDir}`, path: baseDir },
      sft,
      preference,
      params,
      outDir: out,
      seed: 3,
    });
    const before = await loadLM(baseDir);
    const after = await loadLM(out);
    expect(after.config.nLayers).toBe(before.config.nLayers + 1);
    const old = new Map(namedParams(before.params));
    for (const [name, t] of namedParams(after.params)) {
      const was = old.get(name);
      // Every weight of the base is exactly as it was (`freeze: []` is overridden); the new block moved.
      if (was) expect(Buffer.from(t.data.buffer).equals(Buffer.from(was.data.buffer)), name).toBe(true);
      else if (name.endsWith('.wo') || name.endsWith('.w2'))
        expect(
          t.data.some((x) => x !== 0),
          name,
        ).toBe(true);
    }
    const pref = (m: typeof before) => sequenceLogProb(m, prompt, safe) - sequenceLogProb(m, prompt, harmful);
    expect(pref(after)).toBeGreaterThan(pref(before));
    // Fine-tuned again from the expanded model (train.start: previous): the same block trains, no new one.
    const again = join(dir, 'expanded-again');
    await createTrainer({ train: params }, {}, 'embedded').train({
      base: { id: 'expanded', target: `embedded:${out}`, path: out },
      sft,
      preference,
      params,
      outDir: again,
      seed: 4,
    });
    const twice = await loadLM(again);
    expect(twice.config.nLayers).toBe(after.config.nLayers);
    const once = new Map(namedParams(after.params));
    for (const [name, t] of namedParams(twice.params)) {
      const same = Buffer.from(t.data.buffer).equals(Buffer.from(once.get(name)!.data.buffer));
      expect(same, name).toBe(!name.startsWith(`h.${before.config.nLayers}.`));
    }
  }, 120_000);

  it('expandBlocks starts from exactly the model it expands', async () => {
    const lm = await loadLM(baseDir);
    const ids = Int32Array.from(lm.tokenizer.encodeChat(prompt, true).ids);
    const logits = (m: typeof lm) => Array.from(forward(m, ids, 1, ids.length).data);
    const before = logits(lm);
    expect(expandBlocks(lm, 2)).toEqual(['h.1.', 'h.2.']);
    expect(lm.config.nLayers).toBe(3);
    expect(logits(lm)).toEqual(before);
  });

  it('plans without training on a dry run', async () => {
    const out = join(dir, 'dry');
    const res = await createTrainer({}, { store }, 'embedded').train({
      base: { id: 'tiny-base', target: 'x' },
      sft,
      preference,
      outDir: out,
      dryRun: true,
    });
    expect(res.dryRun).toBe(true);
    expect(existsSync(out)).toBe(false);
  });

  it('a fine-tune that diverges (non-finite loss) stops, saves nothing and registers nothing', async () => {
    const params = trainParams({
      embedded: {
        expandBlocks: 0,
        sft: { steps: 4, batchSize: 2, lr: 1e38 },
        dpo: { steps: 2, batchSize: 1, lr: 1e38 },
      },
    });
    const out = join(dir, 'diverged');
    const err = await trainingError(params, { outDir: out, runId: 'run_nan', preference });
    expect(err).toMatchObject({
      code: 'training_diverged',
      // (the step whose loss is no number stops the run: after it, the weights are non-finite too)
      message: expect.stringMatching(/^training diverged in sft \(loss (NaN|-?Infinity) at step 2\)/),
      hint: 'lower train.embedded.sft.lr (now 1e+38)',
    });
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
    expect(store.listModels().some((m) => m.runId === 'run_nan')).toBe(false);
  });

  it('a step that leaves non-finite weights after a finite loss is divergence too: nothing saved or registered', async () => {
    // lr 1e39: the one step's loss is the start model's (finite), and Adam's first step moves each
    // trained weight by about lr, past float32's largest (3.4e38).
    const params = trainParams({ embedded: { sft: { steps: 1, batchSize: 2, lr: 1e39 } } });
    const out = join(dir, 'diverged-weights');
    const err = await trainingError(params, { outDir: out, runId: 'run_inf', preference: [] });
    expect(err).toMatchObject({
      code: 'training_diverged',
      message: expect.stringMatching(/^training diverged in sft \(non-finite weights in h\.1\./),
      hint: 'lower train.embedded.sft.lr (now 1e+39)',
    });
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
    expect(store.listModels().some((m) => m.runId === 'run_inf')).toBe(false);
  });

  it("weights an SFT step made non-finite are said as the SFT's divergence, whether DPO runs after or not", async () => {
    // DPO after it would only see what SFT left (its reference log-probs are NaN): the hint to lower
    // dpo.lr would change nothing.
    for (const dpoSteps of [2, 0]) {
      const params = trainParams({
        embedded: {
          sft: { steps: 1, batchSize: 2, lr: 1e39 },
          dpo: { steps: dpoSteps, batchSize: 1, lr: 3e-3 },
        },
      });
      const out = join(dir, `diverged-sft-${dpoSteps}`);
      await expect(
        createTrainer({ train: params }, {}, 'embedded').train({
          base: { id: 'tiny-base', target: `embedded:${baseDir}`, path: baseDir },
          sft,
          preference,
          params,
          outDir: out,
        }),
        `dpo.steps ${dpoSteps}`,
      ).rejects.toMatchObject({
        code: 'training_diverged',
        message: expect.stringMatching(/^training diverged in sft \(non-finite weights in h\.1\./),
        hint: 'lower train.embedded.sft.lr (now 1e+39)',
      });
      expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
    }
  });

  it('(owner record rewritten as another host would) a training whose run is taken over stops at its next step: nothing saved, nothing registered', async () => {
    store.createRun({ id: 'run_taken', kind: 'cycle', config: {}, seed: 1 });
    expect(store.claimRun('run_taken').heldBy).toBeUndefined();
    const params = trainParams({
      embedded: { sft: { steps: 6, batchSize: 2, lr: 3e-3 }, dpo: { steps: 4, batchSize: 1, lr: 3e-3 } },
    });
    const out = join(dir, 'taken');
    let ticks = 0;
    const progress: Progress = {
      start() {},
      tick() {
        // After the second step, another host's process takes the run (--take-over).
        if (++ticks === 2) {
          const db = new Database(store.path);
          const beat = new Date().toISOString();
          db.prepare('UPDATE runs SET owner = ? WHERE id = ?').run(
            JSON.stringify({ pid: 4242, host: 'other-host', since: beat, heartbeat: beat }),
            'run_taken',
          );
          db.close();
        }
      },
      done() {},
      log() {},
    };
    const err = await trainingError(params, { outDir: out, runId: 'run_taken', preference, progress });
    expect(err).toBeInstanceOf(ClaimLostError);
    expect(ticks).toBe(2); // the step after the take-over was checked before its progress line
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
    expect(store.listModels().some((m) => m.runId === 'run_taken')).toBe(false);
  });

  it('a freeze entry that names no weight is an error naming the field', async () => {
    const params = trainParams({ embedded: { expandBlocks: 0, dpo: { freeze: ['wte', 'wpee'] } } });
    await expect(
      createTrainer({ train: params }, { store }, 'embedded').train({
        base: { id: 'tiny-base', target: 'embedded:tiny-base' },
        sft,
        preference,
        params,
        outDir: join(dir, 'typo'),
      }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/^train\.embedded\.dpo\.freeze\[1\]: "wpee" names no weight/),
      hint: expect.stringMatching(/weights are named like .*wte.*h\.0\./),
    });
  });

  it('refuses a record it cannot train on, naming it and the field, as the exports do: nothing left out unsaid', async () => {
    // It used to drop a pair with no prompt and an SFT record with no final answer from the
    // training and say nothing; the trl and command backends refused both.
    const trainer = createTrainer(undefined, { store });
    const cases: [Partial<{ sft: TrainingRecord[]; preference: TrainingRecord[] }>, RegExp][] = [
      [
        { preference: [...preference, { ...preference[0], id: 'p-none', prompt: undefined }] },
        /^prompt: preference record p-none has no prompt/,
      ],
      [
        { sft: [...sft, { ...sft[0], id: 's-open', messages: prompt }] },
        /^messages: SFT record s-open does not end with an assistant answer/,
      ],
    ];
    for (const [dryRun, [data, error]] of [true, false].flatMap((d) => cases.map((c) => [d, c] as const))) {
      const outDir = join(dir, `refused-${dryRun}`);
      await expect(
        trainer.train({
          base: { id: 'tiny-base', target: `embedded:${baseDir}` },
          sft,
          preference,
          ...data,
          params: trainParams({ embedded: { sft: { steps: 1 }, dpo: { steps: 1 } } }),
          outDir,
          dryRun,
        }),
        `dryRun ${dryRun}`,
      ).rejects.toThrow(error);
      expect(existsSync(join(outDir, 'config.json'))).toBe(false);
    }
    expect(store.listModels().some((m) => m.path?.includes('refused-'))).toBe(false);
  });

  it('trains on the train split of the preference records only', async () => {
    const held: TrainingRecord = { ...preference[0], id: 'p-val', split: 'validation' };
    const res = await createTrainer({}, { store }, 'embedded').train({
      base: { id: 'tiny-base', target: 'x' },
      sft,
      preference: [...preference, held],
      outDir: join(dir, 'dry-split'),
      dryRun: true,
    });
    expect(res.log).toMatchObject([{ phase: 'plan', sft: 3, pairs: 1 }]);
  });

  it("passes dpo.beta to DPO: a pair's reward margin after a step scales with it", async () => {
    // The margin z = β·(log-ratio of chosen − of rejected) is 0 at the first step (policy =
    // reference), and Adam's first step is the sign of the gradient whatever β scales it by: the
    // second step's margin is β times the same log-ratio difference.
    const margin = async (beta: number) => {
      const params = trainParams({
        embedded: { dpo: { steps: 2, batchSize: 1, beta, lr: 3e-3 } },
      });
      const res = await createTrainer({ train: params }, {}, 'embedded').train({
        base: { id: 'tiny-base', target: `embedded:${baseDir}`, path: baseDir },
        sft: [],
        preference,
        params,
        outDir: join(dir, `beta-${beta}`),
        seed: 5,
      });
      const dpo = (res.log as { phase: string; rewardMargin: number }[]).filter((s) => s.phase === 'dpo');
      expect(dpo[0].rewardMargin).toBe(0);
      return dpo[1].rewardMargin;
    };
    const [small, large] = [await margin(0.5), await margin(5)];
    expect(small).toBeGreaterThan(0);
    expect(large / small).toBeCloseTo(10, 3);
  });

  it('refuses a base it cannot find', async () => {
    await expect(
      createTrainer({}, {}, 'embedded').train({
        base: { id: 'nope', target: 'embedded:nope' },
        sft,
        preference,
        outDir: join(dir, 'x'),
      }),
    ).rejects.toThrow(/cannot find the checkpoint/);
  });

  it('scores conversations with earlier assistant turns, or too long for the context, on their last answer only', () => {
    const { examples, lastOnly } = embeddedSftExamples(sft, () => true);
    expect(examples.filter((e) => !e.lastOnly).map((e) => e.messages.length)).toEqual([2, 2, 2]);
    expect(examples.filter((e) => e.lastOnly).map((e) => e.messages.at(-2)?.role)).toEqual(['user']);
    expect(lastOnly).toEqual({ earlierAssistant: 1, tooLong: 0 });
    const long = embeddedSftExamples(sft, () => false);
    expect(long.examples.every((e) => e.lastOnly)).toBe(true);
    expect(long.lastOnly).toEqual({ earlierAssistant: 1, tooLong: 3 });
  });
});
