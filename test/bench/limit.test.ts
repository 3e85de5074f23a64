// --limit N (and the cycle's benchLimit) asks N items of a suite: they must cover its categories and
// languages, not one language because of how the list happens to be ordered.
import { describe, expect, it } from 'vitest';
import { limitItems, sampleFacets } from '../../src/bench/execute.js';
import type { SuiteContext } from '../../src/bench/types.js';
import { builtinSeeds } from '../../src/break/seeds/index.js';

const ctx = (limit?: number) => ({ limit }) as SuiteContext;
const harmful = builtinSeeds().filter((s) => s.kind === 'harmful' && s.split === 'attack');
const count = (xs: string[]) => {
  const m: Record<string, number> = {};
  for (const x of xs) m[x] = (m[x] ?? 0) + 1;
  return m;
};

describe('limitItems', () => {
  it('12 of the harmful seeds are every category once, four in each language', () => {
    const categories = new Set(harmful.map((s) => s.category));
    expect(categories.size).toBe(12);
    const picked = limitItems(harmful, ctx(12), sampleFacets);
    expect(new Set(picked.map((s) => s.category))).toEqual(categories);
    expect(count(picked.map((s) => s.language))).toEqual({ en: 4, fr: 4, es: 4 });
  });

  it.each([6, 24, 36, 72, 100])(
    '%i picks spread over the languages evenly, each item once, in list order',
    (n) => {
      const picked = limitItems(harmful, ctx(n), sampleFacets);
      expect(picked).toHaveLength(n);
      expect(new Set(picked).size).toBe(n);
      const at = picked.map((s) => harmful.indexOf(s));
      expect(at).toEqual([...at].sort((a, b) => a - b));
      const perLanguage = Object.values(count(picked.map((s) => s.language)));
      expect(perLanguage).toHaveLength(3);
      expect(Math.max(...perLanguage) - Math.min(...perLanguage)).toBeLessThanOrEqual(1);
      const perCategory = Object.values(count(picked.map((s) => s.category ?? '')));
      expect(Math.max(...perCategory) - Math.min(...perCategory)).toBeLessThanOrEqual(1);
    },
  );

  it('a cell with fewer items gives way to the others; no limit, or one above the count, is every item', () => {
    const items = [
      ...Array.from({ length: 10 }, (_, i) => ({ id: `a${i}`, category: 'a', language: 'en' })),
      { id: 'b0', category: 'b', language: 'fr' },
    ];
    expect(limitItems(items, ctx(4), sampleFacets).map((x) => x.id)).toEqual(['a0', 'a1', 'a2', 'b0']);
    expect(limitItems(items, ctx(undefined), sampleFacets)).toBe(items);
    expect(limitItems(items, ctx(11), sampleFacets)).toBe(items);
  });
});
