// Load: a red-team run of 10,240 attempts at concurrency 256 against the SCRIPTED FAKE model
// behind the local OpenAI-compatible server, run in a process of its own (so the figures are this
// process's). Real HTTP, real retries (a few faults are injected), offline judges, a real SQLite
// store. It proves: every attempt ends with a definite outcome and is stored once; there are no
// unhandled promise rejections; the event loop never stalls for more than 200 ms (measured with
// perf_hooks.monitorEventLoopDelay, and per stall the CPU the process used, to tell its own stalls
// from the waits a busy machine imposes); memory stays bounded (peak RSS reported, and held under a
// generous ceiling that a leak of every request or reply would break).
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { runRedteam, selectSeeds } from '../../src/break/index.js';
import type { Seed } from '../../src/core/index.js';
import { openStore } from '../../src/store/index.js';
import { createUsageMeter } from '../../src/targets/index.js';
import { offlineJudges } from '../helpers/offline-judges.js';
import type { FakeServerStats, FaultPlan } from '../helpers/openai-server.js';
import { fakeModelTarget, root, tally, writeFigures } from './helpers.js';

const ATTEMPTS = 10_240;
const CONCURRENCY = 256;
const STALL_BOUND_MS = 200;

const dirs: string[] = [];
let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function startServerProcess(opts: {
  faults?: FaultPlan;
  latencyMs?: number;
}): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(join(root, 'test/reliability/helpers-server-main.ts'), [JSON.stringify(opts)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ url: (m as { url: string }).url, child }));
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
  });
}

function serverStats(child: ChildProcess): Promise<FakeServerStats> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve((m as { stats: FakeServerStats }).stats));
    child.send('stats');
  });
}

/** CPU time of the main thread (the event loop) alone, in ms: on Linux from /proc (10 ms steps),
 * leaving out the garbage collector's and compiler's background threads; elsewhere the process's. */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}

/** Copies of the attack-split harmful seeds under new ids: enough distinct attempts for the run. */
function manySeeds(copies: number): Seed[] {
  const base = selectSeeds({ kind: 'harmful', split: 'attack' });
  return Array.from({ length: copies }, (_, k) => base.map((s) => ({ ...s, id: `${s.id}~${k}` }))).flat();
}

