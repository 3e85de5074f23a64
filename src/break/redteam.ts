// runRedteam: plan attempts (seeds × persona × techniques), run them with bounded concurrency
// against the target, judge, store every attempt under a deterministic id (a rerun skips what is
// stored), stop at the budget, and summarise. ASR counts decided outcomes only; error and
// undetermined are reported beside it.

import {
  type Attempt,
  createRng,
  dict,
  errorMessage,
  InputError,
  isPlainObject,
  type Judge,
  type Outcome,
  type Progress,
  type Seed,
  type Split,
  stableId,
  type Target,
  type Template,
  techniquesLabel,
  terminalText,
} from '../core/index.js';
import { harmOnlyInTrace } from '../judge/index.js';
import { claimRunOrRefuse, type RunRow, type Store } from '../store/index.js';
import type { RunHalt } from '../targets/index.js';
import { ATTACKS, getAttack } from './attacks/index.js';
import { replayAttack } from './attacks/replay.js';
import type { AttackJudges, AttackResult, BudgetCounter } from './attacks/types.js';
import { getConverter } from './converters/index.js';
import { dataFingerprint } from './fingerprint.js';
import { getPersona, OFFLINE_CONVERTERS, type PersonaId, type PlannedAttack } from './personas.js';
import { type Bandit, type BanditAlgorithm, SearchState } from './search.js';
import { builtinTemplates, getTemplate } from './templates/index.js';

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

/** What decides a red-team run's results besides its plan: the configs of the targets it calls (the
 * target, the attacker, the LLM judges; secrets redacted), which judge gives each verdict, and the
 * attack settings. Stored with the run (its config's `setup`) and compared on resume by the caller —
 * the CLI, with the cycle's configChanges, whose shape (targets, roles, judges, redteam) it keeps —
 * so that one ASR never counts attempts of two setups. A run stored without it has none to compare. */
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

export interface RedteamSetup {
  /** The redacted config of each target the run calls, by the name the run shows it under. */
  targets: Record<string, unknown>;
  /** The target under test and the attacker, by those names. */
  roles: { target: string; attacker?: string };
  /** The config's `judges`. */
  judges: Record<string, unknown>;
  redteam: { maxTurns?: number; search?: Record<string, unknown>; attacks?: Record<string, unknown> };
}

/** The most attempts `run` was given: its starting budget, or the larger one a resume extended it
 * to (recorded in its summary, as the stored config is never rewritten); undefined when not recorded. */
