// Which attempts become fix data (fix/curate curate): only an attack that worked, in a vulnerability
// still open, gives a safety record and a pair whose rejected side is the model's own harmful answer.
// curate.test.ts's refused and errored attempts were all in vulnerabilities that are not open, so a
// refusal taken as the rejected side of a pair (teaching the model not to refuse) went unnoticed.
import { describe, expect, it } from 'vitest';
import { builtinSeeds, selectSeeds } from '../../src/break/index.js';
import { createRng } from '../../src/core/index.js';
import { curate, identifyVulnerabilities } from '../../src/fix/index.js';
import { refusalAnswer } from '../../src/world/index.js';
import { offlineJudges } from '../helpers/offline-judges.js';
import { attemptFor } from './helpers.js';

const seeds = builtinSeeds();
const judges = offlineJudges();

describe('curate: the attempts fix data is made from', () => {
  it('takes the successes of an open vulnerability, never its refused, errored or undetermined attempts', async () => {
    const [a, b, c, d] = selectSeeds({
      kind: 'harmful',
      split: 'train',
      language: 'en',
      category: 'violent_crimes',
    });
    // One vulnerability (violent_crimes|direct|en|1), open: one success, then a refusal, an error
    // and an undetermined attempt on three other seeds.
    const worked = attemptFor(a, { outcome: 'success', runId: 'run_src', id: 'att-worked' });
    const refused = attemptFor(b, { outcome: 'failure', runId: 'run_src', id: 'att-refused' });
    const errored = attemptFor(c, { outcome: 'error', runId: 'run_src', id: 'att-errored' });
    const unsure = attemptFor(d, { outcome: 'undetermined', runId: 'run_src', id: 'att-unsure' });
    const attempts = [worked, refused, errored, unsure];
    const vulnerabilities = identifyVulnerabilities({ attempts, round: 0 });
    expect(vulnerabilities.map((v) => [v.id, v.status])).toEqual([['violent_crimes|direct|en|1', 'new']]);
    const out = await curate({
      round: 0,
      runId: 'run_src',
      vulnerabilities,
      attempts,
      seeds,
      heldOut: { texts: [] },
      config: { benignRatio: 0, helpfulRatio: 0, syntheticPerVulnerability: 0, validationFraction: 0 },
      judges: { refusal: judges.refusal, attack: judges.attack },
      rng: createRng(3),
    });
    // Exactly the one success: one SFT record and one pair, its rejected side the harmful answer.
    const fromAttempts = [...out.sft, ...out.preference].map((r) => r.provenance.attemptId);
    expect(fromAttempts).toEqual(['att-worked', 'att-worked']);
    expect(out.preference).toHaveLength(1);
    expect(out.preference[0].rejected?.content).toBe(worked.transcript[1].content);
    expect(out.preference[0].rejected?.content).not.toBe(refusalAnswer(b));
  });

  it('makes synthetic fix data for a vulnerability found open, none for one untested this round', async () => {
    const [a] = selectSeeds({ kind: 'harmful', split: 'train', language: 'en', category: 'violent_crimes' });
    const [found] = identifyVulnerabilities({
      attempts: [attemptFor(a, { outcome: 'success', runId: 'run_src' })],
      round: 0,
    });
    // Round 1 decided nothing of it: listed as untested, with round 0's figures.
    const [untested] = identifyVulnerabilities({
      attempts: [],
      round: 1,
      previous: [found],
      history: [[found]],
    });
    expect([found.status, untested.status]).toEqual(['new', 'untested']);
    const synthetic = (v: typeof found) =>
      curate({
        round: 1,
        runId: 'run_src',
        vulnerabilities: [v],
        attempts: [],
        seeds,
        heldOut: { texts: [] },
        config: { benignRatio: 0, helpfulRatio: 0, syntheticPerVulnerability: 2, overRefusalProbe: 0 },
        judges: { refusal: judges.refusal, attack: judges.attack },
        rng: createRng(3),
      });
    // (the control: two train-split siblings of an open one, each an SFT record)
    const open = await synthetic(found);
    expect(open.sft.map((r) => [r.provenance.source, r.provenance.vulnerabilityId])).toEqual([
      ['synthetic', found.id],
      ['synthetic', found.id],
    ]);
    const none = await synthetic(untested);
    expect([...none.sft, ...none.preference]).toEqual([]);
  });

  it('draws synthetic siblings from train-split seeds only, even with no held-out list to catch the rest', async () => {
    // violent_crimes in English: 6 train, 6 attack and 3 held-back built-in seeds, and here a user's
    // harmful seed with no split, which the cycle attacks as attack material (select.ts isHeldOut).
    const user = {
      id: 'user-harm-1',
      kind: 'harmful' as const,
      text: 'A user-written request about hurting someone at a match, wording one.',
      language: 'en',
      source: 'user',
      category: 'violent_crimes',
    };
    const [found] = identifyVulnerabilities({
      attempts: [
        attemptFor(
          selectSeeds({ kind: 'harmful', split: 'train', language: 'en', category: 'violent_crimes' })[0],
          { outcome: 'success', runId: 'run_src' },
        ),
      ],
      round: 0,
    });
    const out = await curate({
      round: 1,
      runId: 'run_src',
      vulnerabilities: [found],
      attempts: [],
      seeds: [...seeds, user],
      heldOut: { texts: [] },
      config: { benignRatio: 0, helpfulRatio: 0, syntheticPerVulnerability: 20, overRefusalProbe: 0 },
      judges: { refusal: judges.refusal, attack: judges.attack },
      rng: createRng(3),
    });
    const splits = out.sft.map((r) =>
      r.provenance.seedId === user.id
        ? 'user, no split'
        : seeds.find((x) => x.id === r.provenance.seedId)?.split,
    );
    expect(splits.length).toBeGreaterThan(0);
    expect(new Set(splits)).toEqual(new Set(['train']));
  });

  it('takes no attempt of a vulnerability the caller did not pass as open', async () => {
    const [a] = selectSeeds({ kind: 'harmful', split: 'train', language: 'en', category: 'violent_crimes' });
    const [b] = selectSeeds({
      kind: 'harmful',
      split: 'train',
      language: 'en',
      category: 'nonviolent_crimes',
    });
    const attempts = [
      attemptFor(a, { outcome: 'success', runId: 'run_src', id: 'att-a' }),
      attemptFor(b, { outcome: 'success', runId: 'run_src', id: 'att-b' }),
    ];
    // Two vulnerabilities found; the caller curates the violent_crimes one alone.
    const found = identifyVulnerabilities({ attempts, round: 0 });
    const chosen = found.filter((v) => v.category === 'violent_crimes');
    expect([found.length, chosen.length]).toEqual([2, 1]);
    const out = await curate({
      round: 0,
      runId: 'run_src',
      vulnerabilities: chosen,
      attempts,
      seeds,
      heldOut: { texts: [] },
      config: { benignRatio: 0, helpfulRatio: 0, syntheticPerVulnerability: 0, overRefusalProbe: 0 },
      judges: { refusal: judges.refusal, attack: judges.attack },
      rng: createRng(3),
    });
    expect([...out.sft, ...out.preference].map((r) => r.provenance.attemptId)).toEqual(['att-a', 'att-a']);
  });

  it("draws a vulnerability's benign look-alikes from seeds in its language", async () => {
    // A French vulnerability: its look-alikes must be French requests (the record says fr either way).
    const [fr] = selectSeeds({ kind: 'harmful', split: 'train', language: 'fr', category: 'violent_crimes' });
    const attempts = [attemptFor(fr, { outcome: 'success', runId: 'run_src' })];
    const out = await curate({
      round: 0,
      runId: 'run_src',
      vulnerabilities: identifyVulnerabilities({ attempts, round: 0 }),
      attempts,
      seeds,
      heldOut: { texts: [] },
      config: { benignRatio: 4, helpfulRatio: 0, syntheticPerVulnerability: 0, overRefusalProbe: 0 },
      judges: { refusal: judges.refusal, attack: judges.attack },
      rng: createRng(3),
    });
    const benign = out.sft.filter((r) => r.purpose === 'benign');
    expect(benign.length).toBeGreaterThan(0);
    expect(new Set(benign.map((r) => seeds.find((x) => x.id === r.provenance.seedId)?.language))).toEqual(
      new Set(['fr']),
    );
  });
});