describe('load: 10,240 red-team attempts at concurrency 256', () => {
  it('ends every attempt, stores each once, no unhandled rejection, no event-loop stall over 200 ms, bounded memory', async () => {
    const started = await startServerProcess({
      // A little network-like latency, and 2 % of requests faulted (retried), ≤ 2 times per body.
      latencyMs: 5,
      faults: {
        probability: 0.02,
        seed: 7,
        kinds: ['rate_limit', 'server_503', 'reset', 'malformed', 'empty', 'truncated'],
        maxFaultsPerRequest: 2,
        retryAfterS: 0.01,
      },
    });
    server = started.child;
    const dir = mkdtempSync(join(tmpdir(), 'bf-rel-load-'));
    dirs.push(dir);
    const store = openStore(join(dir, 'b.db'));
    const usage = createUsageMeter();
    const wrapped = fakeModelTarget(started.url, {
      retries: 4,
      usage,
      concurrency: CONCURRENCY,
      // Generous: at 256 in flight on a loaded 2-core machine a reply can queue for seconds.
      timeoutMs: 30_000,
    });
    const judges = offlineJudges();
    const seeds = manySeeds(16);

    // Warm-up, not measured: 256 attempts of another run id, so one-time costs (compiling hot code,
    // the refusal judge's lazily built index, opening connections) are not counted as stalls.
    const warmStarted = performance.now();
    await runRedteam({
      target: wrapped,
      seeds: seeds.slice(0, 96),
      judges,
      persona: 'low_skill',
      techniques: ['direct', 'chain'],
      budget: { attempts: 256 },
      concurrency: 64,
      seed: 12,
      store,
      runId: 'reliability-load-warmup',
    });
    const warmupMs = Math.round(performance.now() - warmStarted);
    const statsBefore = await serverStats(started.child);
    const usageBefore = usage.total();

    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    let peakHeap = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 25);
    // Two histograms: the whole run, and from the first request on. Before it, runRedteam plans all
    // 10,240 attempts synchronously (~0.1–0.3 s, no request in flight, no timer of the run pending);
    // from then on a stall would delay request timeouts and progress, and the bound applies.
    const whole = monitorEventLoopDelay({ resolution: 10 });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    let firstRequestAt: number | undefined;
    let inFlight = 0;
    let peakInFlight = 0;
    // A stall is breakfix's own when the event-loop thread spent more than the bound of CPU time in
    // it (a synchronous stretch, or a garbage collection pause, is CPU the whole time); on a machine shared
    // with other work the OS can also leave the process waiting for a core, which delays the loop
    // without anything in it being slow. Both are reported; the bound holds for breakfix's own.
    const stalls = {
      overBound: 0,
      onCpuOverBound: [] as { ms: number; cpuMs: number; atMs: number; gcMs: number }[],
    };
    // Garbage-collection pauses, to tell a long collection from a long stretch of breakfix's code.
    const gcPauses: { at: number; ms: number }[] = [];
    const gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gcPauses.push({ at: e.startTime, ms: e.duration });
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    let tickAt = performance.now();
    let tickCpu = mainThreadCpuMs();
    const ticker = setInterval(() => {
      const now = performance.now();
      const cpu = mainThreadCpuMs();
      const gap = now - tickAt;
      // Counted from the first request on: the stretch before it is runRedteam planning (planningMs).
      if (firstRequestAt !== undefined && tickAt >= firstRequestAt && gap > STALL_BOUND_MS) {
        stalls.overBound++;
        const cpuMs = cpu - tickCpu;
        if (cpuMs > STALL_BOUND_MS)
          stalls.onCpuOverBound.push({
            ms: Math.round(gap),
            cpuMs: Math.round(cpuMs),
            atMs: Math.round(tickAt - t0),
            gcMs: 0,
          });
      }
      tickAt = now;
      tickCpu = cpu;
    }, 10);
    const target: typeof wrapped = {
      id: wrapped.id,
      async chat(messages, options) {
        if (firstRequestAt === undefined) {
          firstRequestAt = performance.now();
          delay.enable();
        }
        peakInFlight = Math.max(peakInFlight, ++inFlight);
        try {
          return await wrapped.chat(messages, options);
        } finally {
          inFlight--;
        }
      },
    };
    whole.enable();
    const t0 = performance.now();
    let summary: Awaited<ReturnType<typeof runRedteam>>;
    try {
      summary = await runRedteam({
        target,
        seeds,
        judges,
        persona: 'low_skill',
        techniques: ['direct', 'chain'],
        budget: { attempts: ATTEMPTS },
        concurrency: CONCURRENCY,
        seed: 11,
        store,
        runId: 'reliability-load',
      });
      // Let any stray rejection surface before counting.
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      delay.disable();
      whole.disable();
      clearInterval(ticker);
      gcObserver.disconnect();
      clearInterval(sampler);
      process.off('unhandledRejection', onRejection);
    }
    const ms = Math.round(performance.now() - t0);
    for (const st of stalls.onCpuOverBound) {
      const from = t0 + st.atMs;
      st.gcMs = Math.round(
        gcPauses.filter((g) => g.at >= from - 1 && g.at <= from + st.ms).reduce((n, g) => n + g.ms, 0),
      );
    }
    const stats = await serverStats(server);
    const stored = store.countAttempts({ runId: 'reliability-load' });
    const outcomes = tally(store.listAttempts({ runId: 'reliability-load' }), (a) => a.outcome);
    const integrity = store.integrityCheck();
    store.close();
    const all = usage.total();
    const total = {
      replies: all.replies - usageBefore.replies,
      errors: all.errors - usageBefore.errors,
      retries: all.retries - usageBefore.retries,
    };
    const requests = stats.requests - statsBefore.requests;
    const faults = Object.fromEntries(
      Object.entries(stats.faults).map(([k, n]) => [
        k,
        (n ?? 0) - (statsBefore.faults[k as keyof typeof stats.faults] ?? 0),
      ]),
    );
    const maxDelayMs = delay.max / 1e6;
    const figures = {
      attempts: summary.attempts,
      concurrency: CONCURRENCY,
      storedAttempts: stored,
      outcomes: {
        success: summary.success,
        failure: summary.failure,
        error: summary.error,
        undetermined: summary.undetermined,
      },
      httpRequests: requests,
      peakAttemptsInFlight: peakInFlight,
      maxRequestsInFlightAtServer: stats.maxInFlight,
      retries: total.retries,
      faultsInjected: faults,
      unhandledRejections: rejections.length,
      eventLoopDelayMs: {
        fromFirstRequest: {
          max: Math.round(maxDelayMs * 10) / 10,
          p99: Math.round((delay.percentile(99) / 1e6) * 10) / 10,
          mean: Math.round((delay.mean / 1e6) * 10) / 10,
        },
        wholeRunIncludingPlanning: {
          max: Math.round((whole.max / 1e6) * 10) / 10,
          p99: Math.round((whole.percentile(99) / 1e6) * 10) / 10,
        },
      },
      stallsOver200ms: stalls.overBound,
      stallsOver200msOnCpu: stalls.onCpuOverBound,
      gcPausesMs: {
        count: gcPauses.length,
        max: Math.round(Math.max(0, ...gcPauses.map((g) => g.ms))),
        total: Math.round(gcPauses.reduce((n, g) => n + g.ms, 0)),
      },
      loadAverage1m: loadavg()[0],
      planningMs: Math.round((firstRequestAt ?? t0) - t0),
      warmupMs,
      rssMiB: {
        before: Math.round(rssBefore / 2 ** 20),
        peak: Math.round(peakRss / 2 ** 20),
        peakProcessLifetime: Math.round(process.resourceUsage().maxRSS / 1024),
      },
      peakHeapMiB: Math.round(peakHeap / 2 ** 20),
      durationMs: ms,
      attemptsPerSecond: Math.round((summary.attempts / ms) * 1000),
    };
    writeFigures('load-concurrency', {
      what: 'runRedteam, low_skill persona (direct, chain), offline judges, SQLite store; the scripted fake server in its own process, 5 ms latency, 2 % retryable faults',
      ...figures,
    });

    expect(summary.planned).toBe(ATTEMPTS);
    expect(summary.attempts).toBe(ATTEMPTS);
    expect(summary.success + summary.failure + summary.error + summary.undetermined).toBe(ATTEMPTS);
    expect(stored).toBe(ATTEMPTS);
    expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(ATTEMPTS);
    expect(summary.error).toBe(0);
    expect(integrity).toBe('ok');
    // The concurrency was real: 256 attempts waited on the target at once (the server sees fewer at
    // any instant: requests start over several event-loop turns, and replies come back as they do).
    expect(peakInFlight).toBe(CONCURRENCY);
    expect(stats.maxInFlight).toBeGreaterThan(32);
    expect(requests).toBeLessThanOrEqual(total.replies + total.errors + total.retries);
    expect(rejections).toEqual([]);
    // No stall of its own over 200 ms.
    expect(stalls.onCpuOverBound).toEqual([]);
    // Bounded memory: 10k attempts with their transcripts are a few MB of data; a leak of every
    // request, socket or reply would take hundreds of MB over a baseline.
    expect(peakRss - rssBefore).toBeLessThan(512 * 2 ** 20);
  });
});
