// `npm run bench:judge`: the offline refusal judge's cost per reply — the judge runs on every
// red-team attempt and every benchmark item, so its rules and classifier sit on the hot path. It
// classifies every reply in the refusal fixtures (test/judge/fixtures/refusal-*.jsonl but the
// second annotator's labels: real-model styles, the judge's languages) five times after a warm-up and reports
// microseconds per reply (median pass and fastest pass), overall and by reply length. On a loaded
// machine compare the fastest pass. The "first call" row is a fresh process's first reply (run
// FIRST_CALL_RUNS times, bench/judge-first-call.ts): what compiling the judge's patterns costs.
// `--json` prints {bench, machine, replies, rows, firstCall}.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { classifyRefusal } from '../src/judge/refusal/index.js';
import { describeMachine } from './machine.js';

const json = process.argv.includes('--json');
const PASSES = 5;
const FIRST_CALL_RUNS = 5;

const dir = fileURLToPath(new URL('../test/judge/fixtures/', import.meta.url));
const replies = readdirSync(dir)
  .filter((f) => /^refusal-.*\.jsonl$/.test(f) && f !== 'refusal-second-annotator.jsonl')
  .flatMap((f) =>
    readFileSync(dir + f, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { prompt: string; response: string }),
  );

const BUCKETS: [string, (n: number) => boolean][] = [
  ['all', () => true],
  ['< 300 chars', (n) => n < 300],
  ['300–1,500 chars', (n) => n >= 300 && n < 1500],
  ['≥ 1,500 chars', (n) => n >= 1500],
];

interface Row {
  replies: string;
  n: number;
  medianUsPerReply: number;
  fastestUsPerReply: number;
}

// (the child runs under this process's loader flags, so tsx compiles its TypeScript as it does here)
const firstCallScript = fileURLToPath(new URL('./judge-first-call.ts', import.meta.url));
const firstCalls = Array.from({ length: FIRST_CALL_RUNS }, () => {
  const child = spawnSync(process.execPath, [...process.execArgv, firstCallScript], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`bench/judge-first-call.ts failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { firstMs: number; secondMs: number };
});
const firstMs = firstCalls.map((c) => c.firstMs).sort((x, y) => x - y);

for (const r of replies.slice(0, 500)) classifyRefusal(r.prompt, r.response); // warm-up
// Each reply is timed on its own within a pass, so every length bucket is measured in the same
// passes (timing the buckets one after another skews them with the order).
const bucketOf = replies.map((r) => BUCKETS.map(([, inBucket]) => inBucket(r.response.length)));
const passes: number[][] = [];
for (let p = 0; p < PASSES; p++) {
  const totals = BUCKETS.map(() => 0);
  replies.forEach((r, i) => {
    const t = performance.now();
    classifyRefusal(r.prompt, r.response);
    const dt = performance.now() - t;
    bucketOf[i].forEach((inBucket, b) => {
      if (inBucket) totals[b] += dt;
    });
  });
  passes.push(totals);
}
const rows: Row[] = BUCKETS.map(([label], b) => {
  const n = bucketOf.filter((x) => x[b]).length;
  const perReply = passes.map((t) => (t[b] * 1000) / Math.max(1, n)).sort((x, y) => x - y);
  return {
    replies: label,
    n,
    medianUsPerReply: perReply[Math.floor(PASSES / 2)],
    fastestUsPerReply: perReply[0],
  };
});
rows.push({
  replies: 'first call (fresh process)',
  n: FIRST_CALL_RUNS,
  medianUsPerReply: firstMs[Math.floor(FIRST_CALL_RUNS / 2)] * 1000,
  fastestUsPerReply: firstMs[0] * 1000,
});
const machine = { ...describeMachine(), load: Number(loadavg()[0].toFixed(2)) };

if (json) {
  process.stdout.write(
    `${JSON.stringify({ bench: 'judge', machine, replies: replies.length, rows, firstCall: firstCalls }, null, 2)}\n`,
  );
} else {
  const cells = [
    ['replies', 'n', 'µs/reply (median pass or run)', 'µs/reply (fastest pass or run)'],
    ...rows.map((r) => [
      r.replies,
      String(r.n),
      r.medianUsPerReply.toFixed(0),
      r.fastestUsPerReply.toFixed(0),
    ]),
  ];
  const widths = cells[0].map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  process.stdout.write(
    [
      `bench:judge — offline refusal judge (rules + classifier), ${PASSES} passes over the fixture replies; first call: ${FIRST_CALL_RUNS} fresh processes' first reply`,
      `machine: ${machine.cpu} · ${machine.cores} cores · node ${machine.node} · ${machine.platform} · load ${machine.load}`,
      '',
      ...cells.map((c) =>
        c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  '),
      ),
      '',
    ].join('\n'),
  );
}
