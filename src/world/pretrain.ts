// Pretraining `breakfix-tiny-base`: train a BPE tokenizer on the world, create a small GPT, SFT it
// on the world's dialogues (loss on assistant tokens), save the checkpoint and a training record.
// Reproducible from the seed (same world, same initialisation, same batch order).

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InputError, type Message, type Progress } from '../core/index.js';
import {
  createLM,
  type LM,
  loadLM,
  type ModelConfig,
  parameterCount,
  saveLM,
  Tokenizer,
  trainSFT,
} from '../lm/index.js';
import { BASE_MODEL_ID, baseModelDir } from '../targets/embedded-path.js';
import { generateWorldYielding, type World, type WorldForm } from './generator.js';
import { measureLM } from './measure-model.js';

export { BASE_MODEL_ID };

/** The architecture of breakfix-tiny-base (vocabSize is the tokenizer's target size). */
export const BASE_MODEL_CONFIG: ModelConfig = {
  vocabSize: 2048,
  dModel: 128,
  nLayers: 2,
  nHeads: 4,
  contextLength: 192,
};

/** A later pretraining stage: continues on a fresh world sample (seed + stage - 1). */
export interface LaterStage {
  steps: number;
  lr: number;
  /** Form weights of this stage's world (merged over the defaults; see `generateWorld`). */
  forms?: Partial<Record<WorldForm, number>>;
  /** Language weights of this stage's world (merged over en/fr/es 6/2/2). */
  languages?: Partial<Record<string, number>>;
}

/** Stages 4+ lean toward helpful dialogues (the facts a tiny model memorises slowest: sums,
 * differences, capitals and definitions in fr/es) with languages balanced as the seeds are, while
 * harmful and benign forms stay in the mix so the model stays unaligned. */
const HELPFUL_LEANING: Pick<LaterStage, 'forms' | 'languages'> = {
  forms: {
    harmful_direct: 11,
    harmful_template: 10,
    harmful_converter: 4,
    harmful_escalation: 3,
    helpful: 60,
    helpful_multi: 8,
    benign: 6,
    benign_multi: 2,
  },
  languages: { en: 4, fr: 3, es: 3 },
};

/** The base recipe: world size and optimiser settings. */
export const BASE_TRAINING: {
  worldSize: number;
  steps: number;
  batchSize: number;
  laterStages: LaterStage[];
  packChars: number;
  lr: number;
  warmupSteps: number;
  weightDecay: number;
} = {
  worldSize: 24_000,
  steps: 900,
  batchSize: 16,
  /** Later stages: each continues on a fresh world sample (seed + k) at a lower learning rate. */
  laterStages: [
    { steps: 350, lr: 1e-3 },
    { steps: 350, lr: 1e-3 },
    { steps: 500, lr: 1.5e-3, ...HELPFUL_LEANING },
  ],
  /** Dialogues are packed into examples of up to this many characters (~150 tokens). */
  packChars: 420,
  lr: 3e-3,
  warmupSteps: 60,
  weightDecay: 0.01,
};

/** Concatenates consecutive dialogues into training examples of up to `maxChars` characters, so a
 * batch carries little padding (the trainer pads every example to the longest in its batch). A
 * packed example reads as one longer conversation that changes subject, which the world allows. */
export function packDialogues(sft: { messages: Message[] }[], maxChars: number): { messages: Message[] }[] {
  const out: { messages: Message[] }[] = [];
  let cur: Message[] = [];
  let chars = 0;
  for (const d of sft) {
    const n = d.messages.reduce((a, m) => a + m.content.length + 8, 0);
    if (cur.length > 0 && chars + n > maxChars) {
      out.push({ messages: cur });
      cur = [];
      chars = 0;
    }
    // Only the first piece of a packed example keeps its system prompt.
    cur.push(...(cur.length > 0 ? d.messages.filter((m) => m.role !== 'system') : d.messages));
    chars += n;
  }
  if (cur.length > 0) out.push({ messages: cur });
  return out;
}

