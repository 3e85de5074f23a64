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
});
