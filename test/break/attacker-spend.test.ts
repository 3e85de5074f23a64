// The attacker model's spend: every attack's requests to roles.attacker (PAIR and TAP proposals,
// TAP's on-topic checks, the simulated user, Crescendo's questions, the translate attack's
// translations each way) counted in the run's summary with their tokens, and capped per round by
// redteam.budget.attackerTokens. SCRIPTED FAKES over real HTTP: one fake attacker answers every kind
// of attacker request; the fake target refuses everything.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRedteam } from '../../src/break/index.js';
import { renderRedteam } from '../../src/cli/redteam.js';
import { parseConfig } from '../../src/config/index.js';
import { ConfigError, type Judge, type Target } from '../../src/core/index.js';
import { complianceJudge, severityJudge } from '../../src/judge/index.js';
import { openStore } from '../../src/store/index.js';
import { attackSeeds, type Chat, lastUser, refuse, runCli, scripted } from './redteam-fakes.js';

const seeds = attackSeeds(2);
const [seed] = seeds;
const judges = () => [complianceJudge(), severityJudge()] as Judge[];
const tmpStore = () => openStore(join(mkdtempSync(join(tmpdir(), 'attacker-spend-')), 'b.db'));

/** Fake attacker: a reply in the shape each attack asks for, read from its system prompt. */
const fakeAttacker = () => {
  let k = 0;
  return scripted((m: Chat) => {
    const system = m[0]?.content ?? '';
    const i = k++;
    if (system.includes('still pursues')) return 'yes';
    if (system.includes('You translate text')) return `translated ${i}`;
    if (system.includes('You play a user')) return JSON.stringify({ message: `message ${i}` });
    if (system.includes('gradual multi-turn')) return JSON.stringify({ question: `question ${i}` });
    return JSON.stringify({ improvement: `try ${i}`, prompt: `prompt ${i}: ${seed.text}` });
  });
};
const refusingTarget = () =>
  scripted((m: Chat) => refuse(seeds.find((s) => lastUser(m).includes(s.text)) ?? seed));

/** What the attacker's replies said they cost, seen from outside the run. */
function witness(inner: Target) {
  const seen = { calls: 0, replies: 0, tokens: 0 };
  const target: Target = {
    id: inner.id,
    async chat(messages, options) {
      seen.calls++;
      const reply = await inner.chat(messages, options);
      seen.replies++;
      seen.tokens += reply.usage.promptTokens + reply.usage.completionTokens;
      return reply;
    },
  };
  return { seen, target };
}

const small = {
  pair: { streams: 1, iterations: 2 },
  tap: { branching: 1, width: 1, depth: 2 },
  crescendo: { maxBacktracks: 0 },
};

