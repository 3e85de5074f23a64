// Property-based tests (fast-check) of the converters and the metrics. test/break/converters.test.ts
// already checks that the invertible converters round-trip on their documented domains; here every
// converter and random chains of them meet arbitrary unicode (lone surrogates, controls, RTL, emoji,
// empty), and the metrics meet arbitrary counts and outcome lists.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bootstrapMean,
  defectRate,
  rate,
  rateOf,
  sliceRates,
  type Tally,
  wilson,
} from '../../src/bench/index.js';
import { applyChain, CONVERTERS } from '../../src/break/converters/index.js';
import { createRng } from '../../src/core/index.js';
import { writeFigures } from './helpers.js';

const RUNS = 200;
const ran: Record<string, number> = {};
function prop<T extends [unknown, ...unknown[]]>(
  name: string,
  p: fc.IProperty<T> | fc.IAsyncProperty<T>,
  runs = RUNS,
) {
  // Counted only once the property held: the figure file must not credit a failed property.
  return Promise.resolve(fc.assert(p as fc.IAsyncProperty<T>, { numRuns: runs })).then(() => {
    ran[name] = runs;
  });
}

/** Arbitrary unicode, including lone surrogates, controls, combining marks, RTL and emoji. */
const anyUnicode = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({
    unit: fc.constantFrom(
      '\u0000',
      '\u200b',
      '\u202e',
      '\ud800',
      '\udfff',
      'é',
      '\u0301',
      '🧨',
      'ß',
      'İ',
      'ﬁ',
      '\n',
      ' ',
      'a',
      'Z',
      '9',
      '?',
    ),
    maxLength: 40,
  }),
);

describe('properties: converters', () => {
  it(`every converter (${CONVERTERS.length}) returns a string on arbitrary unicode, the same one for the same seed`, async () => {
    await prop(
      'converters: total and deterministic on arbitrary unicode',
      fc.asyncProperty(
        anyUnicode,
        fc.integer(),
        fc.constantFrom('en', 'fr', 'es', 'de', undefined),
        async (text, seed, language) => {
          for (const c of CONVERTERS) {
            const a = await c.apply(text, { rng: createRng(seed), language });
            const b = await c.apply(text, { rng: createRng(seed), language });
            expect(typeof a, c.id).toBe('string');
            expect(a, c.id).toBe(b);
          }
        },
      ),
    );
  });

  it('chains of up to 4 converters are deterministic for a seed and never throw', async () => {
    const ids = CONVERTERS.map((c) => c.id);
    await prop(
      'converter chains: deterministic, total',
      fc.asyncProperty(
        fc.array(fc.constantFrom(...ids), { minLength: 1, maxLength: 4 }),
        anyUnicode,
        fc.integer(),
        async (chain, text, seed) => {
          const a = await applyChain(chain, text, { rng: createRng(seed) });
          expect(await applyChain(chain, text, { rng: createRng(seed) })).toBe(a);
        },
      ),
    );
  });

  it('invertible converters invert whatever the seed (well-formed text)', async () => {
    const invertible = CONVERTERS.filter(
      (c) =>
        c.invert &&
        ['base64', 'rot13', 'reverse', 'hex', 'binary', 'url_encode', 'atbash', 'caesar'].includes(c.id),
    );
    expect(invertible.length).toBe(8);
    await prop(
      'invertible converters: invert(apply(x)) = x',
      fc.asyncProperty(
        anyUnicode.filter((s) => s.isWellFormed()),
        fc.integer(),
        async (text, seed) => {
          for (const c of invertible)
            expect(c.invert?.((await c.apply(text, { rng: createRng(seed) })) as string), c.id).toBe(text);
        },
      ),
    );
  });
});

