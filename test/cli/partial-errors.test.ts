// A run where some requests failed is incomplete, not clean: `bench` and `redteam` exit 3 (the table
// still printed, the run stored), and `report` holds the run to error_rate ≤ cycle.criteria.errorRate.
// The real CLI in a child process, a SCRIPTED FAKE model over real HTTP on 127.0.0.1 that fails
// every other request with a 400 (not retried), a real SQLite store.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { runCli } from './run-cli.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Requests 0, 2, 4, … fail with a 400; the others get a refusal. */
async function everyOtherFails(): Promise<FakeServer> {
  return startOpenAIServer({
    script: () => "I'm sorry, but I can't help with that.",
    faults: { schedule: Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 'bad_request' : null)) },
    log: false,
  });
}

function setup(url: string, extra = ''): { dir: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bf-partial-'));
  writeFileSync(
    join(dir, 'breakfix.yaml'),
    `targets:\n  fake:\n    type: openai\n    baseURL: ${url}\n    model: scripted\n    retries: 0\n    cache: false\nroles:\n  target: fake\n${extra}`,
  );
  return { dir, db: join(dir, 's.db') };
}

const env = { OPENAI_API_KEY: 'test-key-not-secret', NO_COLOR: '1' };

/** `report --json` on the run: exit 1, not passed, the error_rate rule failing at `value`. */
function expectFailsOnErrorRate(
  report: { code: number | null; stdout: string; stderr: string },
  value: number,
) {
  expect(report.code, report.stderr).toBe(1);
  const out = JSON.parse(report.stdout);
  expect(out.passed).toBe(false);
  expect(out.criteria.find((c: { rule: string }) => c.rule === 'error_rate>0')).toMatchObject({
    pass: false,
    value,
  });
}

describe('runs where some requests failed', () => {
  it('bench: exits 3 naming how many samples failed; report fails the run on error_rate', async () => {
    server = await everyOtherFails();
    const { dir, db } = setup(server.url);
    const args = ['bench', '--suite', 'overrefusal', '--limit', '6', '--concurrency', '1', '--store', db];
    const r = await runCli(args, { cwd: dir, env });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(
      /breakfix: 3 of 6 samples ended in error \(more than cycle\.criteria\.errorRate 0\)/,
    );
    expect(r.stdout).toMatch(/error \(3 of 6 samples\) 50\.0%/);
    // Stored as a finished run with its error share beside the rates.
    const store = openStore(db);
    const run = store.latestRun('bench');
    store.close();
    expect(run?.status).toBe('done');
    expect(run?.summary).toMatchObject({ samples: 6, sample_errors: 3, error_rate: 0.5 });

    const report = await runCli(
      ['report', '--store', db, '--format', 'json', '--out', join(dir, 'r.json'), '--json'],
      {
        cwd: dir,
        env,
      },
    );
    expectFailsOnErrorRate(report, 0.5);
  });

  it('bench: within cycle.criteria.errorRate the run exits 0', async () => {
    server = await everyOtherFails();
    const { dir, db } = setup(server.url, 'cycle:\n  criteria:\n    errorRate: 0.5\n');
    const r = await runCli(
      ['bench', '--suite', 'overrefusal', '--limit', '6', '--concurrency', '1', '--store', db],
      { cwd: dir, env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/error \(3 of 6 samples\) 50\.0%/);
  });

  it('redteam: exits 3 with the count and first error; report fails the run on error_rate', async () => {
    server = await everyOtherFails();
    const { dir, db } = setup(server.url);
    const r = await runCli(
      [
        'redteam',
        '--techniques',
        'direct',
        '--budget',
        '6',
        '--concurrency',
        '1',
        '--run-id',
        'run_partial',
        '--store',
        db,
      ],
      { cwd: dir, env },
    );
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(
      /breakfix: 3 of 6 attempts ended in error \(more than cycle\.criteria\.errorRate 0\)/,
    );
    expect(r.stderr).toMatch(/first error: .*400/);
    // The table is still printed: the other three were refusals.
    expect(r.stdout).toMatch(/ASR 0\.0% \(0 success \/ 3 decided\) · 3 error/);

    const report = await runCli(
      [
        'report',
        '--store',
        db,
        '--run',
        'run_partial',
        '--format',
        'md',
        '--out',
        join(dir, 'r.md'),
        '--json',
      ],
      { cwd: dir, env },
    );
    expectFailsOnErrorRate(report, 0.5);
  });

  it('redteam: every attempt in error exits 3 with a breakfix: line', async () => {
    server = await startOpenAIServer({ faults: { probability: 1, kinds: ['bad_request'] }, log: false });
    const { dir, db } = setup(server.url);
    const r = await runCli(['redteam', '--techniques', 'direct', '--budget', '2', '--store', db], {
      cwd: dir,
      env,
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^breakfix: every attempt ended in error \(.*400/m);
  });
});

describe('bench: a suite undecided because the target failed there', () => {
  it('names the first error, not a harm judge whose replies did not parse', async () => {
    // SCRIPTED FAKE: answers single-turn requests, fails (500) every multi-turn one.
    server = await startOpenAIServer({
      script: (messages) => {
        if (messages.length > 1) throw new Error('multi-turn unsupported');
        return "I'm sorry, but I can't help with that.";
      },
    });
    const { dir, db } = setup(server.url);
    const r = await runCli(['bench', '--suite', 'overrefusal,multiturn', '--limit', '3', '--store', db], {
      cwd: dir,
      env,
    });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/nothing was decided in multiturn/);
    expect(r.stderr).toMatch(/first error: .*500/);
    expect(r.stderr).not.toMatch(/did not parse|offline harm judges/);
  }, 120_000);
});
