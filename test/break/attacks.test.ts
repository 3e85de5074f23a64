// Each attack against a SCRIPTED FAKE target over real HTTP (test/break/redteam-fakes.ts).
import { describe, expect, it } from 'vitest';
import {
  type AttackContext,
  type BudgetCounter,
  chainAttack,
  crescendoAttack,
  directAttack,
  MAX_TURNS,
  manyShotAttack,
} from '../../src/break/index.js';
import { createRng, type Judge, type Seed, type Target } from '../../src/core/index.js';
import { complianceJudge, llmSeverityJudge, refusalJudge, severityJudge } from '../../src/judge/index.js';
import {
  assistantTurns,
  attackSeeds,
  comply,
  GENERAL,
  lastUser,
  refuse,
  scripted,
  seedIn,
  throwingJudge,
} from './redteam-fakes.js';

const judges = () => ({ attack: [complianceJudge(), severityJudge()] as Judge[] });
const budget = (): BudgetCounter => ({ calls: 0, tokens: 0, attackerTokens: 0, exhausted: () => false });
const ctx = (target: Target, seed: Seed, over: Partial<AttackContext> = {}): AttackContext => ({
  target,
  seed,
  judges: judges(),
  rng: createRng('t'),
  budget: budget(),
  techniques: [],
  maxTurns: 10,
  ...over,
});

const [seed] = attackSeeds(1);

describe('direct and chain', () => {
  it('direct: an answer in the compliance shape is a success; a refusal is a failure', async () => {
    const yes = await scripted((m) => comply(seedIn(lastUser(m)) as Seed));
    const r1 = await directAttack.run(ctx(yes.target, seed));
    expect(r1.outcome).toBe('success');
    expect(r1.calls).toBe(1);
    expect(r1.transcript.map((m) => m.role)).toEqual(['user', 'assistant']);
    const no = await scripted(() => refuse(seed));
    const r2 = await directAttack.run(ctx(no.target, seed));
    expect(r2.outcome).toBe('failure');
  });

  it('chain: converters then a template reach the target; the techniques are recorded', async () => {
    const { server, target } = await scripted((m) =>
      lastUser(m).includes('screenplay') ? GENERAL : refuse(seed),
    );
    const r = await chainAttack.run(ctx(target, seed, { techniques: ['rot13', 'screenplay'] }));
    expect(r.techniques).toEqual(['rot13', 'screenplay']);
    const sent = server.log[0].body.messages.at(-1)?.content ?? '';
    expect(sent).toContain('screenplay');
    expect(sent).not.toContain(seed.text); // the request is rot13-encoded
    // neither the shape nor a refusal: undetermined, never counted as safe
    expect(r.outcome).toBe('undetermined');
  });

  it('many_shot: sends N faux exchanges written out in one message before the request', async () => {
    const shotsIn = (m: Parameters<typeof lastUser>[0]) => (lastUser(m).match(/^Assistant: /gm) ?? []).length;
    const { server, target } = await scripted((m) => (shotsIn(m) >= 8 ? comply(seed) : refuse(seed)));
    const r = await manyShotAttack.run(ctx(target, seed, { options: { shots: 8 } }));
    const sent = server.log[0].body.messages;
    expect(sent).toHaveLength(1);
    expect(shotsIn(sent)).toBe(8);
    expect(sent[0].content.endsWith(`User: ${seed.text}`)).toBe(true);
    expect(r.outcome).toBe('success');
    expect(r.detail?.shots).toBe(8);
    expect(r.techniques).toContain('many_shot');
  });

  it('many_shot: without a shots option, 16 (the documented default of redteam.attacks.manyShot.shots)', async () => {
    const { server, target } = await scripted(() => refuse(seed));
    const r = await manyShotAttack.run(ctx(target, seed));
    expect(r.detail?.shots).toBe(16);
    expect((lastUser(server.log[0]?.body.messages ?? []).match(/^Assistant: /gm) ?? []).length).toBe(16);
  });

  it('many_shot: its own template frames the request; a template named beside it is left out, converters kept', async () => {
    const { server, target } = await scripted(() => refuse(seed));
    const r = await manyShotAttack.run(
      ctx(target, seed, { techniques: ['rot13', 'screenplay'], options: { shots: 2 } }),
    );
    expect(r.techniques).toEqual(['rot13', 'many_shot']);
    expect(r.outcome).toBe('failure');
    const sent = server.log[0]?.body.messages.at(-1)?.content ?? '';
    expect(sent).not.toContain('INT. LAB');
    expect(sent).not.toContain(seed.text);
  });
});

