// A stored slice family none of whose figures can be read (report/suites.ts suiteSliceCells) is left
// out of the report: no table with a heading and no rows. Every test's families had a readable figure.
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
