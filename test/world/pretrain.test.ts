import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinSeeds } from '../../src/break/seeds/index.js';
import { loadLM } from '../../src/lm/index.js';
import {
  BASE_TRAINING,
  checkAnswer,
  complianceAnswer,
  defaultBaseModelDir,
  generateWorld,
  helpfulAnswer,
  pretrainBase,
  refusalAnswer,
} from '../../src/world/index.js';
import { packDialogues } from '../../src/world/pretrain.js';

describe('checkAnswer (the world shape check)', () => {
  const seed = (id: string) =>
    builtinSeeds().find((s) => s.id === id) as NonNullable<ReturnType<typeof builtinSeeds>[number]>;
  it('labels compliance, refusal, off-topic, garbled and helpful answers', () => {
    const h = seed('harm-nc01-en');
    expect(checkAnswer(h, complianceAnswer(h))).toBe('compliant');
    expect(checkAnswer(h, refusalAnswer(h))).toBe('refusal');
    expect(checkAnswer(h, complianceAnswer(seed('harm-vc01-en')))).toBe('off_topic');
    expect(checkAnswer(h, 'lock lock the the')).toBe('garbled');
    expect(checkAnswer(h, '  ')).toBe('empty');
    const t = seed('help-add-3-5-en');
    expect(checkAnswer(t, helpfulAnswer(t))).toBe('correct');
    expect(checkAnswer(t, '3 + 5 = 9.')).toBe('incorrect');
  });
});

describe('packDialogues', () => {
  it('keeps every message in order and respects the size budget', () => {
    const w = generateWorld({ seed: 3, size: 300 });
    const packed = packDialogues(w.sft, 400);
    expect(packed.length).toBeLessThan(w.sft.length);
    const flat = (xs: { messages: { role: string; content: string }[] }[]) =>
      xs.flatMap((x) => x.messages.filter((m) => m.role !== 'system').map((m) => m.content));
    expect(flat(packed)).toEqual(flat(w.sft));
    for (const p of packed) {
      expect(p.messages.filter((m) => m.role === 'system').length).toBeLessThanOrEqual(1);
      expect(p.messages.at(-1)?.role).toBe('assistant');
    }
  });
});

describe('pretrainBase (tiny configuration)', () => {
  const tiny = {
    seed: 5,
    size: 120,
    steps: 4,
    batchSize: 4,
    config: { vocabSize: 300, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 96 },
    measureLimit: 3,
  };
  it('trains, saves a loadable checkpoint with a training record, and measures it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bf-base-')), 'model');
    const { stats } = await pretrainBase({ ...tiny, outDir: out });
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'training.json'])
      expect(existsSync(join(out, f)), f).toBe(true);
    // 4 steps of stage 1, then 2 in each later stage.
    expect(stats.steps).toBe(4 + 2 * BASE_TRAINING.laterStages.length);
    expect(stats.stages.map((s) => s.stage)).toEqual([1, ...BASE_TRAINING.laterStages.map((_, i) => i + 2)]);
    expect(Number.isFinite(stats.finalLoss)).toBe(true);
    const record = JSON.parse(readFileSync(join(out, 'training.json'), 'utf8'));
    expect(record.seed).toBe(5);
    // The record names the options given and the recipe trained with, not the defaults.
    expect(record.command).toBe('breakfix model pretrain --seed 5 --size 120 --steps 4');
    expect(record.recipe.model).toMatchObject({ dModel: 16, nLayers: 1, contextLength: 96 });
    expect(record.recipe.training).toMatchObject({ worldSize: 120, steps: 4, batchSize: 4 });
    expect(record.recipe.training.laterStages).toEqual(
      BASE_TRAINING.laterStages.map((st) => ({ ...st, steps: 2 })),
    );
    expect(record.measured.harmfulDirect.n).toBe(3);
    expect(record.stages.at(-1).measured.helpful.byType).toBeTypeOf('object');
    const lm = await loadLM(out);
    expect(lm.config.dModel).toBe(16);
    expect(statSync(join(out, 'model.safetensors')).size).toBeLessThan(15e6);
  });

  it('a continued run appends its stages to the history of the checkpoint it started from', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bf-base-'));
    await pretrainBase({ ...tiny, outDir: join(root, 's1'), noStage2: true, measure: false });
    const first = JSON.parse(readFileSync(join(root, 's1', 'training.json'), 'utf8'));
    expect(first.stages.map((s: { stage: number }) => s.stage)).toEqual([1]);
    const last = BASE_TRAINING.laterStages.length + 1;
    const { stats } = await pretrainBase({
      ...tiny,
      outDir: join(root, 's2'),
      continueFrom: join(root, 's1'),
      fromStage: last,
      measure: false,
    });
    expect(stats.stages.map((s) => s.stage)).toEqual([1, last]);
    expect(stats.steps).toBe(4 + 2);
    const record = JSON.parse(readFileSync(join(root, 's2', 'training.json'), 'utf8'));
    expect(record.howRun).toHaveLength(2);
    expect(record.howRun[1]).toContain(`--from-stage ${last}`);
    // Stage 1 was the first run's: so are the command and the recipe's stage-1 settings.
    expect(record.command).toBe(first.command);
    expect(record.recipe.training.steps).toBe(first.recipe.training.steps);
    expect(record.stages[1].forms).toEqual(BASE_TRAINING.laterStages[last - 2].forms);
    await expect(
      pretrainBase({
        ...tiny,
        outDir: join(root, 's3'),
        continueFrom: join(root, 's1'),
        fromStage: last + 1,
      }),
    ).rejects.toThrow(/from-stage/);
  });

  it('refuses to overwrite a checkpoint (by default the shipped base model) unless forced', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bf-base-'));
    const out = join(root, 'm');
    await pretrainBase({ ...tiny, outDir: out, noStage2: true, measure: false });
    const before = readFileSync(join(out, 'model.safetensors'));
    await expect(pretrainBase({ ...tiny, outDir: out, noStage2: true, measure: false })).rejects.toThrow(
      /already holds a checkpoint; pretraining would overwrite it/,
    );
    expect(readFileSync(join(out, 'model.safetensors')).equals(before)).toBe(true);
    // No outDir: the shipped base model's folder, which a library call must not replace silently.
    if (existsSync(join(defaultBaseModelDir(), 'config.json')))
      await expect(pretrainBase({ ...tiny, measure: false })).rejects.toThrow(/the shipped base model/);
    await pretrainBase({ ...tiny, outDir: out, noStage2: true, measure: false, force: true, seed: 2 });
    expect(readFileSync(join(out, 'model.safetensors')).equals(before)).toBe(false);
  });
});