describe('crescendo (scripted offline)', () => {
  it('backtracks on refusals, drops the refused turns, and succeeds once the context is built', async () => {
    // Refuses the pointed request until two harmless exchanges are in the conversation, and refuses
    // the plain request every time; answers general questions; complies with a wrapper after 2 turns.
    const { target, server } = await scripted((m) => {
      const q = lastUser(m);
      if (q.startsWith("I'm trying to understand") || q.startsWith('Thanks. What do people')) return GENERAL;
      if (q === seed.text || q.startsWith('Building on')) return refuse(seed);
      return assistantTurns(m) >= 2 ? comply(seed) : refuse(seed);
    });
    const r = await crescendoAttack.run(ctx(target, seed));
    expect(r.outcome).toBe('success');
    expect(r.detail?.backtracks).toBe(2);
    expect(server.requests).toBe(5); // 2 openers + 2 refused + 1 success
    expect(r.turns).toBe(3); // backtracks are not turns
    expect(r.transcript.some((m) => m.content === seed.text)).toBe(false);
    expect(r.transcript.filter((m) => m.role === 'user')).toHaveLength(3);
    // the wrapper of the turn that succeeded is the attempt's technique
    expect(r.techniques).toEqual(['hypothetical_novel']);
  });

  it('past the backtrack limit, keeps refusals as turns and escalates to maxTurns (as PyRIT does): failure', async () => {
    const { server, target } = await scripted(() => refuse(seed));
    const r = await crescendoAttack.run(ctx(target, seed, { maxTurns: 4, options: { maxBacktracks: 3 } }));
    expect(r.outcome).toBe('failure');
    // Three refusals dropped; then four turns, each refusal kept in the conversation.
    expect(r.detail?.backtracks).toBe(3);
    expect(server.requests).toBe(7);
    const userTurns = server.log.map((l) => l.body.messages.filter((m) => m.role === 'user').length);
    expect(userTurns).toEqual([1, 1, 1, 1, 2, 3, 4]);
    expect(r.turns).toBe(4);
  });

  it('with an LLM severity judge, keeps harmless answers as turns: only a refusal is backtracked', async () => {
    // The judge: severity 6 for the world's compliance shape, 0 for anything else (fenced reply).
    const judge = await scripted((m) =>
      lastUser(m).includes(comply(seed).slice(0, 40))
        ? 'Step-by-step compliance.\nSEVERITY: 6'
        : 'Harmless.\nSEVERITY: 0',
    );
    const { target, server } = await scripted((m) => {
      const q = lastUser(m);
      if (q.startsWith("I'm trying to understand") || q.startsWith('Thanks. What do people')) return GENERAL;
      if (q === seed.text || q.startsWith('Building on')) return refuse(seed);
      return assistantTurns(m) >= 2 ? comply(seed) : refuse(seed);
    });
    const llmJudges = { attack: [llmSeverityJudge(judge.target, { retries: 0 }), refusalJudge()] as Judge[] };
    const r = await crescendoAttack.run(ctx(target, seed, { judges: llmJudges }));
    expect(r.outcome).toBe('success');
    // The two general answers (severity 0: a failure, not a refusal) are the context.
    expect(r.detail?.backtracks).toBe(2);
    expect(server.requests).toBe(5);
    expect(r.turns).toBe(3);
  });

  it('with an attacker model, asks the attacker for each next question (target text fenced)', async () => {
    let n = 0;
    const attacker = await scripted(() =>
      JSON.stringify({ question: n++ < 2 ? `general question ${n}` : `now: ${seed.text}` }),
    );
    const { target } = await scripted((m) =>
      assistantTurns(m) >= 2 && lastUser(m).startsWith('now:') ? comply(seed) : GENERAL,
    );
    const r = await crescendoAttack.run(ctx(target, seed, { attacker: attacker.target }));
    expect(r.outcome).toBe('success');
    expect(r.turns).toBe(3);
    const lastAsk = attacker.server.log.at(-1)?.body.messages.at(-1)?.content ?? '';
    expect(lastAsk).toContain('<<<TARGET ANSWER');
  });
});

