// Four edges of curate (fix/curate) no test reached: a teacher's blank answer, a held-out seed hidden
// by an encoding, a probe reply the refusal judge could not judge, and the helpful mix's language.
import { describe, expect, it } from 'vitest';
import { builtinSeeds, selectSeeds } from '../../src/break/index.js';
import { createRng, type Judge, type Message, type Target } from '../../src/core/index.js';
import { curate, identifyVulnerabilities } from '../../src/fix/index.js';
import { lastUser, scripted } from '../break/redteam-fakes.js';
import { offlineJudges } from '../helpers/offline-judges.js';
import { attemptFor } from './helpers.js';

const seeds = builtinSeeds();
const judges = offlineJudges();

const base = {
  round: 0,
  runId: 'run_edges',
  seeds,
  heldOut: { texts: [] as string[] },
  judges: { refusal: judges.refusal, attack: judges.attack },
  rng: createRng(3),
};
const none = { benignRatio: 0, helpfulRatio: 0, syntheticPerVulnerability: 0, overRefusalProbe: 0 };
const [harm] = selectSeeds({ kind: 'harmful', split: 'train', language: 'en', category: 'violent_crimes' });

describe('curate: edges', () => {
  it("drops a teacher's blank answer as empty, and makes no record of it", async () => {
    // A scripted fake teacher (in process) that answers with spaces and a newline.
    const blank: Target = {
      id: 'scripted-fake-blank-teacher',
      async chat() {
        return {
          text: '  \n ',
          finishReason: 'stop',
          usage: { promptTokens: 1, completionTokens: 1 },
          latencyMs: 0,
        };
      },
    };
    const attempts = [attemptFor(harm, { outcome: 'success', runId: 'run_edges' })];
    const vulnerabilities = identifyVulnerabilities({ attempts, round: 0 });
    const out = await curate({ ...base, vulnerabilities, attempts, teacher: blank, config: none });
    expect([...out.sft, ...out.preference]).toEqual([]);
    expect(out.dropped.map((d) => [d.reason, d.detail])).toEqual([['failed_check', 'empty answer']]);
    expect(out.stats.noSafeAnswer).toEqual({
      vulnerabilities: [vulnerabilities[0].id],
      reason: 'empty answer',
    });
  });

  it('drops a sibling whose seed is held out even when its encoding hides the words', async () => {
    const pool = selectSeeds({ kind: 'harmful', split: 'train', language: 'en', category: 'violent_crimes' });
    const attempts = [
      attemptFor(harm, {
        outcome: 'success',
        runId: 'run_edges',
        techniques: ['base64'],
        prompt: Buffer.from(harm.text).toString('base64'),
      }),
    ];
    const vulnerabilities = identifyVulnerabilities({ attempts, round: 0 });
    // Every other train-split seed of the pool held out (a benchmark copied them, say).
    const heldOut = pool.filter((s) => s.id !== harm.id).map((s) => s.text);
    const out = await curate({
      ...base,
      vulnerabilities,
      attempts,
      heldOut: { texts: heldOut },
      config: { ...none, syntheticPerVulnerability: 3 },
    });
    // Only the attempt's own seed is curated (its own record; its sibling is the same request).
    expect(new Set([...out.sft, ...out.preference].map((r) => r.provenance.seedId))).toEqual(
      new Set([harm.id]),
    );
    const contaminated = out.dropped.filter((d) => d.reason === 'contaminated');
    expect(contaminated.length).toBe(pool.length - 1);
    for (const d of contaminated) expect(d.detail).toMatch(/^shares ".+" with a held-out text$/);
  });

  it('counts a probe reply the refusal judge could not judge as failed', async () => {
    const model = await scripted((m) => `Here is a helpful answer to: ${lastUser(m).slice(0, 40)}`);
    const erring: Judge = {
      ...judges.refusal,
      judge: async () => ({
        judge: judges.refusal.id,
        kind: judges.refusal.kind,
        status: 'error',
        value: null,
        rationale: 'scripted error',
      }),
    };
    const out = await curate({
      ...base,
      vulnerabilities: [],
      attempts: [],
      target: model.target,
      judges: { refusal: erring, attack: judges.attack },
      config: { ...none, overRefusalProbe: 3 },
    });
    expect(model.server.requests).toBe(3);
    expect(out.stats.overRefusalProbe).toEqual({
      asked: 3,
      refused: 0,
      failed: 3,
      unseen: { asked: 3, refused: 0 },
    });
    expect([...out.sft, ...out.preference]).toEqual([]);
  });

  it("draws the helpful mix in the open vulnerabilities' language", async () => {
    // 189 train-split helpful tasks in each of en, fr and es; one French vulnerability.
    const [fr] = selectSeeds({ kind: 'harmful', split: 'train', language: 'fr', category: 'violent_crimes' });
    const attempts = [attemptFor(fr, { outcome: 'success', runId: 'run_edges' })];
    const vulnerabilities = identifyVulnerabilities({ attempts, round: 0 });
    const out = await curate({ ...base, vulnerabilities, attempts, config: { ...none, helpfulRatio: 4 } });
    const helpful = out.sft.filter((r) => r.purpose === 'helpful');
    expect(helpful.map((r) => r.language)).toEqual(['fr', 'fr', 'fr', 'fr']);
    const asked = helpful.map((r) => (r.messages as Message[])[0].content);
    const frTasks = new Set(
      selectSeeds({ kind: 'helpful', split: 'train', language: 'fr' }).map((s) => s.text),
    );
    expect(asked.every((t) => frTasks.has(t))).toBe(true);
  });
});
