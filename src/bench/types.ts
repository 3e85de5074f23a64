// Shared shapes of the bench folder.
import type {
  Message,
  Outcome,
  Progress,
  PromptCuts,
  Rng,
  Seed,
  Split,
  Target,
  Verdict,
} from '../core/index.js';
import type { JudgeSet } from '../judge/index.js';
import type { RateOrMean } from './metrics.js';

export type BenchSplit = Split | 'all';

export interface SuiteContext {
  target: Target;
  judges: JudgeSet;
  /** An LLM that plays the user in multi-turn suites (absent = the scripted simulator). */
  attacker?: Target;
  split: BenchSplit;
  concurrency: number;
  progress?: Progress;
  rng: Rng;
  /** Most items per suite (for quick runs and tests). */
  limit?: number;
  /** Seeds to use instead of the built-in ones (custom suites). */
  seeds?: (Seed & { grounding?: string })[];
}

/** One judged sample of a suite. */
export interface ItemResult {
  seedId: string;
  kind: Seed['kind'];
  category?: string;
  language: string;
  technique: string;
  turns: number;
  transcript: Message[];
  verdicts: Verdict[];
  outcome: Outcome;
  severity?: number;
  /** Suite-specific label: refusal label, pass/fail, groundedness score … */
  value?: string | number | null;
  benignType?: string;
  shape?: string;
  error?: string;
  /** Present when the target read some of the item's prompts cut short (its context window). */
  truncated?: PromptCuts;
}

/** A suite's items whose prompt the target read only the latest tokens of (the embedded model's
 * 192-token context), the window and the most tokens dropped from one prompt (0 when none was cut).
 * What was sent and judged is unchanged: the count says what the model could not have read. */
export interface SuiteTruncation {
  items: number;
  contextTokens: number;
  mostDropped: number;
}

export interface SuiteReport {
  name: string;
  kind: string;
  split: BenchSplit;
  items: number;
  metrics: Record<string, RateOrMean>;
  slices: Record<string, Record<string, RateOrMean>>;
  /** Samples that ended in error, and the first error message (target failures). */
  errors?: number;
  firstError?: string;
  /** Set by runBench for every suite it runs (items 0 when every prompt fit). */
  truncated?: SuiteTruncation;
}

export interface Suite {
  name: string;
  kind: string;
  run(ctx: SuiteContext): Promise<{ report: SuiteReport; items: ItemResult[] }>;
}