describe('properties: metrics', () => {
  const counts = fc
    .integer({ min: 0, max: 1_000_000 })
    .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));

  it('the Wilson interval contains the point estimate and stays in [0, 1]', () => {
    prop(
      'wilson: lo ≤ p ≤ hi within [0,1]',
      fc.property(counts, fc.constantFrom(1.645, 1.96, 2.576), ([s, n], z) => {
        const w = wilson(s, n, z);
        expect(w.lo).toBeGreaterThanOrEqual(0);
        expect(w.hi).toBeLessThanOrEqual(1);
        expect(w.lo).toBeLessThanOrEqual(w.rate);
        expect(w.rate).toBeLessThanOrEqual(w.hi);
        if (n > 0) expect(w.rate).toBe(s / n);
        else expect(w).toEqual({ rate: 0, lo: 0, hi: 1 });
      }),
      1000,
    );
  });

  it('a wider z gives a wider interval; more samples at the same rate give a narrower one', () => {
    prop(
      'wilson: monotone in z and n',
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 2, max: 50 }),
        (n, pct, k) => {
          const s = Math.round((pct / 100) * n);
          const narrow = wilson(s, n, 1.645);
          const wide = wilson(s, n, 2.576);
          expect(wide.hi - wide.lo).toBeGreaterThanOrEqual(narrow.hi - narrow.lo - 1e-12);
          const big = wilson(s * k, n * k);
          const small = wilson(s, n);
          expect(big.hi - big.lo).toBeLessThanOrEqual(small.hi - small.lo + 1e-12);
        },
      ),
    );
  });

  const tallies = fc.array(fc.constantFrom<Tally>('success', 'failure', 'error', 'undetermined'), {
    maxLength: 300,
  });

  it('a rate counts only decided outcomes; errors and undetermined are beside it; counts add up', () => {
    prop(
      'rateOf: decided only, counts add up',
      fc.property(tallies, (ts) => {
        const r = rateOf(ts);
        const c = (k: Tally) => ts.filter((t) => t === k).length;
        expect(r.successes).toBe(c('success'));
        expect(r.n).toBe(c('success') + c('failure'));
        expect(r.errors).toBe(c('error'));
        expect(r.undetermined).toBe(c('undetermined'));
        expect(r.n + r.errors + r.undetermined).toBe(ts.length);
        // Adding errors or undetermined never moves the rate.
        const more = rateOf([...ts, 'error', 'undetermined', 'error']);
        expect(more.rate).toBe(r.rate);
        expect([more.lo, more.hi]).toEqual([r.lo, r.hi]);
        expect(r).toEqual(rate(c('success'), r.n, c('error'), c('undetermined')));
      }),
    );
  });

  it('slices partition the items: per dimension, the slice counts add up to the whole', () => {
    const item = fc.record({
      t: fc.constantFrom<Tally>('success', 'failure', 'error', 'undetermined'),
      cat: fc.option(fc.constantFrom('cyber', 'weapons', 'self_harm', '<svg onload=x>'), { nil: undefined }),
      lang: fc.constantFrom('en', 'fr', 'zh'),
    });
    prop(
      'sliceRates: counts add up per dimension',
      fc.property(fc.array(item, { maxLength: 200 }), (items) => {
        const slices = sliceRates(items, { category: (i) => i.cat, language: (i) => i.lang }, (i) => i.t);
        const whole = rateOf(items.map((i) => i.t));
        for (const dim of ['category', 'language']) {
          const rs = Object.values(slices[dim]);
          expect(rs.reduce((a, r) => a + r.n, 0)).toBe(whole.n);
          expect(rs.reduce((a, r) => a + r.successes, 0)).toBe(whole.successes);
          expect(rs.reduce((a, r) => a + r.errors, 0)).toBe(whole.errors);
          expect(rs.reduce((a, r) => a + r.undetermined, 0)).toBe(whole.undetermined);
        }
      }),
    );
  });

  it('DR-x is a share in [0, 1] that never rises with x', () => {
    prop(
      'defectRate: in [0,1], non-increasing in x',
      fc.property(fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 200 }), (sev) => {
        if (!sev.length) {
          expect(defectRate(sev, 3)).toBeUndefined();
          return;
        }
        let last = 1;
        for (let x = 0; x <= 8; x++) {
          const d = defectRate(sev, x) ?? Number.NaN;
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(last);
          last = d;
        }
        expect(defectRate(sev, 0)).toBe(1);
      }),
    );
  });

  it('the bootstrap interval lies within the sample range and is the same for the same seed', () => {
    prop(
      'bootstrapMean: within [min,max], lo ≤ hi, deterministic',
      fc.property(
        fc.array(fc.double({ min: 0, max: 4, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.integer(),
        (vals, seed) => {
          const a = bootstrapMean(vals, createRng(seed), 200);
          const b = bootstrapMean(vals, createRng(seed), 200);
          expect(a).toEqual(b);
          const lo = Math.min(...vals);
          const hi = Math.max(...vals);
          expect(a.lo).toBeLessThanOrEqual(a.hi);
          expect(a.lo).toBeGreaterThanOrEqual(lo - 1e-9);
          expect(a.hi).toBeLessThanOrEqual(hi + 1e-9);
          expect(a.mean).toBeGreaterThanOrEqual(lo - 1e-9);
          expect(a.mean).toBeLessThanOrEqual(hi + 1e-9);
        },
      ),
    );
  });
});

afterAll(() => {
  writeFigures('props-converters-metrics', {
    converters: CONVERTERS.length,
    properties: Object.keys(ran).length,
    runs: Object.values(ran).reduce((a, b) => a + b, 0),
    byProperty: ran,
  });
});
