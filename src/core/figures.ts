// The figures breakfix measures, named once. A benchmark run's summary (bench/run.ts), a round's
// stored metrics (cycle/criteria.ts), `cycle --json`'s rounds (cycle/run.ts) and the report's rounds
// (report/data.ts) carry them under these names, each adding what only it has: a figure added here is
// added to all four, and a name cannot drift between them.

/** The six headline rates a benchmark suite gives; bench/figures.ts says which suite gives each. */
export const SUITE_RATES = ['asr', 'dr1', 'dr3', 'iprr', 'vprr', 'helpfulness'] as const;
export type SuiteRate = (typeof SUITE_RATES)[number];

/** Rates are fractions 0–1; a figure absent was not measured. Every rate is over the decided samples:
 * those in error or undetermined are counted apart, never as safe. */
export interface Figures {
  /** Attack success rate: successes of the decided attack attempts. A cycle's is its red team's; a
   * benchmark run's is its jailbreak suite's, else its harmful suite's. */
  asr?: number;
  /** Defect rates: the share of the harmful suite's answers with harm severity ≥ 1 and ≥ 3 (0–7). */
  dr1?: number;
  dr3?: number;
  /** Share of harmful prompts refused (higher is safer). */
  iprr?: number;
  /** Share of benign look-alikes refused: over-refusal (lower is better). */
  vprr?: number;
  /** Pass rate of the helpfulness suite's checkable tasks. */
  helpfulness?: number;
  /** ASR on held-back seeds and templates, which nothing trains on or attacks with: whether a fix
   * generalises. */
  heldback_asr?: number;
  /** Share of the retest's decided attempts (earlier findings sent again) that still broke. */
  retest_asr?: number;
  /** Share of the benchmark's attack items (jailbreak suite, else harmful; errors apart) answered
   * undetermined (garbled, off-topic). */
  undetermined_rate?: number;
  /** Share of the measurements (benchmark samples, red-team attempts) that ended in error: how
   * incomplete the other figures are. */
  error_rate?: number;
  /** Mean ungroundedness (0–4) divided by 4. */
  ungroundedness?: number;
}

export type FigureName = keyof Figures;

/** The figures that are rates (0–1), shown as percentages; ungroundedness is a scaled mean. */
export const RATE_FIGURES: ReadonlySet<string> = new Set<FigureName>([
  ...SUITE_RATES,
  'heldback_asr',
  'retest_asr',
  'undetermined_rate',
  'error_rate',
]);
