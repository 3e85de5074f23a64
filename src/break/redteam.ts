// runRedteam: take the plan (plan.ts: seeds × persona × techniques), run it with bounded concurrency
// against the target, judge, store every attempt under a deterministic id (a rerun skips what is
// stored), stop at the budget, and summarise. ASR counts decided outcomes only; error and
// undetermined are reported beside it.

import {
  type Attempt,
  createRng,
  dict,
  errorMessage,
  isPlainObject,
  type Judge,
  NO_CATEGORY,
  type Outcome,
  type Progress,
  type Seed,
  type Split,
  stableId,
  type Target,
  type Template,
  techniquesLabel,
} from '../core/index.js';
import { harmOnlyInTrace } from '../judge/index.js';
import { claimRunOrRefuse, type Store } from '../store/index.js';
import { type RunHalt, stopOnHalt } from '../targets/index.js';
import { getAttack } from './attacks/index.js';
import { replayAttack } from './attacks/replay.js';
import type { AttackJudges, AttackResult, BudgetCounter } from './attacks/types.js';
import { spentBefore } from './budget-spent.js';
import { dataFingerprint } from './fingerprint.js';
import { getPersona, type PersonaId } from './personas.js';
import { checkedPlan, classifyTechniques, type PlannedItem, recordedAttempts } from './plan.js';
import { type Bandit, type BanditAlgorithm, SearchState } from './search.js';

export interface RedteamBudget {
  attempts?: number;
  /** Most target tokens. */
  tokens?: number;
  /** Most attacker-model tokens (every attack's proposals, questions and translations). */
  attackerTokens?: number;
  seconds?: number;
}

export interface RedteamOptions {
  target: Target;
  targetId?: string;
  /** Seeds to attack; only the harmful ones are (`builtinSeeds()` may be passed whole). */
  seeds: Seed[];
  /** A JudgeSet (`createJudges`) or the attack judges. An LLM `jailbreak` judge rates 1–10. */
  judges: Judge[] | { attack: Judge[]; jailbreak?: Judge };
  persona?: PersonaId;
  /** Attack, converter and template ids (empty = the persona's choice). */
  techniques?: string[];
  languages?: string[];
  /** Languages (BCP 47 tags) the attacker model translates each seed into, one attempt each (the
   * translate attack: the reply is read back in the seed's language before it is judged). Needs
   * `attacker`. */
  translateTo?: string[];
  categories?: string[];
  budget?: RedteamBudget;
  /** The run's halt (`RunHalt`, shared with its targets): once a refused key or spent quota trips
   * it, no attempt starts, those that failed are not stored, and the run ends with its error. */
  halt?: RunHalt;
  /** On resume, run again the attempts stored as errors (a failed request or judge) and replace
   * them in place; without it a resume keeps them as they are. */
  retryErrors?: boolean;
  /** Take the resumed run from another host's process whose claim is still fresh (claimRunOrRefuse). */
  takeOver?: boolean;
  concurrency?: number;
  /** Seed of every random choice. */
  seed?: number | string;
  store?: Store;
  runId: string;
  round?: number;
  attacker?: Target;
  progress?: Progress;
  /** Material to attack with: 'attack' (default; also uses 'train' templates) or 'heldback'. */
  split?: Split;
  maxTurns?: number;
  search?: { iterations?: number; algorithm?: BanditAlgorithm; tries?: number };
  /** User templates (config `templates.files`). */
  templates?: Template[];
  /** The fingerprint of the target's checkpoint when it is an embedded model (embeddedRefFingerprint):
   * stored with the run, so that a resume on a replaced checkpoint is another run. */
  targetCheckpoint?: string | null;
  /** Per-attack knobs by attack id, e.g. { pair: { streams: 3, iterations: 3 } } (attackOptions()
   * builds them from the config's redteam.attacks). */
  attackOptions?: Record<string, Record<string, unknown>>;
  /** What decides the results besides the plan (see RedteamSetup): stored with a new run. */
  setup?: RedteamSetup;
}

/** The config's `redteam.attacks` sizes as the attacks read them (RedteamOptions.attackOptions). */
export function attackOptions(sizes: {
  pair: { streams: number; iterations: number; keep: number };
  tap: { branching: number; width: number; depth: number; keep: number };
  manyShot: { shots: number };
  crescendo: { backtracks: number };
}): Record<string, Record<string, unknown>> {
  return {
    pair: { ...sizes.pair },
    tap: { ...sizes.tap },
    many_shot: { shots: sizes.manyShot.shots },
    crescendo: { maxBacktracks: sizes.crescendo.backtracks },
  };
}

