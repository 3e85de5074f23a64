// What a red-team run attempts, decided before anything is sent: the seeds it attacks, the
// techniques it was given, the deterministic plan (the same options give the same attempts with the
// same ids, which is what lets a rerun skip what is stored), and whether a stored run may be
// resumed with these settings.

import {
  compareText,
  createRng,
  InputError,
  type Seed,
  type Split,
  stableId,
  type Template,
  terminalText,
} from '../core/index.js';
import type { RunRow } from '../store/index.js';
import { ATTACKS, getAttack } from './attacks/index.js';
import { getConverter } from './converters/index.js';
import { dataFingerprint } from './fingerprint.js';
import { getPersona, OFFLINE_CONVERTERS, type PlannedAttack } from './personas.js';
import type { RedteamOptions, RedteamSummary } from './redteam.js';
import { builtinTemplates, getTemplate } from './templates/index.js';

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
    return [...m.values()].sort((a, b) => compareText(a.id, b.id));
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
