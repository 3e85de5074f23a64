// runRedteam end to end: a SCRIPTED FAKE target over real HTTP, real offline judges, a real SQLite
// store in a temp dir. Resume, budgets, outcome accounting, personas, splits.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planRedteam, resumeConflict, runRedteam, selectSeeds } from '../../src/break/index.js';
import { type Attempt, InputError, type Judge, type Seed, type Target } from '../../src/core/index.js';
import { complianceJudge, createJudges, decideOutcome, severityJudge } from '../../src/judge/index.js';
import { openStore } from '../../src/store/index.js';
import { comply, GENERAL, lastUser, refuse, scripted, seedIn } from './redteam-fakes.js';

const tmpStore = () => openStore(join(mkdtempSync(join(tmpdir(), 'redteam-')), 'b.db'));
const seeds = selectSeeds({ kind: 'harmful', split: 'attack', language: 'en' }).slice(0, 8);
const judges = () => [complianceJudge(), severityJudge()] as Judge[];
/** Complies with plain requests it recognises; refuses everything else. */
const halfTarget = () =>
  scripted((m) => {
    const s = seedIn(lastUser(m), seeds);
    return s ? comply(s) : refuse(seeds[0] as Seed);
  });

describe('resumeConflict', () => {
  it('the same languages and categories in another order are the same run; other ones are not', async () => {
    // `--languages fr,en` plans what `--languages en,fr` planned: a resume must not refuse it.
    const { target } = await halfTarget();
    const base = { runId: 'plan', target, seeds, judges: judges(), persona: 'low_skill' as const, seed: 7 };
    const a = { ...base, languages: ['en', 'fr'], categories: ['violent_crimes', 'hate'] };
    const b = { ...base, languages: ['fr', 'en'], categories: ['hate', 'violent_crimes'] };
    const planned = planRedteam(a).items.map((i) => i.id);
    expect(planned.length).toBeGreaterThan(0);
    expect(planRedteam(b).items.map((i) => i.id)).toEqual(planned);
    const run = {
      id: 'r-order',
      kind: 'redteam',
      status: 'failed' as const,
      seed: 7,
      target: target.id,
      config: {
        persona: 'low_skill',
        split: 'attack',
        techniques: [],
        languages: a.languages,
        categories: a.categories,
      },
      createdAt: '',
      updatedAt: '',
    };
    expect(resumeConflict(run, b)).toBeUndefined();
    expect(resumeConflict(run, { ...b, languages: ['en'] })).toMatch(/languages en,fr \(not en\)/);
  });

  const stored = (target: Target, config: Record<string, unknown>, summary?: Record<string, unknown>) => ({
    id: 'r-stored',
    kind: 'redteam',
    status: 'failed' as const,
    seed: 7,
    target: target.id,
    config,
    ...(summary && { summary }),
    createdAt: '',
    updatedAt: '',
  });

  /** The options of a resume of the run `stored` describes. */
  const resumeOpts = (target: Target) => ({
    runId: 'r-stored',
    target,
    seeds,
    judges: judges(),
    persona: 'low_skill' as const,
    seed: 7,
  });

  it("a run a resume extended keeps the larger attempt budget: fewer than its summary's is refused", async () => {
    // Started with --budget 3, extended to 6 (the summary says so; the config is never rewritten):
    // resuming with 4 would leave stored attempts out of its summary.
    const { target } = await halfTarget();
    const opts = resumeOpts(target);
    const run = stored(
      target,
      { persona: 'low_skill', split: 'attack', techniques: [], budget: { attempts: 3 } },
      { budget: { attempts: 6 } },
    );
    expect(resumeConflict(run, { ...opts, budget: { attempts: 4 } })).toMatch(
      /budget of 6 attempts \(not 4\)/,
    );
    expect(resumeConflict(run, { ...opts, budget: { attempts: 6 } })).toBeUndefined();
  });

  it('a library resume with a smaller attempt budget leaves the larger one stored: a later resume still needs it', async () => {
    // runRedteam itself does not refuse a smaller budget (the CLI does, through resumeConflict): it
    // plans fewer, but the run's summary keeps the largest it was given.
    const { target } = await halfTarget();
    const store = tmpStore();
    const opts = { ...resumeOpts(target), seeds: seeds.slice(0, 4), store };
    await runRedteam({ ...opts, budget: { attempts: 4 } });
    await runRedteam({ ...opts, budget: { attempts: 6 } });
    await runRedteam({ ...opts, budget: { attempts: 2 } });
    const run = store.getRun('r-stored');
    if (!run) throw new Error('run not stored');
    expect(store.countAttempts({ runId: 'r-stored' })).toBe(6);
    expect(resumeConflict(run, { ...opts, budget: { attempts: 5 } })).toMatch(
      /budget of 6 attempts \(not 5\)/,
    );
    expect(resumeConflict(run, { ...opts, budget: { attempts: 6 } })).toBeUndefined();
    store.close();
  });

  it('a run stored without a setting (before it existed) is resumed whatever that setting is now', async () => {
    const { target } = await halfTarget();
    const opts = resumeOpts(target);
    const run = stored(target, { persona: 'low_skill', techniques: [] });
    expect(resumeConflict(run, { ...opts, categories: ['hate'], split: 'train' })).toBeUndefined();
    expect(resumeConflict(run, { ...opts, persona: 'intermediate' })).toMatch(/persona low_skill/);
  });
});

