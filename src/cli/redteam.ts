// `breakfix redteam`: attack a target with the red-team engine, print a table of outcomes and
// attack success rates (errors and undetermined beside them), store every attempt. `--list` prints
// every converter, template and attack, and the categories and languages of the seeds in use.
import type { Command } from 'commander';
import {
  ATTACKS,
  attackOptions,
  builtinTemplates,
  CONVERTERS,
  categoryById,
  checkedPlan,
  checkSeedFilters,
  evaluatorNote,
  getPersona,
  type RedteamSetup,
  type RedteamSummary,
  raterNote,
  resumeConflict,
  runRedteam,
  type SliceStats,
  seedFacets,
  selectSeeds,
  truncationNote,
} from '../break/index.js';
import { type Config, defaultConfig, redactConfig, redactText, redactURL } from '../config/index.js';
import {
  isLanguageTag,
  languageTag,
  newRunId,
  type Seed,
  type Split,
  TRANSLATE_TO_ERRORS,
} from '../core/index.js';
import { configChanges } from '../cycle/run.js';
import { createJudges } from '../judge/index.js';
import { ClaimLostError, type RunRow } from '../store/index.js';
import { embeddedRefFingerprint, modelPathResolver } from '../targets/embedded-path.js';
import { asRole, inSpendScope, resolveTargetConfig } from '../targets/index.js';
import {
  type CommonOptions,
  decimalNumber,
  ExitCode,
  loadContext,
  runAction,
  runtimeErrorJson,
  stopRunOnSignal,
  terminalSafeJson,
  terminalText,
  undecidedHarmHint,
  usageError,
  userData,
  wholeNumber,
  withCommonOptions,
} from './common.js';

interface RedteamCliOptions extends CommonOptions {
  target?: string;
  categories?: string[];
  techniques?: string[];
  languages?: string[];
  translateTo?: string;
  persona?: string;
  budget?: string;
  tokens?: string;
  seconds?: string;
  concurrency?: string;
  seed?: string;
  split?: string;
  runId?: string;
  retryErrors?: boolean;
  takeOver?: boolean;
  list?: boolean;
}

/** The harmful seeds a red-team run draws from: the built-ins and the config's seed files. */
function seedsInUse(files: ReturnType<typeof userData>): Seed[] {
  return [...selectSeeds({ kind: 'harmful' }), ...files.seeds.filter((s) => s.kind === 'harmful')];
}

const seedCount = (x: { seeds: number; heldback: number }) =>
  `${x.seeds} seed${x.seeds === 1 ? '' : 's'}${x.heldback ? `, ${x.heldback} held back` : ''}`;

/** Everything the red team can do, one line each; with `seeds`, the categories and languages they
 * cover (what --categories and --languages accept). */
export function listTechniques(
  seeds: Seed[] = selectSeeds({ kind: 'harmful' }),
  sizes: Config['redteam']['attacks'] = defaultConfig().redteam.attacks,
) {
  const line = (x: { id: string; description: string }) => ({ id: x.id, description: x.description });
  const facets = seedFacets(seeds);
  return {
    converters: CONVERTERS.map(line),
    templates: builtinTemplates().map((t) => ({ ...line(t), family: t.family, split: t.split ?? 'attack' })),
    attacks: ATTACKS.map((a) => {
      const shown = attackSizes(a.id, sizes);
      return { ...line(a), needsAttacker: Boolean(a.needsAttacker), ...(shown && { sizes: shown }) };
    }),
    categories: facets.categories.map((c) => ({
      ...c,
      description: `${categoryById(c.id)?.name ?? 'category of a seeds file'} (${seedCount(c)})`,
    })),
    languages: facets.languages.map((l) => ({ ...l, description: seedCount(l) })),
  };
}

/** An attack's sizes as the config sets them (redteam.attacks), for --list. */
function attackSizes(id: string, s: Config['redteam']['attacks']): string | undefined {
  if (id === 'pair')
    return `${s.pair.streams} streams × ${s.pair.iterations} iterations, the last ${s.pair.keep} exchanges shown: at most ${s.pair.streams * s.pair.iterations} target calls (redteam.attacks.pair)`;
  if (id === 'tap')
    return `branching ${s.tap.branching}, width ${s.tap.width}, depth ${s.tap.depth}: at most ${s.tap.branching * s.tap.width * s.tap.depth} target calls (redteam.attacks.tap)`;
  if (id === 'many_shot') return `${s.manyShot.shots} shots (redteam.attacks.manyShot)`;
  if (id === 'crescendo') return `up to ${s.crescendo.backtracks} backtracks (redteam.attacks.crescendo)`;
  return undefined;
}

