// `npm run bench:redteam`: attempts per second through the whole red-team path — target call over
// HTTP, offline judges, SQLite store — against the local OpenAI-compatible SCRIPTED FAKE server
// (test/helpers/openai-server.ts) with a fixed 20 ms latency, at concurrency 16 and 64. Also the
// same calls without judge and store (the HTTP floor), and breakfix's overhead per attempt beyond the
// server's latency. Goal: ≥ 1,000 target calls/s at concurrency 64. `--json` prints one object.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { runRedteam, selectSeeds } from '../src/break/index.js';
import type { Seed } from '../src/core/index.js';
import { createJudges } from '../src/judge/index.js';
import { openStore } from '../src/store/index.js';
import { createTarget } from '../src/targets/index.js';
import { complianceAnswer } from '../src/world/index.js';
import { startOpenAIServer } from '../test/helpers/openai-server.js';
import { describeMachine } from './machine.js';

const LATENCY_MS = 20;

/** CPU time (user + system, ms) of this process's main thread alone — not the fake server's thread,
 * not GC helpers — from /proc on Linux (10 ms ticks; fine over seconds of work); undefined elsewhere.
 * Unlike wall time it hardly moves with other load on the machine, so it is the comparable figure. */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return undefined;
  }
}

// The fake server stands in for a remote model, so it runs on its own thread (this same file as a
// worker): its CPU time is not breakfix's.
if (!isMainThread) {
  const byTextW = new Map(selectSeeds({ kind: 'harmful', split: 'attack' }).map((s) => [s.text, s]));
  const server = await startOpenAIServer({
    latencyMs: (workerData as { latencyMs: number }).latencyMs,
    script: (m) => {
      const s = byTextW.get(m.at(-1)?.content ?? '');
      return s ? complianceAnswer(s) : 'I cannot help with that.';
    },
  });
  // The request log would grow without bound over a long bench.
  setInterval(() => server.log.splice(0), 1000).unref();
  parentPort?.postMessage(server.url);
  parentPort?.once('message', async () => {
    await server.close();
    process.exit(0);
  });
}

async function startServerThread(latencyMs: number): Promise<{ url: string; close(): Promise<void> }> {
  // Workers do not inherit tsx's loader: the worker loads this file through tsx's API.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => m.tsImport(${JSON.stringify(import.meta.url)}, ${JSON.stringify(import.meta.url)}))`;
  const w = new Worker(boot, { eval: true, workerData: { latencyMs } });
  const url = await new Promise<string>((res, rej) => {
    w.once('message', res);
    w.once('error', rej);
  });
  return {
    url,
    close: async () => {
      w.postMessage('close');
      await new Promise((r) => w.once('exit', r));
    },
  };
}

const json = process.argv.includes('--json');
const attemptsArg = process.argv.find((a) => a.startsWith('--attempts='));
const PER_SLOT = Number(attemptsArg?.split('=')[1] ?? 60);

const base = selectSeeds({ kind: 'harmful', split: 'attack' });
/** Distinct seeds (ids) so every attempt is new; the text stays one the fake recognises. */
function seeds(n: number): Seed[] {
  return Array.from({ length: n }, (_, i) => ({
    ...base[i % base.length],
    id: `${base[i % base.length].id}#${i}`,
  }));
}

interface Row {
  concurrency: number;
  attempts: number;
  seconds: number;
  attemptsPerS: number;
  callsPerS: number;
  /** Same number of calls through the target only (no judge, no store). */
  httpOnlyCallsPerS: number;
  /** Wall time each concurrency slot spends per attempt, minus the server latency. */
  overheadMsPerAttempt: number;
  /** Main-thread busy time per attempt (event-loop utilisation): breakfix's own CPU cost, which
   * other load on the machine inflates less than wall time. */
  busyMsPerAttempt: number;
  /** Attempts/s one fully busy main thread could carry at that cost. */
  capacityPerS: number;
  /** Main-thread CPU time per attempt (Linux; null elsewhere): the load-independent figure. */
  cpuMsPerAttempt: number | null;
  /** Main-thread CPU time per call of the HTTP-only pass: the client's share of cpuMsPerAttempt. */
  httpOnlyCpuMsPerCall: number | null;
  /** Attempts/s one fully busy core could carry at cpuMsPerAttempt. */
  cpuCapacityPerS: number | null;
  success: number;
  error: number;
}

