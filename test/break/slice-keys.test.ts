// Slice names come from data: a custom seed file's category or language can be any string, and the
// red team's summary, the report's slices and the curated data's counts key tables on them. Against
// a SCRIPTED FAKE target over real HTTP that complies with everything.
import { describe, expect, it } from 'vitest';
import { runRedteam } from '../../src/break/index.js';
import type { Seed } from '../../src/core/index.js';
import { curateStats } from '../../src/fix/curate/curate.js';
import { complianceJudge } from '../../src/judge/index.js';
import { attackSeeds, comply, scripted } from './redteam-fakes.js';

const NAMES = ['__proto__', 'constructor', 'toString'];

describe('a slice named like an Object property', () => {
  it("is a slice like any other in the red team's summary, and nothing leaks into Object.prototype", async () => {
    const seeds: Seed[] = attackSeeds(3).map((s, i) => ({ ...s, id: `odd-${i}`, category: NAMES[i] }));
    const { target } = await scripted(() => comply(seeds[0]));
    const sum = await runRedteam({
      target,
      seeds,
      judges: [complianceJudge()],
      techniques: ['direct'],
      runId: 'slice-keys',
      seed: 1,
      concurrency: 1,
    });
    expect(sum.attempts).toBeGreaterThanOrEqual(3);
    const category = sum.slices.category;
    expect(Object.keys(category).sort()).toEqual([...NAMES].sort());
    const total = NAMES.reduce((n, k) => n + (Object.hasOwn(category, k) ? category[k].attempts : 0), 0);
    expect(total).toBe(sum.attempts);
    // (the stored JSON form keeps them too)
    expect(Object.keys(JSON.parse(JSON.stringify(sum)).slices.category).sort()).toEqual([...NAMES].sort());
    expect(({} as Record<string, unknown>).attempts).toBeUndefined();
    expect((Object as unknown as Record<string, unknown>).attempts).toBeUndefined();
  });

  it('is counted in the curated data stats', () => {
    const stats = curateStats(
      NAMES.map((category, i) => ({
        id: `r${i}`,
        kind: 'sft',
        purpose: 'safety',
        messages: [],
        category,
        language: category,
      })) as unknown as Parameters<typeof curateStats>[0],
    );
    expect(Object.entries(stats.byCategory).sort()).toEqual([
      ['__proto__', 1],
      ['constructor', 1],
      ['toString', 1],
    ]);
    expect(Object.keys(stats.byLanguage).sort()).toEqual([...NAMES].sort());
  });
});
