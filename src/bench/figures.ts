// Which suite metric each headline figure of a benchmark is (a leaf module: the report reads it
// without loading the suites and their judges).
import type { RateOrMean } from './metrics.js';
import type { BenchSummary, BuiltinSuiteName } from './run.js';

/** Where each summary figure comes from: the metric of the first suite kind listed that ran (the
 * built-in suite of a kind, else its first custom one: suiteOfKind), whether it decided anything or
 * not (figureSuite). The one table the summary, the report's cards and its release criteria read.
 * `undetermined_rate` counts the same items as `asr`; `ungroundedness` is the 0–4 mean divided by 4. */
export const SUMMARY_SOURCES = {
  asr: { kinds: ['jailbreak', 'harmful'], metric: 'asr' },
  dr1: { kinds: ['harmful'], metric: 'dr1' },
  dr3: { kinds: ['harmful'], metric: 'dr3' },
  iprr: { kinds: ['overrefusal'], metric: 'iprr' },
  vprr: { kinds: ['overrefusal'], metric: 'vprr' },
  helpfulness: { kinds: ['helpfulness'], metric: 'pass_rate' },
  undetermined_rate: { kinds: ['jailbreak', 'harmful'], metric: 'asr' },
  ungroundedness: { kinds: ['groundedness'], metric: 'ungroundedness' },
} as const satisfies Partial<
  Record<keyof BenchSummary, { kinds: readonly BuiltinSuiteName[]; metric: string }>
>;

/** The summary figures a suite of `kind` feeds. */
export function figuresOfKind(kind: string): (keyof typeof SUMMARY_SOURCES)[] {
  return (Object.keys(SUMMARY_SOURCES) as (keyof typeof SUMMARY_SOURCES)[]).filter((k) =>
    (SUMMARY_SOURCES[k].kinds as readonly string[]).includes(kind),
  );
}

/** The suite of a kind that the summary reads: the built-in one, else the first custom one. */
export function suiteOfKind<S extends { name: string; kind: string }>(
  reports: S[],
  kind: string,
): S | undefined {
  return reports.find((s) => s.kind === kind && s.name === kind) ?? reports.find((s) => s.kind === kind);
}

export type SummaryFigure = keyof typeof SUMMARY_SOURCES;

/** The suite a summary figure is read from: of the first kind listed that ran. A jailbreak suite
 * that decided nothing leaves the ASR undetermined: the harmful suite's, of prompts asked with no
 * template, is another measure, and read in its place it passed for the jailbreak's under one key. */
export function figureSuite<S extends { name: string; kind: string }>(
  reports: S[],
  figure: SummaryFigure,
): S | undefined {
  for (const kind of SUMMARY_SOURCES[figure].kinds) {
    const suite = suiteOfKind(reports, kind);
    if (suite) return suite;
  }
  return undefined;
}

/** What a summary figure is over: the suite and metric it was read from, `n` its denominator (the
 * decided samples; for `undetermined_rate` the answered ones), `successes` a rate's numerator (for
 * `undetermined_rate` the undetermined among the answered), and the samples set apart from it, in
 * error or undetermined. */
export interface FigureCounts {
  suite: string;
  metric: string;
  n: number;
  /** Absent for a mean (ungroundedness). */
  successes?: number;
  errors: number;
  undetermined: number;
}

/** Each summary figure's counts, from the suite it is read from (figureSuite); a figure over nothing
 * has `n` 0 and is absent from the summary. */
export function summaryCounts(
  reports: { name: string; kind: string; metrics: Record<string, RateOrMean> }[],
): Partial<Record<SummaryFigure, FigureCounts>> {
  const out: Partial<Record<SummaryFigure, FigureCounts>> = {};
  for (const figure of Object.keys(SUMMARY_SOURCES) as SummaryFigure[]) {
    const suite = figureSuite(reports, figure);
    const { metric } = SUMMARY_SOURCES[figure];
    const m = suite?.metrics[metric];
    if (!suite || !m) continue;
    const successes = m.kind === 'rate' ? { successes: m.successes } : {};
    out[figure] =
      figure === 'undetermined_rate'
        ? {
            suite: suite.name,
            metric,
            n: m.n + m.undetermined,
            successes: m.undetermined,
            errors: m.errors,
            undetermined: 0,
          }
        : { suite: suite.name, metric, n: m.n, ...successes, errors: m.errors, undetermined: m.undetermined };
  }
  return out;
}
