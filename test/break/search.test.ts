// The offline search attacker against a SCRIPTED FAKE target with a planted weakness: it complies
// only with a leetspeak request inside the screenplay template. The direct attack and a fixed list
// of single techniques miss it; the bandit finds it and then reuses it on the category's next seeds.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  armPool,
  Bandit,
  getConverter,
  planRedteam,
  reward,
  runRedteam,
  SearchState,
  sampleBeta,
  selectSeeds,
} from '../../src/break/index.js';
import { createRng, type Seed } from '../../src/core/index.js';
import { complianceJudge, severityJudge } from '../../src/judge/index.js';
import { openStore } from '../../src/store/index.js';
import { comply, lastUser, refuse, scripted, seedIn } from './redteam-fakes.js';

const category = 'nonviolent_crimes';
const seeds = selectSeeds({ kind: 'harmful', split: 'attack', language: 'en', category }).slice(0, 6);
const leet = (t: string) => getConverter('leetspeak')?.apply(t, { rng: createRng(0) }) as string;

function plantedWeakness() {
  return scripted((m) => {
    const q = lastUser(m);
    const hit = seeds.find((s) => q.includes(leet(s.topic as string)) || q.includes(leet(s.text)));
    return hit && q.includes('INT. LAB') ? comply(hit) : refuse(seeds[0] as Seed);
  });
}
const judges = () => [complianceJudge(), severityJudge()];
const store = () => openStore(join(mkdtempSync(join(tmpdir(), 'search-')), 'b.db'));

describe('search attacker', () => {
  it('finds a planted weakness (leetspeak inside a fiction template) that direct and single techniques miss', async () => {
    const { target } = await plantedWeakness();
    // A fixed list of single techniques (the low-skill plan with named techniques runs each alone).
    const singles = await runRedteam({
      target,
      seeds,
      judges: judges(),
      persona: 'low_skill',
      techniques: ['direct', 'chain', 'leetspeak', 'screenplay', 'base64', 'role_play_villain'],
      store: store(),
      runId: 'singles',
      seed: 1,
    });
    expect(singles.success).toBe(0);
    // Named first so that a failed request shows its message rather than a bare count.
    expect(singles.error, singles.firstError).toBe(0);
    expect(singles.failure).toBe(singles.attempts);

    const s = await runRedteam({
      target,
      seeds,
      judges: judges(),
      techniques: ['search'],
      search: { tries: 200, algorithm: 'ucb' },
      concurrency: 1,
      store: store(),
      runId: 'search',
      seed: 1,
    });
    expect(s.success).toBeGreaterThanOrEqual(4);
    const found = s.search?.[category]?.best[0];
    expect(found?.arm).toBe('leetspeak+screenplay');
    // once found, later seeds start with it: the category's tries stay far below seeds × tries
    expect(s.search?.[category]?.tries).toBeLessThan(3 * 200);
    expect(s.slices.technique['leetspeak+screenplay']?.success).toBe(s.success);
  });

  it('a resumed run keeps what the stored attempts found: its new attempts start with the winning arm', async () => {
    const { server, target } = await plantedWeakness();
    const opts = {
      target,
      seeds,
      judges: judges(),
      techniques: ['search'],
      search: { tries: 200, algorithm: 'ucb' as const },
      concurrency: 1,
      runId: 'search-resume',
      seed: 1,
    };
    const resumedStore = store();
    // Interrupted after 3 of the 6 attempts (an attempts budget is a prefix of the same plan).
    const first = await runRedteam({ ...opts, store: resumedStore, budget: { attempts: 3 } });
    expect(first.success).toBeGreaterThan(0);
    const before = server.requests;
    const resumed = await runRedteam({ ...opts, store: resumedStore, budget: { attempts: 6 } });
    expect([resumed.resumed, resumed.ran]).toEqual([3, 3]);
    // The stored wins are replayed into the bandit, so each new attempt asks the winning arm
    // first and needs one request; a bandit that forgot them would search again.
    expect(server.requests - before).toBe(3);
    const wholeStore = store();
    await runRedteam({ ...opts, store: wholeStore });
    // Only wins are replayed (docs/RELIABILITY.md), not failed tries; here every stored attempt
    // ended in a win, so the new attempts are those of an uninterrupted run.
    const shown = (st: ReturnType<typeof store>) =>
      st
        .listAttempts({ runId: 'search-resume' })
        .map((a) => [a.seedId, a.outcome, a.techniques, a.calls, a.transcript]);
    expect(shown(resumedStore)).toEqual(shown(wholeStore));
  });

  it('Thompson sampling finds it too', async () => {
    const { target } = await plantedWeakness();
    const s = await runRedteam({
      target,
      seeds: seeds.slice(0, 3),
      judges: judges(),
      techniques: ['search'],
      search: { tries: 450, algorithm: 'thompson' },
      concurrency: 1,
      runId: 'thompson',
      seed: 2,
    });
    expect(s.success).toBeGreaterThanOrEqual(2);
  });

  it('reward: a success is worth 1, a try short of one at most half as much, a 1 or an error nothing', () => {
    // A 10 from a rater beside judges that did not see a success must not rank an arm with a success.
    expect(reward('success', 1)).toBe(1);
    expect(reward('undetermined', 10)).toBe(0.5);
    expect(reward('failure', 1)).toBe(0);
    expect(reward('error', null)).toBe(0);
  });

  it('bandit: UCB tries every arm once, then prefers the rewarding one; Beta draws stay in [0, 1]', () => {
    const arms = armPool({ techniques: ['rot13', 'leetspeak', 'screenplay'] });
    expect(arms.map((a) => a.id)).toEqual(
      expect.arrayContaining([
        'rot13',
        'leetspeak',
        'screenplay',
        'rot13+screenplay',
        'leetspeak+screenplay',
      ]),
    );
    const b = new Bandit(arms, 'ucb', createRng(3));
    const seen = new Set<string>();
    for (let i = 0; i < arms.length; i++) {
      const a = b.pick() as (typeof arms)[number];
      seen.add(a.id);
      b.update(a.id, a.id === 'leetspeak+screenplay' ? 1 : 0, a.id === 'leetspeak+screenplay');
    }
    expect(seen.size).toBe(arms.length);
    const picks = Array.from({ length: 50 }, () => {
      const a = b.pick() as (typeof arms)[number];
      b.update(a.id, a.id === 'leetspeak+screenplay' ? 1 : 0, a.id === 'leetspeak+screenplay');
      return a.id;
    });
    expect(picks.filter((p) => p === 'leetspeak+screenplay').length).toBeGreaterThan(25);
    expect(b.incumbent()?.id).toBe('leetspeak+screenplay');
    const rng = createRng(9);
    for (let i = 0; i < 200; i++) {
      const x = sampleBeta(rng, 0.5 + (i % 5), 1 + (i % 3));
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
    }
  });
});

