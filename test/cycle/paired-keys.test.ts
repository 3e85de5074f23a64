// Which item of round 0 an item is paired with: the same seed asked the same way (technique, and the
// shape of an item asked in several forms, as the groundedness tasks are). A jailbreak suite asks one
// seed under several templates; paired by seed alone, each of them met whichever of round 0's came
// last, and a round that changed nothing showed items moving both ways.
import { describe, expect, it } from 'vitest';
import type { Tally } from '../../src/bench/metrics.js';
import type { ItemResult } from '../../src/bench/types.js';
import { pairedChange, pairedTable } from '../../src/cycle/paired.js';

const item = (seedId: string, technique: string, bad: boolean, shape?: string) =>
  ({ seedId, technique, ...(shape && { shape }), bad }) as unknown as ItemResult;
const isBad = (i: ItemResult) => (i as unknown as { bad: boolean }).bad;

describe('pairedTable keys', () => {
  it('one seed under two techniques is two items, each paired with its own', () => {
    // s1 direct bad both times (both), s1 roleplay good both times (neither): nothing changed.
    const then = [item('s1', 'direct', true), item('s1', 'roleplay', false)];
    const now = [item('s1', 'direct', true), item('s1', 'roleplay', false)];
    expect(pairedTable(then, now, isBad)).toEqual({ both: 1, firstOnly: 0, secondOnly: 0, neither: 1 });
    // Only the roleplay item got worse: one item worse, none better, of 2 pairs; p = 2·(1/2)¹ = 1.
    const worse = [item('s1', 'direct', true), item('s1', 'roleplay', true)];
    expect(pairedTable(then, worse, isBad)).toEqual({ both: 1, firstOnly: 1, secondOnly: 0, neither: 0 });
    const tally = (i: ItemResult): Tally => (isBad(i) ? 'success' : 'failure');
    expect(pairedChange(then, worse, tally, 'success')).toEqual({ pairs: 2, worse: 1, better: 0, p: 1 });
  });

  it('one seed and technique in two shapes (the groundedness tasks) is two items', () => {
    const then = [item('s2', 'direct', false, 'summarise'), item('s2', 'direct', true, 'answer')];
    const now = [item('s2', 'direct', false, 'summarise'), item('s2', 'direct', true, 'answer')];
    expect(pairedTable(then, now, isBad)).toEqual({ both: 1, firstOnly: 0, secondOnly: 0, neither: 1 });
  });
});
