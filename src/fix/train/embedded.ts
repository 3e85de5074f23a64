// The embedded backend: SFT then DPO with the lm/ library on the embedded checkpoint; the result is a
// new checkpoint directory, registered in the store with its training log.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutputDir } from '../../config/outdir.js';
import {
  BreakfixError,
  hash32,
  InputError,
  type Message,
  type ModelRef,
  type TrainingRecord,
} from '../../core/index.js';
import {
  BASE_MODEL_ID,
  baseModelDir,
  modelPathResolver,
  resolveEmbeddedPath,
} from '../../targets/embedded-path.js';
import { preferenceSides, sftTurns } from '../export/formats.js';
import { producedId, trainParams } from './params.js';
import type { Trainer, TrainerContext, TrainInput, TrainOutput } from './types.js';

type LMLibrary = typeof import('../../lm/index.js');
type StepLog = import('../../lm/index.js').TrainStepLog;

function diverged(phase: 'sft' | 'dpo', what: string, lr: number): BreakfixError {
  return new BreakfixError(
    `training diverged in ${phase} (${what}): nothing was saved or registered`,
    'training_diverged',
    `lower train.embedded.${phase}.lr (now ${lr})`,
  );
}

async function loadLibrary(): Promise<LMLibrary> {
  // Loaded on use: the rest of fix/ (and the cycle's other backends) never pays for the engine.
  return import('../../lm/index.js');
}

/** Records whose answer the start model already gives in kind (helpful tasks, benign look-alikes):
 * with `sft.anchor` they are trained toward the start model's own distribution, so the fine-tune
 * keeps what it knew instead of memorising these answers. Over-refusal probe records are not: there
 * the start model may be the one that refuses. */
export const isAnchor = (r: TrainingRecord): boolean =>
  (r.purpose === 'helpful' || r.purpose === 'benign') && r.provenance?.source !== 'overrefusal_probe';

type SftExample = { messages: Message[]; lastOnly?: boolean; anchor?: boolean };

/** SFT examples for the embedded trainer. Its loss covers every assistant message, so a
 * conversation with earlier assistant turns (few-shot shots, a multi-turn attack's partial
 * compliance) is scored on its last answer only, as is one longer than the context (its oldest
 * tokens go, never the answer). `lastOnly` counts both kinds. */
export function embeddedSftExamples(
  records: TrainingRecord[],
  fits: (messages: Message[]) => boolean,
  helpfulWeight = 1,
): {
  examples: SftExample[];
  lastOnly: { earlierAssistant: number; tooLong: number };
} {
  const lastOnly = { earlierAssistant: 0, tooLong: 0 };
  const examples: SftExample[] = [];
  for (const r of records) {
    // (a record with nothing to teach is refused, as every trainer format refuses it)
    const { context } = sftTurns(r);
    const m = r.messages as Message[];
    const anchor = isAnchor(r) ? { anchor: true } : {};
    let example: SftExample;
    if (context.some((x) => x.role === 'assistant')) {
      lastOnly.earlierAssistant++;
      example = { messages: m, lastOnly: true, ...anchor };
    } else if (!fits(m)) {
      lastOnly.tooLong++;
      example = { messages: m, lastOnly: true, ...anchor };
    } else example = { messages: m, ...anchor };
    // A helpful task drawn `helpfulWeight` times as often as the other records (see sft.helpfulWeight).
    const copies = r.purpose === 'helpful' ? Math.max(1, Math.round(helpfulWeight)) : 1;
    for (let i = 0; i < copies; i++) examples.push(example);
  }
  return { examples, lastOnly };
}

/** How many of a checkpoint's last blocks an earlier fine-tune added (`expandBlocks`); 0 if none. */
function expandedBlocks(dir: string): number {
  try {
    const n = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).breakfix_added_blocks;
    return Number.isInteger(n) && n > 0 ? n : 0;
  } catch {
    return 0;
  }
}

/** The checkpoint folder of an embedded model reference: the path it carries, the registry's entry
 * for it, else what its `embedded:` target names (as the embedded target resolves it). */
