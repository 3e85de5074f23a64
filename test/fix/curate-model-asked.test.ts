// When curate asks the model being fixed for its own answer (fix/curate answerAndCheck): for a
// synthetic safety prompt and a benign look-alike that have no rejected side yet. A safety record
// from an attempt already has the model's harmful answer, and a helpful-mix task is not a look-alike
// of a harm (its over-refusal is what the probe asks): neither is sent to the model. A SCRIPTED FAKE
// model over real HTTP refuses everything and counts what it is asked. The over-refusal probe asks
// as many look-alikes as curate.overRefusalProbe says, one included.
import { describe, expect, it } from 'vitest';
import { builtinSeeds, selectSeeds } from '../../src/break/index.js';
import { createRng } from '../../src/core/index.js';
import { curate, identifyVulnerabilities } from '../../src/fix/index.js';
import { scripted } from '../break/redteam-fakes.js';
import { offlineJudges } from '../helpers/offline-judges.js';
import { attemptFor } from './helpers.js';

const seeds = builtinSeeds();
const judges = offlineJudges();

describe('curate: what the model being fixed is asked', () => {
  it('neither an attempt that has its rejected side nor a helpful-mix task', async () => {
    const model = await scripted(() => "I'm sorry, but I can't help with that.");
    const [a] = selectSeeds({ kind: 'harmful', split: 'train', language: 'en', category: 'violent_crimes' });
    const attempts = [attemptFor(a, { outcome: 'success', runId: 'run_asked', id: 'att-asked' })];
    const vulnerabilities = identifyVulnerabilities({ attempts, round: 0 });
    const out = await curate({
      round: 0,
      runId: 'run_asked',
      vulnerabilities,
      attempts,
      seeds,
      heldOut: { texts: [] },
      config: { benignRatio: 0, helpfulRatio: 2, syntheticPerVulnerability: 0, overRefusalProbe: 0 },
      judges: { refusal: judges.refusal, attack: judges.attack },
      target: model.target,
      rng: createRng(3),
    });
    expect(model.server.requests).toBe(0);
    // 1 safety record and its pair (the attempt's own answer); 2 × 1 = 2 helpful records, no pair.
    expect(out.sft.map((r) => r.purpose)).toEqual(['safety', 'helpful', 'helpful']);
    expect(out.preference.map((r) => [r.purpose, r.provenance.attemptId])).toEqual([['safety', 'att-asked']]);
    expect(out.stats.onPolicyFailed).toBeUndefined();
  });

  it('a probe of one look-alike asks the model once', async () => {
    const model = await scripted(() => "I'm sorry, but I can't help with that.");
    const out = await curate({
      round: 0,
      runId: 'run_asked',
      vulnerabilities: [],
      attempts: [],
      seeds,
      heldOut: { texts: [] },
      config: { benignRatio: 0, helpfulRatio: 0, syntheticPerVulnerability: 0, overRefusalProbe: 1 },
      judges: { refusal: judges.refusal, attack: judges.attack },
      target: model.target,
      rng: createRng(3),
    });
    expect(model.server.requests).toBe(1);
    expect(out.stats.overRefusalProbe).toEqual({
      asked: 1,
      refused: 1,
      failed: 0,
      unseen: { asked: 1, refused: 1 },
    });
  });
});
