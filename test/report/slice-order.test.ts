// The order of a report's slice rows (report/slices.ts sliceRows): by name, numbers as numbers, so
// 2 turns come before 10. No test had a slice name of two digits.
import { describe, expect, it } from 'vitest';
import type { ReportData } from '../../src/report/data.js';
import { sliceRows } from '../../src/report/slices.js';

describe('slice rows', () => {
  it('are sorted by name with numbers in numeric order', () => {
    const slice = { asr: 0.5, decided: 2, successes: 1, errors: 0, undetermined: 0 };
    const data = { rounds: [{ byTurns: { '10': slice, '2': slice, '1': slice } }] } as unknown as ReportData;
    expect(sliceRows(data, 'byTurns').map((r) => r.slice)).toEqual(['1', '2', '10']);
  });
});
