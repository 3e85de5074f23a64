// A persona's own settings for an attack win over the config's sizes for it: low_skill's Crescendo
// (2 turns, 2 backtracks) stays a low-skill attack when redteam.attacks.crescendo.backtracks is
// larger, and a persona that sets nothing takes the config's. SCRIPTED FAKE target over real HTTP.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRedteam, selectSeeds } from '../../src/break/index.js';
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
});
