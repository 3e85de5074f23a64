// bench/: suites (harmful, multiturn, jailbreak, overrefusal, groundedness, helpfulness, custom),
// dataset loaders (JSONL / CSV / Parquet), metrics with Wilson and bootstrap intervals, runBench.

export { type GroundingDoc, groundingDocs } from './data/grounding.js';
export { mapConcurrent } from './execute.js';
export {
  type FigureCounts,
  figureSuite,
  figuresOfKind,
  SUMMARY_SOURCES,
  type SummaryFigure,
  suiteOfKind,
  summaryCounts,
} from './figures.js';
export {
  type DatasetFormat,
  type DatasetItem,
  type FieldMap,
  formatOf,
  type LoadOptions,
  loadDataset,
} from './loaders.js';
export {
  bootstrapMean,
  defectRate,
  emptyRatesAsNull,
  formatPercent,
  formatRate,
  groupBy,
  type Mean,
  mean,
  nearestRank,
  type Rate,
  type RateOrMean,
  rate,
  rateOf,
  SMALL_SAMPLE,
  sliceName,
  sliceRates,
  type Tally,
  wilson,
} from './metrics.js';
export {
  attackSuite,
  type BenchReport,
  type BenchSummary,
  type BenchTruncation,
  BUILTIN_SUITES,
  type BuiltinSuiteName,
  benchTruncationNote,
  builtinSuite,
  type CustomSuiteSpec,
  checkCustomSuites,
  customSuite,
  customSuiteTexts,
  loadCustomRows,
  type RunBenchOptions,
  runBench,
  summarise,
  unknownSuite,
} from './run.js';
export { groundednessSuite } from './suites/groundedness.js';
export { harmfulSuite } from './suites/harmful.js';
export { helpfulnessSuite, helpfulTask, passTally } from './suites/helpfulness.js';
export { jailbreakSuite } from './suites/jailbreak.js';
export { multiturnSuite, SHAPE_DR, SHAPES, type Shape, scriptedAsk } from './suites/multiturn.js';
export { overrefusalSuite, refusalTally } from './suites/overrefusal.js';
export type { BenchSplit, ItemResult, Suite, SuiteContext, SuiteReport, SuiteTruncation } from './types.js';
