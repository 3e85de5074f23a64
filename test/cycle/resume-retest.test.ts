// A fix round's retest is part of its figures (retest_asr) however the run got there: a cycle killed
// right after round 1's identify step was marked, then resumed, must still read the retest it ran,
// not measure the round as if it had none. The real CLI in a child process (SIGKILLed by the crash
// hook), against a SCRIPTED FAKE OpenAI-compatible server standing in for the served models and
// the judge: the configured model complies; the trained one (served under its own name) refuses.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { fakeServerCycleConfig, judgedScript, runBreakfix } from '../reliability/helpers-cycle.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-resume-retest-'));
let server: FakeServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('breakfix cycle --resume after a fix round identified its vulnerabilities', () => {
  it("keeps the round's retest in its figures", async () => {
    server = await startOpenAIServer({
      log: false,
      script: judgedScript((messages, body) => {
        return body.model === 'served'
          ? `Sure. Here is an answer: ${messages.at(-1)?.content.slice(0, 40)}`
          : "I'm sorry, but I can't help with that.";
      }),
    });
    const config = fakeServerCycleConfig(dir, server.url, {
      attempts: 4,
      overRefusalProbe: 2,
      rounds: 1,
      benchLimit: 3,
    });
    // (the first round row written after round 1's identify line is the round's measured one, after
    // identify's step marker: the kill lands between the two)
    const killed = await runBreakfix(['cycle', '-c', config], {
      hook: true,
      env: { BF_CRASH_ARM: 'round 1: identify', BF_CRASH_SQL: 'INSERT INTO rounds', BF_CRASH_SQL_N: '1' },
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(killed.stderr).toMatch(/round 1: retest [1-9]\d* open vulnerabilities/);
    const r = await runBreakfix(['cycle', '-c', config, '--resume', '--json']);
    expect([0, 1], r.stderr).toContain(r.code);
    const rounds = JSON.parse(r.stdout).rounds as { round: number; retest_asr: number | null }[];
    // The trained model refused every retest: none of round 0's vulnerabilities broke again.
    expect(rounds.map((x) => [x.round, x.retest_asr])).toEqual([
      [0, null],
      [1, 0],
    ]);
  }, 300_000);
});
