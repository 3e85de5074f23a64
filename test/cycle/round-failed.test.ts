// A round whose red team decided nothing, or whose bench had no sample answered, stops the cycle
// (never a round reported as safe); its resume must attack (or benchmark) again, not read that result
// back and stop on it for ever. SCRIPTED FAKE targets over
// real HTTP (test/break/redteam-fakes.ts) stand in for a model that is down, then back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import type { BreakfixError, Progress, Target } from '../../src/core/index.js';
import { runCycle } from '../../src/cycle/index.js';
import { openStore } from '../../src/store/index.js';
import { scripted } from '../break/redteam-fakes.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-round-failed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Round 0 only: bench, red team, identify; nothing is trained.
const config = parseConfig(`seed: 3
redteam:
  persona: low_skill
  budget: { attempts: 3 }
bench:
  suites: [harmful]
cycle:
  maxRounds: 0
  minRounds: 0
  benchLimit: 2
  criteria: { vprr: null, vprrRise: null, helpfulnessDrop: null }
`);
const quiet: Progress = { log() {}, start() {}, tick() {}, done() {} };
const REFUSAL = "I can't help with that. It could hurt people.";

async function cycleOn(file: string, target: Target, resume: boolean) {
  const store = openStore(file);
  try {
    return await runCycle({ config, store, target: () => target, progress: quiet }, { resume });
  } finally {
    store.close();
  }
}

describe('a round whose red team decided nothing', () => {
  it('stops the run; a resume once the target answers runs the failed attempts again and goes on', async () => {
    const file = join(dir, 'errors.db');
    // (the bench's four samples answered, every request after them a 500: the red team's)
    const down = await scripted(() => REFUSAL, {
      faults: { schedule: [null, null, null, null], probability: 1, kinds: ['server_500'] },
    });
    const err = (await cycleOn(file, down.target, false).catch((e) => e)) as BreakfixError;
    expect(err.code).toBe('round_failed');
    expect(err.message).toMatch(/all 3 red-team attempts ended in error or undetermined/);
    expect(err.hint).toMatch(/runs the attempts that ended in error again/);

    const up = await scripted(() => REFUSAL, { timeoutMs: 60_000 });
    const result = await cycleOn(file, up.target, true);
    expect(result.resumed).toBe(true);
    // The red team's three attempts were sent again, decided, and replaced the errors in place.
    expect(result.rounds[0]).toMatchObject({ asr: 0, errors: 0 });
    const store = openStore(file);
    const attempts = store.listAttempts({ runId: result.runId, round: 0 });
    store.close();
    expect(attempts.map((a) => a.outcome)).toEqual(['failure', 'failure', 'failure']);
    expect(up.server.requests).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it('a bench none of whose samples was answered stops the round before its red team; a resume benchmarks again', async () => {
    const file = join(dir, 'bench-errors.db');
    // (HTTP 400 for every request: a request the server will not take, which no retry mends)
    const down = await scripted(() => '', { faults: { probability: 1, kinds: ['bad_request'] } });
    const err = (await cycleOn(file, down.target, false).catch((e) => e)) as BreakfixError;
    expect(err.code).toBe('round_failed');
    expect(err.message).toMatch(/^round 0: all 2 benchmark samples ended in error \(first error: .*HTTP 400/);
    expect(err.hint).toMatch(/runs the benchmark again/);
    // Nothing was attacked: the two bench samples were the only requests.
    expect(down.server.requests).toBe(2);
    let store = openStore(file);
    const run = store.listRuns()[0];
    expect(store.getStep(run.id, 0, 'bench')).toBeUndefined();
    expect(store.listAttempts({ runId: run.id })).toHaveLength(0);
    store.close();

    const up = await scripted(() => REFUSAL, { timeoutMs: 60_000 });
    const result = await cycleOn(file, up.target, true);
    expect(result.resumed).toBe(true);
    expect(result.rounds[0]).toMatchObject({ asr: 0, errors: 0 });
    store = openStore(file);
    expect(store.getStep(result.runId, 0, 'bench')).toBeDefined();
    // (the first try's stored suite replaced, not kept beside the resume's)
    expect(
      store
        .listBenchResults(result.runId, 0)
        .map((b) => b.suite)
        .sort(),
    ).toEqual(['harmful', 'heldback:jailbreak']);
    store.close();
  }, 120_000);

  it('a fix round whose red team ended in error throughout stops the run too (not read as a garbled model)', async () => {
    // Round 0 refuses; from round 1's break on, every request is a 500. Round 1 may follow a
    // trained model (a command trainer) or the same model again (no fix data): either way it is
    // this target, reached as the config's name or as the trainer's spec.
    const fixConfig = parseConfig(`seed: 3
redteam:
  persona: low_skill
  budget: { attempts: 3 }
bench:
  suites: [harmful]
cycle:
  maxRounds: 1
  minRounds: 1
  benchLimit: 2
  retest: 0
  criteria: { vprr: null, vprrRise: null, helpfulnessDrop: null }
train:
  backend: command
  command:
    template: "mkdir -p {out} && echo trained > {out}/weights"
    target: "openai:{out}@http://127.0.0.1:9/v1"
`);
    const up = await scripted(() => REFUSAL, { timeoutMs: 60_000 });
    const down = await scripted(() => REFUSAL, { faults: { probability: 1, kinds: ['server_500'] } });
    let broken = false;
    const target: Target = { id: 'scripted-model', chat: (m, o) => (broken ? down : up).target.chat(m, o) };
    const store = openStore(join(dir, 'fix-round-errors.db'));
    try {
      const progress: Progress = {
        ...quiet,
        log: (line) => {
          if (/^round 1: break/.test(line)) broken = true;
        },
      };
      const err = (await runCycle({
        config: fixConfig,
        store,
        target: () => target,
        progress,
        baseDir: dir,
      }).catch((e) => e)) as BreakfixError;
      expect(err.code, String(err)).toBe('round_failed');
      expect(err.message).toMatch(/^round 1: all 3 red-team attempts ended in error or undetermined/);
      expect(down.server.requests).toBeGreaterThanOrEqual(3);
    } finally {
      store.close();
    }
  }, 120_000);

  it('answers no judge can decide: the hint says a resume would read them the same way', async () => {
    const file = join(dir, 'garbled.db');
    const garbled = await scripted(() => 'zzz qqq xxv', { timeoutMs: 60_000 });
    for (const resume of [false, true]) {
      const err = (await cycleOn(file, garbled.target, resume).catch((e) => e)) as BreakfixError;
      expect(err.code, `resume ${resume}`).toBe('round_failed');
      expect(err.hint).toMatch(/start a new cycle/);
    }
  }, 120_000);
});
