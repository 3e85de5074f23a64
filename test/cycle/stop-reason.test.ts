// Why a cycle ended where it did — its round limit, a releasable round, no new fix data — is part of
// its result: with -q or --json the progress lines that said it are not there, and whoever signs a
// release off (or reads an exit 1) needs it. Real CLI runs of round 0 alone on the tiny base model.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../cli/run-cli.js';
import { runBreakfix } from '../reliability/helpers-cycle.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-stop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A cycle on the base model that may stop after round 0 (minRounds 0); with maxRounds 0 it must. */
function config(name: string, maxRounds: number, criteria = ''): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `seed: 3
store: ${join(dir, `${name}.db`)}
redteam:
  persona: low_skill
  budget: { attempts: 12 }
bench:
  suites: [harmful, overrefusal, helpfulness]
cycle:
  maxRounds: ${maxRounds}
  minRounds: 0
  benchLimit: 6
${criteria}train:
  embedded:
    sft: { steps: 2, batchSize: 4 }
    dpo: { steps: 1, batchSize: 2 }
`,
  );
  return file;
}

describe('breakfix cycle says why it stopped', () => {
  it('in --json, in the text under the table, and in the stored summary', async () => {
    const file = config('limit', 0);
    const json = await runCli(['cycle', '-c', file, '--json', '-q']);
    // The base model breaks under the default criteria: exit 1, and why it ended after round 0.
    expect(json.code, json.stderr).toBe(1);
    const out = JSON.parse(json.stdout);
    expect(out).toMatchObject({
      stopped: 'round 0: last round reached',
      resumed: false,
      // (no round and no model under release when none met every criterion: the closest apart)
      release: {
        round: null,
        model: null,
        closest: { round: 0, model: 'breakfix-tiny-base' },
        criteria_met: false,
      },
    });
    const store = openStore(join(dir, 'limit.db'));
    expect(store.getRun(out.run)?.summary).toMatchObject({ stopped: 'round 0: last round reached' });
    // Each figure a criterion bounds is in the round's row, the undetermined share too.
    const stored = store.getRounds(out.run)[0].metrics as Record<string, unknown>;
    expect(typeof stored.undetermined_rate).toBe('number');
    expect(out.rounds[0].undetermined_rate).toBe(stored.undetermined_rate);
    store.close();

    const text = await runCli(['cycle', '-c', file, '-q']);
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toMatch(/^no release candidate: no round met every criterion; closest is round 0/m);
    expect(text.stdout).toMatch(/^stopped: round 0: last round reached$/m);
  });

  it('a round 0 that meets every criterion (minRounds 0) is released at once, and says so', async () => {
    // (the unfixed base is the release: it meets every bound, and a fix round could only match it)
    const file = config(
      'base-passes',
      2,
      '  criteria: { asr: 1, dr3: 1, vprr: 1, vprrRise: 1, helpfulnessDrop: 1, undeterminedRise: 1, undetermined: 1 }\n',
    );
    const r = await runCli(['cycle', '-c', file, '--json', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      stopped: 'round 0: release criteria hold; stopping',
      release: { round: 0, model: 'breakfix-tiny-base', criteria_met: true },
    });
  });

  it("the warnings said before round 0 show with -q (a finding, not progress) and are in --json's object", async () => {
    // (benchLimit 6: under criteriaBound upper, no round can pass dr3 and the rest)
    const file = config('warned', 0, '  criteriaBound: upper\n');
    const json = await runCli(['cycle', '-c', file, '--json', '-q']);
    expect(json.code, json.stderr).toBe(1);
    expect(json.stderr).not.toMatch(/warning:/);
    const warnings: string[] = JSON.parse(json.stdout).warnings;
    expect(warnings).toContainEqual(
      expect.stringMatching(/^cycle\.criteria\.dr3: under cycle\.criteriaBound: upper no round can pass it/),
    );
    const text = await runCli(['cycle', '-c', file, '-q']);
    expect(text.code, text.stderr).toBe(1);
    for (const w of warnings) expect(text.stderr).toContain(`warning: ${w}`);
  });

  it('a limit raised by --rounds on resume stays in the finished run, beside why it stopped', async () => {
    const file = config('raised', 0);
    let signalled = false;
    const stopped = await runBreakfix(['cycle', '-c', file], {
      onLine: (line, child) => {
        if (!signalled && /^round 0: break/.test(line)) {
          signalled = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(stopped.code, stopped.stderr).toBe(130);
    const runId = /cycle --run (run_\S+)/.exec(stopped.stderr)?.[1] as string;
    expect(runId, stopped.stderr).toBeTruthy();
    const resumed = await runCli(['cycle', '-c', file, '--run', runId, '--rounds', '1', '--json', '-q']);
    expect([0, 1], resumed.stderr).toContain(resumed.code);
    const out = JSON.parse(resumed.stdout);
    expect(out.rounds.map((r: { round: number }) => r.round)).toEqual([0, 1]);
    expect(out).toMatchObject({ resumed: true, stopped: 'round 1: last round reached' });
    // The stored config still says 0 (it is what the run started with); the summary says what it did.
    const store = openStore(join(dir, 'raised.db'));
    const run = store.getRun(runId);
    store.close();
    expect(run?.config).toMatchObject({ cycle: { maxRounds: 0 } });
    expect(run?.summary).toMatchObject({ maxRounds: 1, stopped: 'round 1: last round reached' });
  });
});
