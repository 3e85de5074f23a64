// `breakfix curate` on a plain red-team run asks the model the red team attacked (`redteam -t`) for
// its own answers, not roles.target: the rejected side of a preference pair must be the attacked
// model's reply. The real CLI in child processes, a SCRIPTED FAKE remote model over real HTTP on
// 127.0.0.1 as the attacked model, a real SQLite store; roles.target stays the embedded default.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinSeeds } from '../../src/break/index.js';
import { openStore } from '../../src/store/index.js';
import { complianceAnswer } from '../../src/world/index.js';
import { runCli } from '../cli/run-cli.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-curate-attacked-'));
const db = join(dir, 'breakfix.db');
const env = { OPENAI_API_KEY: 'test-key-not-secret', NO_COLOR: '1' };
// The world's compliant placeholder answer to the seed asked (which the offline judges call harmful),
// marked as this server's: the embedded model gives the unmarked one.
const MARK = ' (fake server)';
const seedByText = new Map(builtinSeeds().map((s) => [s.text, s]));
const reply = (text: string) => {
  const seed = seedByText.get(text);
  return seed ? `${complianceAnswer(seed)}${MARK}` : `Sure.${MARK}`;
};
let server: FakeServer;

beforeAll(async () => {
  server = await startOpenAIServer({ script: (messages) => reply(messages.at(-1)?.content ?? '') });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('curate on a red-team run of a target other than roles.target', () => {
  it("asks the attacked model for the on-policy answers: the pairs' rejected sides are its replies", async () => {
    const model = `openai:scripted@${server.url}`;
    const red = await runCli(
      ['redteam', '-t', model, '--budget', '12', '--techniques', 'direct', '--store', db, '-q', '--json'],
      { cwd: dir, env },
    );
    expect([0, 1], red.stderr).toContain(red.code);
    const { runId, success } = JSON.parse(red.stdout) as { runId: string; success: number };
    expect(success).toBeGreaterThan(0);
    const afterRedteam = server.requests;

    const r = await runCli(['curate', '--store', db, '--out', join(dir, 'out'), '--json'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { preference: number; warnings: string[] };
    expect(out.warnings).toEqual([]);
    // The synthetic siblings and the probe went to the attacked model, and nothing to another.
    expect(server.requests).toBeGreaterThan(afterRedteam);
    const store = openStore(db, { readOnly: true });
    try {
      const curateSpend = store.listSpend(runId).filter((l) => l.stage === 'curate' && l.role === 'target');
      expect(curateSpend.map((l) => l.model)).toEqual([model]);
      const pairs = store.listRecords({ runId, round: 0, dataset: 'preference' });
      expect(pairs.length).toBe(out.preference);
      const synthetic = pairs.filter((p) => p.provenance.source === 'synthetic');
      expect(synthetic.length).toBeGreaterThan(0);
      for (const p of synthetic) expect(p.rejected?.content.endsWith(MARK), p.rejected?.content).toBe(true);
    } finally {
      store.close();
    }
  });

  it("a target named in the red team's config and not in this one: a warning, no on-policy pairs, no other model asked", async () => {
    const sub = mkdtempSync(join(dir, 'named-'));
    const store = join(sub, 's.db');
    writeFileSync(
      join(sub, 'red.yaml'),
      `targets:\n  attacked:\n    type: openai\n    baseURL: ${server.url}\n    model: scripted\n`,
    );
    const red = await runCli(
      [
        'redteam',
        '-c',
        'red.yaml',
        '-t',
        'attacked',
        '--budget',
        '6',
        '--techniques',
        'direct',
        '--store',
        store,
        '-q',
      ],
      { cwd: sub, env },
    );
    expect([0, 1], red.stderr).toContain(red.code);
    const before = server.requests;
    const r = await runCli(['curate', '--store', store, '--out', join(sub, 'out'), '--json'], {
      cwd: sub,
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { warnings: string[]; runId: string };
    expect(out.warnings).toEqual([
      expect.stringContaining(
        'attacked the target attacked, which this config does not define: no on-policy pairs',
      ),
    ]);
    expect(server.requests).toBe(before);
    const opened = openStore(store, { readOnly: true });
    try {
      expect(opened.listSpend(out.runId).filter((l) => l.stage === 'curate' && l.role === 'target')).toEqual(
        [],
      );
    } finally {
      opened.close();
    }
    // With the red team's config, the attacked model is asked.
    const again = await runCli(
      ['curate', '-c', 'red.yaml', '--store', store, '--out', join(sub, 'out'), '--force', '-q'],
      { cwd: sub, env },
    );
    expect(again.code, again.stderr).toBe(0);
    expect(server.requests).toBeGreaterThan(before);
  });
});