describe('runRedteam', () => {
  it('two processes on one run: each summary counts what the store holds, not what it sent', async () => {
    // A target whose replies vary from call to call, as a sampled model's do: the two runs send the
    // same attempts and get different outcomes, and the store keeps the first of each.
    let calls = 0;
    const { target } = await scripted((m) => {
      const s = seedIn(lastUser(m), seeds);
      return s && calls++ % 2 === 0 ? comply(s) : refuse(seeds[0] as Seed);
    });
    const store = tmpStore();
    const opts = {
      target,
      seeds,
      judges: judges(),
      persona: 'low_skill' as const,
      store,
      runId: 'twice',
      seed: 7,
      concurrency: 2,
    };
    const [a, b] = await Promise.all([runRedteam(opts), runRedteam(opts)]);
    const stored = store.listAttempts({ runId: 'twice' });
    const held = (o: string) => stored.filter((x) => x.outcome === o).length;
    for (const sum of [a, b])
      expect([sum.attempts, sum.success, sum.failure, sum.undetermined]).toEqual([
        stored.length,
        held('success'),
        held('failure'),
        held('undetermined'),
      ]);
    expect(store.getRun('twice')?.summary).toMatchObject({
      attempts: stored.length,
      success: held('success'),
    });
  });

  it('stores every attempt with seed, techniques, transcript, verdicts, outcome; ASR from decided outcomes only', async () => {
    const { target } = await halfTarget();
    const store = tmpStore();
    const sum = await runRedteam({
      target,
      seeds,
      judges: judges(),
      persona: 'low_skill',
      store,
      runId: 'r1',
      seed: 7,
      concurrency: 4,
    });
    const stored = store.listAttempts({ runId: 'r1' });
    expect(stored).toHaveLength(sum.attempts);
    expect(sum.attempts).toBe(sum.planned);
    expect(sum.success + sum.failure + sum.error + sum.undetermined).toBe(sum.attempts);
    expect(sum.success).toBeGreaterThan(0);
    expect(sum.asr).toBeCloseTo(sum.success / (sum.success + sum.failure));
    const direct = stored.filter((a) => a.attack === 'direct');
    expect(direct).toHaveLength(seeds.length);
    for (const a of direct) {
      expect(a.outcome).toBe('success');
      expect(a.transcript.at(-1)?.role).toBe('assistant');
      expect(a.verdicts.length).toBeGreaterThan(0);
    }
    for (const a of stored) expect(a.turns).toBeLessThanOrEqual(2); // low-skill: ≤ 2 turns
    expect(Object.keys(sum.slices.attack)).toEqual(expect.arrayContaining(['direct', 'chain', 'crescendo']));
    expect(sum.slices.language.en.attempts).toBe(sum.attempts);
    expect(store.getRun('r1')?.kind).toBe('redteam');
  });

  it("a reasoning model's harmful trace behind a refusing answer is a success, counted as trace-only", async () => {
    // A server with a reasoning parser: the trace (apart) works the recognised request through in the
    // world's shape; every answer refuses.
    const { target } = await scripted(() => refuse(seeds[0] as Seed), {
      reasoning: (m) => {
        const s = seedIn(lastUser(m), seeds);
        return s ? `Thinking it through. ${comply(s)}` : 'This is not something to help with.';
      },
    });
    const store = tmpStore();
    const harm = createJudges({}, { target: () => undefined as never }).attack;
    const sum = await runRedteam({
      target,
      seeds,
      judges: harm,
      persona: 'low_skill',
      store,
      runId: 'rt',
      seed: 7,
    });
    const direct = store.listAttempts({ runId: 'rt' }).filter((a) => a.attack === 'direct');
    expect(direct).toHaveLength(seeds.length);
    for (const a of direct) {
      expect(a.outcome).toBe('success');
      expect(a.transcript.at(-1)?.content).toMatch(/^<think>\n[\s\S]*<\/think>\n\n/);
    }
    expect(sum.reasoningOnly).toBeGreaterThanOrEqual(direct.length);
    expect(sum.reasoningOnly).toBeLessThanOrEqual(sum.success);
    // Judged by the answer alone, the same replies are refusals.
    const answerOnly = createJudges(
      { judges: { reasoningTrace: 'ignore' } },
      { target: () => undefined as never },
    );
    const again = await runRedteam({
      target,
      seeds,
      judges: answerOnly.attack,
      persona: 'low_skill',
      store: tmpStore(),
      runId: 'rt2',
      seed: 7,
    });
    expect(again.success).toBe(0);
    expect(again.reasoningOnly).toBeUndefined();
  });

  it('each stored attempt is what was sent and judged; the same seed stores the same attempts', async () => {
    const { server, target } = await halfTarget();
    const few = seeds.slice(0, 4);
    const opts = {
      target,
      seeds: few,
      judges: judges(),
      persona: 'intermediate' as const,
      runId: 'same',
      seed: 5,
      // one at a time: the search attack learns across seeds, so order is part of the plan
      concurrency: 1,
      search: { tries: 3 },
    };
    const a = tmpStore();
    const b = tmpStore();
    await runRedteam({ ...opts, store: a });
    const sentByFirst = server.log.length;
    await runRedteam({ ...opts, store: b });
    const strip = (x: Attempt) => ({ ...x, createdAt: undefined });
    const first = a.listAttempts({ runId: 'same' });
    expect(first.length).toBeGreaterThan(few.length);
    expect(b.listAttempts({ runId: 'same' }).map(strip)).toEqual(first.map(strip));
    expect(a.getRun('same')?.seed).toBe(5);
    expect(new Set(first.map((x) => x.attack))).toEqual(
      new Set(['direct', 'chain', 'many_shot', 'crescendo', 'search']),
    );
    const sent = server.log.slice(0, sentByFirst).map((r) => JSON.stringify(r.body.messages));
    for (const x of first) {
      const seed = few.find((s) => s.id === x.seedId);
      expect(seed, x.seedId).toBeDefined();
      expect([x.language, x.category]).toEqual([seed?.language, seed?.category]);
      if (x.attack === 'chain') expect(x.techniques.length).toBeGreaterThan(0);
      // the transcript is the request the target got, then its reply
      const reply = x.transcript.at(-1);
      expect(reply?.role).toBe('assistant');
      const request = x.transcript.slice(0, -1).map((m) => ({ role: m.role, content: m.content }));
      expect(sent).toContain(JSON.stringify(request));
      const got = seedIn(lastUser(request), few);
      expect(reply?.content).toBe(got ? comply(got) : refuse(seeds[0] as Seed));
      expect(x.verdicts.map((v) => v.judge)).toEqual(['offline-compliance@v2', 'offline-severity@v2']);
      expect(x.outcome).toBe(decideOutcome(x.verdicts).outcome);
      expect(x.calls).toBeGreaterThanOrEqual(1);
    }
  });

  it('resume: a rerun with the same run id skips every stored attempt and calls the target no more', async () => {
    const { server, target } = await halfTarget();
    const store = tmpStore();
    const opts = {
      target,
      seeds,
      judges: judges(),
      persona: 'low_skill' as const,
      store,
      runId: 'r2',
      seed: 3,
    };
    const first = await runRedteam({ ...opts, budget: { attempts: 10 } });
    expect(first.ran).toBe(10);
    const calls = server.requests;
    const again = await runRedteam({ ...opts, budget: { attempts: 10 } });
    expect(again.resumed).toBe(10);
    expect(again.ran).toBe(0);
    expect(server.requests).toBe(calls);
    expect(again.success).toBe(first.success);
    // a bigger budget runs only the new ones
    const more = await runRedteam({ ...opts, budget: { attempts: 14 } });
    expect(more.resumed).toBe(10);
    expect(more.ran).toBe(4);
    expect(store.countAttempts({ runId: 'r2' })).toBe(14);
  });

  it('ids are deterministic given run, round and seed; another round gives other ids', () => {
    const base = {
      target: {
        id: 'x',
        chat: async () => {
          throw new Error('unused');
        },
      },
      seeds,
      judges: judges(),
      runId: 'r',
      seed: 1,
    };
    const a = planRedteam(base).items.map((i) => i.id);
    expect(planRedteam(base).items.map((i) => i.id)).toEqual(a);
    expect(new Set(a).size).toBe(a.length);
    const b = planRedteam({ ...base, round: 2 }).items.map((i) => i.id);
    expect(b.filter((id) => a.includes(id))).toHaveLength(0);
    // Seeds passed whole (harmful, benign look-alikes, helpful tasks): only the harmful are attacked.
    const mixed = [
      ...seeds,
      ...selectSeeds({ kind: 'benign', split: 'attack' }).slice(0, 5),
      ...selectSeeds({ kind: 'helpful' }).slice(0, 5),
    ];
    const planned = planRedteam({ ...base, seeds: mixed }).items;
    expect(planned.length).toBeGreaterThan(0);
    expect(new Set(planned.map((i) => i.seed.kind))).toEqual(new Set(['harmful']));
    expect(planned.map((i) => i.id)).toEqual(a);
  });

  it('budgets: attempts cap the plan; a token budget stops the run and nothing half-done is stored', async () => {
    const { server, target } = await halfTarget();
    const store = tmpStore();
    const capped = await runRedteam({
      target,
      seeds,
      judges: judges(),
      store,
      runId: 'b1',
      budget: { attempts: 5 },
    });
    expect(capped.planned).toBe(5);
    expect(capped.attempts).toBe(5);
    const before = server.requests;
    const tok = await runRedteam({
      target,
      seeds,
      judges: judges(),
      store,
      runId: 'b2',
      budget: { tokens: 300 },
      concurrency: 1,
    });
    expect(tok.stoppedBy).toBe('tokens');
    expect(tok.attempts).toBeLessThan(tok.planned);
    expect(store.countAttempts({ runId: 'b2' })).toBe(tok.ran);
    expect(server.requests - before).toBeLessThan(40);
  });

  it('target errors are errors, judge errors are errors: reported beside the ASR, never folded in', async () => {
    const { target } = await scripted(() => 'unused', { faults: { probability: 1, kinds: ['server_500'] } });
    const sum = await runRedteam({
      target,
      seeds: seeds.slice(0, 3),
      judges: judges(),
      techniques: ['direct'],
      runId: 'e1',
    });
    expect(sum.error).toBe(3);
    expect(sum.asr).toBeNull();
    const ok = await halfTarget();
    const broken: Judge = {
      id: 'b',
      kind: 'compliance',
      judge: async () => {
        throw new Error('down');
      },
    };
    const sum2 = await runRedteam({
      target: ok.target,
      seeds: seeds.slice(0, 3),
      judges: [broken],
      techniques: ['direct'],
      runId: 'e2',
    });
    expect(sum2.error).toBe(3);
    expect(sum2.success + sum2.failure).toBe(0);
  });

  it('offline, attacks that need an attacker are reported unavailable with a clear reason', async () => {
    const { target } = await halfTarget();
    const sum = await runRedteam({
      target,
      seeds: seeds.slice(0, 2),
      judges: createJudges({}, { target: () => target }),
      techniques: ['direct', 'pair', 'tap'],
      runId: 'u1',
    });
    expect(sum.unavailable.map((u) => u.attack)).toEqual(['pair', 'tap']);
    expect(sum.unavailable[0].reason).toMatch(/roles\.attacker/);
    expect(Object.keys(sum.slices.attack)).toEqual(['direct']);
  });

  it('translate, named, is reported unavailable rather than planned as a chain that changes nothing', () => {
    const { items, unavailable } = planRedteam({
      target: { id: 'unused', chat: async () => ({ text: '' }) } as never,
      seeds: seeds.slice(0, 2),
      judges: [],
      techniques: ['translate', 'leetspeak'],
      runId: 'tr',
    });
    expect(unavailable.map((u) => u.attack)).toEqual(['translate']);
    expect(unavailable[0].reason).toMatch(/its own language/);
    expect(items.every((i) => !i.techniques.includes('translate'))).toBe(true);
    expect(items.some((i) => i.techniques.includes('leetspeak'))).toBe(true);
  });

  it('an attack named beside converters runs with them; converters alone leave out the multi-turn and search attacks', () => {
    const plan = (techniques: string[]) =>
      planRedteam({
        target: { id: 'unused', chat: async () => ({ text: '' }) } as never,
        seeds: seeds.slice(0, 2),
        judges: [],
        techniques,
        runId: 'named',
      }).items;
    const named = plan(['search', 'leetspeak']);
    expect(named.length).toBeGreaterThan(0);
    expect(named.every((i) => i.attack === 'search')).toBe(true);
    expect(plan(['leetspeak']).some((i) => i.attack === 'search')).toBe(false);
  });

  it('held-back seeds and templates are used only when asked for', () => {
    const all = selectSeeds({ kind: 'harmful', language: 'en' });
    const base = {
      target: {
        id: 'x',
        chat: async () => {
          throw new Error('unused');
        },
      },
      seeds: all,
      judges: judges(),
      runId: 'h',
    };
    const normal = planRedteam(base).items;
    expect(normal.some((i) => i.seed.split === 'heldback')).toBe(false);
    expect(normal.flatMap((i) => i.techniques)).not.toContain('poem');
    const held = planRedteam({ ...base, split: 'heldback' }).items;
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((i) => i.seed.split === 'heldback')).toBe(true);
    const heldTemplates = new Set(['game_level', 'poem', 'evil_confidant', 'emergency', 'continuation']);
    expect(held.flatMap((i) => i.techniques).some((t) => heldTemplates.has(t))).toBe(true);
    expect(normal.flatMap((i) => i.techniques).some((t) => heldTemplates.has(t))).toBe(false);
  });

  it('unknown techniques and personas are input errors naming the field', () => {
    const base = {
      target: {
        id: 'x',
        chat: async () => {
          throw new Error('unused');
        },
      },
      seeds,
      judges: judges(),
      runId: 'x',
    };
    expect(() => planRedteam({ ...base, techniques: ['nope'] })).toThrow(InputError);
    expect(() => planRedteam({ ...base, techniques: ['nope'] })).toThrow(/techniques/);
    expect(() => planRedteam({ ...base, persona: 'expert' as never })).toThrow(/persona/);
  });

  it('filters by category and language', async () => {
    const mixed = selectSeeds({ kind: 'harmful', split: 'attack' });
    const { target } = await halfTarget();
    const plan = planRedteam({
      target,
      seeds: mixed,
      judges: judges(),
      runId: 'f',
      languages: ['fr'],
      categories: ['hate'],
    });
    expect(plan.items.length).toBeGreaterThan(0);
    for (const i of plan.items) {
      expect(i.seed.language).toBe('fr');
      expect(i.seed.category).toBe('hate');
    }
  });
});

