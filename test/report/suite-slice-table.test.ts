// A benchmark suite's slice table across rounds (report/suites.ts suiteSliceTables): a round without
// a slice shows '—' (not measured), never a figure such as 0 (no test had a slice in one round only);
// a stored slice family none of whose figures can be read (suiteSliceCells) is left out of the report:
// no table with a heading and no rows (every test's families had a readable figure).
import { describe, expect, it } from 'vitest';
import { suiteSliceCells, suiteSliceTables } from '../../src/report/suites.js';

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

describe('suite slices none of whose figures can be read', () => {
  it('are left out', () => {
    const metrics = {
      slices: {
        vprr_by_type: { homonym: 'not a figure', figurative: { kind: 'rate' } },
        vprr_by_language: { en: rate(1, 4) },
      },
    };
    expect(suiteSliceCells(metrics).map((s) => s.title)).toEqual(['vprr by language']);
    const tables = suiteSliceTables(
      [{ round: 0, bench: [{ suite: 'overrefusal', model: 'm', metrics }] }],
      'overrefusal',
    );
    expect(tables.map((t) => [t.title, t.rows.map((r) => r.slice)])).toEqual([['vprr by language', ['en']]]);
  });
});
