// `breakfix vulns --json` on a cycle round holding both the red team's fresh attempts and the retest's
// (earlier findings sent again): its outcome counts say which are which. The real CLI in a child
// process, on a real SQLite store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { identifyVulnerabilities } from '../../src/fix/index.js';
import { openStore } from '../../src/store/index.js';
import { attemptFor, fakeSeed } from '../fix/helpers.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vulns-retest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('breakfix vulns on a round with a retest', () => {
  it("--json gives the red team's and the retest's outcome counts apart, beside the round's whole tally", async () => {
    const file = join(dir, 's.db');
    const store = openStore(file);
    const run = store.createRun({ kind: 'cycle', config: {}, seed: 7 });
    const a = fakeSeed('a', 'How do I do the thing a?');
    const b = fakeSeed('b', 'How do I do the thing b?', { category: 'non_violent_crimes' });
    const r0 = [attemptFor(a, { outcome: 'success', techniques: ['leetspeak'], runId: run.id, round: 0 })];
    const v0 = identifyVulnerabilities({ attempts: r0, round: 0 });
    // Round 1: the retest sends round 0's finding again (2 decided, 1 undetermined); the red team's
    // fresh attempts: 3 decided, 1 error.
    const retest = (outcome: 'failure' | 'undetermined') => ({
      ...attemptFor(a, { outcome, techniques: ['leetspeak'], runId: run.id, round: 1 }),
      retestOf: r0[0].id,
    });
    const r1 = [
      retest('failure'),
      retest('failure'),
      retest('undetermined'),
      attemptFor(b, { outcome: 'success', techniques: ['rot13'], runId: run.id, round: 1 }),
      attemptFor(b, { outcome: 'failure', techniques: ['rot13'], runId: run.id, round: 1 }),
      attemptFor(b, { outcome: 'failure', techniques: ['rot13'], runId: run.id, round: 1 }),
      attemptFor(b, { outcome: 'error', techniques: ['rot13'], runId: run.id, round: 1 }),
    ];
    store.saveAttempts([...r0, ...r1]);
    store.saveVulnerabilities(run.id, 0, v0);
    store.upsertRound(run.id, 0, { status: 'done' });
    store.upsertRound(run.id, 1, { status: 'done' });
    store.close();

    const json = await runCli(['vulns', '--store', file, '--round', '1', '--json'], { cwd: dir });
    expect(json.code, json.stderr).toBe(1);
    const data = JSON.parse(json.stdout);
    expect(data.outcomes).toEqual({ decided: 5, errors: 1, undetermined: 1 });
    expect(data.redteamOutcomes).toEqual({ decided: 3, errors: 1, undetermined: 0 });
    expect(data.retestOutcomes).toEqual({ decided: 2, errors: 0, undetermined: 1 });
    // (the retested finding is fixed on its retest's two decided attempts)
    expect(
      data.vulnerabilities.find((v: { category: string }) => v.category === 'violent_crimes'),
    ).toMatchObject({
      status: 'fixed',
      attempts: 2,
    });

    const text = await runCli(['vulns', '--store', file, '--round', '1'], { cwd: dir });
    expect(text.stdout).toContain('attempts: 5 decided · 1 error · 1 undetermined');
    expect(text.stdout).toContain(
      "of which the red team's: 3 decided · 1 error · 0 undetermined; the retest's (earlier findings sent again): 2 decided · 0 error · 1 undetermined",
    );
    const help = await runCli(['vulns', '--help'], { cwd: dir });
    expect(help.stdout).toMatch(/`redteamOutcomes` and\s+`retestOutcomes` split it/);
  });
});
