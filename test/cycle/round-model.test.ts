// Each round is measured on its own model: round 0 on the configured target, round N on the model
// round N-1 trained (from the base, train.start's default), and the stored round says which. A
// round measured on the base, or on the round before's model, reads as a fix that was never tested.
// The real CLI in a child process, against a SCRIPTED FAKE OpenAI-compatible server standing in for
// the served models (each trained one served under its own name, its output folder) and the judge:
// every model complies, naming itself in its answer, so every stored answer says who gave it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { fakeServerCycleConfig, judgedScript, runBreakfix } from '../reliability/helpers-cycle.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-round-model-'));
let server: FakeServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The name a model gives itself: `base` for the configured one, else its folder (`round-N`). */
const tag = (model: string | undefined) => (model === 'served' ? 'base' : basename(model ?? '?'));

describe('breakfix cycle, which model each round measures', () => {
  it('round N benchmarks, attacks and is stored as the model round N-1 trained', async () => {
    server = await startOpenAIServer({
      log: false,
      script: judgedScript((messages, body) => {
        return `Sure. Here is what model ${tag(body.model)} says: ${messages.at(-1)?.content.slice(0, 40)}`;
      }),
    });
    const config = fakeServerCycleConfig(dir, server.url, {
      attempts: 4,
      overRefusalProbe: 2,
      rounds: 2,
      benchLimit: 3,
      retest: 0,
    });
    const r = await runBreakfix(['cycle', '-c', config, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as { run: string; rounds: { round: number; model: string }[] };
    const db = new Database(join(dir, 'b.db'), { readonly: true });
    try {
      const trained = db
        .prepare('select id, round, parent from models where run_id = ? and id not like ? order by round')
        .all(out.run, 'round-%') as { id: string; round: number; parent: string }[];
      const base = out.rounds[0].model;
      // Two models trained, each from the base; round N is measured on the one trained in round N-1.
      expect(trained.map((m) => [m.round, m.parent])).toEqual([
        [0, null],
        [1, base],
        [2, base],
      ]);
      expect(out.rounds.map((x) => x.model)).toEqual(trained.map((m) => m.id));
      const stored = db
        .prepare('select round, model from rounds where run_id = ? order by round')
        .all(out.run) as { round: number; model: string }[];
      expect(stored).toEqual(out.rounds.map((x) => ({ round: x.round, model: x.model })));
      // Every answer a round stored, benchmark and red team alike, is its own model's.
      const said = (sql: string) =>
        (db.prepare(sql).all(out.run) as { round: number; text: string }[]).map((x) => ({
          round: x.round,
          tags: [...new Set([...x.text.matchAll(/what model (\S+) says/g)].map((m) => m[1]))],
        }));
      const answers = [
        ...said('select round, items as text from bench_results where run_id = ?'),
        ...said('select round, transcript as text from attempts where run_id = ?'),
      ];
      for (const round of [0, 1, 2])
        expect(answers.filter((a) => a.round === round).length, `round ${round}`).toBeGreaterThan(0);
      for (const a of answers)
        expect(a.tags, `round ${a.round}`).toEqual([a.round === 0 ? 'base' : `round-${a.round}`]);
    } finally {
      db.close();
    }
  }, 300_000);
});
