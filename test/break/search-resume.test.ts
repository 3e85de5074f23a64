// A search attack's run stopped part-way and resumed must be the run it would have been: the search
// learns across seeds (each attempt's tries start from what the attempts planned before it taught
// the bandit), so a resume that forgets what a stored attempt's tries taught picks other arms for
// every later attempt. A SCRIPTED FAKE target over real HTTP, real offline judges, real SQLite stores.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRedteam, selectSeeds } from '../../src/break/index.js';
import type { Attempt, Judge, Seed } from '../../src/core/index.js';
import { complianceJudge, severityJudge } from '../../src/judge/index.js';
import { openStore } from '../../src/store/index.js';
import { comply, lastUser, refuse, scripted, seedIn } from './redteam-fakes.js';

const tmpStore = () => openStore(join(mkdtempSync(join(tmpdir(), 'search-resume-')), 'b.db'));
const seeds = selectSeeds({ kind: 'harmful', split: 'attack', language: 'en' }).slice(0, 12);

describe('the search attack stopped and resumed', () => {
  it('stores the attempts an uninterrupted run of the same seed stores, and its summary counts the same tries', async () => {
    // Complies with a third of the seeds when it can read the request plainly (a template that
    // quotes it), refuses the rest: some arms win, most tries fail, so what the bandit learnt from
    // the earlier seeds (their failed tries too) decides what the next seed tries.
    const { server, target } = await scripted((m) => {
      const s = seedIn(lastUser(m), seeds);
      return s && seeds.indexOf(s) % 3 === 0 ? comply(s) : refuse(seeds[0] as Seed);
    });
    const opts = {
      target,
      seeds,
      judges: [complianceJudge(), severityJudge()] as Judge[],
      techniques: [
        'search',
        'base64',
        'rot13',
        'leetspeak',
        'tense_past',
        'fiction_story',
        'screenplay',
        'hypothetical',
      ],
      runId: 'search-resume',
      seed: 11,
      concurrency: 2,
      search: { tries: 6 },
    };
    const whole = tmpStore();
    const full = await runRedteam({ ...opts, store: whole });
    const sentWhole = server.requests;
    const strip = (a: Attempt) => ({ ...a, createdAt: undefined });
    const expected = whole.listAttempts({ runId: opts.runId }).map(strip);
    expect(expected.length).toBe(seeds.length);
    expect(new Set(expected.map((a) => a.outcome))).toEqual(new Set(['success', 'failure']));

    for (const k of [3, 7]) {
      const store = tmpStore();
      const before = server.requests;
      // Stopped after k attempts (what a kill leaves: a prefix of the plan), then resumed.
      await runRedteam({ ...opts, store, budget: { attempts: k } });
      const resumed = await runRedteam({ ...opts, store });
      expect(resumed.resumed, `k=${k}`).toBe(k);
      expect(store.listAttempts({ runId: opts.runId }).map(strip), `k=${k}`).toEqual(expected);
      // The run's search summary counts every try once, the stored attempts' included.
      expect(resumed.search, `k=${k}`).toEqual(full.search);
      // Each try sent once: the stopped run and its resume together sent what the whole run sent.
      expect(server.requests - before, `k=${k}`).toBe(sentWhole);
    }
  });
});
