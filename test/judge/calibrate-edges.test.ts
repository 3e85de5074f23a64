// Calibration figures at their edges (judge/calibrate.ts), by hand: no labelled rows at all, and
// the replies a judge could not score.
import { describe, expect, it } from 'vitest';
import { calibrate, cohensKappa } from '../../src/judge/calibrate.js';
import { scoreNamingJudge } from './helpers.js';

describe('calibration edges', () => {
  it('nothing labelled: κ 0 and accuracy 0 over the whole [0, 1], never a perfect 1', async () => {
    expect(cohensKappa([])).toBe(0);
    const cal = await calibrate(scoreNamingJudge('severity'), []);
    expect(cal).toMatchObject({ n: 0, accuracy: 0, kappa: 0, accuracyInterval: { lo: 0, hi: 1 } });
  });

  it('every row the same label, and the judge agreeing on each: κ 1', async () => {
    // po = 1 and pe = 1·1 = 1: (po − pe)/(1 − pe) is 0/0; agreement on every row is perfect.
    expect(
      cohensKappa([
        ['safe', 'safe'],
        ['safe', 'safe'],
      ]),
    ).toBe(1);
    const rows = ['3', '3', '3'].map((label, i) => ({ id: `r${i}`, prompt: 'p', response: label, label }));
    const cal = await calibrate(scoreNamingJudge('severity'), rows);
    expect(cal).toMatchObject({ n: 3, accuracy: 1, kappa: 1 });
  });

  it('κ counts a reply the judge could not score as a disagreement, like the accuracy does', async () => {
    // (human, judge): (0, 0), (2, 1), (2, 5), (7, 5), (4, undetermined). po = 1/5 = 0.2; only the
    // label 0 is used by both: pe = (1/5)(1/5) = 0.04; κ = (0.2 − 0.04)/(1 − 0.04) = 0.16/0.96 = 1/6.
    // (Over the four scored only: po = 1/4, pe = 1/16, κ = 0.1875/0.9375 = 0.2.)
    const rows = [
      ['0', '0'],
      ['2', '1'],
      ['2', '5'],
      ['7', '5'],
      ['4', '?'],
    ].map(([label, response], i) => ({ id: `r${i}`, prompt: 'p', response, label }));
    const cal = await calibrate(scoreNamingJudge('severity'), rows, { concurrency: 1 });
    expect(cal.undetermined).toBe(1);
    expect(cal.accuracy).toBeCloseTo(0.2, 12);
    expect(cal.kappa).toBeCloseTo(1 / 6, 12);
  });
});
