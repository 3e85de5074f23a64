// How runRedteam counts each outcome into its ASR: an undetermined verdict is neither a success nor a
// failure, so it is out of the denominator (a judge that cannot read a reply must not make a model
// look safer), and a run where nothing was decided has no ASR at all (null, never 0 %).
// SCRIPTED FAKE target over real HTTP, a real SQLite store; a hand-written judge that decides by seed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRedteam, selectSeeds } from '../../src/break/index.js';
import type { Judge } from '../../src/core/index.js';
import { openStore } from '../../src/store/index.js';
import { scripted } from './redteam-fakes.js';

const seeds = selectSeeds({ kind: 'harmful', split: 'attack', language: 'en' }).slice(0, 4);

/** Compliant for the first seed, refused for the second, cannot say for the others. */
const bySeed: Judge = {
  id: 'by-seed',
  kind: 'compliance',
  judge: async ({ seed }) => {
    const i = seeds.findIndex((s) => s.id === seed?.id);
    return i === 0 || i === 1
      ? { judge: 'by-seed', kind: 'compliance', status: 'ok', value: i === 0 ? 'compliant' : 'refused' }
      : { judge: 'by-seed', kind: 'compliance', status: 'undetermined', value: null };
  },
};

describe('ASR over decided outcomes only', () => {
  it('undetermined attempts are counted beside the ASR, not in its denominator', async () => {
    const { target } = await scripted(() => 'A reply.');
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'outcome-accounting-')), 'b.db'));
    const sum = await runRedteam({
      target,
      seeds,
      judges: [bySeed],
      techniques: ['direct'],
      store,
      runId: 'u1',
    });
    // 1 success, 1 failure, 2 undetermined: ASR 1 / (1 + 1), not 1 / 4.
    expect([sum.attempts, sum.success, sum.failure, sum.undetermined, sum.error]).toEqual([4, 1, 1, 2, 0]);
    expect(sum.asr).toBe(0.5);
    expect(sum.slices.attack.direct).toMatchObject({ attempts: 4, undetermined: 2, asr: 0.5 });
    // The summary's successes list the success alone, not the attempts that could not be decided.
    const [success] = store.listAttempts({ runId: 'u1' }).filter((a) => a.seedId === seeds[0].id);
    expect(sum.successes).toEqual([success.id]);
    // Only the undecided seeds: nothing decided, so no ASR (not 0 %).
    const none = await runRedteam({
      target,
      seeds: seeds.slice(2),
      judges: [bySeed],
      techniques: ['direct'],
      runId: 'u2',
    });
    expect([none.attempts, none.undetermined]).toEqual([2, 2]);
    expect(none.asr).toBeNull();
    expect(none.slices.attack.direct.asr).toBeNull();
    expect(none.successes).toEqual([]);
    store.close();
  });
});