async function measure(concurrency: number): Promise<Row> {
  const server = await startServerThread(LATENCY_MS);
  const dir = mkdtempSync(join(tmpdir(), 'bench-redteam-'));
  const store = openStore(join(dir, 'bench.db'));
  try {
    const target = createTarget(
      {
        type: 'openai',
        model: 'bench',
        baseURL: server.url,
        apiKey: 'none',
        concurrency,
        timeoutMs: 10_000,
        retries: 0,
        cache: false,
        stream: false,
      },
      {},
    );
    const judges = createJudges({}, { target: () => target });
    const n = concurrency * PER_SLOT;
    // warm-up (connections, JIT)
    await runRedteam({
      target,
      seeds: seeds(concurrency * 2),
      judges,
      techniques: ['direct'],
      concurrency,
      runId: 'warm',
      store,
    });
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = mainThreadCpuMs();
    const t0 = performance.now();
    const sum = await runRedteam({
      target,
      seeds: seeds(n),
      judges,
      techniques: ['direct'],
      concurrency,
      runId: `bench-${concurrency}`,
      store,
      seed: 1,
    });
    const seconds = (performance.now() - t0) / 1000;
    const busyMs = performance.eventLoopUtilization(elu0).active;
    const cpu1 = mainThreadCpuMs();
    // HTTP floor: the same number of calls, target only.
    const msgs = base.slice(0, 50).map((s) => [{ role: 'user' as const, content: s.text }]);
    let next = 0;
    const t1 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) await target.chat(msgs[next++ % msgs.length]);
      }),
    );
    const httpSeconds = (performance.now() - t1) / 1000;
    const cpu2 = mainThreadCpuMs();
    const cpuMs = cpu0 !== undefined && cpu1 !== undefined ? (cpu1 - cpu0) / sum.attempts : null;
    return {
      concurrency,
      attempts: sum.attempts,
      seconds,
      attemptsPerS: sum.attempts / seconds,
      callsPerS: sum.calls / seconds,
      httpOnlyCallsPerS: n / httpSeconds,
      overheadMsPerAttempt: (seconds * 1000 * concurrency) / sum.attempts - LATENCY_MS,
      busyMsPerAttempt: busyMs / sum.attempts,
      capacityPerS: (1000 * sum.attempts) / busyMs,
      cpuMsPerAttempt: cpuMs,
      httpOnlyCpuMsPerCall: cpu1 !== undefined && cpu2 !== undefined ? (cpu2 - cpu1) / n : null,
      cpuCapacityPerS: cpuMs ? 1000 / cpuMs : null,
      success: sum.success,
      error: sum.error,
    };
  } finally {
    store.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMainThread) await main();

function table(rows: Row[]): string {
  const f = (x: number | null, d = 0) => (x === null ? 'n/a' : x.toFixed(d));
  const cols: [string, (r: Row) => string][] = [
    ['concurrency', (r) => String(r.concurrency)],
    ['attempts', (r) => String(r.attempts)],
    ['seconds', (r) => f(r.seconds, 2)],
    ['attempts/s', (r) => f(r.attemptsPerS)],
    ['calls/s', (r) => f(r.callsPerS)],
    ['http-only calls/s', (r) => f(r.httpOnlyCallsPerS)],
    ['overhead ms/attempt', (r) => f(r.overheadMsPerAttempt, 2)],
    ['busy ms/attempt', (r) => f(r.busyMsPerAttempt, 3)],
    ['cpu ms/attempt', (r) => f(r.cpuMsPerAttempt, 3)],
    ['http cpu ms/call', (r) => f(r.httpOnlyCpuMsPerCall, 3)],
    ['cpu capacity/s', (r) => f(r.cpuCapacityPerS)],
    ['success', (r) => String(r.success)],
    ['error', (r) => String(r.error)],
  ];
  const cells = [cols.map(([h]) => h), ...rows.map((r) => cols.map(([, get]) => get(r)))];
  const widths = cols.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  return cells.map((c) => c.map((x, i) => x.padStart(widths[i])).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const rows: Row[] = [];
  for (const c of [16, 64]) rows.push(await measure(c));
  const c64 = rows.find((r) => r.concurrency === 64) as Row;
  const goal = { callsPerSAt64: 1000, met: c64.callsPerS >= 1000 };

  if (json) {
    process.stdout.write(
      `${JSON.stringify({ bench: 'redteam', latencyMs: LATENCY_MS, machine, rows, goal }, null, 2)}\n`,
    );
  } else {
    const f = (x: number, d = 0) => x.toFixed(d);
    const lines = [
      `bench:redteam — direct attack, offline judges, SQLite store; fake server latency ${LATENCY_MS} ms`,
      `machine: ${machine.cpu} · ${machine.cores} cores · node ${machine.node} · ${machine.platform}`,
      '',
      table(rows),
      '',
      `goal ≥ 1,000 target calls/s at concurrency 64: ${goal.met ? 'met' : 'NOT met'} (${f(c64.callsPerS)}/s; the ideal at ${LATENCY_MS} ms is ${f((64 * 1000) / LATENCY_MS)}/s)`,
      'overhead = wall time per attempt per slot minus the server latency; busy = main-thread event-loop time per attempt',
      '(HTTP client + judges + store + engine; the fake server runs on its own thread); cpu = main-thread CPU time per',
      'attempt (what other load on the machine inflates least); cpu capacity = attempts/s one core carries at that cost;',
      "http cpu = main-thread CPU per call of the same calls without judge and store (the HTTP client's share).",
      `load average at the end: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} (wall-time figures are only meaningful on an idle machine)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (!goal.met) process.exitCode = 1;
}
