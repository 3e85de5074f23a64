// The round state machine: bench → break → retest → identify → curate → train → next candidate.
// Each step writes its result through the store and then a step marker; a resumed run skips every
// marked step and re-enters an unmarked one from its own stored state (attempt ids are
// deterministic, so a half-finished red-team round picks up where it stopped without duplicates).
import { dirname, join, resolve } from 'node:path';
import { benchTruncationNote, customSuiteTexts, runBench } from '../bench/index.js';
import {
  attackOptions,
  builtinSeeds,
  checkSeedFilters,
  classifyTechniques,
  evaluatorNote,
  planRetest,
  raterNote,
  runRedteam,
  runRetest,
  truncationNote,
} from '../break/index.js';
import {
  type Config,
  checkRoleTargetsSet,
  defaultConfig,
  redactConfig,
  roleTargets,
} from '../config/index.js';
import type { FigureName, ModelRef, Progress, Seed, Target, Template } from '../core/index.js';
import { BreakfixError, createRng, InputError, isPlainObject, terminalText } from '../core/index.js';
import {
  createTrainer,
  curate,
  curatedBefore,
  exportRecords,
  fixDataThrough,
  heldOutTexts,
  identifyVulnerabilities,
  openVulnerabilities,
  roundExportDir,
  shortfallLines,
  trainSeed,
} from '../fix/index.js';
import { createJudges, type JudgeSet } from '../judge/index.js';
import { claimRunOrRefuse, type RunRow, type Store } from '../store/index.js';
import { asRole, inSpendScope, type RunHalt, resolveTargetConfig } from '../targets/index.js';
import { roundCounts } from './counts.js';
import type { PairedChange, RoundCounts, RoundMetrics } from './criteria.js';
import { checkCycleCriteria } from './criteria-check.js';
import { type CycleInputs, checkResumedInputs, cycleInputs, recordInputs } from './inputs.js';
import { checkResumedJudges } from './judges-check.js';
import { roundMetrics, vulnerabilitiesOpen } from './metrics.js';
import { pairedChanges } from './paired.js';
import { chooseRelease, type Release, type RoundOutcome, stopAfter } from './release.js';

export interface CycleContext {
  config: Config;
  store: Store;
  /** Resolves a target name (from config) or a spec (`embedded:round-1`). */
  target(nameOrSpec: string): Target;
  /** Closes and forgets what `target` made for this name (an embedded model and its prefix cache),
   * once the run is done with it; a later `target` makes it afresh. */
  release?(nameOrSpec: string): Promise<void>;
  progress: Progress;
  /** The user's own seeds and templates (config `seeds.files`, `templates.files`), used by every
   * step beside the built-ins. A seed with no `split` may be both attacked and trained on. */
  seeds?: Seed[];
  templates?: Template[];
  /** Folder that relative paths in the config (custom bench suites) are resolved against. */
  baseDir?: string;
  /** Told the run's id once it is opened (new or resumed), before any work: the CLI arms its
   * Ctrl-C handling with it. */
  onRun?: (runId: string) => void;
  /** Shared with the targets `target` makes (`RunHalt`): a refused key or spent quota stops the
   * round's bench, red team or retest with nothing it failed stored, for a resume to do. */
  halt?: RunHalt;
}

export interface CycleOptions {
  /** Continue the latest unfinished cycle run instead of starting a new one. */
  resume?: boolean;
  runId?: string;
  maxRounds?: number;
  /** Take the resumed run from another host's process whose claim is still fresh (claimRunOrRefuse). */
  takeOver?: boolean;
}

/** A round's figures in `cycle --json` (core/figures.ts), each null where not measured. */
type CycleRoundFigures = { [K in FigureName]-?: number | null };

export interface CycleRoundSummary extends CycleRoundFigures {
  round: number;
  model: string;
  /** What error_rate is over: the round's measurements, and those of them that ended in error. */
  samples: number | null;
  sample_errors: number | null;
  errors: number;
  undetermined: number;
  vulnerabilities_new: number;
  vulnerabilities_fixed: number;
  /** Fixed in an earlier round, broken again in this one (counted in open too). */
  vulnerabilities_regressed: number;
  /** Listed and not fixed (new, persisting, regressed, untested). */
  vulnerabilities_open: number;
  /** Open when last seen and decided by nothing this round. */
  vulnerabilities_untested: number;
  /** The retest's attempts that ended in error or undetermined: not in retest_asr (0 without one). */
  retest_errors: number;
  retest_undetermined: number;
  /** Benchmark items whose VPRR or helpfulness verdict moved since round 0, each way (paired.ts;
   * rounds after 0). */
  vprr_change?: PairedChange;
  helpfulness_change?: PairedChange;
  /** What each rate is over (decided, in error, undetermined: cycle/counts.ts), as the release
   * criteria read it. In the result only: read from the store each time, never stored in the run's
   * summary (absent where a caller builds a result itself). */
  counts?: RoundCounts;
}

