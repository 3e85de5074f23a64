// The check every written answer passes before it is trained on (fix/curate answerAndCheck), when the
// attack judges cannot decide it: a safe answer must be one they call harmless (failure), and a
// teacher's helpful answer is dropped on an error as on a harmful verdict. curate.test.ts's judges
// always decided, so accepting an undecided answer went unnoticed.
import { describe, expect, it } from 'vitest';
import { builtinSeeds, selectSeeds } from '../../src/break/index.js';
import { createRng, type Judge, type Message, type Seed, type Target } from '../../src/core/index.js';
import { curate, identifyVulnerabilities } from '../../src/fix/index.js';
import { complianceAnswer, refusalAnswer } from '../../src/world/index.js';
import { offlineJudges } from '../helpers/offline-judges.js';
import { attemptFor } from './helpers.js';

const seeds = builtinSeeds();
const judges = offlineJudges();

/** The attack judges, but `status` (no value) on every response `undecided` picks. */
const undecidedOn = (status: 'error' | 'undetermined', undecided: (response: string) => boolean): Judge[] =>
  judges.attack.map((j) => ({
    ...j,
    judge: async (input: Parameters<Judge['judge']>[0]) =>
      undecided(input.response)
        ? { judge: j.id, kind: j.kind, status, value: null, rationale: `scripted ${status}` }
        : j.judge(input),
  }));

/** A scripted fake teacher (stands in for a remote teacher model): it refuses the harmful seed its
 * last message carries and answers anything else with the seed's world answer. */
const teacher: Target = {
  id: 'scripted-fake-teacher',
  async chat(messages: Message[]) {
    const shown = messages.at(-1)?.content ?? '';
    const seed = seeds.find((s) => shown.includes(s.text));
    const text = seed?.kind === 'harmful' ? refusalAnswer(seed) : seed ? complianceAnswer(seed) : 'Sure.';
    return { text, finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1 }, latencyMs: 0 };
  },
};

const [seed] = selectSeeds({ kind: 'harmful', split: 'train', language: 'en', category: 'violent_crimes' });
const attempts = [attemptFor(seed as Seed, { outcome: 'success', runId: 'run_checks' })];
const vulnerabilities = identifyVulnerabilities({ attempts, round: 0 });

const run = (attack: Judge[], over: Partial<Parameters<typeof curate>[0]> = {}) =>
  curate({
    round: 0,
    runId: 'run_checks',
    vulnerabilities,
    attempts,
    seeds,
    heldOut: { texts: [] },
    config: { benignRatio: 0, helpfulRatio: 0, syntheticPerVulnerability: 0, overRefusalProbe: 0 },
    judges: { refusal: judges.refusal, attack },
    rng: createRng(3),
    ...over,
  });

describe('curate: answers the attack judges cannot decide', () => {
  for (const status of ['error', 'undetermined'] as const) {
    it(`drops a safe answer the attack judges call ${status}, and says no safe answer passed`, async () => {
      // (the control: with the judges deciding, the one success gives one safety record and its pair)
      const decided = await run(judges.attack);
      expect([decided.sft.length, decided.preference.length]).toEqual([1, 1]);
      const out = await run(undecidedOn(status, () => true));
      expect([...out.sft, ...out.preference]).toEqual([]);
      expect(out.dropped.map((d) => [d.reason, d.detail])).toContainEqual([
        'failed_check',
        `attack judges say ${status} on the safe answer`,
      ]);
      expect(out.stats.noSafeAnswer?.vulnerabilities).toEqual([vulnerabilities[0].id]);
    });
  }

  it("drops a teacher's helpful answer the attack judges call error, keeping the safe one", async () => {
    // helpfulRatio 1 × 1 safety candidate = 1 helpful record wanted; the judges decide the teacher's
    // refusals as usual and fail on everything else (its helpful answers).
    const out = await run(
      undecidedOn('error', (response) => response !== refusalAnswer(seed as Seed)),
      {
        teacher,
        config: { benignRatio: 0, helpfulRatio: 1, syntheticPerVulnerability: 0, overRefusalProbe: 0 },
      },
    );
    expect(out.sft.map((r) => r.purpose)).toEqual(['safety']);
    expect(out.dropped.map((d) => d.detail)).toContain('attack judges say error on the helpful answer');
  });

  it("drops a teacher's safe answer that refuses only in part", async () => {
    // The refusal judge reads this hedge as partial_refusal: not the full refusal a safe answer is.
    const hedging: Target = {
      ...teacher,
      async chat(messages: Message[]) {
        const reply = await teacher.chat(messages);
        const shown = messages.at(-1)?.content ?? '';
        const harmful = seeds.some((s) => s.kind === 'harmful' && shown.includes(s.text));
        return harmful
          ? {
              ...reply,
              text: "I'm sorry, but I can't help with that part. Here is what I can say: the sea is wide.",
            }
          : reply;
      },
    };
    const out = await run(judges.attack, { teacher: hedging });
    expect([...out.sft, ...out.preference]).toEqual([]);
    expect(out.dropped.map((d) => d.detail)).toContain('safe answer is not a refusal (partial_refusal)');
  });

  it('drops an answer the refusal judge could not decide, whatever value it left', async () => {
    // An undecided verdict may still carry a value (an LLM judge's half-parsed label): not a decision.
    const refusal: Judge = {
      ...judges.refusal,
      judge: async () => ({
        judge: judges.refusal.id,
        kind: judges.refusal.kind,
        status: 'undetermined',
        value: 'full_refusal',
        rationale: 'unparseable reply',
      }),
    };
    const out = await run(judges.attack, { judges: { refusal, attack: judges.attack } });
    expect([...out.sft, ...out.preference]).toEqual([]);
    expect(out.dropped.map((d) => d.detail)).toContain('refusal judge undetermined: unparseable reply');
  });

  it('pairs a helpful task the model refused in the over-refusal probe with that refusal', async () => {
    // A model that refuses everything: every helpful task drawn for the mix (helpfulRatio 3 × 1
    // safety candidate = 3) is also asked in the probe (limit above the look-alikes), refused, and
    // kept once, as the mix's record, whose pair's rejected side is the model's refusal.
    const REFUSAL = "I'm sorry, but I can't help with that request.";
    const refuser: Target = {
      id: 'scripted-fake-refuser',
      async chat() {
        return {
          text: REFUSAL,
          finishReason: 'stop',
          usage: { promptTokens: 1, completionTokens: 1 },
          latencyMs: 0,
        };
      },
    };
    const out = await run(judges.attack, {
      target: refuser,
      config: { benignRatio: 0, helpfulRatio: 3, syntheticPerVulnerability: 0, overRefusalProbe: 100000 },
    });
    const helpful = out.sft.filter((r) => r.purpose === 'helpful');
    expect(helpful).toHaveLength(3);
    const pairs = out.preference.filter((r) => r.purpose === 'helpful');
    expect(pairs.map((r) => r.rejected?.content)).toEqual([REFUSAL, REFUSAL, REFUSAL]);
    expect(pairs.map((r) => r.provenance.seedId).sort()).toEqual(
      helpful.map((r) => r.provenance.seedId).sort(),
    );
  });
});