/** What decides a red-team run's results besides its plan: the configs of the targets it calls (the
 * target, the attacker, the LLM judges; secrets redacted), which judge gives each verdict, and the
 * attack settings. Stored with the run (its config's `setup`) and compared on resume by the caller —
 * the CLI, with the cycle's configChanges, whose shape (targets, roles, judges, redteam) it keeps —
 * so that one ASR never counts attempts of two setups. A run stored without it has none to compare. */
export interface RedteamSetup {
  /** The redacted config of each target the run calls, by the name the run shows it under. */
  targets: Record<string, unknown>;
  /** The target under test and the attacker, by those names. */
  roles: { target: string; attacker?: string };
  /** The config's `judges`. */
  judges: Record<string, unknown>;
  redteam: { maxTurns?: number; search?: Record<string, unknown>; attacks?: Record<string, unknown> };
}

export interface SliceStats {
  attempts: number;
  success: number;
  failure: number;
  error: number;
  undetermined: number;
  /** success / (success + failure); null when nothing was decided. */
  asr: number | null;
}

export interface RedteamSummary extends SliceStats {
  runId: string;
  round?: number;
  target: string;
  persona: PersonaId;
  planned: number;
  /** Attempts run now. */
  ran: number;
  /** Attempts found in the store and skipped (resume). */
  resumed: number;
  /** Attempts the store held as errors, run again and replaced (a resume with `retryErrors`). */
  retried?: number;
  /** Target calls and tokens of the attempts run now: a resume's stored attempts (`resumed`) cost
   * what an earlier process spent, which the run's spend table counts. The tokens are those of
   * fresh replies, as the spend table and the budget count them (a cached reply was not sent). */
  calls: number;
  tokens: number;
  /** Attacker-model requests in this invocation (PAIR and TAP proposals and TAP's on-topic checks,
   * the simulated user's and Crescendo's messages, the translate attack's translations each way),
   * apart from the target's calls and tokens. Absent when none. */
  attackerCalls?: number;
  /** The tokens (prompt + completion) of those requests; present with attackerCalls. */
  attackerTokens?: number;
  seconds: number;
  /** Why the run stopped early: 'tokens' | 'attackerTokens' | 'seconds' (absent when it finished its plan). */
  stoppedBy?: string;
  unavailable: { attack: string; reason: string }[];
  slices: {
    category: Record<string, SliceStats>;
    attack: Record<string, SliceStats>;
    technique: Record<string, SliceStats>;
    language: Record<string, SliceStats>;
    turns: Record<string, SliceStats>;
  };
  search?: ReturnType<SearchState['summary']>;
  /** Ids of successful attempts (first 50). */
  successes: string[];
  /** Successes whose harm was only in the reasoning trace (the answer alone judged harmless):
   * what a judge of answers would have missed (judge/trace-harm.ts). Absent when none. */
  reasoningOnly?: number;
  /** The 1–10 jailbreak rater's calls in this invocation (PAIR, TAP, Crescendo with `judges.jailbreak`) and
   * how many could not say (error, malformed reply): there the search steered by the score derived from
   * the attack judges, and outcomes stayed the judges'. Absent when no rater ran. */
  rater?: { calls: number; failures: number; firstFailure?: string };
  /** TAP's on-topic checks in this invocation: how many, how many children they pruned, and how many
   * replies were neither yes nor no (those children were kept, unpruned). Absent when none ran. */
  evaluator?: { checks: number; pruned: number; failures: number };
  /** The run's attempts (those of an earlier invocation it resumed too, as stored) whose prompt the
   * target read only the latest tokens of (the embedded target's context window), by attack, with the
   * window and the most tokens dropped from one prompt; `unknown`: attempts stored by a breakfix that
   * did not count them (never taken as none). Absent when every prompt fit and none is unknown. */
  truncated?: {
    attempts: number;
    contextTokens: number;
    mostDropped: number;
    attacks: Record<string, number>;
    unknown?: number;
  };
  /** The first error message, to diagnose a run that ended in errors. */
  firstError?: string;
}

