// redteam.budget counts what was sent: a red team run again on the same store, whose every reply
// comes back from the response cache, spends nothing and must not stop at a token budget it never
// spent. The real CLI in a child process, a SCRIPTED FAKE target over real HTTP on 127.0.0.1 that
// reports token usage, a real SQLite store; the run's summary is checked against the report's
// spend table.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const env = { OPENAI_API_KEY: 'test-key-not-secret', NO_COLOR: '1' };

describe('redteam.budget.tokens and the response cache', () => {
  it('a re-run answered from the cache spends no token of its budget, and its summary agrees with the spend table', async () => {
    server = await startOpenAIServer({ script: () => "I'm sorry, but I can't help with that." });
    const dir = mkdtempSync(join(tmpdir(), 'bf-budget-cached-'));
    writeFileSync(
      join(dir, 'breakfix.yaml'),
      `targets:\n  fake:\n    type: openai\n    baseURL: ${server.url}\n    model: scripted\nroles:\n  target: fake\n`,
    );
    const db = join(dir, 's.db');
    const args = ['redteam', '--techniques', 'direct', '--budget', '6', '--concurrency', '1', '--store', db];
    const first = await runCli([...args, '--run-id', 'first', '--json'], { cwd: dir, env });
    expect([0, 1], first.stderr).toContain(first.code);
    const spentFirst = JSON.parse(first.stdout);
    expect(spentFirst.attempts).toBe(6);
    expect(spentFirst.tokens).toBeGreaterThan(0);
    const sent = server.requests;
    expect(sent).toBe(6);

    // The same plan under a budget of a third of what it cost: every reply is in the cache.
    const tokens = String(Math.floor(spentFirst.tokens / 3));
    const again = await runCli([...args, '--run-id', 'again', '--tokens', tokens, '--json'], {
      cwd: dir,
      env,
    });
    expect([0, 1], again.stderr).toContain(again.code);
    const summary = JSON.parse(again.stdout);
    expect(server.requests).toBe(sent);
    expect(summary.stoppedBy).toBeUndefined();
    expect(summary.attempts).toBe(6);
    expect(summary.calls).toBe(6);
    expect(summary.tokens).toBe(0);

    // The report's spend for that run: six requests, all cached, no token; the summary says the same.
    const out = join(dir, 'again.json');
    const r = await runCli(['report', '--store', db, '--run', 'again', '--format', 'json', '--out', out], {
      cwd: dir,
      env,
    });
    expect([0, 1], r.stderr).toContain(r.code);
    const spend = JSON.parse(readFileSync(out, 'utf8')).spend;
    const target = spend.lines.find((l: { role: string }) => l.role === 'target');
    expect(target).toMatchObject({ requests: 6, cached: 6, promptTokens: 0, completionTokens: 0 });
    expect(target.promptTokens + target.completionTokens).toBe(summary.tokens);
  });
});
