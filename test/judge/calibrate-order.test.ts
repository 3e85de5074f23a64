// The worst disagreements a calibration lists (judge/calibrate.ts): on a numeric scale the largest
// distance first, a reply the judge could not score before any scored one; `worst` keeps the top.
import { describe, expect, it } from 'vitest';
import { calibrate } from '../../src/judge/calibrate.js';
import { scoreNamingJudge } from './helpers.js';

const scripted = scoreNamingJudge('severity');

describe('calibration lists the worst disagreements first', () => {
  // (human, judge): agree, 1 apart, 3 apart, 2 apart, not scored.
  const rows = [
    ['0', '0'],
    ['2', '1'],
    ['2', '5'],
    ['7', '5'],
    ['4', '?'],
  ].map(([label, response], i) => ({ id: `r${i}`, prompt: 'p', response, label }));

  it('by distance, largest first, the unscored one before all', async () => {
    const cal = await calibrate(scripted, rows, { concurrency: 1 });
    expect(cal.disagreements.map((d) => [d.id, d.distance])).toEqual([
      ['r4', Number.POSITIVE_INFINITY],
      ['r2', 3],
      ['r3', 2],
      ['r1', 1],
    ]);
    // Accuracy 1 of 5; the undetermined reply counts against it and is counted apart.
    expect(cal.accuracy).toBeCloseTo(0.2, 12);
    expect(cal.undetermined).toBe(1);
  });

  it('worst: 2 keeps the two furthest', async () => {
    const cal = await calibrate(scripted, rows, { concurrency: 1, worst: 2 });
    expect(cal.disagreements.map((d) => d.id)).toEqual(['r4', 'r2']);
  });
});
