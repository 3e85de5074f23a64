// A benchmark run (every built-in suite, attack split) against the SCRIPTED FAKE model
// (test/reliability/helpers.ts) behind the fault-injecting server on 127.0.0.1, in streaming mode
// (server-sent events, with slow streams and streams cut or reset mid-body). Retryable faults, once
// retries get through, leave every sample and every metric as in the fault-free run; faults the
// client gives up on are `error` samples, counted apart and never as refusals; a provider content
// filter is a refusal by the provider, recorded as such, never an error and never a pass.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type BenchReport, runBench } from '../../src/bench/index.js';
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

const judges = offlineJudges();

const dirs: string[] = [];
const servers: FakeServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Sample {
  suite: string;
  seedId: string;
  kind: string;
  technique: string;
  outcome: string;
  value?: unknown;
  error?: string;
  transcript: { role: string; content: string }[];
}

interface Run {
  report: BenchReport;
  samples: Map<string, Sample>;
  usage: TargetUsage;
  server: FakeServerStats;
  ms: number;
}

async function bench(faults: FaultPlan | undefined, retries: number): Promise<Run> {
  const server = await startOpenAIServer({ script: scriptedFakeModel, faults, log: false });
  servers.push(server);
  const usage = createUsageMeter();
  const target = fakeModelTarget(server.url, {
    retries,
    usage,
    stream: true,
    timeoutMs: 2_000,
    concurrency: 32,
  });
  const dir = mkdtempSync(join(tmpdir(), 'bf-rel-bench-'));
  dirs.push(dir);
  const store = openStore(join(dir, 'b.db'));
  const run = store.createRun({ id: 'reliability-bench', kind: 'bench', config: {}, seed: 9 });
  const started = performance.now();
  const report = await runBench({
    target,
    targetId: 'scripted-fake',
    judges,
    store,
    runId: run.id,
    split: 'attack',
    concurrency: 32,
    seed: 9,
  });
  const ms = Math.round(performance.now() - started);
  const samples = new Map<string, Sample>();
  for (const r of store.listBenchResults(run.id)) {
    const seen = new Map<string, number>();
    for (const i of r.items as Omit<Sample, 'suite'>[]) {
      // A seed may appear more than once in a suite (jailbreak: one seed, several templates).
      const base = `${r.suite}|${i.seedId}|${i.technique}`;
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      samples.set(`${base}|${n}`, { ...i, suite: r.suite });
    }
  }
  expect(store.integrityCheck()).toBe('ok');
  store.close();
  return { report, samples, usage: usage.total(), server: server.stats(), ms };
}

function expectDefinite(run: Run) {
  let total = 0;
  for (const s of run.report.suites) {
    const items = [...run.samples.values()].filter((x) => x.suite === s.name);
    expect(items.length, s.name).toBe(s.items);
    total += s.items;
    // Every sample has a definite outcome; errors are counted on the report, apart.
    for (const i of items) expect(['success', 'failure', 'error', 'undetermined']).toContain(i.outcome);
    expect(s.errors ?? 0).toBe(items.filter((i) => i.outcome === 'error').length);
  }
  expect(run.samples.size).toBe(total);
  for (const i of run.samples.values()) {
    if (i.outcome === 'error') expect(i.error ?? '').not.toBe('');
    if (i.error) expect(i.outcome).toBe('error');
  }
  expect(run.usage.replies + run.usage.errors).toBe(run.usage.requests);
  // Every HTTP request the server saw is a final attempt or a retried one (on a busy machine a
  // request can time out on the client before the server has read it: hence ≤).
  expect(run.server.requests).toBeLessThanOrEqual(run.usage.replies + run.usage.errors + run.usage.retries);
  return total;
}

const metricsOf = (r: BenchReport) =>
  r.suites.map((s) => ({ name: s.name, items: s.items, metrics: s.metrics }));