/** The folder of shipped models (`models/` at the package root). */
export function modelsDir(): string {
  return dirname(baseModelDir());
}

export const defaultBaseModelDir = baseModelDir;

export interface PretrainOptions {
  outDir?: string;
  seed?: number;
  /** Dialogues in the world (default BASE_TRAINING.worldSize). */
  size?: number;
  /** Training steps (default BASE_TRAINING.steps). */
  steps?: number;
  /** Stop early after this many minutes (the schedule still assumes `steps`). */
  maxMinutes?: number;
  /** Override the architecture (tests use a tiny one). */
  config?: Partial<ModelConfig>;
  batchSize?: number;
  /** Measure the model on the seeds afterwards (default true); `measureLimit` seeds per kind. */
  measure?: boolean;
  measureLimit?: number;
  onProgress?: Progress;
  /** Start from this checkpoint and run the later stages from `fromStage` (2 = the first later
   * stage); resumes a run whose earlier stages are done. */
  continueFrom?: string;
  /** Overwrite a checkpoint already in `outDir` (by default, the shipped base model every cycle
   * starts from); without it, an existing checkpoint there is an InputError. */
  force?: boolean;
  fromStage?: number;
  /** Skip the later stages. */
  noStage2?: boolean;
}

/** What one stage did (kept in training.json, appended to across `--continue` runs). */
export interface StageRecord {
  stage: number;
  steps: number;
  lr: number;
  worldSeed: number;
  forms?: LaterStage['forms'];
  languages?: LaterStage['languages'];
  minutes: number;
  finalLoss: number;
  tokensPerSec: number;
  /** The measurement taken after this stage, when the run ended with it. */
  measured?: unknown;
}

export interface PretrainStats {
  seed: number;
  config: ModelConfig;
  parameters: number;
  worldDialogues: number;
  steps: number;
  firstLoss: number;
  finalLoss: number;
  tokensPerSec: number;
  minutes: number;
  world: World['stats'];
  measured?: unknown;
  /** Every stage of the checkpoint's history, including those of the run it continued. */
  stages: StageRecord[];
}