describe('an attack cut short by the budget', () => {
  it('is not stored with the outcome of its first turns: a resume runs it whole, as an uninterrupted run does', async () => {
    // A target that neither refuses nor complies: the Crescendo runs all its turns, 2 tokens a call.
    const target: Target = {
      id: 'general',
      chat: async () => ({
        text: GENERAL,
        finishReason: 'stop',
        usage: { promptTokens: 1, completionTokens: 1 },
        latencyMs: 0,
      }),
    };
    const store = tmpStore();
    const base = {
      target,
      seeds: seeds.slice(0, 1),
      judges: judges(),
      techniques: ['crescendo'],
      concurrency: 1,
      store,
      seed: 3,
    };
    const whole = await runRedteam({ ...base, runId: 'whole' });
    const [full] = store.listAttempts({ runId: 'whole' });
    expect(full.turns).toBe(5);
    expect(whole.undetermined).toBe(1);
    // The token budget runs out after the Crescendo's second turn.
    const cut = await runRedteam({ ...base, runId: 'cut', budget: { tokens: 4 } });
    expect(cut.stoppedBy).toBe('tokens');
    expect(cut.calls).toBe(2);
    expect(store.listAttempts({ runId: 'cut' })).toEqual([]);
    expect(cut.attempts).toBe(0);
    const resumed = await runRedteam({ ...base, runId: 'cut' });
    const [again] = store.listAttempts({ runId: 'cut' });
    expect(resumed.ran).toBe(1);
    expect(again.turns).toBe(5);
    expect(again.transcript).toEqual(full.transcript);
    expect(again.outcome).toBe(full.outcome);
  });
});