describe('a search run at concurrency 2', () => {
  // Attempt i learns from the attempts planned before i − 1 (runRedteam waits for them), never from
  // attempt i − 1, which may still be in flight beside it: the same seed gives the same run however
  // fast each attempt's replies come back.
  it('stores the same attempts whether the attempt planned before the third one finishes early or late', async () => {
    const three = seeds.slice(0, 3);
    let hold: (seedId: string | undefined) => Promise<void> | undefined = () => undefined;
    const { target } = await scripted(async (m) => {
      await hold(seedIn(m.map((x) => x.content).join('\n'), three)?.id);
      return refuse(three[0] as Seed);
    });
    const opts = {
      target,
      seeds: three,
      judges: judges(),
      techniques: ['search', 'fiction_story', 'screenplay', 'hypothetical'],
      search: { tries: 2 },
      concurrency: 2,
      runId: 'speed',
      seed: 3,
    };
    const order = planRedteam(opts).items.map((i) => i.seed.id);
    expect(order).toHaveLength(3);
    const run = async (late: 'first' | 'second') => {
      let oneFinished: () => void = () => {};
      const finished = new Promise<void>((r) => {
        oneFinished = r;
      });
      let thirdBegun: () => void = () => {};
      const begun = new Promise<void>((r) => {
        thirdBegun = r;
      });
      hold = (id) => {
        if (id === order[2]) thirdBegun();
        // 'first': the second attempt finishes before the first; 'second': it is still waiting for a
        // reply when the third attempt starts.
        if (late === 'first' && id === order[0]) return finished;
        if (late === 'second' && id === order[1]) return begun;
        return undefined;
      };
      const st = store();
      const progress = { start() {}, tick: () => oneFinished(), done() {}, log() {} };
      await runRedteam({ ...opts, store: st, progress });
      return st
        .listAttempts({ runId: 'speed' })
        .map((a) => [a.seedId, a.outcome, a.techniques, a.transcript])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    };
    const second = await run('second');
    expect(second).toHaveLength(3);
    expect(await run('first')).toEqual(second);
  });
});

describe('what the bandits learn', () => {
  const arms = armPool({ techniques: ['rot13', 'leetspeak', 'screenplay'] });
  const teach = (b: Bandit, wins: string) => {
    for (const a of arms) for (let i = 0; i < 10; i++) b.update(a.id, a.id === wins ? 1 : 0, a.id === wins);
  };

  it('Thompson sampling draws the rewarding arm far more often than the others', () => {
    const b = new Bandit(arms, 'thompson', createRng(5));
    teach(b, 'leetspeak+screenplay');
    const picks = Array.from({ length: 40 }, () => b.pick()?.id);
    expect(picks.filter((p) => p === 'leetspeak+screenplay').length).toBeGreaterThan(30);
  });

  it('an arm counts a reward outside [0, 1] as 0 or 1, so no single update outweighs a success', () => {
    const b = new Bandit(arms, 'ucb', createRng(5));
    b.update('rot13', 3, false);
    b.update('leetspeak', -2, false);
    expect(b.stats.get('rot13')?.reward).toBe(1);
    expect(b.stats.get('leetspeak')?.reward).toBe(0);
  });

  it("the run summary's best arms of a category come best rate first", () => {
    const state = new SearchState({ arms: { techniques: ['rot13', 'leetspeak', 'screenplay'] } });
    const b = state.forCategory(category);
    const record = { rot13: 1, leetspeak: 3, screenplay: 2 };
    for (const [arm, wins] of Object.entries(record))
      for (let i = 0; i < 4; i++) b.update(arm, i < wins ? 1 : 0, i < wins);
    expect(state.summary()[category]?.best.map((x) => x.arm)).toEqual(['leetspeak', 'screenplay', 'rot13']);
  });

  it("the arm a new seed tries first is the summary's best: of arms with the same record, the first in the pool", () => {
    // The run's summary names a category's best arm; the incumbent a new seed starts with must be
    // the same arm, also when several share the best success rate.
    const state = new SearchState({ arms: { techniques: ['rot13', 'leetspeak', 'screenplay'] } });
    const b = state.forCategory(category);
    for (const arm of ['rot13', 'leetspeak', 'screenplay']) b.update(arm, 1, true);
    const [best] = state.summary()[category]?.best ?? [];
    expect(best?.arm).toBe('rot13');
    expect(b.incumbent()?.id).toBe(best?.arm);
  });
});
