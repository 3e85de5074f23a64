// Picks the trainer backend named by the config (or an explicit choice).
import { InputError } from '../../core/index.js';
import { createCommandTrainer } from './command.js';
import { createEmbeddedTrainer } from './embedded.js';
import { createTrlTrainer } from './trl.js';
import type { Trainer, TrainerContext, TrainParamsInput } from './types.js';

export const TRAINER_BACKENDS = ['embedded', 'trl', 'command'] as const;

export function createTrainer(
  config: { train?: TrainParamsInput } | undefined,
  ctx: TrainerContext = {},
  backend?: string,
): Trainer {
  const which = backend ?? config?.train?.backend ?? 'embedded';
  switch (which) {
    case 'embedded':
      return createEmbeddedTrainer(ctx);
    case 'trl':
      return createTrlTrainer(ctx);
    case 'command':
      return createCommandTrainer(ctx);
    default:
      throw new InputError(
        `unknown trainer backend "${which}" (known: ${TRAINER_BACKENDS.join(', ')})`,
        undefined,
        undefined,
        'train.backend',
      );
  }
}
