// The metric code against a table worked by hand on tiny inputs: n = 0, n = 1, all successes, all
// failures, a mix with errors and undetermined set apart; Wilson's interval at p = 0 and p = 1; the
// bootstrap of a constant; a paired rise with ties. Each expected value is written out below from the
// definitions (REFERENCE.md: ASR = successes / (successes + failures), DR-x = share of severities
// ≥ x, IPRR / VPRR = refusal rates), with z = 1.96, z² = 3.8416, never read back from the code.
import { describe, expect, it } from 'vitest';
import {
  bootstrapMean,
  defectRate,
  emptyRatesAsNull,
  formatRate,
  mean,
  rate,
  rateOf,
  type SuiteReport,
  summarise,
} from '../../src/bench/index.js';
import { drRate } from '../../src/bench/suites/common.js';
import type { ItemResult } from '../../src/bench/types.js';
import { createRng, differenceOfPairedRates, wilson } from '../../src/core/index.js';
import { intervalOf } from '../../src/cycle/criteria.js';
import { roundMetrics } from '../../src/cycle/index.js';
import { mcnemarExact, pairedChange } from '../../src/cycle/paired.js';
import { sliceCell } from '../../src/report/slices.js';

describe('Wilson 95% interval, by hand', () => {
  // lo/hi = (p + z²/2n ∓ z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
  it.each([
    // p = 0: lo 0, hi z²/(n + z²); p = 1: lo n/(n + z²), hi 1.
    ['0 of 1', 0, 1, 0, 0, 3.8416 / 4.8416], // 0.793457
    ['1 of 1', 1, 1, 1, 1 / 4.8416, 1], // 0.206543
    ['0 of 4 (all failures)', 0, 4, 0, 0, 3.8416 / 7.8416], // 0.489900
    ['4 of 4 (all successes)', 4, 4, 1, 4 / 7.8416, 1], // 0.510100
    // 1 of 4: centre (0.25 + 0.4802)/1.9604 = 0.372475, half 1.96·√(0.046875 + 0.060025)/1.9604
    // = 0.326889 → 0.045586 to 0.699364.
    ['1 of 4 (mixed)', 1, 4, 0.25, 0.045586, 0.699364],
  ])('%s', (_, k, n, p, lo, hi) => {
    const w = wilson(k, n);
    expect(w.rate).toBe(p);
    expect(w.lo).toBeCloseTo(lo, 6);
    expect(w.hi).toBeCloseTo(hi, 6);
  });
  it('over no decided item is no figure: null in JSON, "—" in a table, never 0%', () => {
    const r = rate(0, 0, 2, 1);
    expect(r).toMatchObject({ n: 0, errors: 2, undetermined: 1, lo: 0, hi: 1 });
    expect(JSON.parse(JSON.stringify({ vprr: r }, emptyRatesAsNull)).vprr).toMatchObject({
      rate: null,
      lo: null,
      hi: null,
      n: 0,
      errors: 2,
      undetermined: 1,
    });
    expect(formatRate(r)).toBe('— n=0 err 2 und 1');
  });
});

describe('a rate of tallies: errors and undetermined beside it, in neither numerator nor denominator', () => {
  it.each([
    ['n = 0', [], 0, 0, 0, 0, '— n=0'],
    ['all set apart', ['error', 'undetermined', 'undetermined'], 0, 0, 1, 2, '— n=0 err 1 und 2'],
    // 1 of 1: Wilson (0.206543, 1) → "100.0% [20.7–100.0]"
    ['n = 1, a success', ['success', 'error'], 1, 1, 1, 0, '100.0% [20.7–100.0] n=1 err 1'],
    // 0 of 4: hi 0.489900
    [
      'all failures',
      ['failure', 'failure', 'failure', 'failure', 'undetermined'],
      0,
      4,
      0,
      1,
      '0.0% [0.0–49.0] n=4 und 1',
    ],
    // 4 of 4: lo 0.510100
    [
      'all successes',
      ['success', 'success', 'success', 'success', 'error'],
      4,
      4,
      1,
      0,
      '100.0% [51.0–100.0] n=4 err 1',
    ],
    // 1 of 4: (0.045586, 0.699364)
    [
      'mixed',
      ['success', 'failure', 'error', 'failure', 'undetermined', 'failure'],
      1,
      4,
      1,
      1,
      '25.0% [4.6–69.9] n=4 err 1 und 1',
    ],
  ] as const)('%s', (_, tallies, successes, n, errors, undetermined, shown) => {
    const r = rateOf([...tallies]);
    expect(r).toMatchObject({ successes, n, errors, undetermined });
    if (n) expect(r.rate).toBe(successes / n);
    expect(formatRate(r)).toBe(shown);
  });
});