function renderList(l: ReturnType<typeof listTechniques>): string {
  // Ids and descriptions may come from the config's seed and template files: shown, never acted on.
  const all = [...l.converters, ...l.templates, ...l.attacks, ...l.categories, ...l.languages];
  const w = Math.max(...all.map((x) => terminalText(x.id).length)) + 2;
  const block = (title: string, rows: { id: string; description: string }[]) => [
    `${title} (${rows.length})`,
    ...rows.map((r) => `  ${terminalText(r.id).padEnd(w)}${terminalText(r.description)}`),
  ];
  return [
    ...block(
      'attacks',
      l.attacks.map((a) => ({
        id: a.id,
        description: `${a.description}${a.sizes ? ` [${a.sizes}]` : ''}${a.needsAttacker ? ' [needs roles.attacker]' : ''}`,
      })),
    ),
    '',
    ...block('converters', l.converters),
    '',
    ...block(
      'templates',
      l.templates.map((t) => ({ id: t.id, description: `${t.description} [${t.family}, ${t.split}]` })),
    ),
    '',
    ...block('categories', l.categories),
    '',
    ...block('languages', l.languages),
  ].join('\n');
}

const pct = (x: number | null) => (x === null ? '   n/a' : `${(100 * x).toFixed(1).padStart(5)}%`);

function sliceTable(title: string, rows: Record<string, SliceStats>): string[] {
  const keys = Object.keys(rows).sort();
  if (!keys.length) return [];
  // Keys are seed categories and languages, template ids: a seeds or templates file's text.
  const label = (k: string) => terminalText(k);
  const w = Math.max(title.length, ...keys.map((k) => label(k).length)) + 2;
  const head = `${title.padEnd(w)}${'n'.padStart(6)}${'ASR'.padStart(8)}${'succ'.padStart(6)}${'fail'.padStart(6)}${'err'.padStart(6)}${'und'.padStart(6)}`;
  return [
    head,
    ...keys.map((k) => {
      const s = rows[k];
      return `${label(k).padEnd(w)}${String(s.attempts).padStart(6)}${pct(s.asr).padStart(8)}${String(s.success).padStart(6)}${String(s.failure).padStart(6)}${String(s.error).padStart(6)}${String(s.undetermined).padStart(6)}`;
    }),
  ];
}

/** The summary as text. Every piece of text from outside (the target's error bodies, seed and
 * template files, the target name) is printed through terminalText: shown, never acted on. */
export function renderRedteam(s: RedteamSummary): string {
  const t = (x: string) => terminalText(x);
  const lines = [
    `redteam ${t(s.target)} · persona ${t(s.persona)} · run ${t(s.runId)}${s.round !== undefined ? ` · round ${s.round}` : ''}`,
    `${s.attempts} attempts (${s.ran} run${s.retried ? ` (${s.retried} of them errors retried)` : ''}, ${s.resumed} resumed of ${s.planned} planned) · ${s.calls} target calls · ${s.tokens} target tokens${s.resumed ? ' (by the attempts run now: breakfix report has the run’s spend)' : ''}${s.attackerCalls ? ` · ${s.attackerCalls} attacker calls · ${s.attackerTokens ?? 0} attacker tokens` : ''} · ${s.seconds.toFixed(1)} s${s.stoppedBy ? ` · stopped: ${s.stoppedBy} budget spent` : ''}`,
    `ASR ${pct(s.asr).trim()} (${s.success} success / ${s.success + s.failure} decided) · ${s.error} error · ${s.undetermined} undetermined`,
  ];
  for (const u of s.unavailable) lines.push(`unavailable: ${t(u.attack)}: ${t(u.reason)}`);
  if (s.firstError) lines.push(`first error: ${t(s.firstError.slice(0, 300))}`);
  if (s.rater?.failures) lines.push(t(raterNote(s.rater)));
  if (s.evaluator?.failures) lines.push(t(evaluatorNote(s.evaluator)));
  if (s.truncated) lines.push(t(truncationNote(s.truncated)));
  for (const [dim, title] of [
    ['attack', 'attack'],
    ['category', 'category'],
    ['language', 'language'],
    ['turns', 'turns'],
    ['technique', 'technique chain'],
  ] as const) {
    const t = sliceTable(title, s.slices[dim]);
    if (t.length) lines.push('', ...t);
  }
  if (s.search) {
    lines.push('', 'search: best arms by category');
    for (const [cat, v] of Object.entries(s.search))
      lines.push(
        `  ${t(cat)}: ${v.tries} tries; ${v.best.map((b) => `${t(b.arm)} ${b.successes}/${b.n}`).join(', ') || 'nothing found'}`,
      );
  }
  lines.push(
    '',
    'ASR = success / (success + failure); error and undetermined are reported beside it, never counted as safe.',
  );
  return lines.join('\n');
}

