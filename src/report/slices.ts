// The red team's ASR per harm category and per technique, round by round, each beside what it is
// over. The charts draw the rates alone, and a slice at 100% over one decided attempt (the rest
// undetermined) drew the same bar as one at 100% over thirty.
import { formatPercent } from '../bench/metrics.js';
import type { ReportData, ReportVulnerability, SliceFigures } from './data.js';

/** What a rate is over, with what ended in error or undetermined beside it, as the bench table
 * writes it (formatRate): "n=171 und 129". */
export function countsNote(n: number, errors: number, undetermined: number): string {
  return `n=${n}${errors ? ` err ${errors}` : ''}${undetermined ? ` und ${undetermined}` : ''}`;
}

/** Said once on every page and report that writes countsNote: what its parts mean, and that a count
 * it leaves out is zero ("n=12" is 12 decided, none in error or undetermined). */
export const COUNTS_LEGEND =
  'Beside each rate: n = what it is over (its decided samples or attempts); err = ended in error, und = undetermined: neither is in the rate, nor counted as safe. A count not shown is zero.';

/** A vulnerability's rate with its counts, as `breakfix vulns` has them: n its decided attempts (an
 * untested one's as last measured), err and und its attempts of the round in error or undetermined. */
export function vulnerabilityRate(
  v: Pick<ReportVulnerability, 'rate' | 'attempts' | 'errors' | 'undetermined'>,
): string {
  return `${formatPercent(v.rate)} (${countsNote(v.attempts, v.errors, v.undetermined)})`;
}

/** One slice's ASR in one round with its counts; a slice stored without counts says how many
 * attempts it had, all outcomes together. */
export function sliceCell(s: SliceFigures | undefined): string {
  if (!s) return '—';
  const rate = s.asr === undefined ? '—' : formatPercent(s.asr);
  const counts = sliceCounts(s);
  return counts ? `${rate} (${counts})` : rate;
}

/** What a slice's rates are over: its counts, or for a slice stored without them its attempts. */
export function sliceCounts(s: SliceFigures): string | undefined {
  if (s.decided !== undefined) return countsNote(s.decided, s.errors ?? 0, s.undetermined ?? 0);
  return s.n === undefined ? undefined : `of ${s.n} attempts`;
}

export const SLICE_DIMENSIONS = [
  { key: 'byCategory', title: 'harm category' },
  { key: 'byLanguage', title: 'language' },
  { key: 'byTurns', title: 'turns' },
  { key: 'byTechnique', title: 'technique' },
] as const;

/** A dimension's slices (sorted by name) with one cell per round; empty when no round has any. */
export function sliceRows(
  data: ReportData,
  key: (typeof SLICE_DIMENSIONS)[number]['key'],
): { slice: string; cells: string[] }[] {
  // (numbers in order: 2 turns before 10)
  const names = [...new Set(data.rounds.flatMap((r) => Object.keys(r[key])))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  return names.map((slice) => ({
    slice,
    cells: data.rounds.map((r) => sliceCell(Object.hasOwn(r[key], slice) ? r[key][slice] : undefined)),
  }));
}
