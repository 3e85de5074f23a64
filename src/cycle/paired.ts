// The change since round 0 item by item. Every round benchmarks the same items, so a rise in VPRR or
// a fall in helpfulness is a count of items that went one way against those that went the other,
// and McNemar's exact test says how often a difference that large comes by chance. At 117
// look-alikes one item is 0.85 points: a 3-point bound is crossed by four items, which the test
// cannot tell from noise. The criteria stay as configured; this tells the reader what a miss means.
import { passTally, refusalTally, suiteOfKind } from '../bench/index.js';
import type { Tally } from '../bench/metrics.js';
import type { ItemResult } from '../bench/types.js';
import type { PairedTable } from '../core/index.js';
import type { BenchResultRow, Store } from '../store/index.js';
import type { PairedChange } from './criteria.js';

export interface StoredSuite {
  name: string;
  kind: string;
  items: ItemResult[];
  /** The suite's metrics as runBench stored them (rates with their counts). */
  metrics: Record<string, unknown>;
}

/** The split a round's headline figures (bench/run.ts `summarise`) were read from: a cycle round's
 * and a plain `bench` run's attack split, else the one split a `bench --split all` or `--split
 * heldback` run stored (its summary is of those suites). */
export function headlineSplit(rows: readonly { metrics: unknown }[]): string {
  const splits = new Set(rows.map((r) => (r.metrics as { split?: unknown } | undefined)?.split));
  const [only] = splits;
  return splits.size === 1 && typeof only === 'string' ? only : 'attack';
}

/** The suites of one split among a round's stored bench results. */
export function storedSuites(rows: BenchResultRow[], split = 'attack'): StoredSuite[] {
  return rows
    .filter((r) => (r.metrics as { split?: string }).split === split)
    .map((r) => ({
      name: r.suite,
      kind: String((r.metrics as { kind?: string }).kind),
      items: (r.items ?? []) as ItemResult[],
      metrics: ((r.metrics as { metrics?: Record<string, unknown> }).metrics ?? {}) as Record<
        string,
        unknown
      >,
    }));
}

const itemKey = (i: ItemResult) => `${i.seedId}\u0000${i.technique}\u0000${i.shape ?? ''}`;

/** Items decided in both rounds, as a table of how each was then (`second`) and now (`first`):
 * `bad` says whether an item is bad (refused, failed …), undefined where it was not decided. */
export function pairedTable(
  before: ItemResult[],
  after: ItemResult[],
  bad: (i: ItemResult) => boolean | undefined,
): PairedTable {
  const then = new Map(before.map((i) => [itemKey(i), bad(i)]));
  const t: PairedTable = { both: 0, firstOnly: 0, secondOnly: 0, neither: 0 };
  for (const i of after) {
    const [a, b] = [then.get(itemKey(i)), bad(i)];
    if (a === undefined || b === undefined) continue;
    if (a && b) t.both++;
    else if (b) t.firstOnly++;
    else if (a) t.secondOnly++;
    else t.neither++;
  }
  return t;
}

/** Items decided (success or failure) in both rounds, and how many moved each way. `worse` counts
 * items whose tally became `bad` since round 0. */
export function pairedChange(
  before: ItemResult[],
  after: ItemResult[],
  tally: (i: ItemResult) => Tally,
  bad: Tally,
): PairedChange {
  const t = pairedTable(before, after, (i) => decided(tally(i), bad));
  const [worse, better] = [t.firstOnly, t.secondOnly];
  return { pairs: t.both + worse + better + t.neither, worse, better, p: mcnemarExact(worse, better) };
}

/** Whether a tally is the bad one of a decided item; undefined for an error or undetermined one. */
export function decided(t: Tally, bad: Tally): boolean | undefined {
  return t === 'success' || t === 'failure' ? t === bad : undefined;
}

/** Two-sided exact McNemar test: the chance of a split at least this uneven among the items that
 * changed, were either direction equally likely. Summed in logarithms: 2^-n underflows to 0 past
 * n = 1074, which would make every split of that many changes "unlikely to be chance". */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // log(C(n, j) / 2^n) for j = 0 … k, then log-sum-exp from the largest (the last) term.
  const logs: number[] = [];
  let log = -n * Math.LN2;
  for (let j = 0; j <= k; j++) {
    logs.push(log);
    log += Math.log((n - j) / (j + 1));
  }
  const top = logs[k];
  const tail = Math.exp(top) * logs.reduce((a, l) => a + Math.exp(l - top), 0);
  return Math.min(1, 2 * tail);
}

/** VPRR and helpfulness item by item against round 0, for the round's metrics (absent in round 0,
 * and for a suite either round did not run). */
export function pairedChanges(
  store: Store,
  runId: string,
  round: number,
): { vprr_change?: PairedChange; helpfulness_change?: PairedChange } {
  if (round === 0) return {};
  const base = storedSuites(store.listBenchResults(runId, 0));
  const now = storedSuites(store.listBenchResults(runId, round));
  const out: { vprr_change?: PairedChange; helpfulness_change?: PairedChange } = {};
  // The suite of each kind that the round's figures were read from (bench/run.ts `summarise`).
  const over = [suiteOfKind(base, 'overrefusal'), suiteOfKind(now, 'overrefusal')];
  if (over[0] && over[1]) {
    const benign = (s: StoredSuite) => s.items.filter((i) => i.kind === 'benign');
    out.vprr_change = pairedChange(benign(over[0]), benign(over[1]), (i) => refusalTally(i), 'success');
  }
  const help = [suiteOfKind(base, 'helpfulness'), suiteOfKind(now, 'helpfulness')];
  if (help[0] && help[1])
    out.helpfulness_change = pairedChange(help[0].items, help[1].items, passTally, 'failure');
  return out;
}
