// Row shapes the store returns (the core vocabulary plus bookkeeping fields).
import type { Attempt, ModelRef, Outcome, Reply, TrainingRecord, Vulnerability } from '../core/index.js';

export type RunStatus = 'running' | 'done' | 'failed' | 'interrupted' | (string & {});

export interface RunRow {
  id: string;
  kind: string;
  status: RunStatus;
  /** The config as run, with every secret redacted. */
  config: unknown;
  seed: number;
  target?: string;
  summary?: unknown;
  createdAt: string;
  updatedAt: string;
  /** Since when the run's model requests are counted in the spend table (ISO time): its creation,
   * or its first counted request for a run an older breakfix started. Absent: nothing counted. */
  spendSince?: string;
}

export interface NewRun {
  id?: string;
  kind: string;
  config: unknown;
  seed: number;
  target?: string;
}

export interface RoundRow {
  runId: string;
  round: number;
  model?: string;
  status: string;
  step?: string;
  metrics?: Record<string, unknown>;
  updatedAt: string;
}

export interface StepRow {
  runId: string;
  round: number;
  step: string;
  data?: unknown;
  createdAt: string;
}

export interface AttemptFilter {
  runId?: string;
  round?: number;
  outcome?: Outcome;
  category?: string;
  seedId?: string;
  limit?: number;
  offset?: number;
}

/** The viewer's filters over one run's attempts (each one unset: no filter). */
export interface AttemptSearch {
  runId: string;
  round?: number;
  /** The attempt's category; `(none)` also matches an attempt without one. */
  category?: string;
  /** One technique id inside the attempt's chain, the whole chain key (`a+b`; `(none)` for an empty
   * chain), or the attack's name. */
  technique?: string;
  language?: string;
  outcome?: string;
}

/** The distinct values one run's attempts hold, for the viewer's filter menus (unsorted). */
export interface AttemptFacets {
  /** Rounds of the attempts that have one. */
  rounds: number[];
  /** `undefined` for attempts without a category. */
  categories: (string | undefined)[];
  /** Each distinct technique chain, as stored. */
  chains: string[][];
  languages: string[];
}

export interface BenchResultInput {
  runId: string;
  round?: number;
  suite: string;
  model: string;
  metrics: Record<string, unknown>;
  items?: unknown[];
}

export interface BenchResultRow extends BenchResultInput {
  createdAt: string;
}

export interface RecordFilter {
  runId: string;
  round?: number;
  dataset?: string;
}

export interface ModelInput extends ModelRef {
  runId?: string;
  trainingLog?: unknown;
}

export interface ModelRow extends ModelInput {
  createdAt: string;
}