const emptySlice = (): SliceStats => ({
  attempts: 0,
  success: 0,
  failure: 0,
  error: 0,
  undetermined: 0,
  asr: null,
});

/** The slice tables, keyed by the attempts' category, attack, technique, language and turns. */
const emptySlices = (): RedteamSummary['slices'] => ({
  category: dict(),
  attack: dict(),
  technique: dict(),
  language: dict(),
  turns: dict(),
});

function add(s: SliceStats, outcome: Outcome): void {
  s.attempts++;
  s[outcome]++;
  const decided = s.success + s.failure;
  s.asr = decided ? s.success / decided : null;
}

export async function runRedteam(opts: RedteamOptions): Promise<RedteamSummary> {
  const started = Date.now();
  const persona = opts.persona ?? 'intermediate';
  const { items, unavailable } = checkedPlan(opts);
  const progress = opts.progress;
  for (const u of unavailable) progress?.log(`skipped ${u.attack}: ${u.reason}`);
  const judges = attackJudges(opts.judges);
  const store = opts.store;
  const existing = store?.getRun(opts.runId);
  if (store && !existing) {
    store.createRun({
      id: opts.runId,
      kind: 'redteam',
      seed: typeof opts.seed === 'number' ? opts.seed : 0,
      target: opts.targetId ?? opts.target.id,
      config: {
        persona,
        techniques: opts.techniques ?? [],
        languages: opts.languages ?? [],
        translateTo: opts.translateTo ?? [],
        categories: opts.categories ?? [],
        budget: opts.budget ?? {},
        split: opts.split ?? 'attack',
        ...(opts.setup && { setup: opts.setup }),
        // What it attacks with, by content: a resume on edited seed or template files is another run.
        inputs: {
          ...dataFingerprint(opts.seeds, opts.templates),
          ...(opts.targetCheckpoint !== undefined && { checkpoint: opts.targetCheckpoint }),
        },
      },
    });
  }
  // A red-team run's status says how it ended: running until then (again when resumed), then done,
  // or failed with the error. A run of another kind (a cycle's) is its owner's to mark.
  const own = store && (existing?.kind ?? 'redteam') === 'redteam' ? store : undefined;
  if (own) claimRunOrRefuse(own, opts.runId, { takeOver: opts.takeOver, takeOverHint: '--take-over' });
  // The run's attempt budget is kept in its summary too, the larger when a resume extends it (its
  // stored config is never rewritten), so that a later resume can never give it fewer (resumeConflict).
  const had = existing && recordedAttempts(existing);
  const given = opts.budget?.attempts;
  const attempts = had !== undefined && given !== undefined ? Math.max(had, given) : given;
  const budget = attempts !== undefined ? { budget: { attempts } } : {};
  if (existing)
    own?.updateRun(opts.runId, {
      status: 'running',
      // (said at once: a resume stopped by a signal keeps the budget it extended the run to)
      ...(attempts !== undefined &&
        attempts !== had && {
          summary: { ...(isPlainObject(existing.summary) ? existing.summary : {}), ...budget },
        }),
    });
  try {
    const summary = await attackPlan(opts, { started, persona, items, unavailable, judges });
    own?.updateRun(opts.runId, {
      status: 'done',
      summary: { ...summary, slices: undefined, successes: undefined, ...budget },
    });
    return summary;
  } catch (err) {
    own?.updateRun(opts.runId, { status: 'failed', summary: { error: errorMessage(err), ...budget } });
    throw err;
  } finally {
    own?.releaseRun(opts.runId);
  }
}

/** The judges an attack uses, from a JudgeSet or a list of attack judges. */
export function attackJudges(judges: RedteamOptions['judges']): AttackJudges {
  return Array.isArray(judges)
    ? { attack: judges }
    : {
        attack: judges.attack,
        // The offline jailbreak judge is the same compliance check: derive the score instead.
        score: judges.jailbreak && !judges.jailbreak.id.startsWith('offline') ? judges.jailbreak : undefined,
      };
}

/** What a run's unreadable on-topic checks meant, for the terminal. */
export function evaluatorNote(e: NonNullable<RedteamSummary['evaluator']>): string {
  return `TAP on-topic evaluator: ${e.failures} of ${e.checks} replies were neither yes nor no; those children were sent unpruned (${e.pruned} pruned): check the attacker model's replies`;
}

