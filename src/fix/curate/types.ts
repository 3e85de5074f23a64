// Types of the curation stage.
import type {
  Attempt,
  Judge,
  Message,
  Progress,
  RecordPurpose,
  Rng,
  Seed,
  Target,
  TrainingRecord,
  Vulnerability,
} from '../../core/index.js';

/** The `curate` section of the config (src/config/schema.ts); fields with defaults may be omitted. */
export interface CurateConfig {
  benignRatio?: number;
  helpfulRatio?: number;
  validationFraction?: number;
  nearDupThreshold?: number;
  decontamNgram?: number;
  /** Train-split harmful seeds of the same category and language put through each vulnerability's
   * chain, beside the attempts themselves (default: the schema's, 4). */
  syntheticPerVulnerability?: number;
  /** Siblings per multi-turn vulnerability: its attack run again on train-split seeds against the
   * model being fixed (default: the schema's, 4). */
  multiTurnSiblings?: number;
  /** Train-split look-alikes put to the model being fixed each round; those it refuses become
   * benign records with its refusal as the rejected side (default 300; 0 = off). */
  overRefusalProbe?: number;
  formats?: string[];
}

/** `curated_before`: an earlier round of the run curated the same request. */
export type DropReason = 'duplicate' | 'near_duplicate' | 'curated_before' | 'contaminated' | 'failed_check';

export interface Dropped {
  reason: DropReason;
  id: string;
  detail?: string;
}

export interface CurateStats {
  byCategory: Record<string, number>;
  byTechnique: Record<string, number>;
  byLanguage: Record<string, number>;
  byKind: Record<string, number>;
  byPurpose: Record<string, number>;
  /** What the over-refusal probe asked, how many the model refused, how many calls or judges failed;
   * `unseen`: the same for the look-alikes no earlier round trained on (asked first), the share of
   * the probe that measures how far learnt refusals reach rather than what the model memorised. */
  overRefusalProbe?: {
    asked: number;
    refused: number;
    failed: number;
    unseen: { asked: number; refused: number };
  };
  /** Multi-turn vulnerabilities, the siblings their attacks gave (multi-turn.ts), and the ids of
   * those that got none because the attack could not be run (no model, or no attacker). */
  multiTurn?: { vulnerabilities: number; siblings: number; without: string[] };
  /** Counterparts the ratios (benignRatio, helpfulRatio) asked for and the candidates that were
   * left (before the answer checks): present only when the seeds ran short. */
  shortfall?: {
    benign?: { wanted: number; got: number };
    helpful?: { wanted: number; got: number };
  };
  /** Records whose rejected side is the model's own answer (a synthetic prompt's harmful answer, a
   * look-alike's refusal), asked of the model being fixed: how many were asked; how many could not be
   * had or judged (the call failed, a judge's error) and how many the judges could not decide (an
   * undetermined verdict), those records then having no pair; the first reason. Present only when
   * one of them had no answer to pair. */
  onPolicyFailed?: { asked: number; failed: number; undetermined: number; first: string };
  /** Open vulnerabilities whose every safe answer failed its check (no safety record for them: the
   * fix data would teach the model no refusal for what broke it), with the first failure's reason. */
  noSafeAnswer?: { vulnerabilities: string[]; reason: string };
}

export interface CurateResult {
  sft: TrainingRecord[];
  preference: TrainingRecord[];
  dropped: Dropped[];
  stats: CurateStats;
}

export interface CurateInput {
  round: number;
  runId: string;
  vulnerabilities: Vulnerability[];
  attempts: Attempt[];
  /** Benchmark items the model failed (harmful answers), as attempts. */
  benchFailures?: Attempt[];
  /** Every seed (built-in and user): benign look-alikes, helpful tasks and train-split harmful seeds. */
  seeds: Seed[];
  /** Every benchmark and held-back text: nothing curated may overlap them. */
  heldOut: { texts: string[] };
  /** The run's records from earlier rounds. Their requests are not curated again: the cycle trains
   * on every round's records, so a repeat would only count one request twice. A candidate that
   * brings the model's own new answer (an attempt, a bench failure, the over-refusal probe) is kept:
   * its rejected side is new. */
  curatedBefore?: readonly TrainingRecord[];
  /** The curate section, or a whole config holding one. */
  config: CurateConfig | { curate: CurateConfig };
  /** Writes the answers in real mode; absent = the style guide's offline answers. */
  teacher?: Target;
  judges: { refusal: Judge; attack: Judge[] };
  /** The model being fixed. When given, synthetic safety prompts are put to it and a harmful answer
   * it gives (per the attack judges) becomes the rejected side of a preference pair: on-policy. */
  target?: Target;
  /** The attacker model (roles.attacker): for running again a multi-turn attack that needs one, and
   * for translating the fix data of a translate vulnerability into its language. */
  attacker?: Target;
  /** Most user turns when a multi-turn attack is run again for a sibling (redteam.maxTurns; 5). */
  maxTurns?: number;
  /** The red team's attack sizes by attack id (attackOptions of redteam.attacks): a sibling's attack
   * runs as the red team ran it. */
  attackOptions?: Record<string, Record<string, unknown>>;
  rng: Rng;
  progress?: Progress;
}

/** A record before answering and checking. */
export interface Candidate {
  id: string;
  purpose: RecordPurpose;
  prompt: Message[];
  seed: Seed;
  techniques: string[];
  language: string;
  category?: string;
  /** The model's own harmful answer (attempt-derived safety candidates). */
  rejected?: string;
  /** The model being fixed already answered this prompt (a multi-turn sibling: its attack asked
   * it): it is not asked again for an on-policy pair, and its answer counts as asked in
   * `onPolicyFailed`; `undetermined` when the judges could not decide that answer (no pair). */
  modelAnswered?: { undetermined?: string };
  /** Text compared for near-duplicates. */
  dedupText: string;
  source: 'attempt' | 'bench' | 'synthetic' | 'benign_counterpart' | 'helpful_mix' | 'overrefusal_probe';
  attemptId?: string;
  vulnerabilityId?: string;
}
