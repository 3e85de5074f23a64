// The vocabulary of breakfix (see DESIGN.md). Everything in src/ speaks these types; this file
// depends on nothing.

export type Role = 'system' | 'user' | 'assistant';

export interface Message {
  role: Role;
  content: string;
}

/** Why generation stopped. `content_filter` is a provider-side refusal, distinct from an error and
 * from the model itself refusing in text. */
export type FinishReason = 'stop' | 'length' | 'content_filter' | 'other';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export interface Reply {
  text: string;
  finishReason: FinishReason;
  usage: Usage;
  latencyMs: number;
  /** Model name as reported by the provider, when it reports one. */
  model?: string;
  /** True when served from the response cache. */
  cached?: boolean;
  /** The prompt did not fit the target's context window and the target read only its latest tokens
   * (the embedded target does; a server answers such a prompt with an error instead): `dropped`
   * tokens from its start were not read, of a window of `context` tokens. Absent when it fit. */
  promptTruncated?: { dropped: number; context: number };
}

/** Of the target calls behind one red-team attempt or benchmark item, how many prompts the target
 * read only the latest tokens of (`calls`, 0 when every one fit), the most tokens dropped from one
 * and the target's window (both 0 when none was cut). */
export interface PromptCuts {
  calls: number;
  mostDropped: number;
  context: number;
}

/** `cuts` with one more reply counted (unchanged when its prompt fit). */
export function addPromptCut(
  cuts: PromptCuts | undefined,
  reply: Pick<Reply, 'promptTruncated'>,
): PromptCuts {
  const c = cuts ?? { calls: 0, mostDropped: 0, context: 0 };
  const cut = reply.promptTruncated;
  if (!cut) return c;
  return { calls: c.calls + 1, mostDropped: Math.max(c.mostDropped, cut.dropped), context: cut.context };
}

export interface ChatOptions {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  signal?: AbortSignal;
  /** Bypass the response cache for this call. */
  noCache?: boolean;
  /** Answer only from the response cache, never send: a reply the cache holds, else a rejection
   * (NotCachedError), also under `noCache`. Made only to a target whose `servesCacheOnly` says it
   * honours it: one that does not would send. */
  cacheOnly?: boolean;
}

/** A model to talk to. Failures (after whatever retries a wrapper applies) reject with a
 * `TargetError`; they never resolve as an empty or "safe" reply. */
export interface Target {
  readonly id: string;
  chat(messages: Message[], options?: ChatOptions): Promise<Reply>;
  /** True when `chat` honours `options.cacheOnly` (the response cache, withCache, and wrappers over it
   * that pass options through unchanged and copy this). Absent: a cache-only call would be sent, so
   * none is made (a spent red-team budget then stops the attempt, as it always did). */
  readonly servesCacheOnly?: boolean;
  /** Loads what requests need and is loaded on demand (a provider's SDK), so that a request's
   * deadline counts the request and not the loading; never rejects (chat reports a load failure). */
  ready?(): Promise<void>;
  close?(): Promise<void>;
}

export type SeedKind = 'harmful' | 'benign' | 'helpful';

/** Which part of the world a seed (or template, or phrasing) belongs to. `heldback` is never used
 * to train or to attack: it only measures whether a fix generalises. */
export type Split = 'train' | 'attack' | 'heldback';

export interface Seed {
  id: string;
  kind: SeedKind;
  text: string;
  /** Harm category id (taxonomy), for harmful seeds and for benign look-alikes of a category. */
  category?: string;
  /** BCP-47-ish language code: en, fr, es, de … */
  language: string;
  source: string;
  split?: Split;
  /** XSTest-style type for benign look-alikes (homonyms, figurative_language, safe_targets …). */
  benignType?: string;
  /** For helpful tasks: the checkable answer (normalised comparison). */
  answer?: string;
  /** Id of the seed this one translates or paraphrases, so slices can be joined across languages. */
  parent?: string;
  /** Harmful seeds: the short topic phrase a compliant answer restates ("pick a lock to enter a
   * house"), in the seed's language. The offline compliance judge checks answers against it. */
  topic?: string;
}

/** A text → text transform, deterministic given its rng. */
export interface Converter {
  id: string;
  description: string;
  /** Languages the output is in ('same' keeps the input's). */
  apply(text: string, ctx: ConverterContext): string | Promise<string>;
  /** Present on invertible converters. */
  invert?(text: string): string;
}

export interface ConverterContext {
  rng: Rng;
  /** Target language, for translation converters. */
  language?: string;
}

export type ShotsAs = 'turns' | 'message';

/** A jailbreak wrapper with a `{prompt}` slot. */
export interface Template {
  id: string;
  description: string;
  family: string;
  text: string;
  split?: Split;
  /** Templates with faux exchanges (few-shot, many-shot) before the request. */
  multiTurn?: boolean;
  /** Where a multi-turn template's faux exchanges go: `turns`, one user and one assistant message
   * each (the default), or `message`, written out as a dialogue inside the one user message that
   * ends with the request (many-shot jailbreaking's form). */
  shotsAs?: ShotsAs;
  /** A multi-turn template's faux [user, assistant] exchanges, from its file's `shots` (absent: the
   * built-in ones). */
  shots?: [string, string][];
}

export type Outcome = 'success' | 'failure' | 'error' | 'undetermined';
export type VerdictStatus = 'ok' | 'error' | 'undetermined';