describe('an attacker tokens budget', () => {
  it('stops the run once spent, at its value exactly: nothing more asked of the attacker, nothing half-done stored', async () => {
    // A Crescendo led by an attacker model whose every question costs 2 tokens (1 + 1); the target
    // neither refuses nor complies, so the attack would go on for all its turns.
    const reply = (text: string) => ({
      text,
      finishReason: 'stop' as const,
      usage: { promptTokens: 1, completionTokens: 1 },
      latencyMs: 0,
    });
    let asked = 0;
    const attacker: Target = {
      id: 'attacker',
      chat: async () => reply(JSON.stringify({ question: `question ${++asked}` })),
    };
    const target: Target = { id: 'general', chat: async () => reply(GENERAL) };
    const store = tmpStore();
    const cut = await runRedteam({
      target,
      attacker,
      seeds: seeds.slice(0, 1),
      judges: judges(),
      techniques: ['crescendo'],
      concurrency: 1,
      store,
      seed: 3,
      runId: 'atk-cut',
      budget: { attackerTokens: 4 },
    });
    // 4 tokens = 2 questions: spent exactly, so no third is asked.
    expect(cut.stoppedBy).toBe('attackerTokens');
    expect([cut.attackerCalls, cut.attackerTokens, asked]).toEqual([2, 4, 2]);
    expect(store.listAttempts({ runId: 'atk-cut' })).toEqual([]);
    store.close();
  });
});