export interface CycleResult {
  runId: string;
  rounds: CycleRoundSummary[];
  release: Release;
  resumed: boolean;
  /** Why the run ended after its last round: its round limit, a releasable round once minRounds
   * were done, or no new fix data (absent only where a caller builds a result itself). */
  stopped?: string;
}

const STEPS = ['bench', 'break', 'retest', 'identify', 'curate', 'train'] as const;

/** Attack material: the attack split, and user seeds that name no split. */
function attackMaterial(seeds: Seed[]): Seed[] {
  return seeds.filter((s) => s.kind === 'harmful' && (s.split === 'attack' || s.split === undefined));
}

/** What the config asks the red team to attack (categories, languages, techniques) must exist in the
 * seeds and templates in use: an InputError naming the config field, before anything is stored or
 * trained — a typo would otherwise end the cycle at its first break step, or attack nothing. */
export function checkCycleAttacks(config: Config, ctx: Pick<CycleContext, 'seeds' | 'templates'>): void {
  checkSeedFilters(
    {
      seeds: attackMaterial([...builtinSeeds(), ...(ctx.seeds ?? [])]),
      categories: config.redteam.categories,
      languages: config.redteam.languages,
      split: 'attack',
    },
    { categories: "the config's redteam.categories", languages: "the config's redteam.languages" },
  );
  classifyTechniques(config.redteam.techniques, ctx.templates);
}

export async function runCycle(ctx: CycleContext, opts: CycleOptions = {}): Promise<CycleResult> {
  checkCycleAttacks(ctx.config, ctx);
  checkCycleCriteria(ctx.config);
  checkRoleTargetsSet(ctx.config);
  // The targets the judges and roles were given: they hold them for the whole run, so a round's
  // model that is one of them is not released when its round is done. Kept as the targets, not their
  // names: two names can be one target (a stored spec's redacted credentials stand for the role's).
  const held = new Set<Target>();
  const roleTarget = (name: string) => {
    const t = ctx.target(name);
    held.add(t);
    return t;
  };
  const judges = createJudges(ctx.config, { target: (name: string) => asRole(roleTarget(name), 'judge') });
  const opened = openRun(ctx.store, ctx.config, opts, ctx.progress, cycleInputs(ctx.config, ctx), judges);
  // (claimed in openRun: a second process on the run would send and train it all again)
  try {
    return await cycleRounds(ctx, opened, judges, roleTarget, held);
  } finally {
    ctx.store.releaseRun(opened.run.id);
  }
}