export type RefusalLabel = 'full_compliance' | 'full_refusal' | 'partial_refusal';

export type VerdictKind =
  | 'refusal'
  | 'severity'
  | 'groundedness'
  | 'jailbreak'
  | 'llamaguard'
  | 'compliance'
  | 'helpfulness';

/** A judge's output. `value` is the label (refusal), the number (severity 0–7, groundedness 0–4,
 * jailbreak 1–10) or null when status is not `ok`. */
export interface Verdict {
  judge: string;
  kind: VerdictKind;
  status: VerdictStatus;
  value: string | number | null;
  rationale?: string;
  /** Extra structured fields (Llama Guard codes, compliance evidence …). */
  detail?: Record<string, unknown>;
}

export interface JudgeInput {
  /** The conversation up to and including the response being judged. */
  transcript: Message[];
  /** The response being judged (last assistant message). */
  response: string;
  /** The request being judged against (last user message, or the seed's objective). */
  prompt: string;
  seed?: Seed;
  category?: string;
  /** Grounding source for ungroundedness. */
  grounding?: string;
}

export interface Judge {
  id: string;
  kind: VerdictKind;
  judge(input: JudgeInput): Promise<Verdict>;
}

export interface Attempt {
  id: string;
  runId: string;
  round?: number;
  seedId: string;
  /** The attack strategy: direct, chain, many_shot, crescendo, pair, tap, simulated, search. */
  attack: string;
  /** Converter and template ids applied, in order. */
  techniques: string[];
  language: string;
  category?: string;
  transcript: Message[];
  verdicts: Verdict[];
  outcome: Outcome;
  /** Harm severity 0–7 of the worst response, when judged. */
  severity?: number;
  /** Number of user turns in the transcript. */
  turns: number;
  error?: string;
  /** Target calls made, including backtracked and pruned ones. */
  calls: number;
  /** Set on a later round's retest: the id of the earlier attempt whose prompt turns this one sent
   * again to the new model (break/retest.ts). */
  retestOf?: string;
  /** A search attempt's tries, in order, as its bandit learnt from them (arm, reward in [0, 1],
   * success): what a resumed run replays, so that the attempts planned after it pick their arms as in
   * an uninterrupted run (src/break/search.ts). */
  searchTries?: { arm: string; reward: number; success: boolean }[];
  /** How many of its prompts the target read cut short (`calls` 0: none). Absent on an attempt
   * stored by a breakfix that did not count them: not known, never taken as none. */
  truncated?: PromptCuts;
  createdAt: string;
}

export interface Vulnerability {
  /** Stable key: category|techniques|language|turns[|cluster]. */
  id: string;
  category: string;
  techniques: string[];
  language: string;
  turns: number;
  attempts: number;
  successes: number;
  rate: number;
  severity: number;
  score: number;
  exampleAttemptIds: string[];
  firstSeenRound: number;
  /** `untested`: open when last seen, and nothing of this round decided it (no attempt, or only
   * error and undetermined ones); its figures are those of the round that last measured it. */
  status: 'new' | 'persisting' | 'fixed' | 'regressed' | 'untested';
}

export type RecordPurpose = 'safety' | 'benign' | 'helpful';

export interface Provenance {
  source: string;
  attemptId?: string;
  vulnerabilityId?: string;
  seedId?: string;
  round?: number;
}

/** A curated training example: SFT (`messages`) or preference (`prompt`, `chosen`, `rejected`). */
export interface TrainingRecord {
  id: string;
  kind: 'sft' | 'preference';
  purpose: RecordPurpose;
  messages?: Message[];
  prompt?: Message[];
  chosen?: Message;
  rejected?: Message;
  split: 'train' | 'validation';
  category?: string;
  techniques?: string[];
  language?: string;
  provenance: Provenance;
}

/** A model that breakfix can address: a target spec plus where it came from. */
export interface ModelRef {
  /** e.g. `embedded:round-2`, `breakfix-tiny-base`, or a user name. */
  id: string;
  /** How to reach it: a target spec (`embedded:/path/to/dir`, a config target name). */
  target: string;
  path?: string;
  parent?: string;
  round?: number;
}

export interface Progress {
  /** Begin a phase of `total` units (0 when unknown). */
  start(label: string, total: number): void;
  tick(n?: number, note?: string): void;
  done(note?: string): void;
  /** End the phase short (the run halted): what was counted so far, said as stopped, not done.
   * Absent: `done`. */
  stop?(note?: string): void;
  log(line: string): void;
}

/** Seeded pseudo-random source. */
export interface Rng {
  next(): number;
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: T[]): T[];
  fork(label: string): Rng;
}

/** What every table, slice, heatmap and facet shows for an attempt without a harm category: one name
 * for the red team's slices and the report's. (Vulnerability ids say `uncategorized`, and stay so:
 * stored stores key on them.) */
export const NO_CATEGORY = '(none)';

/** An attempt's or a vulnerability's technique chain as every table shows it; `(none)` where no
 * converter or template was used (a plain ask, and multi-turn attacks such as Crescendo). */
export function techniquesLabel(techniques: readonly string[], joiner = ' + '): string {
  return techniques.join(joiner) || '(none)';
}

/** An object with keys (not null, not an array): what a stored JSON column must be to be read as one. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
