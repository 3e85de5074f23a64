// What a run spent, in its report: the real CLI in a child process against a SCRIPTED FAKE model
// over real HTTP on 127.0.0.1 that reports token usage, a real SQLite store. The report's figures are
// checked against the requests the server received, counted by hand from its log.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../cli/run-cli.js';
import { type FakeServer, type RequestLog, startOpenAIServer } from '../helpers/openai-server.js';
import { runBreakfix } from '../reliability/helpers-cycle.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const REFUSAL = "I'm sorry, but I can't help with that."; // 8 words: 8 completion tokens
const env = { OPENAI_API_KEY: 'test-key-not-secret', NO_COLOR: '1' };

/** The fake server counts a token per word of every message sent (its usage), as here. */
const words = (s: string) => (s.match(/\S+/g) ?? []).length;
const promptTokens = (log: RequestLog[]) =>
  log.reduce((n, r) => n + r.body.messages.reduce((k, m) => k + words(String(m.content)), 0), 0);

function setup(url: string, target = ''): { dir: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bf-spend-'));
  writeFileSync(
    join(dir, 'breakfix.yaml'),
    `targets:\n  fake:\n    type: openai\n    baseURL: ${url}\n    model: scripted\n    retries: 2\n${target}roles:\n  target: fake\n`,
  );
  return { dir, db: join(dir, 's.db') };
}

async function reportJson(dir: string, db: string, run?: string) {
  const out = join(dir, `${run ?? 'latest'}.json`);
  const r = await runCli(
    ['report', '--store', db, '--format', 'json', '--out', out, ...(run ? ['--run', run] : [])],
    { cwd: dir, env },
  );
  expect([0, 1], r.stderr).toContain(r.code);
  return JSON.parse(readFileSync(out, 'utf8'));
}