function countEvaluator(summary: RedteamSummary, detail: Record<string, unknown> | undefined): void {
  const checks = Number(detail?.evaluatorChecks ?? 0);
  if (!checks) return;
  summary.evaluator ??= { checks: 0, pruned: 0, failures: 0 };
  summary.evaluator.checks += checks;
  summary.evaluator.pruned += Number(detail?.pruned ?? 0);
  summary.evaluator.failures += Number(detail?.evaluatorErrors ?? 0);
}

/** Which attacks' prompts the target read cut short, for the terminal (redteam's summary, a cycle
 * round's log): a many-shot prompt on the embedded model keeps only its last shots. */
export function truncationNote(t: NonNullable<RedteamSummary['truncated']>): string {
  const unknown = t.unknown
    ? `${t.unknown} attempts stored by an older breakfix, which did not count their prompts cut short: not known for those`
    : '';
  if (!t.attempts) return `the target's context: ${unknown} (docs/EMBEDDED.md)`;
  const by = Object.entries(t.attacks)
    .map(([attack, n]) => `${attack} ${n}`)
    .join(', ');
  return `the target's context holds ${t.contextTokens} tokens: it read only the end of ${t.attempts} attempts' prompts (${by}; up to ${t.mostDropped} tokens dropped from the start)${t.attacks.many_shot ? ': a many-shot attempt there is a few-shot one, its first shots unread' : ''}${unknown ? `; ${unknown}` : ''} (docs/EMBEDDED.md)`;
}

function countTruncated(summary: RedteamSummary, a: Pick<Attempt, 'attack' | 'truncated'>): void {
  const cuts = a.truncated;
  if (cuts?.calls === 0) return;
  summary.truncated ??= { attempts: 0, contextTokens: 0, mostDropped: 0, attacks: dict() };
  const t = summary.truncated;
  if (!cuts) {
    t.unknown = (t.unknown ?? 0) + 1;
    return;
  }
  t.attempts++;
  t.contextTokens = cuts.context;
  t.mostDropped = Math.max(t.mostDropped, cuts.mostDropped);
  t.attacks[a.attack] = (t.attacks[a.attack] ?? 0) + 1;
}

/** What a run's failed ratings meant, for the terminal (redteam's summary, a cycle round's log). */
export function raterNote(r: NonNullable<RedteamSummary['rater']>): string {
  return `jailbreak rater: ${r.failures} of ${r.calls} ratings failed${r.firstFailure ? ` (first: ${r.firstFailure})` : ''}; there the search steered by the score derived from the attack judges (outcomes are the judges' either way): check judges.jailbreak`;
}

function countRater(summary: RedteamSummary, detail: Record<string, unknown> | undefined): void {
  const calls = Number(detail?.raterCalls ?? 0);
  if (!calls) return;
  summary.rater ??= { calls: 0, failures: 0 };
  summary.rater.calls += calls;
  summary.rater.failures += Number(detail?.raterFailures ?? 0);
  if (!summary.rater.firstFailure && typeof detail?.raterFirstFailure === 'string')
    summary.rater.firstFailure = detail.raterFirstFailure;
}

/** Runs the planned attempts (runRedteam's work once its run exists, and a retest's) and summarises
 * them: stored in plan order, resumed by id. */
