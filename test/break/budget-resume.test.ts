// A red team's tokens budgets are the round's, not each process's: a run killed part way and resumed
// (or run again) must send no more than the budget allows in all, and store what an uninterrupted
// run of the same budget stores. The real CLI in child processes, SIGKILLed by the crash hook right
// after its n-th reply is cached; a SCRIPTED FAKE target (and attacker) over real HTTP on 127.0.0.1
// that reports token usage; real SQLite stores.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runRedteam } from '../../src/break/index.js';
import type { Judge } from '../../src/core/index.js';
import { complianceJudge, severityJudge } from '../../src/judge/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { asRole, createUsageMeter, inSpendScope, spendSink, withUsage } from '../../src/targets/index.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { runBreakfix } from '../reliability/helpers-cycle.js';
import { attackSeeds, lastUser, refuse, scripted, seedIn } from './redteam-fakes.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const env = { OPENAI_API_KEY: 'test-key-not-secret', NO_COLOR: '1' };
const REFUSAL = "I'm sorry, but I can't help with that.";
const RUN = 'budget-resume';

/** The fresh tokens (prompt + completion) the store's spend table holds per role for the run. */
function spentBy(db: string): Record<string, number> {
  const store = openStore(db);
  try {
    const out: Record<string, number> = {};
    for (const r of store.listSpend(RUN))
      out[r.role] = (out[r.role] ?? 0) + r.promptTokens + r.completionTokens;
    return out;
  } finally {
    store.close();
  }
}

function storedAttempts(db: string) {
  const store = openStore(db);
  try {
    return store
      .listAttempts({ runId: RUN })
      .map((a) => ({ id: a.id, seedId: a.seedId, outcome: a.outcome }));
  } finally {
    store.close();
  }
}

/** An uninterrupted run, then the same run killed after its `killAt`-th reply is cached, resumed,
 * and run again, each on its own store; what the server received and the stores hold. */
