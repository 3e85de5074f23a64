// Rule engine edges (cycle/criteria.ts) the mutants2 audit found no test for: a change since round 0
// with round 0's figure missing, and a metric whose own name ends in _upper or _lower.
import { describe, expect, it } from 'vitest';
import { evaluateCriteria, parseRules } from '../../src/cycle/criteria.js';

describe('criteria edges', () => {
  it('a change since round 0 when round 0 did not measure the figure is unmeasured, and fails', () => {
    // Round 0 has no helpfulness and no VPRR: neither change can be computed. Read as 0 instead, the
    // helpfulness drop would be max(0, 0 − 0.9) = 0 (a pass) and the VPRR rise 0.1 − 0 = 0.1.
    const r = evaluateCriteria({ helpfulnessDrop: 0.05, vprrRise: 0.5 }, { helpfulness: 0.9, vprr: 0.1 }, {});
    expect(r.met).toBe(false);
    expect(r.checks.map((c) => [c.name, c.value, c.pass, c.message])).toEqual([
      ['vprr_rise', null, false, 'vprr_rise was not measured (in this round or in round 0)'],
      ['helpfulness_drop', null, false, 'helpfulness_drop was not measured (in this round or in round 0)'],
    ]);
  });

  it('a known metric whose name ends in _upper is that metric, not an end of another', () => {
    expect(parseRules('score_upper>1', ['score', 'score_upper'])).toEqual([
      { metric: 'score_upper', op: '>', threshold: 1 },
    ]);
    // Not a known name: the end of `score`'s interval.
    expect(parseRules('score_lower<0.5', ['score'])).toEqual([
      { metric: 'score', op: '<', threshold: 0.5, bound: 'lower' },
    ]);
  });
});
