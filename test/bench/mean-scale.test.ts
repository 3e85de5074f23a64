// The mean of scores on a scale that does not start at 0 (bench/metrics.ts `mean`, e.g. a 1–5 or a
// jailbreak 1–10 rating): Wilson's interval is of the mean's share of the scale, (mean − min) /
// (max − min), mapped back onto it. The built-in suites' scales start at 0, where reading the share
// as mean / max, or mapping back without adding min, gave the same figures.
import { describe, expect, it } from 'vitest';
import { mean } from '../../src/bench/metrics.js';
import { createRng } from '../../src/core/index.js';

describe('mean on a scale from 1 to 5', () => {
  it('one score of 3: share 0.5 of 1, Wilson (0.05462, 0.94538), 1.21848 to 4.78152 on the scale', () => {
    // Wilson(0.5, 1): centre (0.5 + 1.9208)/4.8416 = 0.5, half 1.96·√(0.25 + 0.9604)/4.8416 = 0.44538.
    const m = mean([3], createRng(1), [1, 5]);
    expect(m).toMatchObject({ kind: 'mean', mean: 3, n: 1 });
    expect(m.lo).toBeCloseTo(1.21848, 4);
    expect(m.hi).toBeCloseTo(4.78152, 4);
  });

  it('four scores of 3: share 2 of 4, Wilson 0.5 ∓ 0.34996, 1.60014 to 4.39986 on the scale', () => {
    const m = mean([3, 3, 3, 3], createRng(1), [1, 5]);
    expect(m.lo).toBeCloseTo(1.60014, 4);
    expect(m.hi).toBeCloseTo(4.39986, 4);
  });
});
