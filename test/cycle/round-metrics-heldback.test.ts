// A round's flat metrics (cycle/metrics.ts roundMetrics): the held-back ASR is the held-back split's
// jailbreak figure, never the attack split's, and the error share is over every part of the round.
import { describe, expect, it } from 'vitest';
import { roundMetrics } from '../../src/cycle/metrics.js';

describe('roundMetrics', () => {
  it('reads the held-back ASR from the held-back split; the error share over bench, red team and retest', () => {
    const m = roundMetrics(
      {
        main: { asr: 0.3, samples: 100, sample_errors: 2 },
        heldback: { asr: 0.1, samples: 50, sample_errors: 1 },
      },
      { attempts: 40, success: 4, failure: 33, error: 2, undetermined: 1, asr: 4 / 37 },
      { total: 0, new: 0, fixed: 0, regressed: 0 },
      { vulnerabilities: 3, attempts: 10, success: 1, failure: 8, error: 1, undetermined: 0, asr: 1 / 9 },
    );
    expect(m.heldback_asr).toBe(0.1);
    // (2 + 1 + 2 + 1) errors of (100 + 50 + 40 + 10) samples = 6 of 200.
    expect(m).toMatchObject({ error_rate: 0.03, samples: 200, sample_errors: 6 });
  });
});