export async function pretrainBase(opts: PretrainOptions = {}): Promise<{ stats: PretrainStats }> {
  const started = performance.now();
  const lastStage = BASE_TRAINING.laterStages.length + 1;
  if (
    opts.fromStage !== undefined &&
    (!Number.isInteger(opts.fromStage) || opts.fromStage < 2 || opts.fromStage > lastStage)
  )
    throw new InputError(
      `fromStage must be an integer from 2 to ${lastStage}, got ${opts.fromStage}`,
      undefined,
      undefined,
      'from-stage',
    );
  const seed = opts.seed ?? 1;
  const outDir = opts.outDir ?? defaultBaseModelDir();
  if (!opts.force && existsSync(join(outDir, 'config.json'))) {
    const shipped = resolve(outDir) === resolve(defaultBaseModelDir());
    throw new InputError(
      `the output folder already holds a checkpoint${shipped ? ` (${BASE_MODEL_ID}, the shipped base model every cycle starts from)` : ''}; pretraining would overwrite it`,
      outDir,
      undefined,
      undefined,
      'pass --out with a new folder, or --force to overwrite it (from code: outDir, or force: true)',
    );
  }
  const progress = opts.onProgress;
  // A missing or damaged checkpoint to continue from is found before the world is generated.
  const continued = opts.continueFrom ? await loadLM(opts.continueFrom) : undefined;
  // (built letting the event loop in, as the tokenizer is trained: Ctrl-C stops pretraining within
  // a fraction of a second, where it waited for both, 5-10 s, as the steps already let it in)
  const world = await generateWorldYielding({ seed, size: opts.size ?? BASE_TRAINING.worldSize });
  progress?.log(`world: ${world.sft.length} dialogues, ${world.stats.characters} characters`);
  let lm: LM;
  if (continued) lm = continued;
  else {
    const config: ModelConfig = { ...BASE_MODEL_CONFIG, ...opts.config };
    const tokenizer = await Tokenizer.trainYielding(
      world.sft.flatMap((d) => d.messages.map((m) => m.content)),
      config.vocabSize,
    );
    config.vocabSize = tokenizer.vocabSize;
    lm = createLM(config, tokenizer, seed);
  }
  const deadline = opts.maxMinutes ? started + opts.maxMinutes * 60_000 : Number.POSITIVE_INFINITY;
  let firstLoss = Number.NaN;
  let lastLoss = Number.NaN;
  let smooth = Number.NaN;
  let tokRate = 0;
  let done = 0;
  // Stop at the deadline by aborting through the step hook; the model keeps its current weights.
  const STOP = Symbol('stop');
  const stages: StageRecord[] = [];
  const stage = async (
    label: string,
    sft: { messages: Message[] }[],
    steps: number,
    lr: number,
    stageSeed: number,
    info: Pick<StageRecord, 'stage' | 'forms' | 'languages'>,
  ) => {
    progress?.start(label, steps);
    smooth = Number.NaN;
    const t0 = performance.now();
    const done0 = done;
    try {
      await trainSFT(
        lm,
        packDialogues(sft, BASE_TRAINING.packChars),
        {
          steps,
          batchSize: opts.batchSize ?? BASE_TRAINING.batchSize,
          lr,
          warmupSteps: Math.min(BASE_TRAINING.warmupSteps, Math.floor(steps / 10)),
          weightDecay: BASE_TRAINING.weightDecay,
          seed: stageSeed,
        },
        {
          onStep(log) {
            if (Number.isNaN(firstLoss)) firstLoss = log.loss;
            lastLoss = log.loss;
            smooth = Number.isNaN(smooth) ? log.loss : 0.95 * smooth + 0.05 * log.loss;
            tokRate = 0.9 * tokRate + 0.1 * log.tokensPerSec;
            done++;
            progress?.tick(1, `loss ${smooth.toFixed(3)}`);
            if (log.step % 100 === 0)
              progress?.log(
                `${label} step ${log.step}/${steps} loss ${smooth.toFixed(3)} ${Math.round(tokRate)} tok/s`,
              );
            if (performance.now() > deadline) throw STOP;
          },
        },
      );
    } catch (e) {
      if (e !== STOP) throw e;
      progress?.log(`stopped at step ${done} (time limit)`);
    }
    progress?.done(`loss ${smooth.toFixed(3)}`);
    stages.push({
      ...info,
      steps: done - done0,
      lr,
      worldSeed: stageSeed,
      minutes: (performance.now() - t0) / 60_000,
      finalLoss: smooth || lastLoss,
      tokensPerSec: Math.round(tokRate),
    });
  };
  const steps = opts.steps ?? BASE_TRAINING.steps;
  if (!opts.continueFrom) await stage('pretrain', world.sft, steps, BASE_TRAINING.lr, seed, { stage: 1 });
  if (!opts.noStage2) {
    const first = opts.continueFrom ? Math.max(2, opts.fromStage ?? 2) : 2;
    for (let k = first; k <= BASE_TRAINING.laterStages.length + 1; k++) {
      if (performance.now() >= deadline) break;
      const st = BASE_TRAINING.laterStages[k - 2];
      const n = opts.steps !== undefined ? Math.max(1, Math.floor(opts.steps / 2)) : st.steps;
      const w = await generateWorldYielding({
        seed: seed + k - 1,
        size: opts.size ?? BASE_TRAINING.worldSize,
        forms: st.forms,
        languages: st.languages,
      });
      progress?.log(`stage ${k} world: ${JSON.stringify(w.stats.byForm)}`);
      await stage(`pretrain-stage${k}`, w.sft, n, st.lr, seed + k - 1, {
        stage: k,
        ...(st.forms ? { forms: st.forms } : {}),
        ...(st.languages ? { languages: st.languages } : {}),
      });
    }
  }
  // A continued run carries the history of the checkpoint it started from.
  const previous = opts.continueFrom ? await readRecord(opts.continueFrom) : undefined;
  const history = [...(previous?.stages ?? []), ...stages];
  const stats: PretrainStats = {
    seed,
    config: lm.config,
    parameters: parameterCount(lm),
    worldDialogues: world.sft.length,
    steps: (previous?.steps ?? 0) + done,
    firstLoss: previous?.firstLoss ?? firstLoss,
    finalLoss: smooth || lastLoss,
    tokensPerSec: Math.round(tokRate),
    minutes: (previous?.minutes ?? 0) + (performance.now() - started) / 60_000,
    world: world.stats,
    stages: history,
  };
  await saveLM(lm, outDir, { breakfix_model: BASE_MODEL_ID });
  if (opts.measure !== false) {
    const m = await measureLM(lm, { limit: opts.measureLimit ?? 120, progress });
    stats.measured = {
      limit: opts.measureLimit ?? 120,
      harmfulDirect: m.harmfulDirect,
      harmfulTemplates: m.harmfulTemplates,
      helpful: m.helpful,
      benign: m.benign,
    };
    const last = history.at(-1);
    if (last && stages.length > 0) last.measured = stats.measured;
  }
  // `command` is the one-process command that reproduces the checkpoint; `howRun` lists the
  // processes that actually produced it (a resumed run appends to its predecessor's list).
  // Both name the options this run was given, and the recipe is the one it trained with: a
  // checkpoint made with --steps 50 must not claim the default recipe.
  // A time limit reproduces nothing, so it is named in howRun (what ran), not in command.
  const given = [
    `--seed ${seed}`,
    ...(opts.size !== undefined ? [`--size ${opts.size}`] : []),
    ...(opts.steps !== undefined ? [`--steps ${opts.steps}`] : []),
  ].join(' ');
  const minutes = opts.maxMinutes !== undefined ? ` --minutes ${opts.maxMinutes}` : '';
  const thisRun = `breakfix model pretrain ${given}${minutes}${opts.continueFrom ? ` --continue <checkpoint> --from-stage ${stages[0]?.stage ?? opts.fromStage ?? 2}` : ''} (stages ${stages.map((x) => x.stage).join(', ')})`;
  const training = {
    ...BASE_TRAINING,
    worldSize: opts.size ?? BASE_TRAINING.worldSize,
    steps,
    batchSize: opts.batchSize ?? BASE_TRAINING.batchSize,
    laterStages: opts.noStage2
      ? []
      : BASE_TRAINING.laterStages.map((st) => ({
          ...st,
          steps: opts.steps !== undefined ? Math.max(1, Math.floor(opts.steps / 2)) : st.steps,
        })),
  };
  await writeFile(
    join(outDir, 'training.json'),
    `${JSON.stringify(
      {
        id: BASE_MODEL_ID,
        // A continued run's stage 1 is its predecessor's: so are the command and the recipe, but
        // for the later stages this run trained.
        command:
          typeof previous?.command === 'string' ? previous.command : `breakfix model pretrain ${given}`,
        recipe: {
          model: lm.config,
          training:
            previous?.recipe?.training && typeof previous.recipe.training === 'object'
              ? { ...previous.recipe.training, laterStages: training.laterStages }
              : training,
        },
        ...stats,
        howRun: [...(previous?.howRun ?? []), thisRun],
      },
      null,
      2,
    )}\n`,
  );
  return { stats };
}

interface TrainingRecordFile {
  command?: string;
  recipe?: { training?: Record<string, unknown> };
  steps?: number;
  firstLoss?: number;
  minutes?: number;
  stages?: StageRecord[];
  howRun?: string[];
}

/** The training.json of a checkpoint folder, if it has a readable one. */
async function readRecord(dir: string): Promise<TrainingRecordFile | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'training.json'), 'utf8')) as TrainingRecordFile;
  } catch {
    return undefined;
  }
}