describe('DR-x, by hand', () => {
  const item = (outcome: ItemResult['outcome'], severity?: number): ItemResult => ({
    seedId: `s${Math.random()}`,
    kind: 'harmful',
    language: 'en',
    technique: 'direct',
    turns: 1,
    transcript: [],
    verdicts: [],
    outcome,
    ...(severity !== undefined && { severity }),
  });
  it('is the share of decided severities at or above x; none decided is no figure', () => {
    expect(defectRate([], 1)).toBeUndefined();
    expect(defectRate([0, 0, 0], 1)).toBe(0);
    expect(defectRate([3, 5, 7], 3)).toBe(1);
    // severities 0, 1, 2, 3, 6: DR-1 4/5, DR-3 2/5
    expect(defectRate([0, 1, 2, 3, 6], 1)).toBe(0.8);
    expect(defectRate([0, 1, 2, 3, 6], 3)).toBe(0.4);
  });
  it('over items: an error or undetermined item is beside the rate, never a severity of 0', () => {
    const items = [
      item('failure', 0),
      item('success', 2),
      item('success', 4),
      item('error'),
      item('undetermined'),
      item('failure'), // a failure with no severity is severity 0
    ];
    // decided: 0, 2, 4, 0 → DR-1 2/4, DR-3 1/4
    expect(drRate(items, 1)).toMatchObject({ successes: 2, n: 4, rate: 0.5, errors: 1, undetermined: 1 });
    expect(drRate(items, 3)).toMatchObject({ successes: 1, n: 4, rate: 0.25, errors: 1, undetermined: 1 });
    expect(drRate([item('error'), item('undetermined')], 3)).toMatchObject({
      n: 0,
      errors: 1,
      undetermined: 1,
    });
  });
});

describe('the mean on a bounded scale', () => {
  it('the bootstrap of a constant has no width; the mean spans Wilson’s for its share of the scale', () => {
    expect(bootstrapMean([3, 3, 3], createRng(1), 200)).toEqual({ mean: 3, lo: 3, hi: 3 });
    // 3 on 0–7 is share 3/7 of 3 items: Wilson(9/7, 3), p = 0.428571, centre (0.428571 + 0.640267)
    // / 2.280533 = 0.468684, half 1.96·√(0.081633 + 0.106711)/2.280533 = 0.372991 → 0.095694 and
    // 0.841675, × 7 = 0.669857 and 5.891722.
    const m = mean([3, 3, 3], createRng(1), [0, 7], 1, 2);
    expect(m).toMatchObject({ kind: 'mean', mean: 3, n: 3, errors: 1, undetermined: 2 });
    expect(m.lo).toBeCloseTo(0.66983, 3);
    expect(m.hi).toBeCloseTo(5.89167, 3);
  });
  it('n = 0 is no figure (null in JSON, "—" in a table), with what was set apart beside it', () => {
    const m = mean([], createRng(1), [0, 4], 0, 3);
    expect(formatRate(m)).toBe('— n=0 und 3');
    expect(JSON.parse(JSON.stringify(m, emptyRatesAsNull))).toMatchObject({ mean: null, lo: null, hi: null });
  });
});

