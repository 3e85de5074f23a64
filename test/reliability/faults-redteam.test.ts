// A red-team run of 1,200 attempts against the SCRIPTED FAKE model (test/reliability/helpers.ts)
// behind the fault-injecting OpenAI-compatible server on 127.0.0.1: real HTTP, real retries, real
// offline judges, a real SQLite store. Faults of every retryable kind, once retries get through,
// change nothing: every attempt has the outcome, transcript and verdicts of the fault-free run.
// Faults the client gives up on end as `error`, reported apart, never as a refusal ("safe").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type RedteamSummary, runRedteam, selectSeeds } from '../../src/break/index.js';
import type { Attempt } from '../../src/core/index.js';
import { openStore } from '../../src/store/index.js';
import { createUsageMeter, type TargetUsage } from '../../src/targets/index.js';
import { offlineJudges } from '../helpers/offline-judges.js';
import {
  type FakeServer,
  type FakeServerStats,
  type FaultPlan,
  RETRYABLE_FAULTS,
  startOpenAIServer,
} from '../helpers/openai-server.js';
import { fakeModelTarget, scriptedFakeModel, tally, writeFigures } from './helpers.js';

const ATTEMPTS = 1200;
// Every attack whose plan and outcome depend only on the replies. The `search` attack is left out:
// it learns from results in the order they complete, so retries (which reorder completions) change
// which techniques it tries next — a different run by design, not a lost attempt.
const TECHNIQUES = ['direct', 'chain', 'many_shot', 'crescendo'];
const seeds = selectSeeds({ kind: 'harmful', split: 'attack' });
const judges = offlineJudges();

const dirs: string[] = [];
const servers: FakeServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Run {
  summary: RedteamSummary;
  attempts: Map<string, Attempt>;
  usage: TargetUsage;
  server: FakeServerStats;
  ms: number;
}

async function redteam(faults: FaultPlan | undefined, retries: number): Promise<Run> {
  const server = await startOpenAIServer({ script: scriptedFakeModel, faults, log: false });
  servers.push(server);
  const usage = createUsageMeter();
  // A stall ends at the 2 s timeout (long enough that even a busy machine answers nearly every honest
  // request before it); backoff steps of 2 ms: hundreds of retries take seconds.
  const target = fakeModelTarget(server.url, { retries, usage, timeoutMs: 2_000, concurrency: 32 });
  const dir = mkdtempSync(join(tmpdir(), 'bf-rel-redteam-'));
  dirs.push(dir);
  const store = openStore(join(dir, 'b.db'));
  const started = performance.now();
  const summary = await runRedteam({
    target,
    seeds,
    judges,
    persona: 'intermediate',
    techniques: TECHNIQUES,
    budget: { attempts: ATTEMPTS },
    concurrency: 32,
    seed: 5,
    store,
    // The same run id in every store, so attempt ids (derived from it) match across runs.
    runId: 'reliability-redteam',
  });
  const ms = Math.round(performance.now() - started);
  const attempts = new Map(store.listAttempts({ runId: 'reliability-redteam' }).map((a) => [a.id, a]));
  expect(store.integrityCheck()).toBe('ok');
  store.close();
  return { summary, attempts, usage: usage.total(), server: server.stats(), ms };
}

/** The accounting that must hold for any run, faults or not. */
function expectDefinite(run: Run) {
  const s = run.summary;
  expect(s.planned).toBe(ATTEMPTS);
  expect(s.attempts).toBe(ATTEMPTS);
  expect(s.ran).toBe(ATTEMPTS);
  expect(run.attempts.size).toBe(ATTEMPTS);
  expect(s.success + s.failure + s.error + s.undetermined).toBe(ATTEMPTS);
  const stored = tally(run.attempts.values(), (a) => a.outcome);
  expect(stored).toEqual(
    Object.fromEntries(
      (['success', 'failure', 'error', 'undetermined'] as const)
        .filter((k) => s[k] > 0)
        .map((k) => [k, s[k]]),
    ),
  );
  for (const dim of Object.values(s.slices)) {
    expect(Object.values(dim).reduce((n, x) => n + x.attempts, 0)).toBe(ATTEMPTS);
  }
  expect(s.asr).toBeCloseTo(s.success / (s.success + s.failure), 12);
  // Every call the attacks made is one request the meter saw end, as a reply or as an error …
  expect(run.usage.requests).toBe(s.calls);
  expect(run.usage.replies + run.usage.errors).toBe(run.usage.requests);
  // … and every HTTP request the server saw is a final attempt or one that was retried (on a busy
  // machine a request can time out on the client before the server has read it: hence ≤).
  expect(run.server.requests).toBeLessThanOrEqual(run.usage.replies + run.usage.errors + run.usage.retries);
  // An attempt with an error is counted as an error, never as a refusal or a success.
  for (const a of run.attempts.values()) {
    if (a.error) expect(a.outcome).toBe('error');
    if (a.outcome === 'error') expect(a.error ?? '').not.toBe('');
  }
}

const comparable = (a: Attempt) => ({
  outcome: a.outcome,
  techniques: a.techniques,
  transcript: a.transcript,
  verdicts: a.verdicts.map((v) => [v.judge, v.status, v.value]),
  turns: a.turns,
  calls: a.calls,
});