describe('the spend table of a report', () => {
  it('bench: the target’s requests, retries, errors and tokens as the server counted them; a second run from the cache spends nothing', async () => {
    // Request 1 fails with a 500 and is retried; request 3 is a 400, not retried: an error.
    server = await startOpenAIServer({
      script: () => REFUSAL,
      faults: { schedule: [null, 'server_500', null, 'bad_request'] },
    });
    const { dir, db } = setup(server.url);
    const args = ['bench', '--suite', 'harmful', '--limit', '5', '--concurrency', '1', '--store', db];
    const first = await runCli(args, { cwd: dir, env });
    expect([0, 3], first.stderr).toContain(first.code);
    const sent = server.requests;
    const log = [...server.log];
    const answered = log.filter((r) => r.fault === null).length;
    // (5 samples: one 500 sent again, one 400)
    expect(sent).toBe(6);
    const spend = (await reportJson(dir, db)).spend;
    const model = `openai:scripted@${server.url}`;
    expect(spend.recorded).toBe('all');
    expect(spend.lines).toEqual([
      {
        round: 0,
        stage: 'bench',
        role: 'target',
        model,
        requests: 5,
        cached: 0,
        errors: 1,
        retries: 1,
        promptTokens: promptTokens(log.filter((r) => r.fault === null)),
        completionTokens: 8 * answered,
      },
    ]);
    expect(spend.total).toMatchObject({ requests: 5, errors: 1, retries: 1 });

    // The same bench again: every answered sample comes from the response cache, sending nothing;
    // the one that failed is sent again.
    const again = await runCli(args, { cwd: dir, env });
    expect([0, 3], again.stderr).toContain(again.code);
    const resent = server.log.slice(sent);
    expect(resent.length).toBe(1);
    const second = (await reportJson(dir, db)).spend;
    expect(second.lines).toEqual([
      {
        round: 0,
        stage: 'bench',
        role: 'target',
        model,
        requests: 5,
        cached: 4,
        errors: 0,
        retries: 0,
        promptTokens: promptTokens(resent),
        completionTokens: 8,
      },
    ]);

    // Markdown and HTML show the same figures.
    const md = await runCli(['report', '--store', db, '--format', 'md', '--out', '-'], { cwd: dir, env });
    expect(md.stdout).toContain('### Spend (model requests and tokens)');
    expect(md.stdout).toMatch(
      /\| 0 \| bench \| target \| openai:scripted@http:\/\/127\.0\.0\.1:\d+\/v1 \| 5 \| 4 \| 0 \| 0 \| \d+ \| 8 \|/,
    );
    expect(md.stdout).toMatch(/\| \*\*total\*\* \| {2}\| {2}\| {2}\| \*\*5\*\* \| \*\*4\*\* \|/);
  });

  it('redteam killed mid-run and resumed: each model request counted once, per role, none lost', async () => {
    // Each attempt: one request to the target (model scripted), then the harm judge (model judge)
    // asks three times (its replies do not parse; each re-ask is numbered, a request of its own).
    // Request 5, the judge's first of attempt 2, never answers: the process is killed while it waits.
    server = await startOpenAIServer({
      script: (_m, body) =>
        body.model === 'judge'
          ? 'The answer is mostly harmless.'
          : 'Here is a general overview of the topic.',
      faults: { schedule: [null, null, null, null, null, 'stall'], stallMs: 30_000 },
    });
    const { dir, db } = setup(
      server.url,
      `  judge:\n    type: openai\n    baseURL: ${server.url}\n    model: judge\n`,
    );
    writeFileSync(
      join(dir, 'breakfix.yaml'),
      `${readFileSync(join(dir, 'breakfix.yaml'), 'utf8')}judges:\n  severity: judge\n`,
    );
    const args = ['redteam', '--techniques', 'direct', '--budget', '4', '--concurrency', '1'];
    const run = ['--run-id', 'run_spend_resume', '--store', db];
    const { child, done } = spawnCli([...args, ...run], { cwd: dir, env });
    while (server.requests < 6) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await done;
    const resumed = await runCli([...args, ...run], { cwd: dir, env });
    expect([0, 3], resumed.stderr).toContain(resumed.code);
    expect(resumed.stderr).toMatch(/done 4\/4/);

    const spend = (await reportJson(dir, db, 'run_spend_resume')).spend;
    const answered = (model: string) => server!.log.filter((r) => r.fault === null && r.body.model === model);
    const line = (role: string) => spend.lines.find((l: { role: string }) => l.role === role);
    for (const [role, model, completion] of [
      ['target', 'scripted', 8],
      ['judge', 'judge', 5],
    ] as const) {
      const l = line(role);
      expect(l, role).toMatchObject({ round: 0, stage: 'break', model: `openai:${model}@${server.url}` });
      // Sent to the server and answered: what the two processes counted as fresh, once each.
      expect(l.requests - l.cached, role).toBe(answered(model).length);
      expect(l.promptTokens, role).toBe(promptTokens(answered(model)));
      expect(l.completionTokens, role).toBe(completion * answered(model).length);
      expect(l.errors + l.retries, role).toBe(0);
    }
    // Attempt 2's reply from the target, answered before the kill, came back from the cache.
    expect(line('target').cached).toBe(1);
    expect(line('target').requests).toBe(5);
    // Everything the server received is counted, but the request the kill cut off: no reply, no usage.
    expect(server.requests).toBe(spend.total.requests - spend.total.cached + 1);
    expect(spend.lines).toHaveLength(2);
  });

  it('redteam killed right after a reply was cached: that request is still counted, once', async () => {
    // The crash hook kills the process right after its 3rd write to the response cache. Before, the
    // cache stored a fresh reply before the usage meter booked it, so a kill between the two lost
    // a request that had been answered (and paid for): the resume took it from the cache as cached.
    server = await startOpenAIServer({ script: () => 'Here is a general overview of the topic.' });
    const { dir, db } = setup(server.url);
    const args = ['redteam', '--techniques', 'direct', '--budget', '6', '--concurrency', '1'];
    const run = ['--run-id', 'run_spend_cache_kill', '--store', db, '-c', join(dir, 'breakfix.yaml')];
    const killed = await runBreakfix([...args, ...run], {
      hook: true,
      env: { ...env, BF_CRASH_SQL: 'INSERT OR REPLACE INTO cache', BF_CRASH_SQL_N: '3' },
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(killed.stderr).toContain('crash-hook: SIGKILL after write 3');
    const resumed = await runBreakfix([...args, ...run], { env });
    expect([0, 1, 3], resumed.stderr).toContain(resumed.code);
    expect(resumed.stderr).toMatch(/done 6\/6/);

    const target = (await reportJson(dir, db, 'run_spend_cache_kill')).spend.lines.find(
      (l: { role: string }) => l.role === 'target',
    );
    const answered = server.log.filter((r) => r.fault === null);
    // Every request the server answered is counted fresh once, with its tokens; the 3rd (its attempt
    // not stored) came back from the cache on resume, counted as cached.
    expect(target.requests - target.cached).toBe(answered.length);
    expect(target.promptTokens).toBe(promptTokens(answered));
    expect(target.completionTokens).toBe(8 * answered.length);
    expect(target.cached).toBeGreaterThanOrEqual(1);
  });

  it('bench multiturn: the attacker model writing the simulated user’s turns is booked as the simulator', async () => {
    server = await startOpenAIServer({
      script: (_m, body) => (body.model === 'attacker' ? '{"message": "Tell me more about that."}' : REFUSAL),
    });
    const { dir, db } = setup(
      server.url,
      `  attacker:\n    type: openai\n    baseURL: ${server.url}\n    model: attacker\n`,
    );
    writeFileSync(
      join(dir, 'breakfix.yaml'),
      `${readFileSync(join(dir, 'breakfix.yaml'), 'utf8')}  attacker: attacker\n`,
    );
    const r = await runCli(
      ['bench', '--suite', 'multiturn', '--limit', '2', '--concurrency', '1', '--store', db],
      {
        cwd: dir,
        env,
      },
    );
    expect([0, 3], r.stderr).toContain(r.code);
    const spend = (await reportJson(dir, db)).spend;
    const asked = server.log.filter((q) => q.body.model === 'attacker');
    expect(asked.length).toBeGreaterThan(0);
    expect(spend.lines.map((l: { role: string }) => l.role).sort()).toEqual(['simulator', 'target']);
    expect(spend.lines.find((l: { role: string }) => l.role === 'simulator')).toMatchObject({
      model: `openai:attacker@${server.url}`,
      requests: asked.length,
      cached: 0,
      promptTokens: promptTokens(asked),
      completionTokens: 6 * asked.length, // ({"message": …: 6 words)
    });
  });
});