export function recordedAttempts(run: Pick<RunRow, 'config' | 'summary'>): number | undefined {
  const attempts = (x: unknown) => {
    const budget = x && typeof x === 'object' ? (x as { budget?: unknown }).budget : undefined;
    const n = budget && typeof budget === 'object' ? (budget as { attempts?: unknown }).attempts : undefined;
    return typeof n === 'number' ? [n] : [];
  };
  const all = [...attempts(run.config), ...attempts(run.summary)];
  return all.length ? Math.max(...all) : undefined;
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

export interface PlannedItem extends PlannedAttack {
  id: string;
  seed: Seed;
  index: number;
  /** A retest (retest.ts): the earlier attempt whose prompt turns this item sends again, with the
   * replay attack; `attack` and `techniques` stay the earlier attempt's. */
  retestOf?: string;
  /** The language the target is attacked in, when not the seed's (the translate attack, a retest of
   * one): the attempt's language. */
  language?: string;
}

/** Splits `techniques` into attack ids and converter/template ids; unknown ids are an InputError. */
export function classifyTechniques(
  ids: string[],
  extra: Template[] = [],
): { attacks: string[]; chosen: string[] } {
  const attacks: string[] = [];
  const chosen: string[] = [];
  for (const id of ids) {
    if (getAttack(id)) attacks.push(id);
    else if (getConverter(id) || getTemplate(id) || extra.some((t) => t.id === id)) chosen.push(id);
    else
      throw new InputError(
        `unknown technique "${id}"; see \`breakfix redteam --list\``,
        undefined,
        undefined,
        'techniques',
      );
  }
  return { attacks, chosen };
}

/** The seeds a run attacks: the harmful ones (a benign look-alike or a helpful task has nothing to
 * break: its attempts would all end undetermined and spend the budget) of its languages and
 * categories (empty = all) and of its split (held-back seeds only when the split is heldback; never
 * otherwise). */
export function seedsToAttack(
  opts: Pick<RedteamOptions, 'seeds' | 'languages' | 'categories' | 'split'>,
): Seed[] {
  const split = opts.split ?? 'attack';
  const langs = opts.languages?.length ? new Set(opts.languages) : undefined;
  const cats = opts.categories?.length ? new Set(opts.categories) : undefined;
  return opts.seeds.filter(
    (s) =>
      s.kind === 'harmful' &&
      (!langs || langs.has(s.language)) &&
      (!cats || (s.category !== undefined && cats.has(s.category))) &&
      // held-back material is attacked only when the caller asks for it
      (split === 'heldback' ? s.split === 'heldback' : s.split !== 'heldback'),
  );
}

/** The categories and languages `seeds` cover, sorted, each with its number of seeds by split. */
export function seedFacets(seeds: Seed[]): {
  categories: { id: string; seeds: number; heldback: number }[];
  languages: { id: string; seeds: number; heldback: number }[];
} {
  const tally = (key: (s: Seed) => string | undefined) => {
    const m = new Map<string, { id: string; seeds: number; heldback: number }>();
    for (const s of seeds) {
      const k = key(s);
      if (k === undefined) continue;
      const row = m.get(k) ?? { id: k, seeds: 0, heldback: 0 };
      if (s.split === 'heldback') row.heldback++;
      else row.seeds++;
      m.set(k, row);
    }
    return [...m.values()].sort((a, b) => a.id.localeCompare(b.id));
  };
  return { categories: tally((s) => s.category), languages: tally((s) => s.language) };
}

/** The categories and languages a run is asked to attack must be ones its seeds have, and leave
 * something to attack: else an InputError naming where they were given (`--categories`, "the
 * config's redteam.categories") and what the seeds have, never a silent empty run. */
export function checkSeedFilters(
  opts: Pick<RedteamOptions, 'seeds' | 'languages' | 'categories' | 'split'>,
  givenIn: { categories: string; languages: string },
): void {
  const facets = seedFacets(opts.seeds);
  const check = (
    given: string[] | undefined,
    valid: { id: string }[],
    field: string,
    what: [string, string],
  ) => {
    const ids = new Set(valid.map((v) => v.id));
    const unknown = (given ?? []).filter((g) => !ids.has(g));
    if (unknown.length)
      throw new InputError(
        `unknown ${what[unknown.length > 1 ? 1 : 0]} ${unknown.map((u) => `"${terminalText(u)}"`).join(', ')} in ${field}; the seeds in use have: ${[...ids].join(', ')}`,
        undefined,
        undefined,
        undefined,
        'see `breakfix redteam --list`',
      );
  };
  check(opts.categories, facets.categories, givenIn.categories, ['category', 'categories']);
  check(opts.languages, facets.languages, givenIn.languages, ['language', 'languages']);
  if (!seedsToAttack(opts).length) {
    const split = opts.split ?? 'attack';
    const filters = [
      opts.categories?.length ? `categories ${opts.categories.join(',')}` : '',
      opts.languages?.length ? `languages ${opts.languages.join(',')}` : '',
    ].filter(Boolean);
    throw new InputError(
      `no seed of the ${split} split ${filters.length ? `has ${filters.join(' and ')}` : 'is in use'}: nothing to attack`,
      undefined,
      undefined,
      undefined,
      'see `breakfix redteam --list` for the categories and languages (and how many seeds are held back)',
    );
  }
}

/** Why `runId`'s stored run cannot be resumed by a red-team run with these settings (undefined
 * when it can): another kind of run, or other settings that decide the plan (target, persona,
 * split, seed, techniques, languages, categories), or fewer attempts than it was given: its summary
 * would count fewer than it stored. A larger attempt budget extends the run; the token and time
 * budgets and concurrency may change on resume. (The setup — target, attacker and judge configs —
 * is compared by the caller: see RedteamSetup.) */
export function resumeConflict(
  run: RunRow,
  opts: Pick<
    RedteamOptions,
    | 'target'
    | 'targetId'
    | 'persona'
    | 'split'
    | 'seed'
    | 'techniques'
    | 'languages'
    | 'translateTo'
    | 'categories'
    | 'seeds'
    | 'templates'
    | 'targetCheckpoint'
    | 'budget'
  >,
): string | undefined {
  if (run.kind !== 'redteam') return `run ${run.id} is a ${run.kind} run, not a redteam run`;
  const target = opts.targetId ?? opts.target.id;
  if (run.target !== undefined && run.target !== target)
    return `run ${run.id} targeted ${run.target} (not ${target})`;
  if (typeof opts.seed === 'number' && run.seed !== opts.seed)
    return `run ${run.id} used seed ${run.seed} (not ${opts.seed})`;
  const was = (run.config ?? {}) as Record<string, unknown>;
  const now: Record<string, unknown> = {
    persona: opts.persona ?? 'intermediate',
    split: opts.split ?? 'attack',
    techniques: opts.techniques ?? [],
    languages: opts.languages ?? [],
    categories: opts.categories ?? [],
  };
  const show = (v: unknown) =>
    Array.isArray(v) ? (v.length ? v.join(',') : '(all)') : String(v as string | undefined);
  const same = (a: unknown, b: unknown) =>
    Array.isArray(a) && Array.isArray(b)
      ? JSON.stringify([...a].map(String).sort()) === JSON.stringify([...b].map(String).sort())
      : a === b;
  // (a run stored before translateTo existed translated nothing)
  if (!same(was.translateTo ?? [], opts.translateTo ?? []))
    return `run ${run.id} used translateTo ${show(was.translateTo ?? [])} (not ${show(opts.translateTo ?? [])})`;
  for (const [key, value] of Object.entries(now)) {
    if (!(key in was)) continue; // a run stored without the setting: nothing to compare
    if (!same(was[key], value)) return `run ${run.id} used ${key} ${show(was[key])} (not ${show(value)})`;
  }
  const inputs = was.inputs as { seeds?: string; templates?: string; checkpoint?: string | null } | undefined;
  if (inputs) {
    const current = dataFingerprint(opts.seeds, opts.templates);
    const changed = (['seeds', 'templates'] as const).filter((k) => inputs[k] !== current[k]);
    if (changed.length)
      return `run ${run.id} started on other ${changed.join(' and ')} (the files of seeds.files / templates.files, or the built-in ones of another breakfix version, changed since)`;
    // (A run stored before checkpoints were recorded has none to compare.)
    if (inputs.checkpoint !== undefined && inputs.checkpoint !== (opts.targetCheckpoint ?? null))
      return `run ${run.id} attacked another checkpoint of ${target} (its checkpoint files changed since)`;
  }
  // (No cap now is more than any: it extends the run. A run stored without a budget has none to compare.)
  const had = recordedAttempts(run);
  const given = opts.budget?.attempts;
  if (had !== undefined && given !== undefined && given < had)
    return `run ${run.id} has a budget of ${had} attempts (not ${given}): a smaller one would leave attempts it stored out of its summary; give --budget ${had} to resume it, or more to extend it`;
  return undefined;
}

/** The deterministic plan: the same options give the same attempts with the same ids. */
export function planRedteam(opts: RedteamOptions): {
  items: PlannedItem[];
  unavailable: RedteamSummary['unavailable'];
} {
  const persona = getPersona(opts.persona ?? 'intermediate');
  if (!persona)
    throw new InputError(
      `unknown persona "${opts.persona}" (low_skill, intermediate)`,
      undefined,
      undefined,
      'persona',
    );
  const split = opts.split ?? 'attack';
  const { attacks: named, chosen } = classifyTechniques(opts.techniques ?? [], opts.templates);
  const unavailable: RedteamSummary['unavailable'] = [];
  // Named attacks run as named; otherwise the persona's mix, with chains when techniques were named.
  const wanted = new Set(named.length ? named : ATTACKS.map((a) => a.id));
  if (!named.length && chosen.length) {
    for (const a of ['pair', 'tap', 'simulated', 'many_shot', 'search', 'crescendo']) wanted.delete(a);
  }
  for (const id of [...wanted]) {
    const a = getAttack(id);
    if (a?.needsAttacker && !opts.attacker) {
      wanted.delete(id);
      if (named.includes(id))
        unavailable.push({
          attack: id,
          reason: `${id} needs an attacker model; set roles.attacker in the config (offline, use search or crescendo)`,
        });
    }
  }
  // The translate attack: each seed translated by the attacker into each of translateTo's languages.
  // Never offline: the phrase tables know a few languages, and text they cannot translate would go
  // out as it was, counted as an attack in a language it is not in.
  const translateTo = [...new Set(opts.translateTo ?? [])];
  if (translateTo.length && !opts.attacker)
    throw new InputError(
      `redteam.translateTo (${translateTo.join(', ')}) needs an attacker model to translate with: set roles.attacker, or empty translateTo`,
      undefined,
      undefined,
      'translateTo',
    );
  // Named techniques without translate plan none of it: said, never a silent no-op.
  const translating = translateTo.length > 0 && (!opts.techniques?.length || chosen.includes('translate'));
  if (translateTo.length && !translating)
    unavailable.push({
      attack: 'translate',
      reason: `translateTo (${translateTo.join(', ')}) is not planned: the techniques named (${(opts.techniques ?? []).join(', ')}) leave out translate (the search and every other attack ask in the seeds' own languages); name translate beside them to add the translated attempts`,
    });
  // Alone, the translate converter would turn a request into the seed's own language and send it
  // unchanged: the languages to translate into are translateTo's.
  if (chosen.includes('translate') && !translateTo.length)
    unavailable.push({
      attack: 'translate',
      reason:
        'translate is not planned: alone it would translate each seed into its own language; name the languages to translate into (redteam.translateTo, with an attacker model: roles.attacker), or attack other languages with seeds written in them (redteam.languages, or a seeds file)',
    });
  const templateSplits: Split[] = split === 'heldback' ? ['heldback'] : ['attack', 'train'];
  const templates = [...builtinTemplates(), ...(opts.templates ?? [])].filter((t) =>
    templateSplits.includes(t.split ?? 'attack'),
  );
  const rng = createRng(`redteam:${opts.seed ?? 0}`);
  const seeds = seedsToAttack(opts);
  // A seed that translates another one attacked here (the built-in French and Spanish seeds of each
  // English one: `parent`) is not translated again: three near-identical Zulu prompts of one request
  // would count it three times in the zu slice. Its parent's translation stands for it; a seed with
  // no parent among them (a seeds file's own German ones, --languages fr alone) is translated.
  const attacked = new Set(seeds.map((s) => s.id));
  const items: PlannedItem[] = [];
  for (const seed of seeds) {
    const plan = persona.plan(seed, {
      rng: rng.fork(seed.id),
      templates,
      converters: OFFLINE_CONVERTERS,
      attacks: wanted,
      chosen,
    });
    for (const [index, p] of plan.entries()) {
      items.push({
        ...p,
        seed,
        index,
        id: stableId('att', opts.runId, opts.round ?? null, seed.id, p.attack, p.techniques, index),
      });
    }
    // (keyed by language, not place: the same attempt id whatever the persona planned beside it)
    const into =
      translating && !(seed.parent && attacked.has(seed.parent))
        ? translateTo.filter((l) => l !== seed.language)
        : [];
    for (const [i, language] of into.entries())
      items.push({
        attack: 'chain',
        techniques: ['translate'],
        options: { language },
        language,
        seed,
        index: plan.length + i,
        id: stableId(
          'att',
          opts.runId,
          opts.round ?? null,
          seed.id,
          'chain',
          ['translate'],
          `to:${language}`,
        ),
      });
  }
  rng.fork('order').shuffle(items);
  const cap = opts.budget?.attempts;
  return { items: cap !== undefined ? items.slice(0, cap) : items, unavailable };
}

/** The plan, or an InputError (exit 2) when it holds no attempt: a run that attacks with nothing
 * tests nothing, and "nothing broke" would be a false pass. The CLI asks before opening the store. */
export function checkedPlan(opts: Parameters<typeof planRedteam>[0]): ReturnType<typeof planRedteam> {
  const persona = opts.persona ?? 'intermediate';
  const { items, unavailable } = planRedteam(opts);
  if (items.length === 0)
    throw new InputError(
      unavailable.length
        ? unavailable.map((u) => u.reason).join('; ')
        : `no attempt planned: persona ${persona}${opts.techniques?.length ? ` with techniques ${opts.techniques.join(', ')}` : ''} makes none on the seeds in use (split ${opts.split ?? 'attack'})`,
      undefined,
      undefined,
      'techniques',
      'see `breakfix redteam --list` (the low_skill persona runs direct asks, simple templates and a 2-turn Crescendo only)',
    );
  return { items, unavailable };
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
  const budget: BudgetCounter = {
    calls: 0,
    tokens: 0,
    attackerTokens: 0,
    exhausted() {
      if (this.reason) return true;
      if (opts.budget?.tokens !== undefined && this.tokens >= opts.budget.tokens) this.reason = 'tokens';
      else if (opts.budget?.attackerTokens !== undefined && this.attackerTokens >= opts.budget.attackerTokens)
        this.reason = 'attackerTokens';
      else if (deadline !== undefined && Date.now() >= deadline) this.reason = 'seconds';
      return this.reason !== undefined;
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
      'id' | 'outcome' | 'category' | 'attack' | 'techniques' | 'language' | 'turns' | 'error' | 'verdicts'
    >,
  ) => {
    add(summary, a.outcome);
    if (a.outcome === 'success' && harmOnlyInTrace(a.verdicts))
      summary.reasoningOnly = (summary.reasoningOnly ?? 0) + 1;
    const slice = (dim: keyof RedteamSummary['slices'], key: string) => {
      summary.slices[dim][key] ??= emptySlice();
      add(summary.slices[dim][key], a.outcome);
    };
    slice('category', a.category ?? 'none');
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
      skippedWrites += batch.length - store.saveAttempts(batch, { replaceErrors: opts.retryErrors ?? false });
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
    if (pending.length >= 32 || Date.now() - lastFlush > 250) flush();
    const ready = waiters.filter((w) => finishedPrefix >= w.upTo);
    waiters = waiters.filter((w) => finishedPrefix < w.upTo);
    for (const w of ready) w.resolve();
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
      // What the search learned before the interruption is not lost: replay its wins.
      if (prior.attack === 'search' && !prior.retestOf)
        search.commit(
          index,
          category,
          prior.outcome === 'success' && prior.techniques.length
            ? [{ arm: prior.techniques.join('+'), reward: 1, success: true }]
            : [],
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
    if (result.incomplete) {
      progress?.tick(1, 'budget spent');
      return; // nothing judged: not stored, so a resumed run does it
    }
    // Failed by the refusal that halted the run (or not sent after it): a resume does it.
    if (result.outcome === 'error' && opts.halt?.halted) {
      progress?.tick(1, 'halted');
      return;
    }
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
      createdAt: new Date().toISOString(),
    };
    toWrite.set(index, attempt);
    summary.ran++;
    progress?.tick(1, attempt.outcome);
  };
  const worker = async () => {
    while (cursor < items.length && !budget.exhausted() && !opts.halt?.halted) {
      // A run another process took over is left to it: no attempt more is sent (ClaimLostError).
      store?.assertOwned(opts.runId);
      const index = cursor++;
      try {
        await runOne(items[index], index);
      } finally {
        markFinished(index);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: n }, worker));
  } finally {
    flush();
  }
  const halted = opts.halt?.error();
  if (halted) throw halted;
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
