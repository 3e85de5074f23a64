// A refused key (401) or a spent quota halts the run: nothing more is sent, what it failed is not
// stored, the command exits 3 naming the cause and how to resume, and the resume completes the run
// as if it had never stopped. The real CLI in a child process, a SCRIPTED FAKE model over real HTTP on
// 127.0.0.1 whose schedule turns the key away after a few good replies, a real SQLite store.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
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

describe('a halt while requests wait for their turn in the rate limit', () => {
  it('ends their wait: bench exits 3 at once, not a minute per waiting request later, and sends nothing more', async () => {
    // rpm 1: the first request takes the window's one slot and is refused (401, which halts the run);
    // the three others wait for the next window, one each, and were refused unsent only after 3 min.
    const server = await refusesAt(0, 'auth');
    const dir = mkdtempSync(join(tmpdir(), 'bf-halt-rpm-'));
    writeFileSync(
      join(dir, 'breakfix.yaml'),
      `targets:\n  fake:\n    type: openai\n    baseURL: ${server.url}\n    model: scripted\n    retries: 0\n    cache: false\n    rpm: 1\nroles:\n  target: fake\n`,
    );
    const started = Date.now();
    const r = await runCli(
      ['bench', '--suite', 'harmful', '--limit', '4', '--concurrency', '4', '--store', join(dir, 's.db')],
      { cwd: dir, env },
    );
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/401/);
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(server.requests).toBe(1);
  });
});

describe("a halted bench's progress", () => {
  it('says what was answered before the halt, as stopped, not done with every item (plain and --json alike)', async () => {
    for (const json of [[], ['--json']]) {
      // One at a time: requests 0 and 1 are answered, 2 is refused (401), 3 to 5 are not sent.
      const server = await refusesAt(2, 'auth');
      const { dir, db } = setup(server.url);
      const r = await runCli(
        ['bench', '--suite', 'harmful', '--limit', '6', '--concurrency', '1', '--store', db, ...json],
        { cwd: dir, env },
      );
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/bench harmful: stopped 2\/6 in [\d.]+s · the run halted\n/);
      expect(r.stderr).not.toMatch(/bench harmful: done/);
      expect(server.requests).toBe(3);
    }
  });
});

