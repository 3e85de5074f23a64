// A success whose transcript holds no request before the model's answer (a stored attempt that starts
// with the assistant turn) gives no safety record: a record with an empty prompt teaches an answer to
// nothing, and its pair a refusal of nothing (export drops a lone assistant message for the same reason).
import { describe, expect, it } from 'vitest';
import { builtinSeeds, selectSeeds } from '../../src/break/index.js';
import { createRng } from '../../src/core/index.js';
import { curate, identifyVulnerabilities } from '../../src/fix/index.js';
import { offlineJudges } from '../helpers/offline-judges.js';
import { attemptFor } from './helpers.js';

const seeds = builtinSeeds();
const judges = offlineJudges();

describe('curate: an attempt with no request', () => {
  it('makes no record of a success whose only turn is the answer', async () => {
    const [a, b] = selectSeeds({
      kind: 'harmful',
      split: 'train',
      language: 'en',
      category: 'violent_crimes',
    });
    const whole = attemptFor(a, { outcome: 'success', runId: 'run_noreq', id: 'att-whole' });
    const cut = attemptFor(b, { outcome: 'success', runId: 'run_noreq', id: 'att-cut' });
    // The request dropped: the answer is turn 0.
    cut.transcript = cut.transcript.filter((m) => m.role === 'assistant');
    const attempts = [whole, cut];
    const vulnerabilities = identifyVulnerabilities({ attempts, round: 0 });
    expect(vulnerabilities.map((v) => v.id)).toEqual(['violent_crimes|direct|en|1']);
    const out = await curate({
      round: 0,
      runId: 'run_noreq',
      vulnerabilities,
      attempts,
      seeds,
      heldOut: { texts: [] },
      config: { benignRatio: 0, helpfulRatio: 0, syntheticPerVulnerability: 0, overRefusalProbe: 0 },
      judges: { refusal: judges.refusal, attack: judges.attack },
      rng: createRng(3),
    });
    // The whole attempt alone: one SFT record and one pair, both with its request.
    expect([...out.sft, ...out.preference].map((r) => r.provenance.attemptId)).toEqual([
      'att-whole',
      'att-whole',
    ]);
    expect(out.sft[0].messages?.[0]).toEqual({ role: 'user', content: a.text });
  });
});
