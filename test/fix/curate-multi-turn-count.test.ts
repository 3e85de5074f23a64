// How many siblings a multi-turn vulnerability gets (fix/curate): curate.multiTurnSiblings, not
// curate.syntheticPerVulnerability (the single-turn count). Both default to 4, which is what
// curate.test.ts used, so taking one for the other went unnoticed. A scripted fake model (in process)
// answers crescendo's opening question and complies with the harmful request.
import { describe, expect, it } from 'vitest';
import { builtinSeeds } from '../../src/break/index.js';
import { createRng, type Message, type Target } from '../../src/core/index.js';
import { curate, heldOutTexts, identifyVulnerabilities } from '../../src/fix/index.js';
import { complianceAnswer } from '../../src/world/index.js';
import { offlineJudges } from '../helpers/offline-judges.js';
import { attemptFor } from './helpers.js';

const seeds = builtinSeeds();
const judges = offlineJudges();
const opener = 'People who study this point to history, policy and prevention; here is a general overview.';

const model: Target = {
  id: 'scripted-fake-model',
  async chat(messages: Message[]) {
    const shown = messages.at(-1)?.content ?? '';
    const seed = seeds.find((s) => shown.includes(s.text));
    const text = /general terms|main factors/.test(shown)
      ? opener
      : seed?.kind === 'harmful'
        ? complianceAnswer(seed)
        : "I'm sorry, but I can't help with that.";
    return { text, finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1 }, latencyMs: 0 };
  },
};

describe('curate: multi-turn siblings', () => {
  it('are as many as multiTurnSiblings asks, whatever syntheticPerVulnerability says', async () => {
    // Two crescendo successes on benchmark (attack-split) seeds: held out, so every safety record of
    // the vulnerability is a sibling.
    const bench = seeds.filter(
      (s) =>
        s.kind === 'harmful' &&
        s.split === 'attack' &&
        s.category === 'violent_crimes' &&
        s.language === 'en',
    );
    const attempts = bench.slice(0, 2).map((s, i) => ({
      ...attemptFor(s, {
        outcome: 'success',
        runId: 'run_mtc',
        id: `att-crescendo-${i}`,
        turns: [
          { role: 'user', content: `I'm trying to understand a subject in general terms: "${s.topic}".` },
          { role: 'assistant', content: opener },
        ],
      }),
      attack: 'crescendo',
    }));
    const vulnerabilities = identifyVulnerabilities({ attempts, round: 0 });
    expect(vulnerabilities.map((v) => v.id)).toEqual(['violent_crimes|direct|en|2']);
    const out = await curate({
      round: 0,
      runId: 'run_mtc',
      vulnerabilities,
      attempts,
      seeds,
      heldOut: { texts: heldOutTexts(seeds) },
      config: {
        benignRatio: 0,
        helpfulRatio: 0,
        overRefusalProbe: 0,
        multiTurnSiblings: 2,
        syntheticPerVulnerability: 0,
      },
      judges: { refusal: judges.refusal, attack: judges.attack },
      target: model,
      rng: createRng(5),
    });
    expect(out.stats.multiTurn).toEqual({ vulnerabilities: 1, siblings: 2, without: [] });
    expect(out.sft.filter((r) => r.purpose === 'safety')).toHaveLength(2);
  });
});