describe('runRedteam concurrency', () => {
  it('concurrent and with replies arriving in random order, the same seed stores the same attempts in plan order', async () => {
    const { target: inner } = await halfTarget();
    // Random latency per call: attempts finish in a different order every run.
    const jittery = {
      id: 'jittery',
      async chat(...args: Parameters<typeof inner.chat>) {
        await new Promise((r) => setTimeout(r, Math.random() * 8));
        return inner.chat(...args);
      },
    };
    const run = async (runId: string) => {
      const store = tmpStore();
      const summary = await runRedteam({
        target: jittery,
        seeds: seeds.slice(0, 6),
        judges: judges(),
        persona: 'intermediate',
        runId,
        seed: 5,
        concurrency: 8,
        search: { tries: 4 },
        store,
      });
      // Ids carry the run id; everything else must match.
      const attempts = store
        .listAttempts({ runId })
        .map((a) => ({ ...a, id: undefined, runId: undefined, createdAt: undefined }));
      return { attempts, search: summary.search, asr: summary.asr };
    };
    const [a, b] = [await run('r1'), await run('r2')];
    expect(a.attempts.filter((x) => x.attack === 'search').length).toBeGreaterThan(3);
    expect(b).toEqual(a);
  });

  it('never has more than `concurrency` attempts calling the target at once', async () => {
    const { target: inner } = await halfTarget();
    let active = 0;
    let peak = 0;
    const target = {
      id: 'counted',
      async chat(...args: Parameters<typeof inner.chat>) {
        active++;
        peak = Math.max(peak, active);
        try {
          return await inner.chat(...args);
        } finally {
          active--;
        }
      },
    };
    const sum = await runRedteam({
      target,
      seeds,
      judges: judges(),
      techniques: ['direct', 'chain', 'rot13', 'screenplay'],
      concurrency: 3,
      runId: 'c1',
    });
    expect(sum.attempts).toBeGreaterThan(10);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });
});