export async function attackPlan(
  opts: RedteamOptions,
  plan: {
    started: number;
    persona: PersonaId;
    items: PlannedItem[];
    unavailable: RedteamSummary['unavailable'];
    judges: AttackJudges;
    /** The progress line's name (default: `redteam <target> (<persona>)`). */
    label?: string;
  },
): Promise<RedteamSummary> {
  const { started, persona, items, unavailable, judges } = plan;
  const progress = opts.progress;
  const store = opts.store;
  const deadline = opts.budget?.seconds !== undefined ? started + opts.budget.seconds * 1000 : undefined;
  // The tokens budgets are the round's: a resumed round, or one run again, starts at what its earlier
  // processes sent (read only under such a budget: a run without one reads nothing more).
  const before =
    store && (opts.budget?.tokens !== undefined || opts.budget?.attackerTokens !== undefined)
      ? spentBefore(store, opts.runId, opts.round)
      : { tokens: 0, attackerTokens: 0 };
  if (before.tokens || before.attackerTokens)
    progress?.log(
      `budget: this run's earlier processes spent ${before.tokens} target tokens${before.attackerTokens ? ` and ${before.attackerTokens} attacker tokens` : ''}, counted in this one's budget`,
    );
  const budget: BudgetCounter = {
    calls: 0,
    tokens: before.tokens,
    attackerTokens: before.attackerTokens,
    exhausted() {
      if (this.reason) return true;
      if (opts.budget?.tokens !== undefined && this.tokens >= opts.budget.tokens) this.reason = 'tokens';
      else if (opts.budget?.attackerTokens !== undefined && this.attackerTokens >= opts.budget.attackerTokens)
        this.reason = 'attackerTokens';
      else if (deadline !== undefined && Date.now() >= deadline) this.reason = 'seconds';
      return this.reason !== undefined;
    },
    freeCalls() {
      return this.reason !== 'seconds' && (deadline === undefined || Date.now() < deadline);
    },
  };
  const search = new SearchState({
    algorithm: opts.search?.algorithm ?? 'ucb',
    tries: opts.search?.tries ?? (opts.search?.iterations ?? 4) * 6,
    seed: opts.seed ?? 0,
    arms: {
      techniques: classifyTechniques(opts.techniques ?? [], opts.templates).chosen,
      splits: opts.split === 'heldback' ? ['heldback'] : ['attack', 'train'],
      extraTemplates: opts.templates,
    },
  });
  const summary: RedteamSummary = {
    runId: opts.runId,
    ...(opts.round !== undefined ? { round: opts.round } : {}),
    target: opts.targetId ?? opts.target.id,
    persona,
    planned: items.length,
    ran: 0,
    resumed: 0,
    calls: 0,
    tokens: 0,
    seconds: 0,
    ...emptySlice(),
    unavailable,
    slices: emptySlices(),
    successes: [],
  };
  const count = (
    a: Pick<
      Attempt,
      | 'id'
      | 'outcome'
      | 'category'
      | 'attack'
      | 'techniques'
      | 'language'
      | 'turns'
      | 'error'
      | 'verdicts'
      | 'truncated'
    >,
  ) => {
    add(summary, a.outcome);
    countTruncated(summary, a);
    if (a.outcome === 'success' && harmOnlyInTrace(a.verdicts))
      summary.reasoningOnly = (summary.reasoningOnly ?? 0) + 1;
    const slice = (dim: keyof RedteamSummary['slices'], key: string) => {
      summary.slices[dim][key] ??= emptySlice();
      add(summary.slices[dim][key], a.outcome);
    };
    slice('category', a.category ?? NO_CATEGORY);
    slice('attack', a.attack);
    slice('technique', techniquesLabel(a.techniques, '+'));
    slice('language', a.language);
    slice('turns', String(a.turns));
    if (a.outcome === 'success' && summary.successes.length < 50) summary.successes.push(a.id);
    if (a.outcome === 'error' && !summary.firstError && 'error' in a && a.error) summary.firstError = a.error;
  };

  // Resume: what this run (and round) already stored, read once rather than per attempt.
  const stored = new Map<string, Attempt>();
  if (store) {
    const planned = new Set(items.map((i) => i.id));
    for (const a of store.listAttempts({
      runId: opts.runId,
      ...(opts.round !== undefined ? { round: opts.round } : {}),
    }))
      if (!planned.has(a.id)) continue;
      else if (opts.retryErrors && a.outcome === 'error') summary.retried = (summary.retried ?? 0) + 1;
      else stored.set(a.id, a);
  }
  // Attempts are written in plan order (finished ones wait for those planned before them), in small
  // batches, one transaction each: the store's order is the same in every run of the same seed, and
  // a crash leaves a prefix of the plan, which a resumed run completes.
  const pending: Attempt[] = [];
  let lastFlush = Date.now();
  // Attempts this process ran that the store already held from another process (first writer wins).
  let skippedWrites = 0;
  const flush = () => {
    if (store && pending.length) {
      const batch = pending.splice(0);
      try {
        skippedWrites +=
          batch.length - store.saveAttempts(batch, { replaceErrors: opts.retryErrors ?? false });
      } catch (err) {
        // Kept for the next flush, the run's last at the latest: a store locked past its busy timeout
        // for a moment loses none of the attempts it was answered and judged for.
        pending.unshift(...batch);
        throw err;
      }
    }
    lastFlush = Date.now();
  };
  progress?.start(plan.label ?? `redteam ${summary.target} (${persona})`, items.length);
  const n = Math.max(1, Math.min(opts.concurrency ?? 16, items.length || 1));
  // The search learns across seeds deterministically: attempt i uses what attempts 0…i−n learned
  // (never those still possibly in flight beside it), so the same seed gives the same run at any
  // speed. Attempt i waits for that prefix, which costs little: at most n run at once anyway.
  const finished = new Array<boolean>(items.length).fill(false);
  const toWrite = new Map<number, Attempt>();
  let finishedPrefix = 0;
  let waiters: { upTo: number; resolve: () => void }[] = [];
  const markFinished = (index: number) => {
    finished[index] = true;
    while (finishedPrefix < items.length && finished[finishedPrefix]) {
      const attempt = toWrite.get(finishedPrefix);
      if (attempt) {
        pending.push(attempt);
        count(attempt); // in plan order too: the summary's first successes and first error
      }
      toWrite.delete(finishedPrefix);
      finishedPrefix++;
    }
    // (waiters first: a flush that fails must not leave a search attempt waiting on this prefix)
    const ready = waiters.filter((w) => finishedPrefix >= w.upTo);
    waiters = waiters.filter((w) => finishedPrefix < w.upTo);
    for (const w of ready) w.resolve();
    if (pending.length >= 32 || Date.now() - lastFlush > 250) flush();
  };
  const prefixFinished = (upTo: number) =>
    finishedPrefix >= upTo
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ upTo, resolve }));
  // An attempt's random stream comes from the seed and the plan, not the run id: same seed, same run.
  const randomKey = (item: PlannedItem) =>
    stableId(
      'rng',
      opts.seed ?? 0,
      opts.round ?? null,
      item.seed.id,
      item.attack,
      item.techniques,
      item.index,
    );
  let cursor = 0;
  const runOne = async (item: PlannedItem, index: number): Promise<void> => {
    const category = item.seed.category ?? 'all';
    const prior = stored.get(item.id);
    if (prior) {
      summary.resumed++;
      // What the search learned before the interruption is not lost: replay its tries (an attempt
      // stored by a breakfix that kept none: its win alone).
      if (prior.attack === 'search' && !prior.retestOf)
        search.commit(
          index,
          category,
          prior.searchTries ??
            (prior.outcome === 'success' && prior.techniques.length
              ? [{ arm: prior.techniques.join('+'), reward: 1, success: true }]
              : []),
        );
      count(prior);
      progress?.tick(1, 'resumed');
      return;
    }
    const attack = item.retestOf ? replayAttack : getAttack(item.attack);
    let view: Bandit | undefined;
    // (a retest of a search attempt sends its prompt again: nothing to search)
    if (item.attack === 'search' && !item.retestOf) {
      await prefixFinished(index - n + 1);
      view = search.viewFor(category, index - n + 1, randomKey(item));
    }
    let result: AttackResult;
    try {
      if (!attack) throw new Error(`unknown attack ${item.attack}`);
      result = await attack.run({
        target: opts.target,
        seed: item.seed,
        judges,
        rng: createRng(randomKey(item)),
        budget,
        attacker: opts.attacker,
        techniques: item.techniques,
        maxTurns: Number(item.options?.maxTurns ?? opts.maxTurns ?? getPersona(persona)?.maxTurns ?? 5),
        options: {
          ...(opts.attackOptions?.[item.attack] ?? {}),
          ...(item.options ?? {}),
          ...(view ? { searchState: search, searchBandit: view, tries: search.opts.tries } : {}),
          templates: opts.templates,
        },
      });
    } catch (err) {
      // Attacks catch their own failures; anything left is a bug, recorded as an error.
      result = {
        transcript: [],
        verdicts: [],
        outcome: 'error',
        techniques: item.techniques,
        calls: 0,
        tokens: 0,
        turns: 0,
        error: errorMessage(err),
      };
    }
    if (view) search.commit(index, category, view.log);
    summary.calls += result.calls;
    summary.tokens += result.tokens;
    const attackerCalls = Number(result.detail?.attackerCalls ?? 0);
    if (attackerCalls) {
      summary.attackerCalls = (summary.attackerCalls ?? 0) + attackerCalls;
      summary.attackerTokens = (summary.attackerTokens ?? 0) + Number(result.detail?.attackerTokens ?? 0);
    }
    countRater(summary, result.detail);
    countEvaluator(summary, result.detail);
    if (result.incomplete) {
      progress?.tick(1, 'budget spent');
      return; // nothing judged: not stored, so a resumed run does it
    }
    // Failed by the refusal that halted the run (or not sent after it): a resume does it, and it is
    // not counted done (an attempt in flight that ends well after the halt is stored, and counted).
    if (result.outcome === 'error' && opts.halt?.halted) return;
    const attempt: Attempt = {
      id: item.id,
      runId: opts.runId,
      ...(opts.round !== undefined ? { round: opts.round } : {}),
      seedId: item.seed.id,
      attack: item.attack,
      techniques: result.techniques,
      language: item.language ?? item.seed.language,
      ...(item.seed.category ? { category: item.seed.category } : {}),
      transcript: result.transcript,
      verdicts: result.verdicts,
      outcome: result.outcome,
      ...(result.severity !== undefined ? { severity: result.severity } : {}),
      turns: result.turns,
      ...(result.error ? { error: result.error } : {}),
      calls: result.calls,
      ...(item.retestOf ? { retestOf: item.retestOf } : {}),
      ...(view ? { searchTries: [...view.log] } : {}),
      truncated: result.truncated ?? { calls: 0, mostDropped: 0, context: 0 },
      createdAt: new Date().toISOString(),
    };
    toWrite.set(index, attempt);
    summary.ran++;
    progress?.tick(1, attempt.outcome);
  };
  // A worker's failure (a store write that failed, the run taken over) ends the run once the attempts
  // in flight beside it have ended: the other workers start none more. With Promise.all rejecting at
  // the first failure they went on through the plan, sending requests and storing attempts after the
  // run had been marked failed and released.
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    try {
      while (!failure && cursor < items.length && !opts.halt?.halted) {
        // A run another process took over is left to it: no attempt more is sent (ClaimLostError).
        store?.assertOwned(opts.runId);
        const index = cursor++;
        // A spent budget starts no attempt more but those the response cache answers whole (free:
        // freeCalls; the others stop at their first call it cannot answer, unstored), and the
        // attempts the store holds are the run's still, counted as resumed: a round whose budget its
        // earlier processes spent, resumed or run again, summarises them rather than none.
        const skip = !stored.has(items[index].id) && budget.exhausted() && !budget.freeCalls?.();
        try {
          if (!skip) await runOne(items[index], index);
        } finally {
          markFinished(index);
        }
      }
    } catch (err) {
      failure ??= { error: err };
    }
  };
  await Promise.all(Array.from({ length: n }, worker));
  try {
    flush();
  } catch (err) {
    failure ??= { error: err };
  }
  if (failure) throw failure.error;
  const halted = opts.halt?.error();
  if (halted) {
    stopOnHalt(progress);
    throw halted;
  }
  // The summary counts what the store holds: another process resuming the same run at the same time
  // stores some attempts this one then skips (first writer wins), and its own counts would differ.
  // (Read back only then: reading a large run's attempts back costs seconds of blocked event loop.)
  if (store && skippedWrites > 0) {
    const held = new Map(
      store
        .listAttempts({ runId: opts.runId, ...(opts.round !== undefined ? { round: opts.round } : {}) })
        .map((a) => [a.id, a]),
    );
    Object.assign(summary, emptySlice(), {
      slices: emptySlices(),
      successes: [],
    });
    delete summary.reasoningOnly;
    delete summary.firstError;
    delete summary.truncated;
    for (const item of items) {
      const a = held.get(item.id);
      if (a) count(a);
    }
  }
  if (budget.reason) summary.stoppedBy = budget.reason;
  if (items.some((i) => i.attack === 'search' && !i.retestOf)) summary.search = search.summary();
  summary.seconds = (Date.now() - started) / 1000;
  progress?.done(
    `ASR ${summary.asr === null ? 'n/a' : `${(100 * summary.asr).toFixed(1)}%`}${summary.reasoningOnly ? ` (${summary.reasoningOnly} harmful in the reasoning trace only)` : ''} · ${summary.error} error · ${summary.undetermined} undetermined`,
  );
  return summary;
}
