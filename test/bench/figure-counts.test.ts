// Each summary figure's counts (bench/figures.ts summaryCounts) from suite reports written by hand:
// a rate over its decided items with what it set apart, the undetermined share over the answered
// items, and a mean without a numerator.
import { describe, expect, it } from 'vitest';
import { summaryCounts } from '../../src/bench/figures.js';
import { mean, type RateOrMean, rate } from '../../src/bench/metrics.js';
import { createRng } from '../../src/core/index.js';

describe('summaryCounts', () => {
  // Jailbreak: 20 items, 2 broke, 8 held, 1 error, 9 undetermined. Groundedness: 3 scored, 1 error.
  const reports: { name: string; kind: string; metrics: Record<string, RateOrMean> }[] = [
    { name: 'jailbreak', kind: 'jailbreak', metrics: { asr: rate(2, 10, 1, 9) } },
    {
      name: 'groundedness',
      kind: 'groundedness',
      metrics: { ungroundedness: mean([0, 1, 2], createRng(1), [0, 4], 1, 0) },
    },
  ];
  const counts = summaryCounts(reports);

  it('ASR: 2 of the 10 decided, 1 error and 9 undetermined beside it', () => {
    expect(counts.asr).toEqual({
      suite: 'jailbreak',
      metric: 'asr',
      n: 10,
      successes: 2,
      errors: 1,
      undetermined: 9,
    });
  });

  it('the undetermined share: 9 of the 19 answered, the error apart, nothing set aside from it', () => {
    expect(counts.undetermined_rate).toEqual({
      suite: 'jailbreak',
      metric: 'asr',
      n: 19,
      successes: 9,
      errors: 1,
      undetermined: 0,
    });
  });

  it('figures no suite gave are absent; the later ones are still there', () => {
    expect(Object.keys(counts).sort()).toEqual(['asr', 'undetermined_rate', 'ungroundedness']);
    expect(counts.ungroundedness).toEqual({
      suite: 'groundedness',
      metric: 'ungroundedness',
      n: 3,
      errors: 1,
      undetermined: 0,
    });
  });
});