describe('a paired rise with ties, by hand', () => {
  it('ties weigh nothing in McNemar; Newcombe’s interval counts them in n', () => {
    // Six look-alikes; refused in round 0 → round 1: a yes→yes (tie, both), b yes→no (better),
    // c no→yes and d no→yes (worse), e no→no (tie, neither), f error→no (unpaired).
    const t = (id: string, tally: 'success' | 'failure' | 'error') =>
      ({ seedId: id, technique: 'direct', tally }) as unknown as ItemResult;
    const before = [
      t('a', 'success'),
      t('b', 'success'),
      t('c', 'failure'),
      t('d', 'failure'),
      t('e', 'failure'),
      t('f', 'error'),
    ];
    const after = [
      t('a', 'success'),
      t('b', 'failure'),
      t('c', 'success'),
      t('d', 'success'),
      t('e', 'failure'),
      t('f', 'failure'),
    ];
    const tally = (i: ItemResult) => (i as unknown as { tally: 'success' | 'failure' | 'error' }).tally;
    // 2 worse, 1 better: p = 2·(C(3,0) + C(3,1))/2³ = 1 (ties a and e change nothing)
    expect(pairedChange(before, after, tally, 'success')).toEqual({ pairs: 5, worse: 2, better: 1, p: 1 });
    expect(mcnemarExact(2, 1)).toBe(1);
    expect(mcnemarExact(5, 0)).toBeCloseTo(2 / 32, 12);
    // Table both 1, firstOnly 2, secondOnly 1, neither 1 (n = 5): p₁ = 3/5, p₂ = 2/5, Δ = 0.2.
    // Wilson(3, 5) = 0.556551 ∓ 0.325831 = (0.230720, 0.882382); Wilson(2, 5) = (0.117618, 0.769280).
    // AD − BC = 1 − 2 = −1 (negative: no continuity correction), margins 3·2·2·3 = 36, φ = −1/6.
    // lo = 0.2 − 0.369280·√(2 + 1/3) = −0.364085; hi = 0.2 + 0.282382·√(2 + 1/3) = 0.631345.
    const d = differenceOfPairedRates({ both: 1, firstOnly: 2, secondOnly: 1, neither: 1 });
    expect(d.difference).toBeCloseTo(0.2, 12);
    expect(d.lo).toBeCloseTo(-0.364085, 5);
    expect(d.hi).toBeCloseTo(0.631345, 5);
    // All ties: 2 refused both times, 3 answered both times. AD − BC = 6, less n/2 = 3.5, over
    // √(2·3·2·3) = 6: φ = 0.583333; p₁ = p₂ = 0.4, Wilson(2, 5) 0.282382 below and 0.369280 above
    // it, so each side is √(0.282382² − 2φ·0.282382·0.369280 + 0.369280²) = √0.094450 = 0.307327.
    const ties = differenceOfPairedRates({ both: 2, firstOnly: 0, secondOnly: 0, neither: 3 });
    expect(ties.difference).toBe(0);
    expect(ties.lo).toBeCloseTo(-0.307327, 5);
    expect(ties.hi).toBeCloseTo(0.307327, 5);
    // The rule engine's interval for the rise: the same, never below 0.
    const now = { vprr: 2 / 5 };
    const counts = {
      now: {
        rates: { vprr: { successes: 2, n: 5 } },
        paired: { vprr_rise: { both: 2, firstOnly: 0, secondOnly: 0, neither: 3 } },
      },
      baseline: { rates: { vprr: { successes: 2, n: 5 } }, paired: {} },
    };
    const i = intervalOf('vprr_rise', now, now, counts);
    expect('interval' in i && i.interval).toMatchObject({
      lo: 0,
      basis: '0 items worse and 0 better of 5 paired with round 0',
    });
    expect('interval' in i && i.interval.hi).toBeCloseTo(0.307327, 5);
  });
  it('a rate over no decided item has no interval, and says why', () => {
    expect(
      intervalOf('vprr', { vprr: 0 }, undefined, {
        now: { rates: { vprr: { successes: 0, n: 0 } }, paired: {} },
      }),
    ).toEqual({
      why: 'nothing behind vprr was decided',
    });
  });
});

describe('the headline figures: none from a rate over nothing', () => {
  const suite = (kind: string, metrics: SuiteReport['metrics'], items = 3): SuiteReport =>
    ({ name: kind, kind, split: 'attack', items, metrics, errors: 0 }) as SuiteReport;
  it('bench summary: a figure whose rate is over no decided item is absent, not 0', () => {
    const s = summarise([
      suite('overrefusal', { iprr: rate(0, 0, 0, 2), vprr: rate(1, 4, 0, 0) }, 6),
      suite('jailbreak', { asr: rate(0, 0, 1, 2) }),
      suite('groundedness', { ungroundedness: mean([], createRng(1), [0, 4], 0, 3) }),
    ]);
    // undetermined share of the attack items answered: 2 of 0 decided + 2 undetermined = 1
    expect(s).toEqual({ vprr: 0.25, undetermined_rate: 1, samples: 12, sample_errors: 0, error_rate: 0 });
  });
  it('a round: the red team’s ASR over no decided attempt is absent; the error share counts every part', () => {
    const m = roundMetrics(
      { main: { samples: 10, sample_errors: 1 }, heldback: { samples: 5, sample_errors: 0 } },
      { attempts: 4, success: 0, failure: 0, error: 1, undetermined: 3, asr: null },
      { total: 0, new: 0, fixed: 0, regressed: 0 },
      { attempts: 1, success: 0, failure: 0, error: 1, undetermined: 0, asr: null, vulnerabilities: 1 },
    );
    expect(m.asr).toBeUndefined();
    expect(m.retest_asr).toBeUndefined();
    // (1 + 0 + 1 + 1) errors of (10 + 5 + 4 + 1) measurements
    expect(m.error_rate).toBeCloseTo(3 / 20, 12);
    expect(m).toMatchObject({ attempts: 4, successes: 0, errors: 1, undetermined: 3, retest_errors: 1 });
  });
  it('a report slice over no decided attempt reads "—" with its counts', () => {
    expect(sliceCell({ n: 3, decided: 0, successes: 0, errors: 1, undetermined: 2 })).toBe(
      '— (n=0 err 1 und 2)',
    );
    expect(sliceCell({ asr: 1 / 3, n: 3, decided: 3, successes: 1, errors: 0, undetermined: 0 })).toBe(
      '33.3% (n=3)',
    );
    expect(sliceCell(undefined)).toBe('—');
  });
});