export interface Store {
  readonly path: string;
  /** Opened read-only (`openStore(path, { readOnly: true })`): every write fails, and nothing that
   * only reads (vulnerabilities identified again, for one) saves what it computed. */
  readonly readOnly: boolean;
  // runs
  createRun(run: NewRun): RunRow;
  getRun(id: string): RunRow | undefined;
  listRuns(kind?: string): RunRow[];
  latestRun(kind?: string): RunRow | undefined;
  /** `config` replaces the run's stored config (redacted as at creation): a resume that may change
   * settings nothing stored came from records what the rest of the run uses. */
  updateRun(id: string, patch: { status?: RunStatus; summary?: unknown; config?: unknown }): void;
  // rounds
  upsertRound(
    runId: string,
    round: number,
    patch: { model?: string; status?: string; step?: string; metrics?: Record<string, unknown> },
  ): void;
  getRounds(runId: string): RoundRow[];
  // steps (resume markers)
  markStep(runId: string, round: number, step: string, data?: unknown): void;
  getStep(runId: string, round: number, step: string): StepRow | undefined;
  // attempts
  saveAttempt(attempt: Attempt): boolean;
  /** Stores the attempts not stored yet (one transaction); returns how many it wrote. With
   * `replaceErrors`, an attempt stored as an `error` is replaced in place by the new one. */
  saveAttempts(attempts: readonly Attempt[], opts?: { replaceErrors?: boolean }): number;
  hasAttempt(id: string): boolean;
  getAttempt(id: string): Attempt | undefined;
  listAttempts(filter?: AttemptFilter): Attempt[];
  countAttempts(filter?: AttemptFilter): number;
  /** The attempts that match `search`, in stored order, `offset`/`limit` at a time, with how many
   * match in all (one snapshot). */
  searchAttempts(
    search: AttemptSearch,
    page: { offset: number; limit: number },
  ): { total: number; attempts: Attempt[] };
  /** The distinct rounds, categories, technique chains and languages of a run's attempts. */
  attemptFacets(runId: string): AttemptFacets;
  // bench
  saveBenchResult(result: BenchResultInput): void;
  listBenchResults(runId: string, round?: number): BenchResultRow[];
  // spend: model requests and tokens, counted as each request ends
  /** Adds `delta` to the row of `key` (one transaction, with the run's spendSince). */
  addSpend(key: SpendKey, delta: SpendCounts): void;
  listSpend(runId: string): SpendRow[];
  // vulnerabilities
  saveVulnerabilities(runId: string, round: number, vulns: readonly Vulnerability[]): void;
  listVulnerabilities(runId: string, round: number): Vulnerability[];
  // records
  /** Marks this process as the one working on `runId`, and writes its heartbeat into the claim while
   * it holds it (until releaseRun or close). A live process on this host holding it, or one on
   * another host whose heartbeat is fresh (claim.ts: CLAIM_STALE_MS; `takeOver` takes it all the
   * same), is returned as `heldBy` and nothing changes; an owner on this host that is gone (killed,
   * crashed) and this process are replaced; another host's replaced claim is returned as `tookOver`. */
  claimRun(runId: string, opts?: { takeOver?: boolean }): { heldBy?: RunOwner; tookOver?: RunOwner };
  /** Throws ClaimLostError (claim.ts) when `runId` is a run this connection claimed and another
   * process has taken since; nothing for a run it never claimed. Every write to a claimed run makes
   * this check itself; the red team makes it before each attempt. */
  assertOwned(runId: string): void;
  /** Lets go of `runId` if this process holds it, and stops its heartbeat. */
  releaseRun(runId: string): void;
  saveRecords(runId: string, round: number, dataset: string, records: readonly TrainingRecord[]): void;
  /** A round's curation, its SFT records and preference pairs, replaced together in one transaction:
   * a crash between the two must not leave a round with records and no pairs, which a rerun of
   * curate would take as curated. */
  saveCuration(
    runId: string,
    round: number,
    curated: { sft: readonly TrainingRecord[]; preference: readonly TrainingRecord[] },
  ): void;
  listRecords(filter: RecordFilter): TrainingRecord[];
  // models
  registerModel(model: ModelInput): ModelRow;
  getModel(id: string): ModelRow | undefined;
  listModels(): ModelRow[];
  // response cache
  cacheGet(key: string): Reply | undefined;
  cachePut(key: string, reply: Reply): void;
  // maintenance
  integrityCheck(): string;
  /** Changes whenever anything is committed to the store, by this connection or another process's
   * (a run the viewer watches): a key for what is computed from the store's contents. */
  changeStamp(): string;
  close(): void;
}

/** What a model request is booked to: the run, its round (absent: a run without rounds), the stage
 * under way (a cycle's step, or the command's), the role the model played and its target id. */
export interface SpendKey {
  runId: string;
  round?: number;
  stage: string;
  role: string;
  model: string;
}

/** Requests made (`cached`: of them answered from the response cache, which spends nothing),
 * `errors`: ended in error after their retries, `retries`: sent again; tokens of fresh replies. */
export interface SpendCounts {
  requests?: number;
  cached?: number;
  errors?: number;
  retries?: number;
  promptTokens?: number;
  completionTokens?: number;
}

export interface SpendRow extends Omit<SpendKey, 'runId'>, Required<SpendCounts> {}

/** The process that works on a run. */
export interface RunOwner {
  pid: number;
  host: string;
  /** When it claimed the run (ISO time). */
  since: string;
  /** The process's start as the kernel counts it (Linux: /proc/<pid>/stat's starttime): with the pid,
   * it names one process, so a pid the system gave to another process since holds nothing. Absent
   * where there is no /proc, and in claims stored before breakfix recorded it. */
  start?: string;
  /** When it last said it was still working on the run (ISO time, refreshed every
   * CLAIM_HEARTBEAT_MS): what another host goes by. Absent in claims stored before breakfix wrote it. */
  heartbeat?: string;
}
