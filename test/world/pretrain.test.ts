import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinSeeds } from '../../src/break/seeds/index.js';
import { loadLM } from '../../src/lm/index.js';
import {
  checkAnswer,
  complianceAnswer,
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
  it('trains, saves a loadable checkpoint with a training record, and measures it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bf-base-')), 'model');
    const { stats } = await pretrainBase({
      outDir: out,
      seed: 5,
      size: 120,
      steps: 4,
      batchSize: 4,
      config: { vocabSize: 300, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 96 },
      measureLimit: 3,
    });
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'training.json'])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(stats.steps).toBe(8); // 4 steps of stage 1, then 2 in each of the two later stages
    expect(Number.isFinite(stats.finalLoss)).toBe(true);
    const record = JSON.parse(readFileSync(join(out, 'training.json'), 'utf8'));
    expect(record.seed).toBe(5);
    expect(record.command).toContain('breakfix model pretrain');
    expect(record.measured.harmfulDirect.n).toBe(3);
    const lm = await loadLM(out);
    expect(lm.config.dModel).toBe(16);
    expect(statSync(join(out, 'model.safetensors')).size).toBeLessThan(15e6);
  });
});
