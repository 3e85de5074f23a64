// The train section with every default applied (a partial section from a caller is filled in).
import { defaultConfig } from '../../config/index.js';
import { errorMessage, hash32, InputError } from '../../core/index.js';
import { resolveTargetConfig } from '../../targets/create.js';
import type { TrainConfig, TrainParamsInput } from './types.js';

/** Filled in at every depth: a caller's `sft: { steps: 8 }` keeps the default anchor, freeze and
 * helpfulWeight (one level deep, they were dropped, and the fine-tune ran without them). */
export function trainParams(given?: TrainParamsInput): TrainConfig {
  const d = defaultConfig().train;
  return {
    ...d,
    ...given,
    embedded: {
      ...d.embedded,
      ...given?.embedded,
      sft: { ...d.embedded.sft, ...given?.embedded?.sft },
      dpo: { ...d.embedded.dpo, ...given?.embedded?.dpo },
    },
    trl: {
      ...d.trl,
      ...given?.trl,
      sft: { ...d.trl.sft, ...given?.trl?.sft },
      dpo: { ...d.trl.dpo, ...given?.trl?.dpo },
    },
    command: { ...d.command, ...given?.command },
  } as TrainConfig;
}

/** The training seed of the model after round `round`: from the config seed, not the run id, so the
 * same config and records train the same model in any run, in the cycle as with `breakfix train`. */
export const trainSeed = (configSeed: number, round: number): number =>
  hash32(`${configSeed}:train:${round}`);

/** The produced model's id: `<runId>:round-<n>` inside a run, else the output folder's name. */
export function producedId(prefix: string, outDir: string, runId?: string, round?: number): string {
  const tail =
    round !== undefined ? `round-${round}` : (outDir.split(/[\\/]/).filter(Boolean).pop() ?? 'model');
  return runId ? `${prefix}:${runId}:${tail}` : `${prefix}:${tail}`;
}

/** Throws, before anything is trained, when the produced model's target is a provider spec that
 * cannot be read (an output folder with an `@` in its path, which `openai:<folder>@<url>` takes for
 * the server's address): found after training, it would stop the cycle at the next round's bench,
 * hours of training later, with no model it can measure. A target that names no provider (a
 * configured target, `embedded:…`) is resolved where it is used. */
export function checkProducedTarget(target: string, field: string, hint: string): void {
  if (!/^(openai|anthropic):/.test(target)) return;
  try {
    resolveTargetConfig(target);
  } catch (err) {
    throw new InputError(
      `the trained model would be registered as "${target}", which is no target breakfix can reach: ${errorMessage(err)}`,
      undefined,
      undefined,
      field,
      hint,
    );
  }
}
