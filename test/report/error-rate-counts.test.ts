// What the error share is over, beside it (report/counts.ts cardCounts): its numerator of all the
// samples, "3 of 1267", not of the samples that did not fail.
import { describe, expect, it } from 'vitest';
import { cardCounts } from '../../src/report/counts.js';

describe('cardCounts for error_rate', () => {
  it('"errors of samples" as stored; nothing where the counts were not stored', () => {
    const round = {
      figures: {},
      bench: [],
      retestOutcomes: { success: 0, failure: 0, error: 0, undetermined: 0 },
    };
    expect(cardCounts({ ...round, rawMetrics: { samples: 1267, sample_errors: 3 } }, 'error_rate')).toBe(
      '3 of 1267',
    );
    expect(cardCounts({ ...round, rawMetrics: { error_rate: 0.01 } }, 'error_rate')).toBeUndefined();
  });
});