describe('a target that cannot be reached halts the run', () => {
  it('bench against a closed port: exit 3 after its first requests, naming the address problem', async () => {
    // (a port with nothing listening: the operating system refuses the connection)
    const closed = await startOpenAIServer({ script: () => 'unused', log: false });
    await closed.close();
    const { dir, db } = setup(closed.url);
    const r = await runCli(['bench', '--suite', 'harmful', '--store', db], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(
      /unreachable: its first 3 requests could not connect and none was answered \(the last: connection failed: connect ECONNREFUSED/,
    );
    expect(r.stderr).toMatch(/hint: check baseURL and that the server is running and reachable/);
  });
});

describe('a target that stops mid-run halts the run', () => {
  it('bench against a server that stops after a few replies: exit 3 once requests in a row cannot connect, not after every sample', async () => {
    // The server goes away as a crashed or killed one does: its listening socket closes, so every
    // later connection is refused, while the run has hundreds of samples left.
    let replies = 0;
    const server: FakeServer = await startOpenAIServer({
      script: () => {
        if (++replies === 4) void server.close();
        return "I'm sorry, but I can't help with that.";
      },
      log: false,
    });
    const { dir, db } = setup(server.url);
    const r = await runCli(['bench', '--suite', 'harmful', '--concurrency', '2', '--store', db], {
      cwd: dir,
      env,
    });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(
      /stopped answering: it had answered, then its last 8 requests could not connect, each after its retries \(the last: connection failed: connect ECONNREFUSED/,
    );
    expect(r.stderr).toMatch(/hint: check baseURL and that the server is running and reachable/);
    // Stopped there: not one error stored for each of the suite's 216 samples.
    const sql = new Database(db, { readonly: true });
    try {
      const { errors } = sql.prepare('SELECT SUM(errors) AS errors FROM spend').get() as { errors: number };
      expect(errors).toBeGreaterThanOrEqual(8);
      expect(errors).toBeLessThan(20);
    } finally {
      sql.close();
    }
  });
});

describe('a target that never answers halts the run', () => {
  it('bench against a server that takes connections and never replies: exit 3 after its first timeouts', async () => {
    const sockets = new Set<Socket>();
    const hung = createNetServer((c) => sockets.add(c));
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    try {
      const { dir, db } = setup(`http://127.0.0.1:${(hung.address() as AddressInfo).port}/v1`);
      writeFileSync(
        join(dir, 'breakfix.yaml'),
        readFileSync(join(dir, 'breakfix.yaml'), 'utf8').replace(
          '    retries: 0\n',
          '    retries: 0\n    timeoutMs: 500\n',
        ),
      );
      const r = await runCli(['bench', '--suite', 'harmful', '--store', db], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(
        /unresponsive: its first 3 requests had no reply within the timeout, after every retry, and none was answered \(the last: no reply within 500 ms\)/,
      );
      expect(r.stderr).toMatch(/hint: raise timeoutMs for this target.*check baseURL and the server/);
    } finally {
      for (const c of sockets) c.destroy();
      await new Promise((r) => hung.close(r));
    }
  });
});

describe('a refused key or spent quota halts the run', () => {
  it('--json: the error document holds what to check and how to resume, as stderr does', async () => {
    const server = await refusesAt(0, 'auth');
    const { dir, db } = setup(server.url);
    const halted = await runCli([...redteam(db, 'run_json', 1), '--json'], { cwd: dir, env });
    expect(halted.code, halted.stderr).toBe(3);
    const { error } = JSON.parse(halted.stdout);
    expect(error).toMatchObject({ exitCode: 3, code: 'target_auth', kind: 'auth' });
    expect(error.hint.split('\n')).toEqual([
      expect.stringMatching(/^check the apiKey of this target/),
      expect.stringMatching(/^then resume: breakfix redteam --run-id run_json with the same options/),
    ]);
  });

  it('redteam: stops at the 401, stores no error, and the resume completes the run', async () => {
    const server = await refusesAt(4, 'auth');
    const { dir, db } = setup(server.url);
    const halted = await runCli(redteam(db, 'run_halt', 1), { cwd: dir, env });
    expect(halted.code, halted.stderr).toBe(3);
    expect(halted.stderr).toMatch(
      /HTTP 401 Incorrect API key provided \(no key was sent: OPENAI_API_KEY goes only to api\.openai\.com [^)]*\); the run stopped there/,
    );
    expect(halted.stderr).toMatch(/hint: check the apiKey of this target/);
    expect(halted.stderr).toMatch(/hint: then resume: breakfix redteam --run-id run_halt/);
    // Its progress says what it finished before the halt, as stopped: not every attempt as done.
    expect(halted.stderr).toMatch(/redteam [^\n]*: stopped 4\/12 in [\d.]+s · the run halted\n/);
    expect(halted.stderr).not.toMatch(/: done \d/);
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
    // The quota runs out at request 3 and stays out (requests sent before the 429 arrives get it
    // too) until the test tops it up.
    const faults = {
      schedule: Array.from({ length: 1000 }, (_, i): Fault | null => (i >= 3 ? 'quota' : null)),
    };
    const server = await startOpenAIServer({
      script: () => "I'm sorry, but I can't help with that.",
      faults,
      log: false,
    });
    servers.push(server);
    const { dir, db } = setup(server.url);
    const halted = await runCli(redteam(db, 'run_quota', 4), { cwd: dir, env });
    expect(halted.code, halted.stderr).toBe(3);
    expect(halted.stderr).toMatch(/HTTP 429 You exceeded your current quota.*the run stopped there/);
    expect(halted.stderr).toMatch(/hint: the provider says this account's quota or credit is used up/);
    const stopped = attemptsOf(db, 'run_quota');
    // Up to four were in flight when the quota ran out: the three answered before it are stored,
    // none that it failed, and nothing was sent once the 429 arrived.
    expect(stopped.attempts.map((a) => a.outcome)).toEqual(['failure', 'failure', 'failure']);
    expect(server.requests).toBeLessThanOrEqual(3 + 4);
    faults.schedule = [];

    const resumed = await runCli([...redteam(db, 'run_quota', 4), '--json'], { cwd: dir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ attempts: 12, error: 0 });
    const done = attemptsOf(db, 'run_quota').attempts;
    expect(new Set(done.map((a) => a.id)).size).toBe(12);
  }, 120_000);

  it('a Retry-After past five minutes halts the run too: every later request would meet it', async () => {
    // Request 2 gets a 429 asking for an hour (a daily token limit); retries would not ride it out.
    const server = await startOpenAIServer({
      script: () => "I'm sorry, but I can't help with that.",
      faults: { schedule: [null, null, 'rate_limit'], retryAfterS: 3600 },
      log: false,
    });
    servers.push(server);
    const { dir, db } = setup(server.url);
    const halted = await runCli(redteam(db, 'run_wait', 1), { cwd: dir, env });
    expect(halted.code, halted.stderr).toBe(3);
    expect(halted.stderr).toMatch(/HTTP 429 Rate limit reached .*3600 s.*the run stopped there/);
    expect(halted.stderr).toMatch(/hint: the provider asks for about 60 min before the next request/);
    expect(halted.stderr).toMatch(/hint: then resume: breakfix redteam --run-id run_wait/);
    expect(server.requests).toBe(3);
    expect(attemptsOf(db, 'run_wait').attempts.map((a) => a.outcome)).toEqual(['failure', 'failure']);
  });

  it('bench: stops at the 401 and marks the run failed instead of measuring nothing', async () => {
    const server = await refusesAt(3, 'auth');
    const { dir, db } = setup(server.url);
    const r = await runCli(
      ['bench', '--suite', 'overrefusal', 'harmful', '--limit', '6', '--concurrency', '1', '--store', db],
      { cwd: dir, env },
    );
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(
      /HTTP 401 Incorrect API key provided \(no key was sent: OPENAI_API_KEY goes only to api\.openai\.com [^)]*\); the run stopped there/,
    );
    expect(server.requests).toBe(4);
    const store = openStore(db);
    const run = store.latestRun('bench');
    const results = run ? store.listBenchResults(run.id) : [];
    store.close();
    expect(run?.status).toBe('failed');
    // The suite it stopped in is not stored as a measurement.
    expect(results).toEqual([]);
  });

  it('redteam --retry-errors: a resume runs the errored attempts again, replacing each in place', async () => {
    // Requests 1 and 3 fail with a 400 (not retried, no halt); every later one behaves.
    const server = await startOpenAIServer({
      script: () => "I'm sorry, but I can't help with that.",
      faults: { schedule: [null, 'bad_request', null, 'bad_request'] },
      log: false,
    });
    servers.push(server);
    const { dir, db } = setup(server.url);
    const args = [...redteam(db, 'run_retry', 1).map((a) => (a === '12' ? '6' : a)), '--json'];
    const first = await runCli(args, { cwd: dir, env });
    expect(first.code, first.stderr).toBe(3);
    expect(first.stderr).toMatch(
      /hint: a resume keeps errored attempts; .*--run-id run_retry --retry-errors/,
    );
    const before = attemptsOf(db, 'run_retry').attempts;
    expect(before.map((a) => a.outcome)).toEqual([
      'failure',
      'error',
      'failure',
      'error',
      'failure',
      'failure',
    ]);

    // A plain resume keeps them.
    const kept = await runCli(args, { cwd: dir, env });
    expect(kept.code, kept.stderr).toBe(3);
    expect(JSON.parse(kept.stdout)).toMatchObject({ resumed: 6, ran: 0, error: 2 });
    expect(server.requests).toBe(6);

    const retried = await runCli([...args, '--retry-errors'], { cwd: dir, env });
    expect(retried.code, retried.stderr).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({
      resumed: 4,
      ran: 2,
      retried: 2,
      error: 0,
      failure: 6,
    });
    expect(server.requests).toBe(8);
    const after = attemptsOf(db, 'run_retry').attempts;
    // Same attempts in the same (plan) order, the two errors now judged, each with its own verdicts.
    expect(after.map((a) => a.id)).toEqual(before.map((a) => a.id));
    expect(after.map((a) => a.outcome)).toEqual(Array(6).fill('failure'));
    const judged = (a: (typeof after)[number]) => a.verdicts.map((v) => [v.judge, v.status, v.value]);
    expect(judged(after[1])).toEqual(judged(after[0]));
    expect(judged(after[3])).toEqual(judged(after[0]));
    expect(after[1].error).toBeUndefined();

    const alone = await runCli(['redteam', '--retry-errors', '--store', db], { cwd: dir, env });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--retry-errors needs --run-id/);
  }, 120_000);
});

describe('one process at a time on a run', () => {
  it('redteam --run-id on a run another live process works on is refused (exit 2); once it is gone, it resumes', async () => {
    const server = await refusesAt(1000, 'auth');
    const { dir, db } = setup(server.url);
    const first = await runCli(
      redteam(db, 'run_owned', 1).map((a) => (a === '12' ? '4' : a)),
      { cwd: dir, env },
    );
    expect(first.code, first.stderr).toBe(0);
    // A second breakfix (a child standing in for it) claims the run, as a resume in progress would.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    const store = new Database(db);
    store
      .prepare('UPDATE runs SET owner = ? WHERE id = ?')
      .run(
        JSON.stringify({ pid: other.pid, host: hostname(), since: '2026-12-05T00:00:00.000Z' }),
        'run_owned',
      );
    store.close();
    const before = server.requests;
    try {
      const second = await runCli(redteam(db, 'run_owned', 1), { cwd: dir, env });
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(new RegExp(`run run_owned is being worked on by process ${other.pid}`));
      expect(second.stderr).toMatch(/hint: wait for it to finish, or stop it/);
      expect(server.requests).toBe(before);
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.on('exit', r));
    }
    const resumed = await runCli([...redteam(db, 'run_owned', 1), '--json'], { cwd: dir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ attempts: 12, resumed: 4, ran: 8 });
  }, 120_000);

  it('(owner record written as another host would) redteam --run-id is refused while its heartbeat is fresh, naming the host; once stale, it takes the run over with a warning', async () => {
    const server = await refusesAt(1000, 'auth');
    const { dir, db } = setup(server.url);
    const first = await runCli(
      redteam(db, 'run_far', 1).map((a) => (a === '12' ? '4' : a)),
      { cwd: dir, env },
    );
    expect(first.code, first.stderr).toBe(0);
    const setOwner = (heartbeatAgoMs: number) => {
      const store = new Database(db);
      store.prepare('UPDATE runs SET owner = ? WHERE id = ?').run(
        JSON.stringify({
          pid: 4242,
          host: 'other-host.test',
          since: '2026-12-05T00:00:00.000Z',
          heartbeat: new Date(Date.now() - heartbeatAgoMs).toISOString(),
        }),
        'run_far',
      );
      store.close();
    };
    setOwner(1000);
    const before = server.requests;
    const refused = await runCli(redteam(db, 'run_far', 1), { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /run run_far is being worked on by process 4242 on host other-host\.test \(since 2026-12-05T00:00:00\.000Z, last heartbeat /,
    );
    expect(refused.stderr).toMatch(/if that host is down, its claim lapses at /);
    expect(refused.stderr).toContain(
      'or take it over now with --take-over once you are sure that process is gone',
    );
    expect(server.requests).toBe(before);
    setOwner(11 * 60_000);
    const resumed = await runCli([...redteam(db, 'run_far', 1), '--json'], { cwd: dir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(
      /breakfix: warning: run run_far was claimed by process 4242 on host other-host\.test .*taken over, as nothing was heard from it for 10 minutes/,
    );
    expect(JSON.parse(resumed.stdout)).toMatchObject({ attempts: 12, resumed: 4, ran: 8 });
  }, 120_000);

  it('(owner record written as another host would) redteam --run-id --take-over takes a fresh claim with a warning and resumes; without --run-id it is a usage error', async () => {
    const server = await refusesAt(1000, 'auth');
    const { dir, db } = setup(server.url);
    const alone = await runCli(['redteam', '--techniques', 'direct', '--take-over', '--store', db], {
      cwd: dir,
      env,
    });
    expect(alone.code, alone.stderr).toBe(2);
    expect(alone.stderr).toContain(
      '--take-over takes over a run being resumed: a new red-team run has no claim to take',
    );
    expect(alone.stderr).toContain('hint: add --run-id <id>');
    expect(server.requests).toBe(0);
    const first = await runCli(
      redteam(db, 'run_take', 1).map((a) => (a === '12' ? '4' : a)),
      { cwd: dir, env },
    );
    expect(first.code, first.stderr).toBe(0);
    const far = new Database(db);
    far.prepare('UPDATE runs SET owner = ? WHERE id = ?').run(
      JSON.stringify({
        pid: 4242,
        host: 'other-host.test',
        since: '2026-12-05T00:00:00.000Z',
        heartbeat: new Date().toISOString(),
      }),
      'run_take',
    );
    far.close();
    const taken = await runCli([...redteam(db, 'run_take', 1), '--take-over', '--json'], { cwd: dir, env });
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stderr).toMatch(
      /breakfix: warning: run run_take was claimed by process 4242 on host other-host\.test .*taken over as asked/,
    );
    expect(JSON.parse(taken.stdout)).toMatchObject({ attempts: 12, resumed: 4, ran: 8 });
  }, 120_000);

  it("(owner record written as another host would) a red team whose claim is taken mid-run stops: nothing more sent or stored, the taker's run row intact, exit 4", async () => {
    // The fifth request arrives: meanwhile another host's process took the run (--take-over), as its
    // resume does: its claim with a fresh heartbeat, the run marked running by it.
    const taken = {
      pid: 4242,
      host: 'other-host.test',
      since: '2026-12-05T00:00:00.000Z',
      heartbeat: new Date().toISOString(),
    };
    let dbPath = '';
    let storedAtTakeOver: string[] = [];
    let n = 0;
    const server = await startOpenAIServer({
      script: () => {
        if (++n === 5) {
          const far = new Database(dbPath);
          far
            .prepare("UPDATE runs SET owner = ?, status = 'running', updated_at = ? WHERE id = ?")
            .run(JSON.stringify(taken), '2026-12-05T12:00:00.000Z', 'run_lost');
          storedAtTakeOver = (
            far.prepare('SELECT id FROM attempts WHERE run_id = ? ORDER BY id').all('run_lost') as {
              id: string;
            }[]
          ).map((r) => r.id);
          far.close();
        }
        return "I'm sorry, but I can't help with that.";
      },
      log: false,
    });
    servers.push(server);
    const { dir, db } = setup(server.url);
    dbPath = db;
    const lost = await runCli(redteam(db, 'run_lost', 1), { cwd: dir, env });
    expect(lost.code, lost.stderr).toBe(4);
    expect(lost.stderr).toContain(
      'breakfix: run run_lost was taken over while this process worked on it (now claimed by process 4242 on host other-host.test (since 2026-12-05T00:00:00.000Z, last heartbeat',
    );
    expect(lost.stderr).toContain('this process stopped and wrote nothing more to the run');
    // The request in flight when it was taken was the last it sent.
    expect(server.requests).toBe(5);
    const far = new Database(db, { readonly: true });
    const row = far.prepare('SELECT owner, status, updated_at FROM runs WHERE id = ?').get('run_lost') as {
      owner: string;
      status: string;
      updated_at: string;
    };
    const ids = (
      far.prepare('SELECT id FROM attempts WHERE run_id = ? ORDER BY id').all('run_lost') as { id: string }[]
    ).map((r) => r.id);
    far.close();
    expect(JSON.parse(row.owner)).toEqual(taken);
    expect(row.status).toBe('running');
    expect(row.updated_at).toBe('2026-12-05T12:00:00.000Z');
    expect(ids).toEqual(storedAtTakeOver);
  }, 120_000);
});