describe('crescendo with a judge that fails', () => {
  it('stops at the first answer it cannot judge: an error, and nothing more is sent', async () => {
    const { server, target } = await scripted(() => GENERAL);
    const r = await crescendoAttack.run(ctx(target, seed, { judges: { attack: [throwingJudge] } }));
    expect(r.outcome).toBe('error');
    expect(r.error).toMatch(/judge/);
    expect(server.requests).toBe(1);
  });
});

describe('crescendo turn limit', () => {
  it('never sends more than maxTurns user turns to a target that neither refuses nor complies', async () => {
    let n = 0;
    const attacker = await scripted(() => JSON.stringify({ question: `harmless question ${n++}` }));
    const { server, target } = await scripted(() => GENERAL);
    const r = await crescendoAttack.run(ctx(target, seed, { attacker: attacker.target, maxTurns: 4 }));
    expect(server.requests).toBe(4);
    const userTurns = server.log.map((l) => l.body.messages.filter((m) => m.role === 'user').length);
    expect(userTurns).toEqual([1, 2, 3, 4]);
    expect(r.turns).toBe(4);
    // general answers are neither the compliance shape nor a refusal: undetermined, never safe
    expect(r.outcome).toBe('undetermined');
  });

  it('asked for more turns than MAX_TURNS (options.maxTurns), sends MAX_TURNS', async () => {
    let n = 0;
    const attacker = await scripted(() => JSON.stringify({ question: `harmless question ${n++}` }));
    const { server, target } = await scripted(() => GENERAL);
    const r = await crescendoAttack.run(
      ctx(target, seed, { attacker: attacker.target, options: { maxTurns: MAX_TURNS + 3 } }),
    );
    expect(server.requests).toBe(MAX_TURNS);
    expect(r.turns).toBe(MAX_TURNS);
  });
});

describe('crescendo cut short by the budget', () => {
  // Its opening turns are not its outcome: the attempt is left unstored, for a resume to run whole.
  it('after its first turn is undetermined and incomplete, whatever that turn was', async () => {
    const { server, target } = await scripted(() => GENERAL);
    const b = budget();
    b.exhausted = () => b.calls >= 1;
    const r = await crescendoAttack.run(ctx(target, seed, { budget: b }));
    expect(server.requests).toBe(1);
    expect(r.outcome).toBe('undetermined');
    expect(r.incomplete).toBe(true);
    expect(r.error).toMatch(/^budget spent before the attack finished \(1 answer judged\)/);
  });
});

describe('crescendo with few turns', () => {
  it('keeps a turn for the request itself when maxTurns is 2 (low-skill)', async () => {
    const { server, target } = await scripted((m) =>
      lastUser(m) === seed.text && assistantTurns(m) === 1 ? comply(seed) : GENERAL,
    );
    const r = await crescendoAttack.run(ctx(target, seed, { maxTurns: 2 }));
    expect(r.outcome).toBe('success');
    expect(server.requests).toBe(2);
  });
});
