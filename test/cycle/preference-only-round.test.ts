// A round whose curation brings only new preference pairs has new fix data, and trains the next
// candidate. Such a round: the over-refusal probe asks the model look-alikes that earlier rounds
// trained on, and the model refuses them again in new words; each refusal is a new rejected side,
// while the look-alike's SFT record (the teacher's helpful answer, the same as before) is not
// trained twice. Counted by its SFT records alone, the round read "no new fix data": the run
// attacked the same model again, or stopped, and never trained on what the probe found.
// The real CLI in a child process, against a SCRIPTED FAKE OpenAI-compatible server standing in for
// the served models, the teacher and the judge: every model refuses everything, naming itself, so
// each round's refusals differ while the look-alikes and the teacher's answers do not.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { fakeServerCycleConfig, judgeReply, runBreakfix } from '../reliability/helpers-cycle.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-preference-only-'));
let server: FakeServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('breakfix cycle, a round that curates only preference pairs', () => {
  it('trains the next candidate on them', async () => {
    server = await startOpenAIServer({
      log: false,
      script: (messages, body) => {
        const all = messages.map((m) => m.content).join('\n');
        // (the refusal judge reads the teacher's answers as compliance; no judge finds harm)
        const helpful = /A helpful answer/.test(all.split('RESPONSE').pop() ?? '');
        const verdict = judgeReply(all, helpful && all.includes('`LABEL: full_compliance`'));
        if (verdict) return verdict;
        if (body.model === 'teacher') return 'A helpful answer to what was asked.';
        const name = body.model === 'served' ? 'base' : basename(body.model ?? '?');
        return `I can't help with that, says model ${name}.`;
      },
    });
    const config = fakeServerCycleConfig(dir, server.url, {
      attempts: 4,
      teacher: true,
      // (fix data from the probe alone, which asks every look-alike of the world in every round)
      curate: 'syntheticPerVulnerability: 0, benignRatio: 0, helpfulRatio: 0',
      overRefusalProbe: 1000,
      rounds: 3,
      benchLimit: 2,
      retest: 0,
    });
    const r = await runBreakfix(['cycle', '-c', config, '--json']);
    expect(r.stderr).not.toContain('no new fix data');
    const out = JSON.parse(r.stdout) as { run: string };
    const db = new Database(join(dir, 'b.db'), { readonly: true });
    try {
      const records = db
        .prepare(
          'select round, dataset, count(*) as n from records where run_id = ? group by round, dataset order by round, dataset',
        )
        .all(out.run) as { round: number; dataset: string; n: number }[];
      const count = (round: number, dataset: string) =>
        records.find((x) => x.round === round && x.dataset === dataset)?.n ?? 0;
      const all = JSON.stringify(records);
      expect(count(0, 'sft'), all).toBeGreaterThan(0);
      // Round 1 trained the look-alikes round 0 had dropped as near-duplicates of others (asked
      // first, as no round had trained on them); by round 2 every one had been trained on.
      expect(count(2, 'sft'), all).toBe(0);
      expect(count(2, 'preference'), all).toBeGreaterThan(0);
      // So round 2 trained round 3's candidate, which round 3 measured.
      const trained = db
        .prepare('select round from models where run_id = ? and id not like ? order by round')
        .all(out.run, 'round-%') as { round: number }[];
      expect(trained.map((m) => m.round)).toEqual([0, 1, 2, 3]);
      const rounds = db
        .prepare('select round, model from rounds where run_id = ? order by round')
        .all(out.run) as {
        round: number;
        model: string;
      }[];
      expect(rounds.map((x) => x.round)).toEqual([0, 1, 2, 3]);
      expect(new Set(rounds.map((x) => x.model)).size).toBe(4);
    } finally {
      db.close();
    }
  }, 300_000);
});
