// The embedded model's context is 192 tokens; the many-shot attack's 16 shots come to ~870–900. The
// embedded target keeps a longer prompt's latest tokens, so the model reads the last two or three
// shots and the question: a many-shot attempt on it is a few-shot one. That was silent (the
// transcript stores what was sent, and nothing said what was read); the run's summary now says how
// many attempts of which attack were cut, of what window. The REAL embedded target and the real CLI.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

const redteam = (dir: string, techniques: string[], json: boolean, more: string[] = ['--budget', '3']) =>
  runCli(
    [
      'redteam',
      '--target',
      'embedded:base',
      '--techniques',
      ...techniques,
      ...more,
      '--store',
      join(dir, 's.db'),
      '-q',
      ...(json ? ['--json'] : []),
    ],
    { cwd: dir, env: { NO_COLOR: '1' } },
  );

describe('a prompt longer than the embedded model reads', () => {
  it('many_shot: the summary names the attack, the attempts cut and the 192-token window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'many-shot-ctx-'));
    const r = await redteam(dir, ['many_shot'], true);
    // (the base model garbles a many-shot answer: undetermined, which may leave nothing decided, exit 3)
    expect([0, 1, 3], r.stderr).toContain(r.code);
    const s = JSON.parse(r.stdout);
    expect(s.attempts).toBe(3);
    expect(s.truncated).toMatchObject({ attempts: 3, contextTokens: 192, attacks: { many_shot: 3 } });
    // 16 shots of ~50 tokens: most of the prompt is never read
    expect(s.truncated.mostDropped).toBeGreaterThan(600);
    // The text summary says it too (from the response cache now: the cached replies keep it).
    const t = await redteam(dir, ['many_shot'], false);
    expect(t.stdout).toMatch(
      /the target's context holds 192 tokens: it read only the end of 3 attempts' prompts \(many_shot 3; up to \d+ tokens dropped from the start\): a many-shot attempt there is a few-shot one/,
    );
  });

  it('a prompt that fits says nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'many-shot-ctx-'));
    const r = await redteam(dir, ['direct'], true);
    expect(r.code, r.stderr).toBeLessThanOrEqual(1);
    const s = JSON.parse(r.stdout);
    expect(s.attempts).toBe(3);
    expect(s.truncated).toBeUndefined();
  });

  // The count was of the attempts run by that invocation: a resumed run said nothing of those it had
  // stored before. It is a property of each stored attempt now; an attempt stored by a breakfix that
  // did not count them says nothing either way, and is counted as unknown, never as one that fit.
  it('a resumed run counts the attempts it stored before; one stored without the count is unknown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'many-shot-ctx-'));
    const run = (budget: number, json = true) =>
      redteam(dir, ['many_shot'], json, ['--budget', String(budget), '--run-id', 'run_trunc_resume']);
    const first = JSON.parse((await run(2)).stdout);
    expect(first.truncated).toMatchObject({ attempts: 2, attacks: { many_shot: 2 } });
    const resumed = JSON.parse((await run(3)).stdout);
    expect([resumed.resumed, resumed.ran]).toEqual([2, 1]);
    expect(resumed.truncated).toMatchObject({ attempts: 3, contextTokens: 192, attacks: { many_shot: 3 } });
    expect(resumed.truncated.unknown).toBeUndefined();

    // Two attempts as an older breakfix stored them: no count.
    const db = new Database(join(dir, 's.db'));
    db.prepare(
      'UPDATE attempts SET truncation = NULL WHERE rowid IN (SELECT rowid FROM attempts ORDER BY rowid LIMIT 2)',
    ).run();
    db.close();
    const old = JSON.parse((await run(3)).stdout);
    expect(old.resumed).toBe(3);
    expect(old.truncated).toMatchObject({ attempts: 1, attacks: { many_shot: 1 }, unknown: 2 });
    expect((await run(3, false)).stdout).toMatch(
      /it read only the end of 1 attempts' prompts \(many_shot 1; .*; 2 attempts stored by an older breakfix, which did not count their prompts cut short: not known for those/,
    );
  });
});
