// Which suite metric each headline figure of a benchmark is (a leaf module: the report reads it
// without loading the suites and their judges).
import type { BenchSummary, BuiltinSuiteName } from './run.js';

/** Where each summary figure comes from: the metric of the first suite kind listed that has it (the
 * built-in suite of a kind, else its first custom one: suiteOfKind). The one table the summary, the
 * report's cards and its release criteria read. `undetermined_rate` counts the same items as `asr`;
 * `ungroundedness` is the 0–4 mean divided by 4. */
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