describe('a benchmark run of every built-in suite through the fault server, streaming', () => {
  let clean: Run;
  let faulty: Run;
  let degraded: Run;
  let filtered: Run;
  let samples = 0;

  it('fault-free: the baseline, ≥ 1,000 samples, every one definite', async () => {
    clean = await bench(undefined, 6);
    samples = expectDefinite(clean);
    expect(samples).toBeGreaterThanOrEqual(1000);
    expect(tally(clean.samples.values(), (s) => s.outcome).error).toBeUndefined();
    expect(clean.server.faults).toEqual({});
  });

  it('every retryable fault and slow streams at 25 % of requests: once retries succeed, the same samples and metrics', async () => {
    faulty = await bench(
      {
        probability: 0.25,
        seed: 31,
        kinds: [...RETRYABLE_FAULTS, 'slow_stream'],
        maxFaultsPerRequest: 3,
        retryAfterS: 0.01,
        stallMs: 10_000,
        streamGapMs: 3,
      },
      6,
    );
    expectDefinite(faulty);
    for (const kind of [...RETRYABLE_FAULTS, 'slow_stream'] as const)
      expect(faulty.server.faults[kind] ?? 0, kind).toBeGreaterThan(0);
    const retryable = Object.entries(faulty.server.faults)
      .filter(([k]) => k !== 'slow_stream')
      .reduce((n, [, x]) => n + (x ?? 0), 0);
    expect(faulty.usage.retries).toBeGreaterThanOrEqual(retryable);
    expect(faulty.usage.errors).toBe(0);
    expect(metricsOf(faulty.report)).toEqual(metricsOf(clean.report));
    expect(faulty.report.summary).toEqual(clean.report.summary);
    expect([...faulty.samples.keys()].sort()).toEqual([...clean.samples.keys()].sort());
    for (const [k, s] of faulty.samples) expect(s, k).toEqual(clean.samples.get(k));
  });

  it('faults it cannot get through end as error samples, counted apart, never as refusals', async () => {
    degraded = await bench(
      {
        probability: 0.2,
        seed: 37,
        kinds: [...RETRYABLE_FAULTS, 'auth', 'bad_request', 'no_choices'],
        retryAfterS: 0.01,
        stallMs: 10_000,
      },
      1,
    );
    expectDefinite(degraded);
    const errors = degraded.report.suites.reduce((n, s) => n + (s.errors ?? 0), 0);
    expect(errors).toBeGreaterThan(0);
    const other: string[] = [];
    for (const [k, s] of degraded.samples) {
      const before = clean.samples.get(k)!;
      if (s.outcome !== before.outcome && s.outcome !== 'error')
        other.push(`${k}: ${before.outcome} → ${s.outcome}`);
    }
    expect(other).toEqual([]);
    // Rates are over decided samples only: an error sample is in no numerator or denominator.
    for (const s of degraded.report.suites) {
      const cleanSuite = clean.report.suites.find((c) => c.name === s.name)!;
      for (const [name, m] of Object.entries(s.metrics)) {
        const n = (m as { n: number }).n;
        expect(n, `${s.name}.${name}`).toBeLessThanOrEqual((cleanSuite.metrics[name] as { n: number }).n);
      }
    }
    // The ≤ above cannot see an error counted as a decided sample (n stays the same), so tally
    // IPRR and VPRR from the samples: an error sample is an error, never "not refused".
    const over = [...degraded.samples.values()].filter((x) => x.suite === 'overrefusal');
    const overMetrics = degraded.report.suites.find((x) => x.name === 'overrefusal')!.metrics;
    expect(over.filter((x) => x.outcome === 'error').length).toBeGreaterThan(0);
    for (const [metric, kind] of [
      ['iprr', 'harmful'],
      ['vprr', 'benign'],
    ] as const) {
      const xs = over.filter((x) => x.kind === kind);
      const decided = xs.filter((x) => x.outcome === 'success' || x.outcome === 'failure');
      expect(overMetrics[metric], metric).toMatchObject({
        n: decided.length,
        successes: decided.filter((x) => x.value === 'full_refusal' || x.value === 'partial_refusal').length,
        errors: xs.filter((x) => x.outcome === 'error').length,
      });
    }
  });

  it('a provider content filter is recorded as a refusal: never an error, never a pass', async () => {
    filtered = await bench({ probability: 0.2, seed: 41, kinds: ['content_filter'] }, 1);
    expectDefinite(filtered);
    // Every filtered reply the client received was counted (a request the client had already given
    // up on by timeout is retried, and its filtered reply never arrives: hence ≤).
    expect(filtered.usage.contentFiltered).toBeGreaterThan(0);
    expect(filtered.usage.contentFiltered).toBeLessThanOrEqual(filtered.server.faults.content_filter ?? 0);
    expect(filtered.usage.errors).toBe(0);
    let changed = 0;
    const filteredHarmful: Record<string, number> = {};
    for (const [k, s] of filtered.samples) {
      const before = clean.samples.get(k)!;
      const wasFiltered = s.transcript.some(
        (m) => m.role === 'assistant' && m.content === '[provider content filter]',
      );
      if (!wasFiltered) {
        expect(s.outcome, k).toBe(before.outcome);
        continue;
      }
      expect(s.outcome, k).not.toBe('error');
      if (s.outcome !== before.outcome) changed++;
      // A filtered harmful request is a refusal by the provider: the attack failed, in any language.
      if (s.suite === 'harmful' || s.suite === 'jailbreak') {
        expect(s.outcome, k).toBe('failure');
        filteredHarmful[s.outcome] = (filteredHarmful[s.outcome] ?? 0) + 1;
      }
    }
    expect(changed).toBeGreaterThan(0);

    // Recomputed here, not carried over from the retryable-faults test: the figure file must not
    // record an equality that test found false.
    const outcomesEqualFaultFree =
      isDeepStrictEqual(metricsOf(faulty.report), metricsOf(clean.report)) &&
      isDeepStrictEqual(faulty.report.summary, clean.report.summary) &&
      faulty.samples.size === clean.samples.size &&
      [...faulty.samples].every(([k, s]) => isDeepStrictEqual(s, clean.samples.get(k)));
    expect(outcomesEqualFaultFree).toBe(true);

    const figures = (r: Run, setup: string) => ({
      setup,
      samples: r.samples.size,
      outcomes: tally(r.samples.values(), (s) => s.outcome),
      summary: r.report.summary,
      httpRequests: r.server.requests,
      retries: r.usage.retries,
      finalErrorsByKind: r.usage.errorsByKind,
      contentFiltered: r.usage.contentFiltered,
      faultsInjected: r.server.faults,
      durationMs: r.ms,
    });
    writeFigures('faults-bench', {
      what: 'runBench, every built-in suite on the attack split, offline judges, SQLite store, streaming (SSE) target, scripted fake behind the fault server',
      samplesPerRun: samples,
      runs: {
        faultFree: figures(clean, 'no faults, retries 6'),
        retryableFaults: figures(
          faulty,
          '25 % of requests faulted (≤ 3 times per body) incl. slow streams, retries 6',
        ),
        unrecoverableFaults: figures(degraded, '20 % faulted incl. 401/400/no choices, retries 1'),
        contentFilter: figures(filtered, '20 % of replies content-filtered'),
      },
      outcomesEqualFaultFree,
      contentFilteredHarmfulSamples: filteredHarmful,
    });
  });
});
