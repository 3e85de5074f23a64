// A miniature break-fix cycle on the shipped tiny base model: real generation, real offline judges,
// real SQLite, real SFT + DPO steps. Then the same cycle killed with SIGKILL mid-training and resumed
// must end with the same stored results as the uninterrupted run.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'src/cli/main.ts');
const tsx = join(root, 'node_modules/.bin/tsx');
const base = join(root, 'models/breakfix-tiny-base/config.json');
const dirs: string[] = [];

function miniConfig(dir: string): string {
  const file = join(dir, 'breakfix.yaml');
  writeFileSync(
    file,
    `seed: 3
store: ${join(dir, 'b.db')}
redteam:
  persona: low_skill
  budget: { attempts: 24 }
  concurrency: 16
bench:
  suites: [harmful, overrefusal, helpfulness]
cycle:
  maxRounds: 1
  minRounds: 1
  benchLimit: 10
train:
  embedded:
    sft: { steps: 4, batchSize: 8 }
    dpo: { steps: 2, batchSize: 4 }
`,
  );
  return file;
}

function run(
  args: string[],
  onLine?: (line: string, child: ChildProcess) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(tsx, [cli, ...args], { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (onLine) for (const line of String(d).split('\n')) onLine(line, child);
    });
    child.on('exit', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

/** Every stored figure of a run, in a form two runs can be compared by. */
function storedResults(dbFile: string) {
  const db = new Database(dbFile, { readonly: true });
  try {
    const run = db
      .prepare("select id from runs where kind = 'cycle' order by created_at desc limit 1")
      .get() as { id: string };
    const rounds = db
      .prepare('select round, model, status, metrics from rounds where run_id = ? order by round')
      .all(run.id);
    const attempts = db
      .prepare(
        'select seed_id, attack, techniques, outcome, transcript from attempts where run_id = ? order by seed_id, attack, techniques, transcript',
      )
      .all(run.id);
    const integrity = (db.prepare('pragma integrity_check').get() as { integrity_check: string })
      .integrity_check;
    return { rounds, attempts, integrity };
  } finally {
    db.close();
  }
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!existsSync(base))('breakfix cycle (miniature, embedded base model)', () => {
  let uninterrupted: ReturnType<typeof storedResults>;

  it('runs two rounds end to end and prints the per-round JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-'));
    dirs.push(dir);
    const res = await run(['cycle', '-c', miniConfig(dir), '--json', '--report', join(dir, 'r.html')]);
    expect([0, 1]).toContain(res.code);
    const out = JSON.parse(res.stdout);
    expect(out.rounds.map((r: { round: number }) => r.round)).toEqual([0, 1]);
    for (const r of out.rounds) {
      for (const k of ['asr', 'dr3', 'iprr', 'vprr', 'helpfulness', 'heldback_asr'])
        expect(r).toHaveProperty(k);
    }
    expect(out.rounds[0].model).toBe('breakfix-tiny-base');
    expect(out.rounds[1].model).toMatch(/round-1/);
    expect(typeof out.release.criteria_met).toBe('boolean');
    expect(existsSync(out.report)).toBe(true);
    uninterrupted = storedResults(join(dir, 'b.db'));
    expect(uninterrupted.integrity).toBe('ok');
    expect(uninterrupted.attempts.length).toBeGreaterThan(0);
  });

  it('resumes after SIGKILL mid-training with identical stored results', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-kill-'));
    dirs.push(dir);
    const config = miniConfig(dir);
    let killed = false;
    const first = await run(['cycle', '-c', config], (line, child) => {
      if (!killed && line.includes('round 0: train')) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), 300);
      }
    });
    expect(killed).toBe(true);
    expect(first.signal).toBe('SIGKILL');
    const second = await run(['cycle', '-c', config, '--resume', '--json']);
    expect([0, 1]).toContain(second.code);
    expect(JSON.parse(second.stdout).rounds).toHaveLength(2);
    const resumed = storedResults(join(dir, 'b.db'));
    expect(resumed.integrity).toBe('ok');
    const strip = (rows: unknown[]) => JSON.stringify(rows).replaceAll(/run_[0-9a-f_]+/g, 'RUN');
    expect(strip(resumed.rounds)).toBe(strip(uninterrupted.rounds));
    expect(resumed.attempts).toEqual(uninterrupted.attempts);
  });
});
