// A persona's own settings for an attack win over the config's sizes for it: low_skill's Crescendo
// (2 turns, 2 backtracks) stays a low-skill attack when redteam.attacks.crescendo.backtracks is
// larger, and a persona that sets nothing takes the config's. SCRIPTED FAKE target over real HTTP.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getTemplate, planRedteam, runRedteam, selectSeeds } from '../../src/break/index.js';
import { complianceJudge } from '../../src/judge/index.js';
import { openStore } from '../../src/store/index.js';
import { lastUser, refuse, scripted, seedIn } from './redteam-fakes.js';

const seeds = selectSeeds({ kind: 'harmful', split: 'attack', language: 'en' }).slice(0, 1);

describe("a persona's attack settings", () => {
  it("low_skill's Crescendo keeps its 2 backtracks over the config's; intermediate's takes the config's", async () => {
    // Refuses everything: each refusal is a backtrack while any are left, then a turn.
    const { target } = await scripted((m) => refuse(seedIn(lastUser(m), seeds) ?? seeds[0]));
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'persona-settings-')), 'b.db'));
    const run = async (persona: 'low_skill' | 'intermediate', runId: string) => {
      await runRedteam({
        target,
        seeds,
        judges: [complianceJudge()],
        techniques: ['crescendo'],
        persona,
        attackOptions: { crescendo: { maxBacktracks: 4 } },
        store,
        runId,
        seed: 1,
      });
      const [a] = store.listAttempts({ runId });
      return { calls: a.calls, turns: a.turns, outcome: a.outcome };
    };
    // low_skill: 2 backtracks + 2 turns = 4 calls (with the config's 4 backtracks it would be 6).
    expect(await run('low_skill', 'low')).toEqual({ calls: 4, turns: 2, outcome: 'failure' });
    // intermediate sets no backtracks: the config's 4, then its 5 turns = 9 calls.
    expect(await run('intermediate', 'mid')).toEqual({ calls: 9, turns: 5, outcome: 'failure' });
    store.close();
  });

  it('low_skill wraps each seed in 2 simple copy-paste templates, never an elaborate one', () => {
    const all = selectSeeds({ kind: 'harmful', split: 'attack', language: 'en' }).slice(0, 10);
    const { items } = planRedteam({
      target: { id: 'x', chat: async () => Promise.reject(new Error('unused')) },
      seeds: all,
      judges: [complianceJudge()],
      persona: 'low_skill',
      runId: 'p',
      seed: 1,
    });
    const chains = items.filter((i) => i.attack === 'chain');
    expect(chains).toHaveLength(2 * all.length);
    const simple = [
      'role_play',
      'hypothetical',
      'fiction',
      'research_pretext',
      'authority',
      'prefix_injection',
    ];
    for (const c of chains) {
      expect(c.techniques).toHaveLength(1);
      expect(simple).toContain(getTemplate(c.techniques[0])?.family);
    }
    // Techniques named: each alone, never a converter chained with a template (intermediate's chains).
    const named = planRedteam({
      target: { id: 'x', chat: async () => Promise.reject(new Error('unused')) },
      seeds: all.slice(0, 1),
      judges: [complianceJudge()],
      persona: 'low_skill',
      techniques: ['chain', 'rot13', 'hypothetical'],
      runId: 'p',
      seed: 1,
    }).items.filter((i) => i.attack === 'chain');
    expect(named.map((i) => i.techniques.join('+')).sort()).toEqual(['hypothetical', 'rot13']);
  });
});