async function cycleRounds(
  ctx: CycleContext,
  { run, resumed, maxRounds }: OpenedRun,
  judges: JudgeSet,
  roleTarget: (name: string) => Target,
  held: ReadonlySet<Target>,
): Promise<CycleResult> {
  const { config, store, progress } = ctx;
  const allSeeds = [...builtinSeeds(), ...(ctx.seeds ?? [])];
  const attackSeeds = attackMaterial(allSeeds);
  const runId = run.id;
  ctx.onRun?.(runId);
  const attacker = config.roles.attacker ? asRole(roleTarget(config.roles.attacker), 'attacker') : undefined;
  const teacher = config.roles.teacher ? asRole(roleTarget(config.roles.teacher), 'teacher') : undefined;
  const custom = config.bench.custom ?? [];
  const modelsDir = join(dirname(resolve(store.path)), 'models', runId);

  const baseModel: ModelRef = initialModel(config, store, runId);
  let model = baseModel;
  const summaries: CycleRoundSummary[] = [];
  const outcomes: RoundOutcome[] = [];
  let stopped = `round limit ${maxRounds} reached`;

  // The round that first reached each remote target id, and its model: the response cache is keyed
  // on the target id.
  const firstRoundOf = new Map<string, { round: number; model: string }>();
  for (let round = 0; round <= maxRounds; round++) {
    // A round whose red team decided nothing stopped the run (break, below): this resume attacks again.
    const failedBefore = store.getRounds(runId).some((r) => r.round === round && r.status === 'failed');
    store.upsertRound(runId, round, { model: model.id, status: 'running' });
    const roundTarget = ctx.target(model.target);
    let target = asRole(roundTarget, 'target');
    progress.log(`round ${round}: model ${model.id}`);
    // A trained model served under an earlier round's name and endpoint (a server restarted with the
    // new weights, a fixed served-model name) is the same target id: the response cache would give
    // it the earlier model's replies as its own. Its requests skip the cache. (The same model again,
    // after a round that curated nothing new, is no other model: its cached replies are its own.)
    const first = firstRoundOf.get(target.id);
    const earlier = first?.round;
    if (first === undefined) firstRoundOf.set(target.id, { round, model: model.id });
    else if (!target.id.startsWith('embedded:') && first.model !== model.id) {
      target = uncached(target);
      progress.log(
        terminalText(
          `round ${round}: model ${model.id} is reached as ${target.id}, as round ${earlier}'s was: its replies are not cached, so none of round ${earlier}'s are read back as its own (serve each round under its own name, e.g. train.command.target: openai:{out}@…, to keep the cache)`,
        ),
      );
    }

    // bench: the benchmark suites on attack material, then the held-back generalisation measure.
    const bench = await step(store, runId, round, 'bench', async () => {
      progress.log(`round ${round}: bench`);
      const main = await runBench({
        target,
        targetId: model.id,
        suites: [...config.bench.suites, ...custom.map((c) => c.name)],
        custom,
        baseDir: ctx.baseDir,
        judges,
        store,
        runId,
        round,
        split: 'attack',
        limit: config.cycle.benchLimit,
        seed: config.seed,
        concurrency: config.redteam.concurrency,
        progress,
        halt: ctx.halt,
      });
      // A target that answered no sample at all (a 404 for every request: a wrong model name, a
      // server serving another) stops the round here, as a red team that decided nothing does, not
      // after 300 attempts more; the step stays unmarked, so a resume benchmarks again.
      const { samples, sample_errors: errors } = main.summary;
      if (samples && errors === samples) {
        store.upsertRound(runId, round, { status: 'failed' });
        store.updateRun(runId, { status: 'failed' });
        const first = main.suites.find((s) => s.firstError)?.firstError;
        throw new BreakfixError(
          `round ${round}: all ${samples} benchmark samples ended in error${first ? ` (first error: ${first})` : ''}`,
          'round_failed',
          'check the target with `breakfix chat --target …` (request pacing — timeoutMs, retries, rpm, tpm — may change), then `breakfix cycle --resume`: it runs the benchmark again',
        );
      }
      const heldback = await runBench({
        target,
        targetId: model.id,
        suites: ['jailbreak'],
        judges,
        store,
        runId,
        round,
        split: 'heldback',
        limit: config.cycle.benchLimit,
        seed: config.seed,
        concurrency: config.redteam.concurrency,
        progress,
        halt: ctx.halt,
      });
      for (const [split, b] of [
        ['attack', main],
        ['heldback', heldback],
      ] as const)
        if (b.truncated)
          progress.log(terminalText(`round ${round}: bench (${split}): ${benchTruncationNote(b.truncated)}`));
      return { main: { ...main.summary }, heldback: { ...heldback.summary } };
    });

    // What the red team and the retest share: the model, its judges, where attempts are stored.
    const attacking = {
      target,
      targetId: model.id,
      seeds: attackSeeds,
      judges,
      concurrency: config.redteam.concurrency,
      seed: config.seed + round,
      store,
      runId,
      round,
      attacker,
      progress,
      halt: ctx.halt,
    };

    // break: the red team attacks what is left.
    const redteam = await step(store, runId, round, 'break', async () => {
      progress.log(`round ${round}: break`);
      // After that stop, the attempts that ended in error are run again, for a target fixed in between
      // (request pacing may change on resume); any other resume keeps them, as an uninterrupted run does.
      const summary = await runRedteam({
        ...attacking,
        retryErrors: failedBefore,
        templates: ctx.templates,
        persona: config.redteam.persona,
        techniques: config.redteam.techniques,
        languages: config.redteam.languages,
        translateTo: config.redteam.translateTo,
        categories: config.redteam.categories,
        budget: config.redteam.budget,
        maxTurns: config.redteam.maxTurns,
        search: config.redteam.search,
        attackOptions: attackOptions(config.redteam.attacks),
        split: 'attack',
      });
      if (undecidedButRead(summary, round)) {
        // A fixed model whose every answer the judges, who read round 0's, cannot read: the fix
        // broke it. That is this round's finding (its ASR is unmeasured, so it meets no criterion),
        // not a failure of the run: stopping here would leave an earlier releasable round unnamed.
        progress.log(
          `round ${round}: the judges decided none of the red team's ${summary.attempts} attempts (all undetermined): this round's ASR is unmeasured, so it cannot be released`,
        );
      } else if (summary.attempts > 0 && summary.success + summary.failure === 0) {
        // Nothing decided: the target or the judges failed throughout. Say so instead of reporting a
        // round with no failures as if the model were safe; the step stays unmarked, so a resume
        // attacks again rather than read back this result and stop on it.
        store.upsertRound(runId, round, { status: 'failed' });
        store.updateRun(runId, { status: 'failed' });
        throw new BreakfixError(
          `round ${round}: all ${summary.attempts} red-team attempts ended in error or undetermined` +
            (summary.firstError ? ` (first error: ${summary.firstError})` : ''),
          'round_failed',
          summary.error > 0
            ? 'check the target with `breakfix chat --target …` (request pacing — timeoutMs, retries, rpm, tpm — may change), then `breakfix cycle --resume`: it runs the attempts that ended in error again'
            : "the judges could decide none of the target's answers, and a resume would read them the same way (a run keeps its target and judges): start a new cycle once they are fixed (a real model's prose needs an LLM harm judge: judges.severity)",
        );
      }
      return summary;
    });
    if (
      redteam.attempts > 0 &&
      redteam.success + redteam.failure === 0 &&
      !undecidedButRead(redteam, round)
    ) {
      // A break step stored that way by an earlier breakfix (this one leaves it unmarked, above).
      store.upsertRound(runId, round, { status: 'failed' });
      store.updateRun(runId, { status: 'failed' });
      throw new BreakfixError(
        `round ${round}: all ${redteam.attempts} red-team attempts ended in error or undetermined`,
        'round_failed',
        'this run stored that result as its break step: start a new cycle',
      );
    }

    if (redteam.rater?.failures) progress.log(terminalText(`round ${round}: ${raterNote(redteam.rater)}`));
    if (redteam.evaluator?.failures)
      progress.log(terminalText(`round ${round}: ${evaluatorNote(redteam.evaluator)}`));
    if (redteam.truncated) progress.log(terminalText(`round ${round}: ${truncationNote(redteam.truncated)}`));

    // retest: every vulnerability still open, attacked again the way it broke, so that identify
    // finds it fixed or persisting on evidence. (A round identified before retest existed is not
    // retested on resume: its vulnerabilities are already listed.)
    const identified = store.getStep(runId, round, 'identify') !== undefined;
    const retested = store.getStep(runId, round, 'retest') !== undefined;
    const retest =
      round > 0 && config.cycle.retest > 0 && (retested || !identified)
        ? await step(store, runId, round, 'retest', async () => {
            const history = Array.from({ length: round }, (_, r) => store.listVulnerabilities(runId, r));
            const plan = planRetest({
              runId,
              round,
              open: openVulnerabilities(history),
              attempt: (id) => store.getAttempt(id),
              seeds: attackSeeds,
              perVulnerability: config.cycle.retest,
            });
            progress.log(
              `round ${round}: retest ${plan.vulnerabilities} open vulnerabilities (${plan.items.length} attempts)`,
            );
            return runRetest(attacking, plan);
          })
        : undefined;

    // identify: vulnerabilities of this round, diffed against the earlier ones.
    const vulns = await step(store, runId, round, 'identify', async () => {
      progress.log(`round ${round}: identify`);
      const attempts = store.listAttempts({ runId, round });
      const history = Array.from({ length: round }, (_, r) => store.listVulnerabilities(runId, r));
      const found = identifyVulnerabilities({ attempts, round, previous: history.at(-1), history });
      store.saveVulnerabilities(runId, round, found);
      const count = (status: string) => found.filter((v) => v.status === status).length;
      const counts = {
        total: found.length,
        new: count('new'),
        persisting: count('persisting'),
        fixed: count('fixed'),
        regressed: count('regressed'),
        untested: count('untested'),
      };
      if (round > 0)
        progress.log(
          `round ${round}: ${counts.new} new, ${counts.persisting} persisting, ${counts.regressed} regressed, ${counts.fixed} fixed, ${counts.untested} untested`,
        );
      return counts;
    });

    const metrics = { ...roundMetrics(bench, redteam, vulns, retest), ...pairedChanges(store, runId, round) };
    store.upsertRound(runId, round, { model: model.id, status: 'measured', metrics });
    // (the counts behind the figures, for the criteria's intervals: read from the store, not stored)
    const benchRows = (r: number) => store.listBenchResults(runId, r);
    const counts = roundCounts(benchRows(round), round > 0 ? benchRows(0) : undefined, metrics);
    outcomes.push({ round, model: model.id, metrics, counts });
    summaries.push(summarise(round, model.id, metrics));

    const end = stopAfter(outcomes, config.cycle.criteria, {
      minRounds: config.cycle.minRounds,
      maxRounds,
      bound: config.cycle.criteriaBound,
    });
    if (end.stop) {
      stopped = end.reason ?? `round ${round}: stopping`;
      progress.log(stopped);
      store.upsertRound(runId, round, { status: 'done' });
      break;
    }

    // curate: fix data from this round's failures.
    const datasets = await step(store, runId, round, 'curate', async () => {
      progress.log(`round ${round}: curate`);
      const attempts = store.listAttempts({ runId, round });
      const vulnerabilities = store.listVulnerabilities(runId, round);
      // Decontamination: nothing curated may overlap a benchmark (attack split, custom suites) or a
      // held-back seed.
      const heldOut = [
        ...heldOutTexts(allSeeds),
        ...(await customSuiteTexts(custom, ctx.baseDir ?? process.cwd())),
      ];
      const result = await curate({
        round,
        runId,
        vulnerabilities,
        attempts,
        seeds: allSeeds,
        heldOut: { texts: heldOut },
        curatedBefore: curatedBefore(store, runId, round),
        config: config.curate,
        teacher,
        // The model being fixed answers the synthetic prompts: its own harmful answers become the
        // rejected side of preference pairs (on-policy DPO).
        target,
        // A multi-turn vulnerability's siblings are its attack run again against that model.
        attacker,
        maxTurns: config.redteam.maxTurns,
        attackOptions: attackOptions(config.redteam.attacks),
        judges: { refusal: judges.refusal, attack: judges.attack },
        rng: createRng(`${config.seed}:curate:${round}`),
        progress,
      });
      store.saveCuration(runId, round, result);
      // This round's records in the trainer formats (curate.formats), beside the store: what
      // `breakfix curate --export-only` writes again from the store. The next model trains on every
      // round's records so far (`--export-only --cumulative` writes that set).
      if (store.path !== ':memory:')
        for (const f of config.curate.formats)
          exportRecords([...result.sft, ...result.preference], f, roundExportDir(store.path, runId, round));
      for (const line of shortfallLines(result.stats)) progress.log(`round ${round}: ${line}`);
      return {
        sft: result.sft.length,
        preference: result.preference.length,
        dropped: result.dropped.length,
        stats: result.stats,
      };
    });
    if (datasets.sft + datasets.preference === 0) {
      store.upsertRound(runId, round, { status: 'done' });
      if (round >= config.cycle.minRounds) {
        stopped = `round ${round}: no new fix data (nothing curated that earlier rounds lack); stopping`;
        progress.log(stopped);
        break;
      }
      // Too early to stop: the next round attacks the same model again with a fresh search.
      progress.log(`round ${round}: no new fix data; round ${round + 1} attacks the same model again`);
      continue;
    }

    // The round's model has answered all it will (curate was its last use; the next round's is the
    // model trained now): let it go before training. The cycle kept every round's model, each with
    // a 64 MiB prefix cache, until it ended.
    if (!held.has(roundTarget)) await ctx.release?.(model.target);

    // train: the next round's candidate.
    const trained = await step(store, runId, round, 'train', async () => {
      progress.log(`round ${round}: train`);
      const trainer = createTrainer(config, { store, target: ctx.target, baseDir: ctx.baseDir });
      const from = config.train.start === 'previous' ? model : baseModel;
      const out = await trainer.train({
        base: from,
        ...fixDataThrough(store, runId, round),
        params: config.train,
        outDir: join(modelsDir, `round-${round + 1}`),
        progress,
        runId,
        round: round + 1,
        seed: trainSeed(config.seed, round + 1),
      });
      const next: ModelRef = { ...out.model, round: round + 1, parent: from.id };
      store.registerModel({ ...next, runId, trainingLog: out.log });
      // The short name `round-N` always points at the latest cycle's model of that round.
      store.registerModel({ ...next, id: `round-${round + 1}`, runId });
      return next;
    });
    store.upsertRound(runId, round, { status: 'done' });
    model = trained;
  }

  const release = chooseRelease(outcomes, config.cycle.criteria, config.cycle.criteriaBound);
  // (maxRounds: the limit the run kept to, which a resume's --rounds may have changed from the stored
  // config's; that change was stored in the summary, which this replaces)
  store.updateRun(runId, { status: 'done', summary: { rounds: summaries, release, stopped, maxRounds } });
  const countsOf = new Map(outcomes.map((o) => [o.round, o.counts]));
  const rounds = summaries.map((s) => ({ ...s, counts: countsOf.get(s.round) }));
  return { runId, rounds, release, resumed, stopped };
}

