// A cycle whose roles.target is a spec with credentials in its URL stores and shows the spec with
// them redacted (the store never holds a secret), while the requests still carry them.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';

let fake: FakeServer;
beforeAll(async () => {
  // SCRIPTED FAKE remote model: refuses everything (the cycle only needs answers to measure).
  fake = await startOpenAIServer({ script: () => "I'm sorry, but I can't help with that." });
});
afterAll(() => fake.close());

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('breakfix cycle: a target spec with URL credentials', () => {
  it('round 0 runs against the spec; neither the store nor the output holds the credentials', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bf-cycle-spec-'));
    const password = 'cyclepw';
    writeFileSync(
      join(cwd, 'breakfix.yaml'),
      [
        'roles:',
        `  target: "openai:fm@http://qa:${password}@127.0.0.1:${fake.port}/v1"`,
        'redteam:',
        '  budget: { attempts: 4 }',
        'cycle:',
        '  maxRounds: 0',
        '  minRounds: 0',
        '  benchLimit: 4',
        '',
      ].join('\n'),
    );
    const r = await runCli(['cycle', '--json'], { cwd });
    expect([0, 1], r.stderr).toContain(r.code);
    expect(fake.requests).toBeGreaterThan(0);
    // The credentials reach the endpoint, as HTTP Basic auth, and never the store or the output.
    const basic = `Basic ${Buffer.from(`qa:${password}`).toString('base64')}`;
    expect(fake.log.length).toBeGreaterThan(0);
    expect(fake.log.every((l) => l.headers.authorization === basic)).toBe(true);
    expect(JSON.parse(r.stdout).rounds).toHaveLength(1);
    expect(r.stdout + r.stderr).not.toContain(password);
    for (const f of filesUnder(join(cwd, '.breakfix')))
      expect(readFileSync(f).includes(password), f).toBe(false);
  }, 120_000);

  it('a stored spec with redacted credentials and no role naming its URL is refused (exit 2), never sent', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bf-cycle-spec-'));
    const before = fake.requests;
    const r = await runCli(
      ['chat', '--target', `openai:fm@http://[redacted]:[redacted]@127.0.0.1:${fake.port}/v1`, 'hi'],
      {
        cwd,
      },
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/credentials are redacted, and no role of the config names its URL/);
    expect(fake.requests).toBe(before);
  });
});