async function killedAndResumed(
  yaml: (url: string) => string,
  args: string[],
  killAt: number | ((wholeRequests: number) => number),
) {
  server = await startOpenAIServer({
    script: (messages) => {
      const system = String(messages[0]?.role === 'system' ? messages[0].content : '');
      return system.includes('You translate text') ? 'translated placeholder text' : REFUSAL;
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'bf-budget-resume-'));
  const config = join(dir, 'breakfix.yaml');
  writeFileSync(config, yaml(server.url));
  const command = (db: string) => [
    'redteam',
    '--config',
    config,
    '--store',
    db,
    '--run-id',
    RUN,
    '--budget',
    '40',
    '--concurrency',
    '1',
    '--json',
    ...args,
  ];

  const wholeDb = join(dir, 'whole.db');
  const whole = await runBreakfix(command(wholeDb), { env });
  expect([0, 1], whole.stderr).toContain(whole.code);
  const wholeSummary = JSON.parse(whole.stdout);
  const wholeRequests = server.requests;

  const db = join(dir, 'killed.db');
  const killN = typeof killAt === 'number' ? killAt : killAt(wholeRequests);
  const killed = await runBreakfix(command(db), {
    hook: true,
    env: { ...env, BF_CRASH_SQL: 'INTO cache', BF_CRASH_SQL_N: String(killN) },
  });
  expect(killed.signal, killed.stderr).toBe('SIGKILL');
  expect(server.requests - wholeRequests).toBe(killN);

  const storedAttemptsAfterKill = storedAttempts(db);
  const resumed = await runBreakfix(command(db), { env });
  expect([0, 1], resumed.stderr).toContain(resumed.code);
  const resumedRequests = server.requests - wholeRequests;

  // Run again once done: the run's budget is spent, so nothing more is sent.
  const again = await runBreakfix(command(db), { env });
  expect([0, 1], again.stderr).toContain(again.code);
  return {
    whole: {
      summary: wholeSummary,
      requests: wholeRequests,
      spent: spentBy(wholeDb),
      attempts: storedAttempts(wholeDb),
    },
    killed: { attempts: storedAttemptsAfterKill },
    resumed: { summary: JSON.parse(resumed.stdout), requests: resumedRequests, stderr: resumed.stderr },
    again: { summary: JSON.parse(again.stdout), requests: server.requests - wholeRequests - resumedRequests },
    spent: spentBy(db),
    attempts: storedAttempts(db),
    db,
  };
}

describe('a red team killed part way and resumed keeps its tokens budget across processes', () => {
  it('redteam.budget.tokens (--tokens): the killed and the resumed process together send what an uninterrupted run sends', async () => {
    const budget = 200;
    const r = await killedAndResumed(
      (url) =>
        `targets:\n  fake:\n    type: openai\n    baseURL: ${url}\n    model: scripted\nroles:\n  target: fake\n`,
      ['--techniques', 'direct', '--tokens', String(budget)],
      4,
    );
    // The budget binds: the uninterrupted run stopped at it, well short of its 40 planned attempts.
    expect(r.whole.summary.stoppedBy).toBe('tokens');
    expect(r.whole.attempts.length).toBeGreaterThan(4);
    expect(r.whole.attempts.length).toBeLessThan(40);
    expect(r.whole.spent.target).toBeGreaterThanOrEqual(budget);
    // One request each (direct): the last one sent below the budget is all it goes over by.
    const most = r.whole.spent.target / r.whole.requests;
    expect(r.whole.spent.target).toBeLessThan(budget + 3 * most);

    // The resume counted the killed process's 4 requests (their replies came back from the cache),
    // and sent only what the uninterrupted run sent after them. Before, it counted from zero and sent
    // a whole budget more.
    expect(r.resumed.requests).toBe(r.whole.requests);
    expect(r.resumed.summary.stoppedBy).toBe('tokens');
    expect(r.resumed.stderr).toMatch(/earlier processes spent \d+ target tokens/);
    expect(r.spent).toEqual(r.whole.spent);
    expect(r.attempts).toEqual(r.whole.attempts);

    // Run again with the same budget: spent, nothing sent, nothing more stored.
    expect(r.again.requests).toBe(0);
    expect(r.again.summary.stoppedBy).toBe('tokens');
    expect(r.again.summary.attempts).toBe(r.whole.attempts.length);
    // Four CLI processes, each a few seconds of start-up on a loaded two-core machine.
  }, 300_000);

  it('redteam.budget.attackerTokens: the same for the attacker model (the translate attack)', async () => {
    const budget = 400;
    const r = await killedAndResumed(
      (url) =>
        `targets:\n  fake:\n    type: openai\n    baseURL: ${url}\n    model: scripted\n  atk:\n    type: openai\n    baseURL: ${url}\n    model: attacker\nroles:\n  target: fake\n  attacker: atk\nredteam:\n  translateTo: [zu]\n  budget:\n    attackerTokens: ${budget}\n`,
      ['--techniques', 'translate', '--languages', 'en'],
      5,
    );
    expect(r.whole.summary.stoppedBy).toBe('attackerTokens');
    expect(r.whole.attempts.length).toBeGreaterThan(2);
    expect(r.whole.attempts.length).toBeLessThan(40);
    expect(r.whole.spent.attacker).toBeGreaterThanOrEqual(budget);

    expect(r.resumed.requests).toBe(r.whole.requests);
    expect(r.resumed.summary.stoppedBy).toBe('attackerTokens');
    expect(r.resumed.stderr).toMatch(/and \d+ attacker tokens/);
    expect(r.spent).toEqual(r.whole.spent);
    expect(r.attempts).toEqual(r.whole.attempts);

    expect(r.again.requests).toBe(0);
    expect(r.again.summary.stoppedBy).toBe('attackerTokens');
  }, 300_000);

  // Killed at the cache write of the run's last fresh reply, the one that spent the budget: its
  // attempt (and any other not flushed yet; the store is written every 250 ms or 32 attempts) is in
  // no store, and the resume finds the budget spent. Before, it started no attempt more and the round
  // kept fewer attempts than an uninterrupted run; now it completes those whose every call the
  // response cache answers, sending nothing.
  it('killed after the tokens budget was spent, before its last attempts were stored: the resume stores them from the cache, sending nothing', async () => {
    const r = await killedAndResumed(
      (url) =>
        `targets:\n  fake:\n    type: openai\n    baseURL: ${url}\n    model: scripted\nroles:\n  target: fake\n`,
      ['--techniques', 'direct', '--tokens', '200'],
      (wholeRequests) => wholeRequests,
    );
    expect(r.whole.summary.stoppedBy).toBe('tokens');
    expect(r.whole.attempts.length).toBeLessThan(40);
    expect(r.killed.attempts.length).toBeLessThan(r.whole.attempts.length);

    // The killed process sent every request the uninterrupted run sent; the resume none.
    expect(r.resumed.requests).toBe(r.whole.requests);
    expect(r.resumed.summary.stoppedBy).toBe('tokens');
    expect(r.resumed.summary.resumed).toBe(r.killed.attempts.length);
    expect(r.resumed.summary.ran).toBe(r.whole.attempts.length - r.killed.attempts.length);
    expect(r.resumed.summary.tokens).toBe(0);
    expect(r.attempts).toEqual(r.whole.attempts);
    expect(new Set(r.attempts.map((a) => a.id)).size).toBe(r.attempts.length);
    expect(r.spent).toEqual(r.whole.spent);

    expect(r.again.requests).toBe(0);
    expect(r.again.summary.attempts).toBe(r.whole.attempts.length);
  }, 300_000);

  // Three calls an attempt (translation, target, back-translation), the target's and the back-
  // translation's the same each time (the fake's fixed replies), so cached after the first attempt.
  // Past the attacker budget an attempt whose calls the cache answers all is stored, in both runs;
  // the next one, whose first translation it does not hold, stops there unsent and is not stored
  // half-done.
  it('the same with the attacker budget and an attack of several calls: whole from the cache or not stored', async () => {
    const r = await killedAndResumed(
      (url) =>
        `targets:\n  fake:\n    type: openai\n    baseURL: ${url}\n    model: scripted\n  atk:\n    type: openai\n    baseURL: ${url}\n    model: attacker\nroles:\n  target: fake\n  attacker: atk\nredteam:\n  translateTo: [zu]\n  budget:\n    attackerTokens: 400\n`,
      ['--techniques', 'translate', '--languages', 'en'],
      (wholeRequests) => wholeRequests,
    );
    expect(r.whole.summary.stoppedBy).toBe('attackerTokens');
    expect(r.whole.attempts.length).toBeLessThan(40);
    expect(r.killed.attempts.length).toBeLessThan(r.whole.attempts.length);

    expect(r.resumed.requests).toBe(r.whole.requests);
    expect(r.resumed.summary.stoppedBy).toBe('attackerTokens');
    expect(r.resumed.summary.ran).toBe(r.whole.attempts.length - r.killed.attempts.length);
    expect(r.attempts).toEqual(r.whole.attempts);
    expect(r.spent).toEqual(r.whole.spent);
    // Each stored attempt answered whole: its three calls and a judged back-translation.
    const store = openStore(r.db);
    try {
      for (const a of store.listAttempts({ runId: RUN })) {
        expect(a.calls, a.id).toBe(1);
        expect(a.transcript.at(-1)?.role, a.id).toBe('assistant');
        expect(a.verdicts.length, a.id).toBeGreaterThan(0);
      }
    } finally {
      store.close();
    }

    expect(r.again.requests).toBe(0);
    expect(r.again.summary.attempts).toBe(r.whole.attempts.length);
  }, 300_000);

  it("a cycle's round counts what its own break stage spent, not another round's", async () => {
    const seeds = attackSeeds(20);
    const { server, target } = await scripted((m) => refuse(seedIn(lastUser(m), seeds) ?? seeds[0]));
    const cycle = (store: Store) => {
      store.createRun({ id: RUN, kind: 'cycle', config: {}, seed: 1 });
      // Booked as the cycle books its red team's requests: run, round, stage and role.
      const booked = asRole(withUsage(target, createUsageMeter(spendSink(() => store))), 'target');
      return (round: number, budget: { attempts?: number; tokens?: number }) =>
        inSpendScope({ runId: RUN, round, stage: 'break' }, () =>
          runRedteam({
            target: booked,
            seeds,
            judges: [complianceJudge(), severityJudge()] as Judge[],
            techniques: ['direct'],
            concurrency: 1,
            seed: 5,
            store,
            runId: RUN,
            round,
            budget,
          }),
        );
    };
    const tmpStore = () => openStore(join(mkdtempSync(join(tmpdir(), 'bf-budget-round-')), 'b.db'));
    const round1 = (store: Store) =>
      store.listAttempts({ runId: RUN, round: 1 }).map((a) => ({ id: a.id, outcome: a.outcome }));

    // Round 0 without a tokens budget spends more than round 1's budget; round 1 is not stopped by it.
    const whole = tmpStore();
    const wholeRound = cycle(whole);
    await wholeRound(0, {});
    const round0 = server.requests;
    const tokens = Math.floor(
      whole.listSpend(RUN).reduce((n, r) => n + r.promptTokens + r.completionTokens, 0) / 2,
    );
    const started = server.requests;
    const full = await wholeRound(1, { tokens });
    const sentWhole = server.requests - started;
    expect(full.stoppedBy).toBe('tokens');
    expect(sentWhole).toBeGreaterThan(3);
    expect(sentWhole).toBeLessThan(round0);

    // The same round stopped after 3 attempts (what a kill leaves) and resumed: it sends the rest.
    const split = tmpStore();
    const splitRound = cycle(split);
    await splitRound(0, {});
    const before = server.requests;
    await splitRound(1, { attempts: 3, tokens });
    const resumed = await splitRound(1, { tokens });
    expect(resumed.resumed).toBe(3);
    expect(server.requests - before).toBe(sentWhole);
    expect(round1(split)).toEqual(round1(whole));
    whole.close();
    split.close();
  });
});
