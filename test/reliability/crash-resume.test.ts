// Crash and resume: the miniature break-fix cycle (real generation with the shipped tiny base model,
// real offline judges, real SQLite, real SFT + DPO steps) is killed with SIGKILL at 12 points, one
// after another on the same store — during the red team and the retest, during curation, during SFT and DPO
// training, inside a store transaction before its COMMIT, right after single-row writes — and
// `breakfix cycle --resume` is started again after each. The run that survives them all must store
// exactly what an uninterrupted run of the same seed stores (rounds, step results, bench results,
// attempts with verdicts, vulnerabilities, curated records, training logs and trained weights), with
// no duplicated attempt, and the database must pass `PRAGMA integrity_check` after every kill.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/index.js';
import { writeFigures } from './helpers.js';
import { type CliRun, integrity, miniCycleConfig, runBreakfix, storedCycle } from './helpers-cycle.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Where to die: once a progress line matching `after` has been written, either the parent
 * SIGKILLs the process `delayMs` later, or the crash hook SIGKILLs it inside its `tx`-th store
 * transaction (before COMMIT) or right after its `n`-th single-row write matching `sql`. */
interface KillPoint {
  label: string;
  after: RegExp;
  delayMs?: number;
  tx?: number;
  sql?: string;
  n?: number;
}

/** The kill points, in the order of the cycle's phases, with seeded delays and counts. Each delay is
 * shorter than its phase takes on an idle machine, so the kill lands inside the phase. */
function killPoints(seed: number): KillPoint[] {
  const rng = createRng(`crash-resume:${seed}`);
  const between = (lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));
  return [
    {
      label: 'round 0 bench: after a suite result is written',
      after: /round 0: bench/,
      sql: 'INSERT INTO bench_results',
      n: between(1, 3),
    },
    { label: 'round 0 red team: inside an attempts transaction', after: /round 0: break/, tx: 1 },
    {
      label: 'round 0 identify: right after its step marker',
      after: /round 0: identify/,
      sql: 'INSERT INTO steps',
      n: 1,
    },
    { label: 'round 0 curation, mid-run', after: /round 0: curate/, delayMs: between(0, 1200) },
    { label: 'round 0 curation: inside a records transaction', after: /round 0: curate/, tx: between(1, 2) },
    // (SFT's 4 steps and DPO's 2 take about 1.0 s and 0.9 s on an idle machine: delays up to 1,200
    // and 900 ms could land after them, and the DPO kill then fell after the model was registered,
    // leaving the next point nothing to kill)
    { label: 'training: mid-SFT', after: /train sft: started/, delayMs: between(0, 600) },
    { label: 'training: mid-DPO', after: /train dpo: started/, delayMs: between(0, 450) },
    {
      label: 'training: after the model is registered, before the step marker',
      after: /train dpo: started/,
      sql: 'INSERT INTO models',
      n: between(1, 2),
    },
    { label: 'round 1 bench, mid-run', after: /round 1: bench/, delayMs: between(0, 300) },
    { label: 'round 1 red team: inside an attempts transaction', after: /round 1: break/, tx: 1 },
    { label: 'round 1 retest: inside an attempts transaction', after: /round 1: retest/, tx: 1 },
    { label: 'round 1 identify: inside the vulnerabilities transaction', after: /round 1: identify/, tx: 1 },
  ];
}

function runTo(point: KillPoint, args: string[]): Promise<CliRun & { lastLine: string }> {
  let lastLine = '';
  let armed = false;
  const env: Record<string, string> = { BF_CRASH_ARM: point.after.source };
  if (point.tx) env.BF_CRASH_TX = String(point.tx);
  if (point.sql) {
    env.BF_CRASH_SQL = point.sql;
    env.BF_CRASH_SQL_N = String(point.n ?? 1);
  }
  return runBreakfix(args, {
    hook: true,
    env,
    onLine: (line: string, child: ChildProcess) => {
      if (line.trim()) lastLine = line.trim();
      if (point.delayMs === undefined) return;
      if (armed) {
        // On a fast machine the phase may end before the delay: then die as the next one starts,
        // so the kill still lands where the next kill point expects the cycle to be.
        if (/^round \d+: /.test(line.trim())) child.kill('SIGKILL');
        return;
      }
      if (!point.after.test(line)) return;
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), point.delayMs);
    },
  }).then((r) => ({ ...r, lastLine }));
}

