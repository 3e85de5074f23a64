// The split a round's headline figures were read from (cycle/paired.ts headlineSplit): the counts
// behind them and the report's cards are read from the same one.
import { describe, expect, it } from 'vitest';
import { headlineSplit } from '../../src/cycle/paired.js';

const rows = (...splits: (string | undefined)[]) => splits.map((split) => ({ metrics: { split } }));

describe('headlineSplit', () => {
  it('the one split a run stored (bench --split heldback), else attack', () => {
    expect(headlineSplit(rows('heldback', 'heldback'))).toBe('heldback');
    // A cycle round, and bench --split all, store the attack split and the held-back one: the
    // headline is the attack's.
    expect(headlineSplit(rows('attack', 'heldback'))).toBe('attack');
    expect(headlineSplit(rows('heldback', 'attack'))).toBe('attack');
    // Rows stored without a split, or none at all.
    expect(headlineSplit(rows(undefined))).toBe('attack');
    expect(headlineSplit([])).toBe('attack');
  });
});