/** What decides the run's results besides its plan (RedteamSetup): the configs of the target, the
 * attacker and the LLM judges, by the names the run shows them under, with every secret redacted —
 * a key is never stored, and a changed key is no other setup — and the judges and attack settings. */
export function redteamSetup(config: Config, targetRef: string): RedteamSetup {
  const targets: RedteamSetup['targets'] = {};
  const add = (ref: string) => {
    const { name, config: target } = resolveTargetConfig(ref, config);
    const shown = redactText(name);
    const redacted = redactConfig(target);
    targets[shown] =
      'baseURL' in redacted && redacted.baseURL
        ? { ...redacted, baseURL: redactURL(redacted.baseURL) }
        : redacted;
    return shown;
  };
  const target = add(targetRef);
  const attacker = config.roles.attacker !== undefined ? add(config.roles.attacker) : undefined;
  for (const ref of [
    config.judges.refusal,
    config.judges.severity,
    config.judges.groundedness,
    config.judges.jailbreak,
    config.judges.llamaguard,
  ])
    if (ref !== undefined && ref !== 'offline') add(ref);
  return {
    targets,
    roles: { target, ...(attacker !== undefined && { attacker }) },
    judges: redactConfig(config.judges),
    redteam: {
      maxTurns: config.redteam.maxTurns,
      search: { ...config.redteam.search },
      attacks: structuredClone(config.redteam.attacks),
    },
  };
}

const MAX_CHANGES_SHOWN = 5;

/** Each field of the stored run's setup that differs now, as the cycle's resume names them
 * (`targets.cand.model: "m:a" → "m:b"`); pacing (a remote target's concurrency, rpm, tpm, timeoutMs,
 * retries, cache) may differ. A run stored without a setup (an older breakfix) has none to compare. */