describe('a cycle killed with SIGKILL at 12 points resumes to the same results', () => {
  it('matches an uninterrupted run of the same seed, and the database is whole after every kill', async () => {
    const cleanDir = mkdtempSync(join(tmpdir(), 'bf-rel-cycle-'));
    dirs.push(cleanDir);
    const clean = await runBreakfix(['cycle', '-c', miniCycleConfig(cleanDir), '--json']);
    expect([0, 1], clean.stderr).toContain(clean.code);
    const expected = storedCycle(join(cleanDir, 'b.db'));
    expect(expected.status).toBe('done');
    // 24 red-team attempts a round, and round 1's retest of what round 0 left open.
    const retests = expected.attempts.filter((a) => (JSON.parse(a) as { retest: number }).retest).length;
    expect(expected.attempts.length - retests).toBe(48);
    expect(retests).toBeGreaterThan(0);
    expect(expected.models.some((m) => m.weights)).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'bf-rel-crash-'));
    dirs.push(dir);
    const config = miniCycleConfig(dir);
    const db = join(dir, 'b.db');
    const kills: Record<string, unknown>[] = [];
    let finished: CliRun | undefined;
    for (const [i, point] of killPoints(3).entries()) {
      const res = await runTo(point, ['cycle', '-c', config, ...(i === 0 ? [] : ['--resume'])]);
      if (res.signal !== 'SIGKILL') {
        // The cycle finished before this point came: the chain ends here.
        finished = res;
        break;
      }
      const check = integrity(db);
      expect(check, point.label).toEqual({ integrity: 'ok', foreignKeys: 0 });
      const now = storedCycle(db);
      expect(now.duplicateAttempts, point.label).toBe(0);
      kills.push({
        point: point.label,
        trigger:
          point.delayMs !== undefined
            ? `parent SIGKILL ${point.delayMs} ms after /${point.after.source}/`
            : point.tx
              ? `hook SIGKILL inside store transaction ${point.tx} after /${point.after.source}/`
              : `hook SIGKILL after write ${point.n} matching /${point.sql}/ after /${point.after.source}/`,
        lastProgressLine: res.lastLine,
        processMs: res.ms,
        attemptsStored: now.attempts.length,
        integrity: check.integrity,
      });
    }
    expect(
      kills.length,
      `only ${kills.length} kills landed; the next process ended with ${finished?.code}: ${finished?.stderr.slice(-600)}`,
    ).toBeGreaterThanOrEqual(10);
    // The last resume, with nothing to kill it.
    finished ??= await runBreakfix(['cycle', '-c', config, '--resume', '--json']);
    expect(finished.signal).toBeNull();
    expect([0, 1], finished.stderr).toContain(finished.code);
    expect(integrity(db)).toEqual({ integrity: 'ok', foreignKeys: 0 });
    const resumed = storedCycle(db);
    expect(resumed.duplicateAttempts).toBe(0);
    const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
    const identical = isDeepStrictEqual(plain(resumed), plain(expected));
    writeFigures('crash-resume', {
      what: 'miniature cycle (tiny base model, 2 rounds, 24 red-team attempts and 10 samples per suite a round, 4 SFT + 2 DPO steps) killed with SIGKILL, then `breakfix cycle --resume`',
      seed: 3,
      uninterruptedMs: clean.ms,
      kills,
      killsLanded: kills.length,
      finalResumeMs: finished.ms,
      identicalToUninterrupted: identical,
      attemptsStored: resumed.attempts.length,
      integrityChecks: kills.length + 1,
    });
    // Piece by piece first, for a readable failure; then everything at once.
    for (const key of Object.keys(expected)) expect(resumed[key], key).toEqual(expected[key]);
    expect(resumed).toEqual(expected);
    // 13 processes of a few seconds each; on a machine shared with other work they can take minutes.
  }, 420_000);
});
