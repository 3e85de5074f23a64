// `npm run bench:viewer`: how long the viewer's JSON API takes per request on a large red-team run.
// Builds a temp SQLite store with the store's own `saveAttempts` (one cycle run, three rounds, N
// synthetic attempts with realistic transcripts and two verdicts each, plus a small second run so
// the run filter matters), then times `handleApi` + `JSON.stringify` (what the server does per
// request) for the routes the page calls: facets, the first and a deep page of attempts, each filter,
// and the run summary. Sizes: 10k and 100k attempts (`--sizes=10000,100000`). Per route: median wall
// ms and median CPU ms of the process (CPU is what other load on the machine inflates least).
// `--json` prints one object. Every attempt is synthetic and harmless (placeholder text).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attempt, Outcome } from '../src/core/index.js';
import { handleApi } from '../src/report/viewer/api.js';
import { openStore, type Store } from '../src/store/index.js';
import { describeMachine } from './machine.js';

const json = process.argv.includes('--json');
const sizesArg = process.argv.find((a) => a.startsWith('--sizes='));
const SIZES = (sizesArg?.split('=')[1] ?? '10000,100000').split(',').map(Number);
/** Each route runs until it has taken this much wall time (at least 1 run, at most MAX_RUNS). */
const BUDGET_MS = Number(process.argv.find((a) => a.startsWith('--budget-ms='))?.split('=')[1] ?? 1500);
const MAX_RUNS = 7;

const RUN = 'bench_viewer';
const OTHER_RUN = 'bench_viewer_other';

const CATEGORIES = ['weapons', 'cyber', 'self_harm', 'fraud', 'privacy', 'hate', 'drugs', 'extremism'];
const CHAINS: string[][] = [
  [],
  ['base64'],
  ['roleplay'],
  ['base64', 'roleplay'],
  ['leetspeak'],
  ['translate', 'roleplay'],
  ['rot13', 'base64'],
  ['refusal_suppression'],
  ['prefix_injection', 'roleplay', 'base64'],
];
const ATTACKS = ['direct', 'chain', 'many_shot', 'crescendo', 'pair', 'tap'];
const LANGUAGES = ['en', 'en', 'en', 'fr', 'de', 'es', 'zh', 'ar'];
const OUTCOMES: Outcome[] = ['failure', 'failure', 'failure', 'success', 'success', 'error', 'undetermined'];

/** A small deterministic PRNG (mulberry32): the same store for the same size, every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LOREM =
  'This is placeholder text standing in for a model turn in a synthetic benchmark store; it carries no content. ';

function attempt(runId: string, i: number, r: () => number): Attempt {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const outcome = pick(OUTCOMES);
  const turns = r() < 0.2 ? 3 : 1;
  const transcript: Attempt['transcript'] = [];
  for (let t = 0; t < turns; t++) {
    transcript.push({ role: 'user', content: `request ${i}.${t}: ${LOREM.repeat(3)}` });
    transcript.push({
      role: 'assistant',
      content:
        outcome === 'success'
          ? `Sure. [steps redacted: synthetic placeholder] ${LOREM.repeat(8)}`
          : `I can't help with that. ${LOREM.repeat(6)}`,
    });
  }
  const category = r() < 0.05 ? undefined : pick(CATEGORIES);
  return {
    id: `${runId}_att_${String(i).padStart(7, '0')}`,
    runId,
    round: Math.floor(r() * 3),
    seedId: `seed_${i % 500}`,
    attack: pick(ATTACKS),
    techniques: pick(CHAINS),
    language: pick(LANGUAGES),
    ...(category !== undefined && { category }),
    transcript,
    verdicts: [
      {
        judge: 'compliance',
        kind: 'refusal',
        status: 'ok',
        value: outcome === 'success' ? 'full_compliance' : 'full_refusal',
        rationale: 'synthetic',
      },
      { judge: 'severity', kind: 'severity', status: 'ok', value: Math.floor(r() * 8) },
    ],
    outcome,
    ...(outcome === 'error' ? { error: 'synthetic timeout' } : { severity: Math.floor(r() * 8) }),
    turns,
    calls: turns,
    createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  };
}

function buildStore(path: string, n: number): Store {
  const store = openStore(path);
  store.createRun({ id: RUN, kind: 'cycle', config: {}, seed: 1, target: 'embedded:base' });
  store.createRun({ id: OTHER_RUN, kind: 'cycle', config: {}, seed: 2, target: 'embedded:base' });
  const r = rng(n);
  const BATCH = 1000;
  // The other run's attempts are stored in between, as two runs sharing a store would interleave.
  for (let start = 0; start < n; start += BATCH) {
    const batch: Attempt[] = [];
    for (let i = start; i < Math.min(n, start + BATCH); i++) batch.push(attempt(RUN, i, r));
    store.saveAttempts(batch);
    store.saveAttempts([attempt(OTHER_RUN, start / BATCH, r)]);
  }
  for (const round of [0, 1, 2])
    store.upsertRound(RUN, round, { model: `round-${round}`, status: 'done', metrics: { asr: 0.3 } });
  return store;
}

interface Row {
  attempts: number;
  route: string;
  runs: number;
  wallMs: number;
  cpuMs: number;
  /** The answer's size in bytes (a check that both sides answer the same). */
  bytes: number;
}

