// SIGHUP, what a command gets when its terminal or ssh session goes away, stops it as SIGTERM does:
// exit 129, the run marked interrupted with its claim let go and the way back in named, a staged
// output removed. Node's default for SIGHUP killed the process with none of that done: the run stayed
// `running` holding its claim (a resume was refused until the claim went stale), judge left
// OUT.partial-PID behind. Real CLI children, real signals, a real SQLite store.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { untilStored } from '../helpers/stored-attempts.js';
import { runCli, spawnCli } from './run-cli.js';

describe('a command whose terminal hangs up (SIGHUP)', () => {
  it('redteam: the run is marked interrupted, lets go of its claim, exits 129 naming the resume, and resumes with nothing duplicated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-sighup-'));
    const store = join(dir, 's.db');
    const args = ['redteam', '--budget', '40', '--concurrency', '1', '--store', store, '--json'];
    const { child, done, stderrMatches } = spawnCli(args, { cwd: dir });
    const said = await stderrMatches(/run \S+ \(resume after a stop/);
    // Some attempts stored first, so the resume has some to skip.
    await untilStored(store, /run (\S+) \(resume after a stop/.exec(said)?.[1] as string, 2, child);
    child.kill('SIGHUP');
    const { code, stdout, stderr } = await done;
    expect(code, stderr).toBe(129);
    const runId = /run (\S+) \(resume after a stop/.exec(stderr)?.[1] as string;
    expect(stderr).toContain(`interrupted by SIGHUP: run ${runId} stopped`);
    expect(stderr).toContain(`hint: resume it: breakfix redteam --run-id ${runId}`);
    expect(JSON.parse(stdout).error).toMatchObject({ code: 'interrupted', exitCode: 129 });
    let db = openStore(store);
    const stored = db.listAttempts({ runId }).length;
    expect(db.getRun(runId)?.status).toBe('interrupted');
    db.close();
    expect(stored).toBeGreaterThanOrEqual(2);
    expect(stored).toBeLessThan(40);
    const raw = new Database(store);
    expect(raw.prepare('SELECT owner FROM runs WHERE id = ?').get(runId)).toEqual({ owner: null });
    raw.close();

    const again = await runCli([...args, '--run-id', runId], { cwd: dir });
    expect([0, 1], again.stderr).toContain(again.code);
    expect(JSON.parse(again.stdout).attempts).toBe(40);
    db = openStore(store);
    expect(db.getRun(runId)?.status).toBe('done');
    const ids = db.listAttempts({ runId }).map((a) => a.id);
    expect(ids.length).toBe(40);
    expect(new Set(ids).size).toBe(40);
    db.close();
  }, 300_000);

  it('curate (no run of its own to mark): exits 129 saying so, with the error document on stdout, and stores nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'curate-sighup-'));
    const store = join(dir, 's.db');
    const rt = await runCli(['redteam', '--budget', '6', '--store', store, '--json'], { cwd: dir });
    expect([0, 1], rt.stderr).toContain(rt.code);
    const runId = JSON.parse(rt.stdout).runId;
    const args = ['curate', '--store', store, '--run', runId, '--out', join(dir, 'out'), '--json'];
    const { child, done, stderrMatches } = spawnCli(args, { cwd: dir });
    await stderrMatches(/curate: .*started/);
    child.kill('SIGHUP');
    const { code, stdout, stderr } = await done;
    expect(code, stderr).toBe(129);
    expect(stderr).toContain('breakfix: interrupted by SIGHUP: breakfix curate stopped before it finished');
    expect(JSON.parse(stdout).error).toMatchObject({ code: 'interrupted', exitCode: 129 });
    const db = openStore(store);
    try {
      expect(db.listRecords({ runId }).length).toBe(0);
    } finally {
      db.close();
    }
  }, 300_000);

  it('judge --in/--out: exits 129 naming how far it got, and leaves no OUT and no staged OUT.partial-PID', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'judge-sighup-'));
    const lines = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({
        prompt: `How do I bake loaf ${i}?`,
        response: i % 2 ? "I can't help with that." : 'Mix flour and water, knead, rest, bake.',
      }),
    );
    writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
    const out = join(dir, 'judged.jsonl');
    const args = [
      'judge',
      'refusal',
      '--in',
      join(dir, 'in.jsonl'),
      '--out',
      out,
      '--concurrency',
      '1',
      '--json',
    ];
    const { child, done, stderrMatches } = spawnCli(args, { cwd: dir });
    await stderrMatches(/judge refusal .*started/);
    child.kill('SIGHUP');
    const { code, stdout, stderr } = await done;
    expect(code, stderr).toBe(129);
    expect(stderr).toMatch(
      /breakfix: interrupted by SIGHUP after \d+ lines judged: .*judged\.jsonl left as it was/,
    );
    expect(JSON.parse(stdout).error).toMatchObject({ code: 'interrupted', exitCode: 129 });
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([]);
  }, 300_000);
});