export async function embeddedPath(base: ModelRef, ctx: TrainerContext): Promise<string> {
  if (base.path) return base.path;
  const stored = ctx.store?.getModel(base.id)?.path;
  if (stored) return stored;
  const store = ctx.store;
  if (base.id === BASE_MODEL_ID) return baseModelDir();
  if (base.target.startsWith('embedded:')) {
    try {
      return resolveEmbeddedPath(base.target, modelPathResolver(store ? () => store : undefined));
    } catch {
      // (named below, with what to pass instead)
    }
  }
  throw new InputError(
    `cannot find the checkpoint of model "${base.id}" (target ${base.target})`,
    undefined,
    undefined,
    'base',
    'pass --base with an embedded checkpoint folder, or a model registered in the store',
  );
}

export function createEmbeddedTrainer(ctx: TrainerContext = {}): Trainer {
  return {
    id: 'embedded',
    async train(input: TrainInput): Promise<TrainOutput> {
      const p = trainParams(input.params).embedded;
      const basePath = await embeddedPath(input.base, ctx);
      // Found now, not after loading (or, on a dry run, never): a base folder that is no checkpoint.
      if (!existsSync(join(basePath, 'config.json')))
        throw new InputError(
          `model "${input.base.id}" is not an embedded checkpoint: no config.json`,
          basePath,
          undefined,
          'base',
          'a checkpoint folder holds config.json, model.safetensors and tokenizer.json',
        );
      // An output folder that cannot be written fails here, before minutes of training.
      const outDir = checkOutputDir(input.outDir, { what: 'output folder', hint: 'pass another --out' }).dir;
      const id = input.id ?? producedId('embedded', outDir, input.runId, input.round);
      const model: ModelRef = {
        id,
        target: `embedded:${outDir}`,
        path: outDir,
        parent: input.base.id,
        ...(input.round !== undefined ? { round: input.round } : {}),
      };
      const trainSplit = (r: TrainingRecord) => r.split === 'train';
      // Every pair is checked, validation split too, as an export checks it: a damaged record is
      // refused by name, not left out of the training unsaid.
      const preference = input.preference
        .filter((r) => r.kind === 'preference')
        .map((r) => ({ r, ...preferenceSides(r) }));
      const allPairs = preference
        .filter(({ r }) => trainSplit(r))
        .map(({ prompt, chosen, rejected }) => ({
          prompt,
          chosen: chosen.content,
          rejected: rejected.content,
        }));
      // (the trainer skips a pair whose two sides are the same text: it has no preference to teach)
      const pairs = allPairs.filter((x) => x.chosen !== x.rejected);
      const identicalPairs = allPairs.length - pairs.length;
      const sftRecords = input.sft.filter((r) => r.kind === 'sft');
      for (const r of sftRecords) sftTurns(r);
      if (input.dryRun) {
        return {
          model,
          log: [
            {
              phase: 'plan',
              base: basePath,
              sft: sftRecords.filter(trainSplit).length,
              pairs: pairs.length,
              params: p,
            },
          ],
          dryRun: true,
        };
      }
      const lib = await loadLibrary();
      const lm = await lib.loadLM(basePath);
      // Block expansion: only the added blocks train, in both phases; the base's own weights stay.
      // A checkpoint that was expanded already (train.start: previous) trains the same blocks again
      // rather than growing every round.
      const addedBefore = expandedBlocks(basePath);
      const added =
        addedBefore > 0
          ? Array.from({ length: addedBefore }, (_, i) => `h.${lm.config.nLayers - addedBefore + i}.`)
          : p.expandBlocks > 0
            ? lib.expandBlocks(lm, p.expandBlocks)
            : [];
      const onlyAdded = added.length
        ? lib
            .namedParams(lm.params)
            .map(([name]) => name)
            .filter((name) => !added.some((a) => name.startsWith(a)))
        : undefined;
      // A freeze entry that names no weight (a typo) would leave trained what the user meant frozen.
      if (!onlyAdded) {
        const names = lib.namedParams(lm.params).map(([name]) => name);
        for (const ph of ['sft', 'dpo'] as const)
          (p[ph].freeze ?? []).forEach((f, i) => {
            if (!names.some((n) => n === f || n.startsWith(f)))
              throw new InputError(
                `"${f}" names no weight of the model`,
                undefined,
                undefined,
                `train.embedded.${ph}.freeze[${i}]`,
                `weights are named like ${[...new Set(names.map((n) => n.replace(/^(h\.\d+\.).*/, '$1')))].join(', ')} (a prefix freezes every weight under it)`,
              );
          });
      }
      const sftParams = onlyAdded ? { ...p.sft, freeze: onlyAdded } : p.sft;
      const dpoParams = onlyAdded ? { ...p.dpo, freeze: onlyAdded } : p.dpo;
      const fits = (m: Message[]) => lm.tokenizer.encodeChat(m, false).ids.length <= lm.config.contextLength;
      const sft = embeddedSftExamples(sftRecords.filter(trainSplit), fits, p.sft.helpfulWeight);
      const sftVal = embeddedSftExamples(
        sftRecords.filter((r) => r.split === 'validation'),
        fits,
      ).examples;
      if (sft.examples.length === 0 && pairs.length === 0)
        throw new BreakfixError(
          'no usable training records (train split) to train on',
          'input',
          'run breakfix curate first',
        );
      const seed = input.seed ?? hash32(`${input.runId ?? ''}:${input.round ?? ''}:${input.base.id}`);
      const log: unknown[] = [
        {
          phase: 'data',
          sft: new Set(sft.examples).size,
          sftLastOnly: sft.lastOnly,
          pairs: pairs.length,
          ...(identicalPairs ? { identicalPairs } : {}),
        },
      ];
      const progress = input.progress;
      const phase = async (
        name: 'sft' | 'dpo',
        steps: number,
        run: (onStep: (s: StepLog) => void) => unknown,
      ) => {
        if (steps <= 0) return;
        progress?.start(`train ${name}`, steps);
        const before = log.length;
        const returned = await run((s) => {
          log.push({ phase: name, ...s });
          // A loss that is no number is a fine-tune that diverged: its weights are no model, and
          // registered they would be the next candidate.
          if (!Number.isFinite(s.loss)) throw diverged(name, `loss ${s.loss} at step ${s.step}`, p[name].lr);
          // A run another process took over is that process's to train (into this same folder):
          // stop at this step, before the weights are saved (ClaimLostError).
          if (input.runId) ctx.store?.assertOwned(input.runId);
          const note = [
            s.loss !== undefined ? `loss ${s.loss.toFixed(4)}` : '',
            s.rewardMargin !== undefined ? `margin ${s.rewardMargin.toFixed(3)}` : '',
            s.prefAccuracy !== undefined ? `acc ${s.prefAccuracy.toFixed(2)}` : '',
          ]
            .filter(Boolean)
            .join(' ');
          progress?.tick(1, note);
        });
        // A trainer that returns its step logs instead of reporting them still gets them stored.
        if (log.length === before && Array.isArray(returned))
          for (const s of returned) log.push({ phase: name, ...(s as StepLog) });
        // (a last step can turn the weights non-finite after a finite loss; said of this phase, as
        // DPO after it would fail on what SFT left, and the hint would name DPO's rate)
        const broken = lib.namedParams(lm.params).find(([, t]) => !t.data.every(Number.isFinite));
        if (broken) throw diverged(name, `non-finite weights in ${broken[0]}`, p[name].lr);
        progress?.done();
      };
      if (sft.examples.length)
        await phase('sft', p.sft.steps, (onStep) =>
          lib.trainSFT(
            lm,
            sft.examples,
            { ...sftParams, seed, validation: sftVal, evalEvery: Math.max(1, Math.floor(p.sft.steps / 4)) },
            { onStep },
          ),
        );
      if (pairs.length)
        await phase('dpo', p.dpo.steps, (onStep) =>
          lib.trainDPO(lm, pairs, { ...dpoParams, seed }, { onStep }),
        );
      await lib.saveLM(lm, outDir, {
        breakfix_parent: input.base.id,
        ...(added.length ? { breakfix_added_blocks: added.length } : {}),
      });
      ctx.store?.registerModel({ ...model, runId: input.runId, trainingLog: log });
      return { model, log };
    },
  };
}