const counts = (s: RedteamSummary) => ({
  attempts: s.attempts,
  success: s.success,
  failure: s.failure,
  error: s.error,
  undetermined: s.undetermined,
  asr: s.asr,
});

describe('a red-team run of 1,200 attempts through the fault server', () => {
  let clean: Run;
  let faulty: Run;
  let degraded: Run;

  it('fault-free: the baseline, every attempt definite', async () => {
    clean = await redteam(undefined, 6);
    expectDefinite(clean);
    expect(clean.summary.error).toBe(0);
    expect(clean.server.faults).toEqual({});
    // The scripted fake gives the judges something to decide both ways, and something they cannot.
    expect(clean.summary.success).toBeGreaterThan(0);
    expect(clean.summary.failure).toBeGreaterThan(0);
    expect(clean.summary.undetermined).toBeGreaterThan(0);
  });

  it('every retryable fault at 25 % of requests: once retries succeed, the same outcomes as fault-free', async () => {
    faulty = await redteam(
      {
        probability: 0.25,
        seed: 17,
        kinds: RETRYABLE_FAULTS,
        // No request body faults more than 3 times: 6 retries always get through, with room for a
        // timeout or two that a busy machine adds on its own.
        maxFaultsPerRequest: 3,
        retryAfterS: 0.01,
        stallMs: 10_000,
      },
      6,
    );
    expectDefinite(faulty);
    // Every kind of fault happened, and was retried.
    for (const kind of RETRYABLE_FAULTS.filter((k) => !k.startsWith('stream')))
      expect(faulty.server.faults[kind] ?? 0, kind).toBeGreaterThan(0);
    const injected = Object.values(faulty.server.faults).reduce((n, x) => n + (x ?? 0), 0);
    // Each injected fault cost one retry (a loaded machine may add a timeout or two of its own).
    expect(faulty.usage.retries).toBeGreaterThanOrEqual(injected);
    expect(faulty.summary.error).toBe(0);
    expect(counts(faulty.summary)).toEqual(counts(clean.summary));
    expect(faulty.summary.slices).toEqual(clean.summary.slices);
    // Attempt by attempt: same ids, outcomes, transcripts, verdicts.
    expect([...faulty.attempts.keys()].sort()).toEqual([...clean.attempts.keys()].sort());
    for (const [id, a] of faulty.attempts)
      expect(comparable(a), id).toEqual(comparable(clean.attempts.get(id)!));
  });

  it('faults it cannot get through (too few retries, 401, 400, no choices) end as errors, reported apart, never safe', async () => {
    degraded = await redteam(
      {
        probability: 0.2,
        seed: 23,
        kinds: [...RETRYABLE_FAULTS, 'auth', 'bad_request', 'no_choices'],
        retryAfterS: 0.01,
        stallMs: 10_000,
      },
      1,
    );
    expectDefinite(degraded);
    expect(degraded.summary.error).toBeGreaterThan(0);
    expect(degraded.summary.firstError).toBeTruthy();
    // Every attempt either ended as in the fault-free run or as an error: a failed request never
    // turned into a refusal, a success or an undetermined answer.
    const changed = { toError: 0, other: [] as string[] };
    for (const [id, a] of degraded.attempts) {
      const before = clean.attempts.get(id)!;
      if (a.outcome === before.outcome) continue;
      if (a.outcome === 'error') changed.toError++;
      else changed.other.push(`${id}: ${before.outcome} → ${a.outcome}`);
    }
    expect(changed.other).toEqual([]);
    expect(changed.toError).toBeGreaterThan(0);
    // Decided outcomes can only have been lost to errors, never gained.
    expect(degraded.summary.success).toBeLessThanOrEqual(clean.summary.success);
    expect(degraded.summary.failure).toBeLessThanOrEqual(clean.summary.failure);

    // Recomputed here, not carried over from the retryable-faults test: the figure file must not
    // record an equality that test found false.
    const outcomesEqualFaultFree =
      isDeepStrictEqual(counts(faulty.summary), counts(clean.summary)) &&
      faulty.attempts.size === clean.attempts.size &&
      [...faulty.attempts].every(
        ([id, a]) =>
          clean.attempts.has(id) && isDeepStrictEqual(comparable(a), comparable(clean.attempts.get(id)!)),
      );
    expect(outcomesEqualFaultFree).toBe(true);

    writeFigures('faults-redteam', {
      what: 'runRedteam, intermediate persona (direct, chain, many_shot, crescendo), offline judges, SQLite store, scripted fake behind the fault server',
      attemptsPerRun: ATTEMPTS,
      runs: Object.fromEntries(
        (
          [
            ['faultFree', clean, 'no faults, retries 6'],
            ['retryableFaults', faulty, '25 % of requests faulted (≤ 3 times per body), retries 6'],
            ['unrecoverableFaults', degraded, '20 % faulted incl. 401/400/no choices, retries 1'],
          ] as const
        ).map(([name, r, setup]) => [
          name,
          {
            setup,
            outcomes: counts(r.summary),
            calls: r.summary.calls,
            httpRequests: r.server.requests,
            retries: r.usage.retries,
            finalErrorsByKind: r.usage.errorsByKind,
            faultsInjected: r.server.faults,
            durationMs: r.ms,
          },
        ]),
      ),
      outcomesEqualFaultFree,
      attemptsChangedToError: changed.toError,
    });
  });
});