/** Runs `fn` unless the step is already marked done; returns the stored or fresh result. */
async function step<T>(
  store: Store,
  runId: string,
  round: number,
  name: (typeof STEPS)[number],
  fn: () => Promise<T>,
): Promise<T> {
  const done = store.getStep(runId, round, name);
  if (done) return done.data as T;
  // (a write to the run: it checks the claim first, so a process whose run was taken over stops
  // here, before the step spends anything, a training included; markStep checks it again)
  store.upsertRound(runId, round, { step: name });
  const data = await inSpendScope({ runId, round, stage: name }, fn);
  store.markStep(runId, round, name, data);
  return data;
}

interface OpenedRun {
  run: RunRow;
  resumed: boolean;
  /** The most fix rounds after round 0 this run may train. */
  maxRounds: number;
}

function openRun(
  store: Store,
  config: Config,
  opts: CycleOptions,
  progress: Progress,
  inputs: CycleInputs,
  judges: JudgeSet,
): OpenedRun {
  if (!opts.resume && !opts.runId) {
    const maxRounds = opts.maxRounds ?? config.cycle.maxRounds;
    // The stored config carries the round limit the run was started with (--rounds included), so a
    // resume keeps to it and the stored config says what the run did.
    const run = store.createRun({
      kind: 'cycle',
      config: { ...config, cycle: { ...config.cycle, maxRounds } },
      seed: config.seed,
      target: shownTarget(config),
    });
    recordInputs(store, run.id, inputs);
    claimRunOrRefuse(store, run.id);
    return { run, resumed: false, maxRounds };
  }
  const run = findRunToResume(store, opts);
  // Until a round trains, nothing stored came from the train settings: a trainer that failed is
  // fixed in them (a command template, a base model path) and the run goes on with the new ones.
  const trained = trainedRounds(store, run.id);
  const untrained = trained.length === 0;
  const changes = configChanges(run.config, config, { trainMayChange: untrained });
  if (changes.length > 0) {
    const shown = changes.slice(0, MAX_CHANGES_SHOWN);
    const more = changes.length - shown.length;
    throw new InputError(
      `cycle run ${run.id} started with another config; resuming it under this one would mix two configs in one run:\n` +
        shown.join('\n') +
        (more > 0 ? `\nand ${more} more` : ''),
      undefined,
      undefined,
      undefined,
      `resume with the config it started with (the values left of →), or start a new cycle without ${opts.runId ? '--run' : '--resume'}${untrained ? '' : ` (train settings may change on resume only before the run's first training; round ${trained.join(', ')} trained with them)`}`,
    );
  }
  checkResumedInputs(store, run.id, inputs, opts.runId ? '--run' : '--resume');
  checkResumedJudges(store, run.id, judges, opts.runId ? '--run' : '--resume');
  const maxRounds = resumedRoundLimit(store, run, opts.maxRounds, progress);
  claimRunOrRefuse(store, run.id, { takeOver: opts.takeOver, takeOverHint: '--take-over' });
  const trainChanges = untrained ? trainSettingChanges(run.config, config) : [];
  if (trainChanges.length > 0) {
    progress.log(
      `run ${run.id}: train settings changed since it started (${trainChanges.join('; ')}); none of its rounds has trained yet, so it goes on with the new ones`,
    );
    store.updateRun(run.id, { config: { ...(run.config as object), train: config.train } });
  }
  store.updateRun(run.id, { status: 'running' });
  return { run, resumed: true, maxRounds };
}

/** The run `--run` names or `--resume` finds: an unfinished cycle, or an InputError (exit 2) saying
 * why not. Another kind of run, or a finished cycle, would otherwise gain rounds it never had. */
function findRunToResume(store: Store, opts: CycleOptions): RunRow {
  if (opts.runId) {
    const run = store.getRun(opts.runId);
    if (!run)
      throw new InputError(
        `no run ${opts.runId} in ${store.path}; ${cycleRunsIn(store)}`,
        undefined,
        undefined,
        undefined,
        '`breakfix view` browses every run in the store (pass the same --store or -c); `breakfix cycle --resume` continues the latest unfinished cycle',
      );
    if (run.kind !== 'cycle')
      throw new InputError(
        `run ${run.id} is a ${run.kind} run, not a cycle: --run continues an unfinished cycle run only`,
        undefined,
        undefined,
        undefined,
        `start a new cycle without --run; \`breakfix report --run ${run.id}\` shows that ${run.kind} run`,
      );
    if (run.status === 'done')
      throw new InputError(
        `cycle run ${run.id} is finished (done): there is nothing to continue`,
        undefined,
        undefined,
        undefined,
        `\`breakfix report --run ${run.id}\` shows its results; start a new cycle without --run to train further rounds (--rounds N sets how many)`,
      );
    return run;
  }
  // The latest, as --resume promises: an older unfinished run stays reachable with --run.
  const runs = store.listRuns('cycle');
  const run = runs.findLast((r) => r.status !== 'done');
  if (!run) {
    const latest = runs.at(-1);
    throw new InputError(
      `no unfinished cycle run in ${store.path}${latest ? ` (the latest, ${latest.id}, is done)` : ''}`,
      undefined,
      undefined,
      undefined,
      latest
        ? `\`breakfix report --run ${latest.id}\` writes its report (if a stop kept the cycle from writing it); start a new cycle without --resume to train further rounds`
        : 'start a new cycle without --resume',
    );
  }
  return run;
}

/** The store's cycle runs, for an error that names a run the store does not hold. */
function cycleRunsIn(store: Store): string {
  const runs = store.listRuns('cycle');
  if (runs.length === 0) return 'it holds no cycle run';
  const latest = runs.slice(-5).reverse();
  return `its latest cycle runs: ${latest.map((r) => `${r.id} (${r.status})`).join(', ')}${runs.length > latest.length ? ` and ${runs.length - latest.length} older` : ''}`;
}

const MAX_CHANGES_SHOWN = 5;

/** Target settings that pace or retry requests and never change a reply that arrives: they may
 * change on resume (a run that failed on timeouts or rate limits is fixed there, then resumed). The
 * embedded target's concurrency is not among them: it batches concurrent requests into one
 * generation. `cache` only decides whether an identical request is answered from the store. */
const PACING = new Set(['rpm', 'tpm', 'timeoutMs', 'retries', 'cache']);

/** The rounds of the run whose train step is done: its train settings made a model that later
 * rounds measured or build on. */
export function trainedRounds(store: Store, runId: string): number[] {
  return store
    .getRounds(runId)
    .filter((r) => store.getStep(runId, r.round, 'train') !== undefined)
    .map((r) => r.round);
}

/** The train settings that differ between the stored config and `current`, as `path: stored → current`. */
function trainSettingChanges(stored: unknown, current: Config): string[] {
  const all = configChanges(stored, current);
  const withoutTrain = new Set(configChanges(stored, current, { trainMayChange: true }));
  return all.filter((c) => !withoutTrain.has(c));
}

/** Whether a config field may differ between a run's start and its resume: only what cannot change
 * a stored figure. Everything else — budgets, criteria, seeds, judges, training once a round has
 * trained, redteam.concurrency (the search learns from the attempts n places before, so n decides
 * what it tries) — must match. */
function mayDiffer(
  path: string[],
  current: Config,
  inUse: ReadonlySet<string>,
  opts: { trainMayChange?: boolean },
): boolean {
  const [section, name, field] = path;
  if (section === 'train' && opts.trainMayChange) return true;
  // How long an outside trainer may run decides no model it makes: one stopped at its timeout
  // resumes with a longer one, after any round has trained.
  if (
    section === 'train' &&
    (name === 'command' || name === 'trl') &&
    field === 'timeout' &&
    path.length === 3
  )
    return true;
  // Where the store lives: the run is in it, wherever it was opened from.
  if (section === 'store' && path.length === 1) return true;
  // A target no role or judge names decides nothing (the roles themselves are compared).
  if (section === 'targets' && name !== undefined && !inUse.has(name)) return true;
  // The round limit is the run's own (see resumedRoundLimit).
  if (section === 'cycle' && name === 'maxRounds' && path.length === 2) return true;
  if (section === 'targets' && name !== undefined && path.length === 3 && field !== undefined) {
    if (PACING.has(field)) return true;
    if (field === 'concurrency') return current.targets[name]?.type !== 'embedded';
  }
  return false;
}

/** Settings with no default (left out, so a run stored before them keeps its config as it was) and
 * the value their absence means: written out at that value, one is the same run. */
const ABSENT_MEANS: Record<string, unknown> = {
  'cycle.criteriaBound': 'estimate',
  'judges.llamaguardFormat': 'chat',
};

/** Each field that decides results and differs between the stored config and `current`, as
 * `path: stored → current`. Both sides are compared as the store keeps a config — redacted, through
 * JSON — so a key (stored as [redacted]) never counts as a change; the stored side is redacted again
 * in case this breakfix knows more secrets than the one that stored it. */
export function configChanges(
  stored: unknown,
  current: Config,
  opts: { trainMayChange?: boolean } = {},
): string[] {
  const asStored = (v: unknown) => JSON.parse(JSON.stringify(redactConfig(v ?? {}))) as unknown;
  const defaults = asStored(defaultConfig());
  const was = asStored(stored);
  // Targets a role or judge names, at the start or now (a target's own change is then reported).
  const inUse = new Set([...roleTargets(current), ...roleTargetsOfStored(was)]);
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string[], d: unknown) => {
    if (path.length > 0 && mayDiffer(path, current, inUse, opts)) return;
    if (isPlainObject(a) && isPlainObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const k of keys) walk(a[k], b[k], [...path, k], isPlainObject(d) ? d[k] : undefined);
      return;
    }
    // A setting added to breakfix after the run started, at its default, is what the run did.
    if (a === undefined && d !== undefined && JSON.stringify(b) === JSON.stringify(d)) return;
    const absent = path.join('.');
    if (Object.hasOwn(ABSENT_MEANS, absent)) {
      const as = (v: unknown) => JSON.stringify(v === undefined ? ABSENT_MEANS[absent] : v);
      if (as(a) === as(b)) return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path.join('.')}: ${show(a)} → ${show(b)}`);
  };
  walk(was, asStored(current), [], defaults);
  return out;
}

function roleTargetsOfStored(stored: unknown): string[] {
  const c = stored as Partial<Config> | undefined;
  if (!isPlainObject(c?.targets) || !isPlainObject(c?.roles) || !isPlainObject(c?.judges)) return [];
  return roleTargets(c as Config);
}

function show(v: unknown): string {
  if (v === undefined) return '(not set)';
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** The resumed run's round limit: the one it started with (stored with its config), or the one a
 * resume raised it to (stored in its summary) — unless --rounds is given again. A new limit may
 * extend an unfinished run, or shorten it down to the last round it has begun: never below, which
 * would leave rounds measured (or a model trained) beyond the run's own limit. */
function resumedRoundLimit(
  store: Store,
  run: RunRow,
  requested: number | undefined,
  progress: Progress,
): number {
  const storedConfig = run.config as { cycle?: { maxRounds?: unknown } } | undefined;
  const summary = run.summary as { maxRounds?: unknown } | undefined;
  const fromRun = [summary?.maxRounds, storedConfig?.cycle?.maxRounds].find(
    (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0,
  );
  if (requested === undefined || requested === fromRun) {
    if (fromRun === undefined)
      throw new InputError(
        `cycle run ${run.id} stored no round limit`,
        undefined,
        undefined,
        undefined,
        'pass --rounds N with the resume: the most fix rounds after round 0',
      );
    return fromRun;
  }
  const begun = Math.max(-1, ...store.getRounds(run.id).map((r) => r.round));
  if (requested < begun)
    throw new InputError(
      `--rounds ${requested}: cycle run ${run.id} has already begun round ${begun} (its limit is ${fromRun ?? 'not stored'})`,
      undefined,
      undefined,
      undefined,
      `resume without --rounds to keep its limit, or pass --rounds ${begun} or more`,
    );
  progress.log(
    `run ${run.id}: round limit ${fromRun === undefined ? 'set' : `changed from ${fromRun}`} to ${requested} (--rounds)`,
  );
  store.updateRun(run.id, {
    summary: { ...(isPlainObject(run.summary) ? run.summary : {}), maxRounds: requested },
  });
  return requested;
}

/** How the run shows and stores its target: a spec named in roles.target keeps no credentials its
 * URL carries (resolveTargetConfig's name redacts them); an unknown name fails later, in ctx.target. */
function shownTarget(config: Config): string {
  try {
    return resolveTargetConfig(config.roles.target, config).name;
  } catch {
    return config.roles.target;
  }
}

/** Round 0's candidate: the configured target. For the embedded default that is the base model. */
function initialModel(config: Config, store: Store, runId: string): ModelRef {
  const name = shownTarget(config);
  const t = config.targets[config.roles.target];
  let spec = name;
  if (t?.type === 'embedded') spec = `embedded:${t.model}`;
  const id = t?.type === 'embedded' && t.model === 'base' ? 'breakfix-tiny-base' : name;
  const ref: ModelRef = { id, target: spec, round: 0 };
  if (!store.getModel(id)) store.registerModel({ ...ref, runId });
  return ref;
}

export function summarise(round: number, model: string, m: RoundMetrics): CycleRoundSummary {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    round,
    model,
    asr: n(m.asr),
    dr1: n(m.dr1),
    dr3: n(m.dr3),
    iprr: n(m.iprr),
    vprr: n(m.vprr),
    helpfulness: n(m.helpfulness),
    heldback_asr: n(m.heldback_asr),
    ungroundedness: n(m.ungroundedness),
    undetermined_rate: n(m.undetermined_rate),
    error_rate: n(m.error_rate),
    samples: n(m.samples),
    sample_errors: n(m.sample_errors),
    errors: n(m.errors) ?? 0,
    undetermined: n(m.undetermined) ?? 0,
    vulnerabilities_new: n(m.vulnerabilities_new) ?? 0,
    vulnerabilities_fixed: n(m.vulnerabilities_fixed) ?? 0,
    vulnerabilities_regressed: n(m.vulnerabilities_regressed) ?? 0,
    // Every listed vulnerability not fixed: new, persisting, regressed and untested.
    vulnerabilities_open: vulnerabilitiesOpen(m) ?? 0,
    vulnerabilities_untested: n(m.vulnerabilities_untested) ?? 0,
    retest_asr: n(m.retest_asr),
    retest_errors: n(m.retest_errors) ?? 0,
    retest_undetermined: n(m.retest_undetermined) ?? 0,
    ...(m.vprr_change && { vprr_change: m.vprr_change }),
    ...(m.helpfulness_change && { helpfulness_change: m.helpfulness_change }),
  };
}

/** The target with the response cache skipped for every request. */
function uncached(target: Target): Target {
  return { ...target, chat: (messages, options) => target.chat(messages, { ...options, noCache: true }) };
}

/** A round after round 0 whose red team decided nothing, every attempt answered (none in error) and
 * undetermined. The run's judges decided round 0's answers, so it is the model that changed. */
function undecidedButRead(
  s: { attempts: number; success: number; failure: number; error: number },
  round: number,
): boolean {
  return round > 0 && s.attempts > 0 && s.success + s.failure === 0 && s.error === 0;
}
