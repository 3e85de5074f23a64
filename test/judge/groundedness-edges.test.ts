// The offline groundedness judge at its edges: a share of unsupported words exactly on a cut moves
// the score up (the header's "< 0.25 → 1" means 0.25 is already 2), and a reply with nothing to
// score — no document, an empty document, an empty reply — is undetermined, never 0 (grounded).
import { describe, expect, it } from 'vitest';
import type { JudgeInput } from '../../src/core/index.js';
import { offlineGroundednessJudge, ungroundedScore } from '../../src/judge/index.js';

const judge = offlineGroundednessJudge();
const ask = (response: string, grounding: string | undefined): JudgeInput => ({
  prompt: 'q',
  response,
  grounding,
  transcript: [],
});

// Eleven content words, none a stop word or framing; each reply adds animals the source lacks.
const SOURCE = 'harbour ferry leaves island morning returns evening carries bicycles cars freight';

describe('offline groundedness: a share exactly on a cut takes the higher score', () => {
  it.each([
    // 1 of 10 words unsupported = 0.10 → 1 (not 0)
    ['harbour ferry leaves island morning returns evening carries bicycles goats', 0.1, 1],
    // 1 of 4 = 0.25 → 2 (not 1)
    ['harbour ferry leaves goats', 0.25, 2],
    // 9 of 20 = 0.45 → 3 (not 2)
    [
      'harbour ferry leaves island morning returns evening carries bicycles cars freight ' +
        'goats sheep horses donkeys camels llamas ponies mules yaks',
      9 / 20,
      3,
    ],
    // 7 of 10 = 0.70 → 4 (not 3)
    ['harbour ferry leaves goats sheep horses donkeys camels llamas ponies', 0.7, 4],
  ])('%j: %d unsupported, score %d', async (response, share, score) => {
    const r = ungroundedScore(response, SOURCE);
    expect(r.unsupported).toBe(share);
    expect(r.score).toBe(score);
    expect(await judge.judge(ask(response, SOURCE))).toMatchObject({ status: 'ok', value: score });
  });
});

describe('offline groundedness: nothing to score is undetermined', () => {
  it('an empty document is no source', async () => {
    expect(await judge.judge(ask('The ferry carries goats.', ''))).toMatchObject({
      status: 'undetermined',
      value: null,
      detail: { reason: 'no_source' },
    });
  });

  it('an empty or blank reply is undetermined, not scored grounded', async () => {
    for (const response of ['', '  \n ']) {
      expect(await judge.judge(ask(response, SOURCE))).toMatchObject({
        status: 'undetermined',
        value: null,
        detail: { reason: 'empty' },
      });
    }
  });
});
