// A stored benchmark suite's figures and slices, each as `breakfix bench` prints it (formatRate:
// interval, n, err and und beside): the one formatter the HTML and Markdown reports and the viewer
// share, so a suite's category or look-alike type that fails reads the same everywhere.
import { formatRate, type RateOrMean, sliceName } from '../bench/metrics.js';
import type { RoundData } from './data.js';

/** A stored figure as the bench table writes it; undefined for anything that is not a rate or a mean
 * with its numbers (a store is a file from elsewhere: a figure without them is left out, not thrown). */
function figureCell(m: unknown): string | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const f = m as Record<string, unknown>;
  if (f.kind !== 'rate' && f.kind !== 'mean') return undefined;
  const fields = ['n', 'lo', 'hi', f.kind];
  return fields.every((k) => typeof f[k] === 'number') ? formatRate(f as unknown as RateOrMean) : undefined;
}

/** The row that says how many of a suite's items the target read cut short (its context window). */
export const TRUNCATED_ROW = 'prompts cut short';

/** A stored suite result's `truncated` as a cell, when some item's prompt was cut; undefined when
 * none was, or for a result stored before breakfix counted them (nothing to say either way). */
function truncatedCell(t: unknown): string | undefined {
  if (!t || typeof t !== 'object') return undefined;
  const { items, contextTokens, mostDropped } = t as Record<string, unknown>;
  if (typeof items !== 'number' || items <= 0) return undefined;
  return `${items} items: up to ${Number(mostDropped) || 0} tokens unread (${Number(contextTokens) || 0}-token context)`;
}

/** A stored suite result's figures. runBench stores `{ split, kind, metrics: { name: Rate | Mean },
 * slices, truncated }`; each figure is shown as the bench table shows it (interval, n, err and und
 * beside), and the items read cut short, when there were some, as one more row. */
export function suiteFigureCells(stored: Record<string, unknown> | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const inner = stored?.metrics;
  if (!inner || typeof inner !== 'object') return out;
  for (const [k, m] of Object.entries(inner as Record<string, unknown>)) {
    const cell = figureCell(m);
    if (cell !== undefined) out.set(k, cell);
  }
  const cut = truncatedCell(stored?.truncated);
  if (cut !== undefined) out.set(TRUNCATED_ROW, cut);
  return out;
}

/** One stored slice family (`vprr_by_type`): the metric, the dimension it is sliced by, and each
 * slice key's figure as the bench table writes it. */
export interface SuiteSlice {
  metric: string;
  dimension: string;
  /** How the tables head it: "vprr by type". */
  title: string;
  cells: Map<string, string>;
}

/** A stored suite result's slices, named as the suites name them (`<metric>_by_<dimension>`), in the
 * order stored; a family whose every figure is unreadable is left out. */
export function suiteSliceCells(stored: Record<string, unknown> | undefined): SuiteSlice[] {
  const slices = stored?.slices;
  if (!slices || typeof slices !== 'object') return [];
  const out: SuiteSlice[] = [];
  for (const [name, byKey] of Object.entries(slices as Record<string, unknown>)) {
    if (!byKey || typeof byKey !== 'object') continue;
    const { metric, dimension } = sliceName(name);
    const cells = new Map<string, string>();
    for (const [key, m] of Object.entries(byKey as Record<string, unknown>)) {
      const cell = figureCell(m);
      if (cell !== undefined) cells.set(key, cell);
    }
    const title = metric === dimension ? metric : `${metric} by ${dimension}`;
    if (cells.size) out.push({ metric, dimension, title, cells });
  }
  return out;
}

/** A suite's slices across the rounds that ran it: one table per metric and dimension ("vprr by
 * type"), its keys down (numbers in order: 2 turns before 10), one cell per round, `—` where that
 * round has no such slice. */
export function suiteSliceTables(
  rounds: Pick<RoundData, 'round' | 'bench'>[],
  suite: string,
): { title: string; rows: { slice: string; cells: string[] }[] }[] {
  const perRound = rounds.map((r) => suiteSliceCells(r.bench.find((b) => b.suite === suite)?.metrics));
  const families = new Map<string, SuiteSlice>();
  for (const slices of perRound) for (const s of slices) families.set(`${s.metric}_by_${s.dimension}`, s);
  return [...families.values()].map(({ metric, dimension, title }) => {
    const of = (slices: SuiteSlice[]) =>
      slices.find((s) => s.metric === metric && s.dimension === dimension)?.cells;
    const keys = [...new Set(perRound.flatMap((slices) => [...(of(slices)?.keys() ?? [])]))].sort((a, b) =>
      a.localeCompare(b, 'en', { numeric: true }),
    );
    return {
      title,
      rows: keys.map((slice) => ({ slice, cells: perRound.map((slices) => of(slices)?.get(slice) ?? '—') })),
    };
  });
}