describe("the attacker's spend", () => {
  it("every attack's attacker requests and tokens are in the run's summary and its text", async () => {
    const { target } = await refusingTarget();
    const atk = await fakeAttacker();
    const w = witness(atk.target);
    const sum = await runRedteam({
      target,
      seeds: [seed],
      judges: judges(),
      persona: 'intermediate',
      techniques: ['pair', 'tap', 'simulated', 'crescendo', 'translate'],
      translateTo: ['zu'],
      attacker: w.target,
      attackOptions: small,
      maxTurns: 3,
      runId: 'spend',
      seed: 1,
    });
    expect(Object.keys(sum.slices.attack).sort()).toEqual(['chain', 'crescendo', 'pair', 'simulated', 'tap']);
    expect(sum.error).toBe(0);
    expect(w.seen.calls).toBe(atk.server.requests);
    expect(sum.attackerCalls).toBe(atk.server.requests);
    expect(w.seen.tokens).toBeGreaterThan(0);
    expect(sum.attackerTokens).toBe(w.seen.tokens);
    // (each figure says whose it is)
    expect(renderRedteam(sum)).toContain(
      `· ${sum.calls} target calls · ${sum.tokens} target tokens · ${sum.attackerCalls} attacker calls · ${w.seen.tokens} attacker tokens ·`,
    );
  }, 120_000);

  it('redteam.budget.attackerTokens stops the round: what it cut short is not stored, and a resume runs it', async () => {
    const { server, target } = await refusingTarget();
    const atk = await fakeAttacker();
    const store = tmpStore();
    const opts = {
      target,
      seeds,
      judges: judges(),
      persona: 'intermediate' as const,
      techniques: ['pair'],
      attacker: atk.target,
      attackOptions: small,
      concurrency: 1,
      store,
      runId: 'cap',
      seed: 1,
    };
    const sum = await runRedteam({ ...opts, budget: { attackerTokens: 1 } });
    // one proposal spent the budget: the target was never asked, and nothing counts as safe
    expect(atk.server.requests).toBe(1);
    expect(server.requests).toBe(0);
    expect(sum).toMatchObject({ stoppedBy: 'attackerTokens', attempts: 0, failure: 0, attackerCalls: 1 });
    expect(sum.attackerTokens).toBeGreaterThan(1);
    expect(store.listAttempts({ runId: 'cap' })).toEqual([]);
    expect(renderRedteam(sum)).toContain('stopped: attackerTokens budget spent');
    const resumed = await runRedteam({ ...opts, budget: {} });
    expect(resumed).toMatchObject({ attempts: 2, failure: 2, resumed: 0 });
    expect(resumed.stoppedBy).toBeUndefined();
  }, 120_000);

  // The first proposal comes back at once and spends the budget (PAIR: answered; TAP: malformed, so
  // its retry is refused with BudgetSpent). The others, asked beside it, are held a moment: an attack
  // that ended on the first would leave them running, their tokens uncounted.
  it.each([
    [
      'PAIR',
      'pair',
      { pair: { streams: 3, iterations: 2 } },
      (k: number) => JSON.stringify({ improvement: 'x', prompt: `prompt ${k}: ${seed.text}` }),
    ],
    ['TAP', 'tap', { tap: { branching: 3, width: 1, depth: 1 } }, () => 'no JSON here'],
  ] as const)(
    '%s ends with none of its attacker requests in flight: each is in the summary',
    async (_name, technique, attackOptions, proposal) => {
      const { target } = await refusingTarget();
      let k = 0;
      let release: () => void = () => undefined;
      const held = new Promise<void>((r) => {
        release = r;
      });
      const atk = await scripted(async () => {
        if (k++ > 0) await held;
        return proposal(k);
      });
      const w = witness(atk.target);
      const inFlight = () => w.seen.calls - w.seen.replies;
      setTimeout(release, 500);
      const sum = await runRedteam({
        target,
        seeds: [seed],
        judges: judges(),
        persona: 'intermediate',
        techniques: [technique],
        attacker: w.target,
        attackOptions,
        budget: { attackerTokens: 1 },
        runId: `flight-${technique}`,
        seed: 1,
      });
      release();
      expect(w.seen.calls).toBe(3);
      expect(inFlight()).toBe(0);
      expect(sum).toMatchObject({ stoppedBy: 'attackerTokens', attempts: 0, attackerCalls: 3 });
      expect(sum.attackerTokens).toBe(w.seen.tokens);
    },
  );

  it('the config key is checked like the other budget fields', () => {
    const budget = (yaml: string) => parseConfig(yaml).redteam.budget;
    expect(budget('redteam:\n  budget:\n    attackerTokens: 5000\n').attackerTokens).toBe(5000);
    expect(budget('seed: 1\n').attackerTokens).toBeUndefined();
    const zero = 'redteam:\n  budget:\n    attackerTokens: 0\n';
    expect(() => budget(zero)).toThrow(ConfigError);
    expect(() => budget(zero)).toThrow(/redteam\.budget\.attackerTokens/);
  });

  it('breakfix redteam reads it from the config and says the attacker budget stopped the run', async () => {
    const { server } = await refusingTarget();
    const atk = await fakeAttacker();
    const cwd = mkdtempSync(join(tmpdir(), 'attacker-spend-'));
    writeFileSync(
      join(cwd, 'breakfix.yaml'),
      `targets:\n  att:\n    type: openai\n    baseURL: ${atk.server.url}\n    model: fake-attacker\n    cache: false\nroles:\n  attacker: att\nredteam:\n  budget:\n    attackerTokens: 1\n`,
    );
    const r = await runCli(
      [
        'redteam',
        '--target',
        `openai:scripted@${server.url}`,
        '--techniques',
        'pair',
        '--languages',
        'en',
        '--concurrency',
        '1',
        '--json',
      ],
      cwd,
    );
    expect(r.status).toBe(3);
    const sum = JSON.parse(r.stdout);
    // (PAIR's three streams ask at once: every one asked is counted, and none is left in flight when
    // the command closes its targets: a request cut off there was retried, sent again, uncounted)
    expect(sum).toMatchObject({
      stoppedBy: 'attackerTokens',
      attempts: 0,
      attackerCalls: atk.server.requests,
    });
    expect(sum.attackerTokens).toBeGreaterThan(1);
    expect(r.stderr).toMatch(/no attempt finished before the attackerTokens budget ran out/);
    expect(server.requests).toBe(0);
  });
});
