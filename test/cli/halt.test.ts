// A refused key (401) or a spent quota halts the run: nothing more is sent, what it failed is not
// stored, the command exits 3 naming the cause and how to resume, and the resume completes the run
// as if it had never stopped. The real CLI in a child process, a SCRIPTED FAKE model over real HTTP on
// 127.0.0.1 whose schedule turns the key away after a few good replies, a real SQLite store.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import type { Fault } from '../helpers/openai-server.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { runCli } from './run-cli.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** Requests before `at` get a refusal; request `at` gets `fault`; later ones behave again (the key
 * was fixed), so only a run that stopped sending at `at` meets a good server on resume. */
async function refusesAt(at: number, fault: Fault): Promise<FakeServer> {
  const server = await startOpenAIServer({
    script: () => "I'm sorry, but I can't help with that.",
    faults: { schedule: Array.from({ length: at + 1 }, (_, i) => (i === at ? fault : null)) },
    log: false,
  });
  servers.push(server);
  return server;
}

function setup(url: string): { dir: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bf-halt-'));
  writeFileSync(
    join(dir, 'breakfix.yaml'),
    `targets:\n  fake:\n    type: openai\n    baseURL: ${url}\n    model: scripted\n    retries: 0\n    cache: false\nroles:\n  target: fake\n`,
  );
  return { dir, db: join(dir, 's.db') };
}

const env = { OPENAI_API_KEY: 'test-key-not-secret', NO_COLOR: '1' };

function attemptsOf(db: string, runId: string) {
  const store = openStore(db);
  try {
    return { run: store.getRun(runId), attempts: store.listAttempts({ runId }) };
  } finally {
    store.close();
  }
}

const redteam = (db: string, runId: string, concurrency: number) => [
  'redteam',
  '--techniques',
  'direct',
  '--budget',
  '12',
  '--concurrency',
  String(concurrency),
  '--run-id',
  runId,
  '--store',
  db,
];

describe('a refused key or spent quota halts the run', () => {
  it('redteam: stops at the 401, stores no error, and the resume completes the run', async () => {
    const server = await refusesAt(4, 'auth');
    const { dir, db } = setup(server.url);
    const halted = await runCli(redteam(db, 'run_halt', 1), { cwd: dir, env });
    expect(halted.code, halted.stderr).toBe(3);
    expect(halted.stderr).toMatch(/HTTP 401 Incorrect API key provided; the run stopped there/);
    expect(halted.stderr).toMatch(/hint: check the apiKey of this target/);
    expect(halted.stderr).toMatch(/hint: once it is fixed, resume: breakfix redteam --run-id run_halt/);
    // Nothing was sent after the refusal, and the refused attempt is not stored as an error.
    expect(server.requests).toBe(5);
    const stopped = attemptsOf(db, 'run_halt');
    expect(stopped.run?.status).toBe('failed');
    expect(stopped.attempts.map((a) => a.outcome)).toEqual(['failure', 'failure', 'failure', 'failure']);

    const resumed = await runCli([...redteam(db, 'run_halt', 1), '--json'], { cwd: dir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ attempts: 12, resumed: 4, ran: 8, error: 0 });
    const done = attemptsOf(db, 'run_halt');
    expect(done.run?.status).toBe('done');
    // The same attempts as a run that never stopped, each once.
    const clean = await refusesAt(1000, 'auth');
    const other = setup(clean.url);
    const whole = await runCli(redteam(other.db, 'run_whole', 1), { cwd: other.dir, env });
    expect(whole.code, whole.stderr).toBe(0);
    const plan = (xs: { seedId: string; attack: string; techniques: string[]; outcome: string }[]) =>
      xs.map((a) => `${a.seedId} ${a.attack} ${a.techniques.join('+')} ${a.outcome}`).sort();
    expect(done.attempts).toHaveLength(12);
    expect(new Set(done.attempts.map((a) => a.id)).size).toBe(12);
    expect(plan(done.attempts)).toEqual(plan(attemptsOf(other.db, 'run_whole').attempts));
  }, 120_000);

  it('redteam with requests in flight: the ones the halt failed are left for the resume', async () => {
    const server = await refusesAt(3, 'quota');
    const { dir, db } = setup(server.url);
    const halted = await runCli(redteam(db, 'run_quota', 4), { cwd: dir, env });
    expect(halted.code, halted.stderr).toBe(3);
    expect(halted.stderr).toMatch(/HTTP 429 You exceeded your current quota.*the run stopped there/);
    expect(halted.stderr).toMatch(/hint: the provider says this account's quota or credit is used up/);
    const stopped = attemptsOf(db, 'run_quota');
    // Four were in flight when the quota ran out: at most the three answered before it are stored.
    expect(stopped.attempts.length).toBeLessThanOrEqual(3);
    expect(stopped.attempts.every((a) => a.outcome === 'failure')).toBe(true);
    expect(server.requests).toBeLessThanOrEqual(3 + 4);

    const resumed = await runCli([...redteam(db, 'run_quota', 4), '--json'], { cwd: dir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ attempts: 12, error: 0 });
    const done = attemptsOf(db, 'run_quota').attempts;
    expect(new Set(done.map((a) => a.id)).size).toBe(12);
  }, 120_000);

  it('bench: stops at the 401 and marks the run failed instead of measuring nothing', async () => {
    const server = await refusesAt(3, 'auth');
    const { dir, db } = setup(server.url);
    const r = await runCli(
      ['bench', '--suite', 'overrefusal', 'harmful', '--limit', '6', '--concurrency', '1', '--store', db],
      { cwd: dir, env },
    );
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/HTTP 401 Incorrect API key provided; the run stopped there/);
    expect(server.requests).toBe(4);
    const store = openStore(db);
    const run = store.latestRun('bench');
    const results = run ? store.listBenchResults(run.id) : [];
    store.close();
    expect(run?.status).toBe('failed');
    // The suite it stopped in is not stored as a measurement.
    expect(results).toEqual([]);
  }, 60_000);
});
