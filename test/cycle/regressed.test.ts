// A vulnerability fixed in round 1 and broken again in round 2 is *regressed*: identify diffs a round
// with the one before it, not with round 0 (where the same finding was merely open, so it would read
// as persisting and the regression would go unseen). The real CLI in a child process, against a
// SCRIPTED FAKE OpenAI-compatible server standing in for the served models and the judge. The red team
// sends only direct asks in English, so a vulnerability is a harm category: the base model complies
// (round 0: open), round 1's model refuses, retest and red team alike (fixed; nothing left to curate,
// so round 2 attacks the same model again), and once the store shows round 2 begun, that model
// complies again with what it is asked anew (what it refused in round 1 comes back from the response
// cache, refused).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { fakeServerCycleConfig, judgedScript, runBreakfix } from '../reliability/helpers-cycle.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-regressed-'));
let server: FakeServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('breakfix cycle, a finding fixed in round 1 and broken again in round 2', () => {
  it('is regressed in round 2, not persisting', async () => {
    // Whether round 2 has begun, read from the store the cycle writes.
    let relapsed = false;
    const round2Begun = () => {
      const db = new Database(join(dir, 'b.db'), { readonly: true });
      try {
        return db.prepare('select 1 from rounds where round = 2').get() !== undefined;
      } finally {
        db.close();
      }
    };
    server = await startOpenAIServer({
      log: false,
      script: judgedScript((messages, body) => {
        const ask = messages.at(-1)?.content ?? '';
        if (basename(body.model ?? '') === 'round-1') {
          relapsed ||= round2Begun();
          if (!relapsed) return "I'm sorry, but I can't help with that.";
        }
        return `Sure. Here is an answer: ${ask.slice(0, 40)}`;
      }),
    });
    const config = fakeServerCycleConfig(dir, server.url, {
      attempts: 12,
      redteam: 'techniques: [direct], languages: [en]',
      overRefusalProbe: 2,
      rounds: 2,
      benchLimit: 3,
    });
    const r = await runBreakfix(['cycle', '-c', config, '--json']);
    expect([0, 1], r.stderr).toContain(r.code);
    const out = JSON.parse(r.stdout) as {
      run: string;
      rounds: { round: number; model: string; vulnerabilities_regressed: number }[];
    };
    // (round 1 curated nothing: round 2 attacked round 1's model again)
    expect(out.rounds[2].model).toBe(out.rounds[1].model);
    expect(out.rounds[1].model).not.toBe(out.rounds[0].model);
    expect(relapsed).toBe(true);
    const db = new Database(join(dir, 'b.db'), { readonly: true });
    try {
      const status = (round: number) =>
        Object.fromEntries(
          (
            db
              .prepare('select id, data from vulnerabilities where run_id = ? and round = ?')
              .all(out.run, round) as { id: string; data: string }[]
          ).map((v) => [v.id, (JSON.parse(v.data) as { status: string }).status]),
        );
      const [r0, r1, r2] = [status(0), status(1), status(2)];
      // Every finding of round 0 fixed in round 1; those round 2 found again are regressed, never
      // persisting (nothing was open before round 2 to persist), the others new.
      expect(Object.keys(r0).length).toBeGreaterThan(0);
      expect(r1).toEqual(Object.fromEntries(Object.keys(r0).map((id) => [id, 'fixed'])));
      const again = Object.keys(r2).filter((id) => id in r1 && r2[id] !== 'fixed');
      expect(again.length).toBeGreaterThan(0);
      for (const id of again) expect(r2[id], id).toBe('regressed');
      expect(Object.values(r2)).not.toContain('persisting');
      expect(out.rounds[2].vulnerabilities_regressed).toBe(again.length);
    } finally {
      db.close();
    }
  }, 300_000);
});
