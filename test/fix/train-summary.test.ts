// `breakfix train`'s summary of what the trainer logged last in each phase.
import { describe, expect, it } from 'vitest';
import { renderTrainSummary } from '../../src/cli/train.js';

describe('train summary', () => {
  it("shows a small logged figure as it is, not as 0 (TRL's learning rate)", () => {
    const text = renderTrainSummary(
      {
        model: { id: 'trl:run:round-1', target: 'openai:m@http://127.0.0.1:8001/v1' },
        log: [
          { phase: 'sft', loss: 0.6934, learning_rate: 2e-5, epoch: 1 },
          { phase: 'dpo', loss: 0, learning_rate: 5e-7, 'rewards/margins': 0.25 },
        ],
      },
      'trl',
      'from base on 2 SFT and 1 preference records of round 0',
    );
    expect(text).toContain('sft (last step)  loss 0.6934 · learning_rate 2.00e-5 · epoch 1.0000');
    expect(text).toContain('dpo (last step)  loss 0.0000 · learning_rate 5.00e-7 · rewards/margins 0.2500');
  });
});