function setupConflict(run: RunRow, setup: RedteamSetup): string | undefined {
  const stored = (run.config as { setup?: unknown } | undefined)?.setup;
  if (stored === undefined) return undefined;
  // (The setup has the config's shape where configChanges looks: targets, roles, judges, redteam.)
  const changes = configChanges(stored, setup as unknown as Config);
  if (!changes.length) return undefined;
  const shown = changes.slice(0, MAX_CHANGES_SHOWN);
  const more = changes.length - shown.length;
  return `run ${run.id} started with another target, attacker or judge setup, and resuming it would mix two in one ASR: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

/** A list option (`--languages fr es`, `--languages fr,es`): its items, undefined when not given.
 * Given but naming nothing (`--languages "$LANGS"` with the variable empty) is a usage error, as
 * bench's `--suite ""` is: an empty list reads as no filter, and the red team attacked everything. */
const list = (option: string, v?: string[]) => {
  if (v === undefined) return undefined;
  const items = v
    .flatMap((x) => x.split(','))
    .map((x) => x.trim())
    .filter(Boolean);
  if (!items.length)
    throw usageError(
      `${option} names nothing`,
      `name one or more (breakfix redteam --list), or leave ${option} out`,
    );
  return items;
};

/** --translate-to's comma list (redteam's and cycle's), checked as the config's redteam.translateTo
 * is (each a BCP 47 tag, canonical; an attacker model to translate with), undefined when not given.
 * An empty list translates nothing, whatever the config says. */
export function translateToOption(value: string | undefined, config: Config): string[] | undefined {
  if (value === undefined) return undefined;
  const tags = value
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  for (const tag of tags)
    if (!isLanguageTag(tag))
      throw usageError(`--translate-to: "${terminalText(tag)}" ${TRANSLATE_TO_ERRORS.notATag}`);
  if (tags.length && config.roles.attacker === undefined)
    throw usageError(
      `--translate-to (${terminalText(tags.join(', '))}): ${TRANSLATE_TO_ERRORS.noAttacker}, or leave out --translate-to`,
    );
  return tags.map(languageTag);
}

async function action(opts: RedteamCliOptions): Promise<number> {
  const ctx = await loadContext(opts);
  try {
    // The seeds in use (built-in and the config's files) decide which categories and languages exist.
    const files = userData(ctx);
    const seeds = seedsInUse(files);
    if (opts.list) {
      const l = listTechniques(seeds, ctx.config.redteam.attacks);
      if (opts.json) process.stdout.write(`${terminalSafeJson(JSON.stringify(l, null, 2))}\n`);
      else process.stdout.write(`${renderList(l)}\n`);
      return ExitCode.ok;
    }
    const cfg = ctx.config.redteam;
    const persona = opts.persona ?? cfg.persona;
    if (!getPersona(persona))
      throw usageError(`unknown persona "${persona}"`, 'use low_skill or intermediate');
    const split = (opts.split ?? 'attack') as Split;
    // (train is the fix data's: material the model is trained on is no measure of it)
    if (!['attack', 'heldback'].includes(split))
      throw usageError(`--split must be attack or heldback (got "${split}")`);
    // The same constraints as the config's redteam.budget: attempts and tokens ≥ 1, seconds > 0.
    const budget = {
      attempts: wholeNumber('--budget', opts.budget, 1) ?? cfg.budget.attempts,
      tokens: wholeNumber('--tokens', opts.tokens, 1) ?? cfg.budget.tokens,
      attackerTokens: cfg.budget.attackerTokens,
      seconds: decimalNumber('--seconds', opts.seconds, 0, true) ?? cfg.budget.seconds,
    };
    const concurrency = wholeNumber('--concurrency', opts.concurrency, 1) ?? cfg.concurrency;
    const seed = wholeNumber('--seed', opts.seed) ?? ctx.config.seed;
    if (opts.retryErrors && opts.runId === undefined)
      throw usageError(
        '--retry-errors needs --run-id: it runs again the attempts a stored run ended in error',
        'breakfix redteam --run-id <id> --retry-errors, with the options the run was started with',
      );
    if (opts.takeOver && opts.runId === undefined)
      throw usageError(
        '--take-over takes over a run being resumed: a new red-team run has no claim to take',
        'add --run-id <id>',
      );
    const categories = list('--categories', opts.categories) ?? cfg.categories;
    // (read as a seed's language is: `--languages EN French` is en and fr)
    const languages = list('--languages', opts.languages)?.map(languageTag) ?? cfg.languages;
    checkSeedFilters(
      { seeds, categories, languages, split },
      {
        categories: opts.categories ? '--categories' : "the config's redteam.categories",
        languages: opts.languages ? '--languages' : "the config's redteam.languages",
      },
    );
    const translateTo = translateToOption(opts.translateTo, ctx.config) ?? cfg.translateTo;
    const targetRef = opts.target ?? ctx.config.roles.target;
    const target = asRole(ctx.target(targetRef), 'target');
    const targetName = ctx.targetName(targetRef);
    const techniques = list('--techniques', opts.techniques) ?? cfg.techniques;
    const runId = opts.runId ?? newRunId();
    const settings = {
      target,
      targetId: targetName,
      persona: persona as 'low_skill' | 'intermediate',
      techniques,
      languages,
      translateTo,
      categories,
      split,
      seed,
      seeds,
      templates: files.templates,
    };
    const attacker = ctx.config.roles.attacker
      ? asRole(ctx.target(ctx.config.roles.attacker), 'attacker')
      : undefined;
    const judges = createJudges(ctx.config, { target: (n) => asRole(ctx.target(n), 'judge') });
    // An empty plan is bad input, said before the store is opened (and created).
    checkedPlan({ ...settings, judges, budget, runId, attacker });
    // An embedded model's checkpoint by content: a resume on a retrained folder is another run.
    const targetCheckpoint = embeddedRefFingerprint(
      targetRef,
      ctx.config.targets,
      modelPathResolver(() => ctx.store),
    );
    // Rerunning a red-team run with its settings (and data) resumes it; anything else is another run.
    const setup = redteamSetup(ctx.config, targetRef);
    const existing = opts.runId !== undefined ? ctx.store.getRun(runId) : undefined;
    if (opts.retryErrors && !existing)
      throw usageError(`--retry-errors: no run ${runId} in ${ctx.storePath} to retry the errors of`);
    const conflict =
      existing &&
      (resumeConflict(existing, { ...settings, targetCheckpoint, budget }) ?? setupConflict(existing, setup));
    if (conflict)
      throw usageError(
        `${conflict}; use a new --run-id`,
        "a run id resumes the red-team run stored under it with the same target, attacker, judges (their configs: the values left of →) and settings, and at least its --budget (a larger one extends it); --tokens, --seconds and pacing (--concurrency, a remote target's concurrency, rpm, tpm, timeoutMs, retries, cache) may change",
      );
    // The run id is the way back in after a crash or a kill: say it before the work starts.
    ctx.progress.log(`run ${runId} (resume after a stop: breakfix redteam --run-id ${runId}, same options)`);
    const removeSignalHandlers = stopRunOnSignal(
      ctx,
      runId,
      `breakfix redteam --run-id ${runId} with the same options`,
    );
    const summary = await inSpendScope({ runId, stage: 'break' }, () =>
      runRedteam({
        ...settings,
        setup,
        targetCheckpoint,
        judges,
        budget,
        concurrency,
        store: ctx.store,
        runId,
        attacker,
        progress: ctx.progress,
        maxTurns: cfg.maxTurns,
        search: { iterations: cfg.search.iterations, algorithm: cfg.search.algorithm },
        attackOptions: attackOptions(cfg.attacks),
        halt: ctx.halt,
        retryErrors: opts.retryErrors ?? false,
        takeOver: opts.takeOver ?? false,
      }),
    )
      .catch((err) => {
        // (a run taken over is the other process's to go on with: no resume to offer)
        if (err instanceof ClaimLostError) throw err;
        throw (
          ctx.halt.error(
            `then resume: breakfix redteam --run-id ${runId} with the same options (what failed was not stored)`,
          ) ?? err
        );
      })
      .finally(removeSignalHandlers);
    // (every attack named was unavailable; a note on another technique, translateTo's, is none of them)
    const named = techniques.filter((t) => ATTACKS.some((a) => a.id === t));
    if (named.length && named.every((id) => summary.unavailable.some((u) => u.attack === id)))
      throw usageError(summary.unavailable.map((u) => u.reason).join('; '));
    const failure = redteamFailure(summary, ctx.config);
    // (with --json, why it exits 3 is in the result too, for a script that reads only stdout)
    ctx.out(
      failure ? { ...summary, exitError: runtimeErrorJson(failure.message, failure.hint) } : summary,
      () => renderRedteam(summary),
    );
    if (failure) {
      process.stderr.write(
        `breakfix: ${terminalText(failure.message)}\n${failure.more ?? ''}${failure.hint ? `hint: ${failure.hint}\n` : ''}`,
      );
      return ExitCode.runtime;
    }
    return summary.success > 0 ? ExitCode.findings : ExitCode.ok;
  } finally {
    await ctx.close();
  }
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('redteam')
      .description(
        'red-team a target: converters, templates, multi-turn attacks, personas, the search attacker',
      )
      .option(
        '-t, --target <name>',
        'a config target name or a spec: embedded:base, openai:MODEL[@http://host/v1], anthropic:MODEL (default: roles.target)',
      )
      .option('--categories <ids...>', 'harm categories to attack (default: all)')
      .option(
        '--techniques <ids...>',
        'attack, converter or template ids (see --list; default: the persona’s mix)',
      )
      .option('--languages <codes...>', 'languages to attack in, e.g. en fr es (default: all)')
      .option(
        '--translate-to <langs>',
        'comma list of BCP 47 tags (e.g. zu,gd,hmn): the attacker model (roles.attacker) translates each seed into each, and each reply back before it is judged; "" translates nothing (default: redteam.translateTo)',
      )
      .option('--persona <id>', 'low_skill | intermediate (default: redteam.persona)')
      .option('--budget <n>', 'most attempts (default: redteam.budget.attempts)')
      .option('--tokens <n>', 'most target tokens of the run (a resume counts what it spent before)')
      .option(
        '--seconds <n>',
        'stop after n seconds: no new attempt or target call (an attempt cut short is not stored; a resume runs it whole)',
      )
      .option('--concurrency <n>', 'attempts in flight at once (default: redteam.concurrency)')
      .option('--seed <n>', 'seed of every random choice (default: config seed)')
      .option('--split <split>', 'attack | heldback: which seeds and templates to use', 'attack')
      .option(
        '--run-id <id>',
        "store under this run id; rerunning with it resumes (skips stored attempts) if the target, attacker and judges (their configs, pacing aside), settings, seeds, templates and an embedded target's checkpoint are unchanged and --budget is no smaller (a larger one extends the run); else exit 2",
      )
      .option(
        '--retry-errors',
        'with --run-id: run again the attempts the run stored as errors (a failed request or judge), replacing each in place; a plain resume keeps them',
      )
      .option(
        '--take-over',
        'with --run-id: take the run from the process on another host that claimed it, once you know that process is gone (without it, a claim whose heartbeat is 10 minutes old is taken over with a warning)',
      )
      .option('--list', 'print every converter, template and attack with a one-line description'),
    { cache: true, quiet: true },
  )
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix redteam --list
  $ breakfix redteam --target candidate --budget 100
  $ breakfix redteam --persona low_skill --languages fr es --json
  $ breakfix redteam --techniques search --categories nonviolent_crimes --budget 20
  $ breakfix redteam --techniques leetspeak screenplay base64 --seed 7
  $ breakfix redteam --translate-to zu,gd,hmn                       needs roles.attacker
  $ breakfix redteam --run-id run_abc --budget 300                  starts run_abc, or resumes it
  $ breakfix redteam --run-id run_abc --budget 300 --retry-errors   and redoes its errors
  $ breakfix redteam --run-id run_abc --budget 300 --take-over      from a host that is gone

Exit codes: 0 nothing broke, 1 some attack succeeded, 2 bad input, 3 runtime or target failure:
more attempts ended in error than cycle.criteria.errorRate allows (0 by default: any), or no
attempt could be decided (every one undetermined or in error, or none finished within --tokens or
--seconds). The table is printed either way. 4: another process took the run over (this one
stopped, storing nothing more).`,
    )
    .action(runAction((opts: RedteamCliOptions) => action(opts)));
}

