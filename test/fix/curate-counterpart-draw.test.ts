// How many counterparts curate draws and which look-alikes come first (fix/curate, step 3): the
// ratios are rounded to the nearest record, and a vulnerability's benign look-alikes are of its own
// category first (homonyms of the harm it teaches to refuse), then of others. curate.test.ts's ratios
// gave whole numbers and its pools were checked by language and wrapper only. A look-alike drawn
// from another category keeps its own category (the vulnerability's is the safety records').
import { describe, expect, it } from 'vitest';
import { builtinSeeds, selectSeeds } from '../../src/break/index.js';
import { createRng } from '../../src/core/index.js';
import { curate, identifyVulnerabilities } from '../../src/fix/index.js';
import { offlineJudges } from '../helpers/offline-judges.js';
import { attemptFor } from './helpers.js';

const seeds = builtinSeeds();
const judges = offlineJudges();

const [harm] = selectSeeds({ kind: 'harmful', split: 'train', language: 'en', category: 'violent_crimes' });
const attempts = [attemptFor(harm, { outcome: 'success', runId: 'run_draw', id: 'att-draw' })];
const vulnerabilities = identifyVulnerabilities({ attempts, round: 0 });

const run = (config: { benignRatio: number; helpfulRatio: number }) =>
  curate({
    round: 0,
    runId: 'run_draw',
    vulnerabilities,
    attempts,
    seeds,
    heldOut: { texts: [] },
    config: { ...config, syntheticPerVulnerability: 0, overRefusalProbe: 0, validationFraction: 0 },
    judges: { refusal: judges.refusal, attack: judges.attack },
    rng: createRng(3),
  });

const count = (out: Awaited<ReturnType<typeof run>>, purpose: string) =>
  out.sft.filter((r) => r.purpose === purpose).length;

describe('curate: counterparts drawn', () => {
  it('rounds the helpful ratio to the nearest record: 1.4 × 1 safety record is 1 helpful record', async () => {
    const out = await run({ benignRatio: 0, helpfulRatio: 1.4 });
    expect([count(out, 'safety'), count(out, 'helpful')]).toEqual([1, 1]);
    expect(out.stats.shortfall).toBeUndefined();
    // (and 1.6 × 1 is 2)
    const more = await run({ benignRatio: 0, helpfulRatio: 1.6 });
    expect([count(more, 'safety'), count(more, 'helpful')]).toEqual([1, 2]);
  });

  it("draws a vulnerability's benign look-alikes from its own category first", async () => {
    // 34 train-split English violent_crimes look-alikes: benignRatio 2 × 1 safety record wants 2,
    // and both come from them, though 38 English train-split look-alikes of other categories exist.
    const out = await run({ benignRatio: 2, helpfulRatio: 0 });
    const benign = out.sft.filter((r) => r.purpose === 'benign');
    expect(benign.map((r) => r.category)).toEqual(['violent_crimes', 'violent_crimes']);
  });

  it("labels a look-alike from another category with its own category, not the vulnerability's", async () => {
    // elections has 1 train-split English look-alike: benignRatio 3 × 1 safety record wants 3, so 2
    // come from other categories, and each record says the category of the seed it was made from.
    const [vote] = selectSeeds({ kind: 'harmful', split: 'train', language: 'en', category: 'elections' });
    const voteAttempts = [attemptFor(vote, { outcome: 'success', runId: 'run_draw' })];
    const out = await curate({
      round: 0,
      runId: 'run_draw',
      vulnerabilities: identifyVulnerabilities({ attempts: voteAttempts, round: 0 }),
      attempts: voteAttempts,
      seeds,
      heldOut: { texts: [] },
      config: { benignRatio: 3, helpfulRatio: 0, syntheticPerVulnerability: 0, overRefusalProbe: 0 },
      judges: { refusal: judges.refusal, attack: judges.attack },
      rng: createRng(3),
    });
    const benign = out.sft.filter((r) => r.purpose === 'benign');
    const seedCategory = (id: string | undefined) => seeds.find((s) => s.id === id)?.category;
    expect(benign).toHaveLength(3);
    expect(benign.map((r) => r.category)).toEqual(benign.map((r) => seedCategory(r.provenance.seedId)));
    expect(benign.filter((r) => r.category === 'elections')).toHaveLength(1);
  });
});