function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function time(store: Store, n: number, route: string): Row {
  const [path, query = ''] = route.split('?');
  const walls: number[] = [];
  const cpus_: number[] = [];
  let bytes = 0;
  const start = performance.now();
  while (walls.length < MAX_RUNS && (walls.length === 0 || performance.now() - start < BUDGET_MS)) {
    const c0 = cpuNowMs();
    const t0 = performance.now();
    const body = JSON.stringify(handleApi(store, path, new URLSearchParams(query)));
    walls.push(performance.now() - t0);
    cpus_.push(cpuNowMs() - c0);
    bytes = Buffer.byteLength(body);
  }
  return { attempts: n, route, runs: walls.length, wallMs: median(walls), cpuMs: median(cpus_), bytes };
}

function routes(n: number): string[] {
  const base = `/api/runs/${RUN}`;
  return [
    `${base}`,
    `${base}/facets`,
    `${base}/attempts`,
    `${base}/attempts?offset=${n - 200}`,
    `${base}/attempts?round=1`,
    `${base}/attempts?category=cyber`,
    `${base}/attempts?category=(none)`,
    `${base}/attempts?technique=base64`,
    `${base}/attempts?technique=base64%2Broleplay`,
    `${base}/attempts?language=fr&outcome=success`,
    `${base}/attempts?round=2&category=weapons&technique=roleplay&language=en&outcome=failure&offset=10&limit=50`,
  ];
}

function table(rows: Row[]): string {
  const cols: [string, (r: Row) => string][] = [
    ['attempts', (r) => String(r.attempts)],
    ['route', (r) => r.route.replace(`/api/runs/${RUN}`, '…')],
    ['runs', (r) => String(r.runs)],
    ['wall ms', (r) => r.wallMs.toFixed(1)],
    ['cpu ms', (r) => r.cpuMs.toFixed(1)],
    ['bytes', (r) => String(r.bytes)],
  ];
  const cells = [cols.map(([h]) => h), ...rows.map((r) => cols.map(([, get]) => get(r)))];
  const widths = cols.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  return cells
    .map((c) => c.map((x, i) => (i === 1 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  '))
    .join('\n');
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const rows: Row[] = [];
  const builds: { attempts: number; seconds: number; mb: number }[] = [];
  for (const n of SIZES) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-viewer-'));
    const path = join(dir, 'bench.db');
    try {
      const t0 = performance.now();
      const store = buildStore(path, n);
      builds.push({
        attempts: n,
        seconds: (performance.now() - t0) / 1000,
        mb: statSync(path).size / 2 ** 20,
      });
      try {
        for (const route of routes(n)) {
          rows.push(time(store, n, route));
          if (!json) process.stderr.write(`${n} ${route}: ${rows.at(-1)?.wallMs.toFixed(1)} ms\n`);
        }
      } finally {
        store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ bench: 'viewer', machine, builds, rows }, null, 2)}\n`);
    return;
  }
  const lines = [
    `bench:viewer — the viewer's JSON API (handleApi + JSON.stringify) on one run of N synthetic attempts`,
    `machine: ${machine.cpu} · ${machine.cores} cores · node ${machine.node} · ${machine.platform}`,
    `stores: ${builds.map((b) => `${b.attempts} attempts built in ${b.seconds.toFixed(1)} s, ${b.mb.toFixed(0)} MB`).join('; ')}`,
    '',
    table(rows),
    '',
    'wall/cpu ms = median over the runs of one request (each route repeated while under',
    `${BUDGET_MS} ms, at most ${MAX_RUNS} runs); cpu = the process's CPU time (least inflated by other load).`,
    `load average at the end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
