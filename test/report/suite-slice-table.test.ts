// A benchmark suite's slice table across rounds (report/suites.ts suiteSliceTables): a round without
// a slice shows '—' (not measured), never a figure such as 0. No test had a slice in one round only.
import { describe, expect, it } from 'vitest';
import { suiteSliceTables } from '../../src/report/suites.js';

const rate = (successes: number, n: number) => ({
  kind: 'rate',
  rate: successes / n,
  lo: 0,
  hi: 1,
  successes,
  n,
  errors: 0,
  undetermined: 0,
});

describe('suite slice tables', () => {
  it("show '—' for a round that has no such slice", () => {
    const round = (n: number, byType: Record<string, unknown>) => ({
      round: n,
      bench: [{ suite: 'overrefusal', model: 'm', metrics: { slices: { vprr_by_type: byType } } }],
    });
    // Round 0 measured homonyms and figurative look-alikes; round 1 homonyms only.
    const [table] = suiteSliceTables(
      [round(0, { homonym: rate(1, 4), figurative: rate(0, 4) }), round(1, { homonym: rate(0, 4) })],
      'overrefusal',
    );
    expect(table.title).toBe('vprr by type');
    expect(table.rows.map((r) => r.slice)).toEqual(['figurative', 'homonym']);
    expect(table.rows[0].cells[1]).toBe('—');
    expect(table.rows[1].cells.every((c) => c !== '—')).toBe(true);
  });
});