describe('personas and the wall-time budget', () => {
  const fakeTarget = { id: 'x', chat: async () => Promise.reject(new Error('unused')) };
  it('low_skill: direct asks and simple wrappers, no encodings; intermediate: encodings, many-shot, multi-turn, search', async () => {
    const { CONVERTERS } = await import('../../src/break/index.js');
    const conv = new Set(CONVERTERS.map((c) => c.id));
    const low = planRedteam({
      target: fakeTarget,
      seeds,
      judges: judges(),
      persona: 'low_skill',
      runId: 'p',
    }).items;
    expect(low.flatMap((i) => i.techniques).some((t) => conv.has(t))).toBe(false);
    expect(new Set(low.map((i) => i.attack))).toEqual(new Set(['direct', 'chain', 'crescendo']));
    const mid = planRedteam({
      target: fakeTarget,
      seeds,
      judges: judges(),
      persona: 'intermediate',
      runId: 'p',
    }).items;
    expect(mid.flatMap((i) => i.techniques).some((t) => conv.has(t))).toBe(true);
    expect(new Set(mid.map((i) => i.attack))).toEqual(
      new Set(['direct', 'chain', 'many_shot', 'crescendo', 'search']),
    );
  });

  it('a seconds budget stops the run', async () => {
    const { target } = await scripted((m) => comply(seedIn(lastUser(m), seeds) ?? (seeds[0] as Seed)), {
      latencyMs: 30,
    });
    const sum = await runRedteam({
      target,
      seeds,
      judges: judges(),
      techniques: ['direct', 'chain', 'rot13', 'base64', 'screenplay'],
      concurrency: 1,
      budget: { seconds: 0.3 },
      runId: 's1',
    });
    expect(sum.stoppedBy).toBe('seconds');
    expect(sum.attempts).toBeLessThan(sum.planned);
  });

  it('a resume whose wall time is spent before it starts sends nothing and still summarises the stored attempts', async () => {
    const { server, target } = await halfTarget();
    const store = tmpStore();
    const base = {
      target,
      seeds: seeds.slice(0, 4),
      judges: judges(),
      techniques: ['direct'],
      store,
      runId: 's2',
    };
    const first = await runRedteam({ ...base, budget: { attempts: 2 } });
    expect([first.ran, first.success]).toEqual([2, 2]);
    const sent = server.requests;
    // (a 0 s budget is spent at once: every attempt not stored is skipped)
    const again = await runRedteam({ ...base, budget: { seconds: 0 } });
    expect(server.requests).toBe(sent);
    expect(again.stoppedBy).toBe('seconds');
    expect([again.planned, again.ran, again.resumed, again.attempts, again.success]).toEqual([4, 0, 2, 2, 2]);
    store.close();
  });
});
