// The trainer interface: a backend that turns a base model and curated records into a new model.

import type { Config } from '../../config/index.js';
import type { ModelRef, Progress, Target, TrainingRecord } from '../../core/index.js';
import type { Store } from '../../store/index.js';

/** The `train` section of the config. */
export type TrainConfig = Config['train'];

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

/** A `train` section a library caller writes: any part of it, at any depth; trainParams fills in
 * the rest with the defaults. */
export type TrainParamsInput = DeepPartial<TrainConfig>;

export interface TrainInput {
  base: ModelRef;
  sft: TrainingRecord[];
  preference: TrainingRecord[];
  /** The `train` config section (defaults applied); absent fields fall back to the defaults. */
  params?: TrainParamsInput;
  /** Where the new model (and the backend's files) go. */
  outDir: string;
  progress?: Progress;
  /** Write the plan and files, run nothing. */
  dryRun?: boolean;
  runId?: string;
  /** The round the produced model is the candidate of. */
  round?: number;
  /** Seed of the training run (batch order, sampling): same seed, same model. */
  seed?: number;
  /** The produced model's registry id (default: `producedId`, `<backend>:<run>:round-<n>`). A manual
   * train into another folder passes its own, so it never re-points the cycle's model of that round. */
  id?: string;
}

/** What a backend would run (trl, command). */
export interface TrainPlan {
  files: string[];
  /** `shell`: argv[0] is a whole shell command line (the command backend's template), not a word. */
  commands: {
    argv: string[];
    env?: Record<string, string>;
    cwd?: string;
    shell?: boolean;
    /** The folder the command writes its model into (trl: a step's output_dir, a merge's target). */
    produces?: string;
  }[];
}

export interface TrainOutput {
  model: ModelRef;
  log: unknown[];
  plan?: TrainPlan;
  /** True when nothing ran (dry run): the model is what would be produced. */
  dryRun?: boolean;
}

export interface Trainer {
  id: string;
  train(input: TrainInput): Promise<TrainOutput>;
}

export interface TrainerContext {
  store?: Store;
  target?: (nameOrSpec: string) => Target;
  /** Where a training command runs, so that its relative paths (`python train.py …`) mean what they
   * mean in the config: the config file's folder (default: the current directory). */
  baseDir?: string;
}