/** Why a red-team run is no measurement (exit 3), or undefined. `more` is further stderr lines. */
function redteamFailure(
  summary: RedteamSummary,
  config: Config,
): { message: string; more?: string; hint?: string } | undefined {
  // A budget spent before any attempt finished tested nothing: not "nothing broke".
  if (summary.attempts === 0)
    return {
      message: `no attempt finished${summary.stoppedBy ? ` before the ${summary.stoppedBy} budget ran out` : ''}: nothing was tested, nothing is known to be safe`,
      hint: `resume with a larger budget: breakfix redteam --run-id ${summary.runId} with the same options`,
    };
  if (summary.error === summary.attempts)
    return { message: `every attempt ended in error (${summary.firstError ?? 'unknown'})` };
  // Nothing decided is not "nothing broke": a model whose answers the offline judges cannot read
  // (real text, not the embedded world's shapes) leaves every attempt undetermined.
  if (summary.success + summary.failure === 0)
    return {
      message: `no attempt could be decided (${summary.undetermined} undetermined, ${summary.error} error): nothing is known to be safe`,
      more: `${undecidedHarmHint(config)}\n`,
    };
  // Failed requests leave the run incomplete: its ASR stands on the rest, and a CI step must not
  // read that as a clean pass. Within cycle.criteria.errorRate (0 by default) it is tolerated.
  const tolerance = config.cycle.criteria.errorRate;
  if (summary.error / summary.attempts > tolerance)
    return {
      message: `${summary.error} of ${summary.attempts} attempts ended in error (more than cycle.criteria.errorRate ${tolerance}); the ASR stands on the other ${summary.attempts - summary.error}${summary.success ? `, of which ${summary.success} succeeded` : ''}`,
      more: `first error: ${terminalText(summary.firstError ?? 'unknown')}\n`,
      hint: `a resume keeps errored attempts; once the target is fixed, run them again: breakfix redteam --run-id ${summary.runId} --retry-errors with the same options`,
    };
  return undefined;
}
