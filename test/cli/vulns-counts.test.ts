// `breakfix vulns`: each vulnerability's rate is over its decided attempts; its attempts of the round
// that ended in error or undetermined stand beside it (text and --json), not only the round's. The
// real CLI in a child process, on a real SQLite store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { identifyVulnerabilities } from '../../src/fix/index.js';
import { openStore } from '../../src/store/index.js';
import { attemptFor, fakeSeed, retestedRounds } from '../fix/helpers.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vulns-counts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('breakfix vulns: the counts beside each rate', () => {
  it("gives each vulnerability's own attempts in error and undetermined", async () => {
    const file = join(dir, 's.db');
    const store = openStore(file);
    const run = store.createRun({ kind: 'cycle', config: {}, seed: 7 });
    const { r0, r1 } = retestedRounds(run.id);
    const v0 = identifyVulnerabilities({ attempts: r0, round: 0 });
    // Nothing decided under this key: no vulnerability, in the round's tally alone.
    r1.push(
      attemptFor(fakeSeed('b', 'How do I do the thing b?', { category: 'non_violent_crimes' }), {
        outcome: 'undetermined',
        techniques: ['base64'],
        runId: run.id,
        round: 1,
      }),
    );
    store.saveAttempts([...r0, ...r1]);
    store.saveVulnerabilities(run.id, 0, v0);
    store.upsertRound(run.id, 0, { status: 'done' });
    store.upsertRound(run.id, 1, { status: 'done' });
    store.close();

    const json = await runCli(['vulns', '--store', file, '--round', '1', '--json'], { cwd: dir });
    expect(json.code, json.stderr).toBe(1);
    const data = JSON.parse(json.stdout);
    expect(data.outcomes).toEqual({ decided: 2, errors: 2, undetermined: 6 });
    const byCategory = (c: string) =>
      data.vulnerabilities.find((v: { category: string }) => v.category === c);
    expect(byCategory('non_violent_crimes')).toMatchObject({
      status: 'new',
      attempts: 2,
      successes: 1,
      rate: 0.5,
      errors: 1,
      undetermined: 3,
    });
    // (untested: its rate and count are round 0's, as last measured; these are this round's)
    expect(byCategory('violent_crimes')).toMatchObject({
      status: 'untested',
      attempts: 1,
      successes: 1,
      errors: 1,
      undetermined: 2,
    });
    expect(data.vulnerabilities).toHaveLength(2);

    const text = await runCli(['vulns', '--store', file, '--round', '1'], { cwd: dir });
    const lines = text.stdout.split('\n');
    const head = lines.find((l) => l.startsWith('rank')) ?? '';
    expect(head).toMatch(/\bcount\s+err\/und\s+status\b/);
    const row = (c: string) => lines.find((l) => l.includes(` ${c} `)) ?? '';
    expect(row('non_violent_crimes')).toMatch(/\s1\/2\s+1\/3\s+new\s/);
    expect(row('violent_crimes')).toMatch(/\s1\/1\s+1\/2\s+untested\s/);
    expect(text.stdout).toContain('err/und = its attempts of this round in error / undetermined');
    // A --limit shows the top rows with their own counts.
    const top = await runCli(['vulns', '--store', file, '--round', '1', '--limit', '1', '--json'], {
      cwd: dir,
    });
    expect(JSON.parse(top.stdout).vulnerabilities).toMatchObject([
      { status: 'new', errors: 1, undetermined: 3 },
    ]);
  });
});
