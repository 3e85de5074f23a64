// `breakfix cycle`: the main job. Thin: parse, call runCycle, print the per-round table.
import type { Command } from 'commander';
import { checkCustomSuites, formatPercent } from '../bench/index.js';
import { checkRoleTargetsSet } from '../config/index.js';
import { checkOutputFile } from '../config/outdir.js';
import { BreakfixError, TargetError } from '../core/index.js';
import {
  type CycleResult,
  checkCycleAttacks,
  checkCycleCriteria,
  runCycle,
  unreachableCriteria,
} from '../cycle/index.js';
import { trainedRounds } from '../cycle/run.js';
import { InterruptedError } from '../fix/train/run-command.js';
import { countsNote, formatFigure, writeCycleReport } from '../report/index.js';
import { ClaimLostError } from '../store/index.js';
import {
  configBaseDir,
  ExitCode,
  exitCodeFor,
  loadContext,
  onStopSignals,
  runAction,
  signalExitCode,
  stopRunOnSignal,
  usageError,
  userData,
  wholeNumber,
  withCommonOptions,
  writeQuietly,
} from './common.js';
import { trainerWarnings } from './config.js';
import { translateToOption } from './redteam.js';

interface CycleCliOptions {
  resume?: boolean;
  run?: string;
  takeOver?: boolean;
  rounds?: string;
  report?: string;
  config?: string;
  store?: string;
  json?: boolean;
  cache?: boolean;
  quiet?: boolean;
  translateTo?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('cycle')
    .description(
      'run the break-fix cycle: bench → break → retest → identify → curate → train, round after round',
    )
    .option('--resume', 'continue the latest unfinished cycle (after a crash or a kill) where it stopped')
    .option('--run <id>', 'continue this unfinished cycle run (with --resume too, this run, not the latest)')
    .option(
      '--take-over',
      'with --resume or --run: take the run from the process on another host that claimed it, once you know that process is gone (without it, a claim whose heartbeat is 10 minutes old is taken over with a warning)',
    )
    .option(
      '--rounds <n>',
      "most fix rounds after round 0, a cap that cycle.minRounds does not raise (default: cycle.maxRounds; on resume, the run's own limit)",
    )
    .option(
      '--report <file>',
      'where to write the HTML report (default: reports/<run>.html beside the store, .breakfix/ unless the config or --store moves it)',
    )
    .option(
      '--translate-to <langs>',
      'comma list of BCP 47 tags (e.g. zu,gd,hmn): each round\'s red team has the attacker model (roles.attacker) translate each seed into each, and each reply back before it is judged; "" translates nothing (default: redteam.translateTo; a resume needs the same)',
    );
  withCommonOptions(cmd, { cache: true, quiet: true }).addHelpText(
    'after',
    `
With no config file, the cycle runs offline on the embedded default: the unaligned tiny base model
(breakfix-tiny-base), the synthetic world's seeds and templates, offline judges and attacker, and
the embedded trainer. Point it at a real model with a breakfix.yaml (see \`breakfix init\`).

A round: bench → red team → retest (from round 1: each vulnerability still open is attacked again
the way it broke, so it ends fixed or persisting, not silently untested) → identify
vulnerabilities → curate fix data (safe answers and preference
pairs for what broke, benign look-alikes, helpful tasks, and whatever train-split look-alike the
model now refuses) → train a candidate on the fix data of every round so far (from the base model by
default: train.start). Once cycle.minRounds fix rounds are done it stops as soon as some round meets
the release criteria or a round curates no new fix data, and at cycle.maxRounds in any case (the
output says which). The release is the best round that meets them (lowest ASR, then lowest held-back
ASR, then highest helpfulness, then the earliest); when none does, the closest is named, not released
(in --json, release.round and release.model are null and the closest is release.closest).

Every step is stored as it completes; --resume continues after a crash with nothing lost or
duplicated. Ctrl-C (or SIGTERM, or SIGHUP: the terminal or ssh session closed) marks the run interrupted
and exits 130 (143 for SIGTERM, 129 for SIGHUP) naming it; \`--run <id>\` continues that run. A resumed run keeps its own round limit (--rounds on resume changes it) and needs the
config it started with: a change to anything that decides results (budgets, criteria, seeds,
models, judges, training) exits 2 naming each field, and so does an edit since the start to a seed,
template or custom suite file the config names, or to an embedded model's checkpoint; request pacing (timeoutMs, retries, rpm, tpm) may
change. Each round's model stays addressable as embedded:round-N.

Examples:
  $ breakfix cycle                         the embedded default: 2 to 3 fix rounds (cycle.minRounds,
                                           then until a round meets the criteria, at most maxRounds)
  $ breakfix cycle --rounds 1 --json       one fix round, JSON on stdout
  $ breakfix cycle --resume                continue the last unfinished run
  $ breakfix cycle -c breakfix.yaml        a real model, per your config
  $ breakfix cycle --translate-to zu,gd    red-team in Zulu and Scottish Gaelic too (needs roles.attacker)

Exit codes: 0 a release candidate meets every criterion · 1 none does (the output says why) ·
2 bad config or arguments · 3 runtime or target failure · 4 another process took the run over
(this one stopped, storing nothing more)`,
  );
  cmd.action(
    runAction(async (opts: CycleCliOptions) => {
      const maxRounds = wholeNumber('--rounds', opts.rounds);
      if (opts.takeOver && !opts.resume && opts.run === undefined)
        throw usageError(
          '--take-over takes over a run being resumed: a new cycle has no claim to take',
          'add --resume or --run <id>',
        );
      // A --report that cannot be written fails now, not after the rounds have run.
      if (opts.report !== undefined) checkOutputFile(opts.report, { what: 'report file (--report)' });
      const ctx = await loadContext(opts);
      try {
        // (it stands for redteam.translateTo in the run's config: stored with it, compared on resume)
        const translateTo = translateToOption(opts.translateTo, ctx.config);
        if (translateTo) ctx.config = { ...ctx.config, redteam: { ...ctx.config.redteam, translateTo } };
        const started = Date.now();
        const files = userData(ctx);
        // Bad attack settings exit 2 before the store is opened (nothing is written).
        checkCycleAttacks(ctx.config, files);
        // A release criterion no suite measures would fail every round, found after they trained.
        checkCycleCriteria(ctx.config);
        // (runCycle checks it too; here it is before the store is made.)
        checkRoleTargetsSet(ctx.config);
        // (Said before round 0: a trainer set up to fail after it would have spent the round.)
        for (const w of [...trainerWarnings(ctx.config), ...unreachableCriteria(ctx.config)]) ctx.warn(w);
        // Custom suites are read as the bench step will read them (attack split): a bad dataset is
        // exit 2 now, not a failed round 0.
        await checkCustomSuites(ctx.config.bench.custom, configBaseDir(ctx), 'attack', {
          warn: ctx.warn,
        });
        // Resuming reads a store that must exist: a wrong path is named, not made empty.
        const store = opts.resume || opts.run !== undefined ? ctx.existingStore : ctx.store;
        let disarm: (() => void) | undefined;
        let resume: string | undefined;
        let runId: string | undefined;
        const result = await runCycle(
          {
            config: ctx.config,
            store,
            target: (s) => ctx.target(s),
            release: (s) => ctx.release(s),
            progress: ctx.progress,
            ...files,
            baseDir: configBaseDir(ctx),
            halt: ctx.halt,
            // Ctrl-C, SIGTERM or SIGHUP marks the run interrupted and says how to continue it.
            onRun: (id) => {
              runId = id;
              resume = `breakfix cycle --run ${id} (same config and store)`;
              ctx.progress.log(`run ${id} (resume after a stop: ${resume})`);
              disarm = stopRunOnSignal(ctx, id, resume);
            },
          },
          { resume: opts.resume, runId: opts.run, maxRounds, takeOver: opts.takeOver },
        )
          .catch((err) => {
            // (a run taken over is the other process's to go on with: no resume to offer)
            if (err instanceof ClaimLostError) throw err;
            // (stopped with its trainer's processes: said as a stop of the run, with the way back in)
            if (err instanceof InterruptedError && runId)
              throw new InterruptedError(
                err.signal,
                `run ${runId} stopped, the training processes first; what it stored is kept`,
                `resume it: ${resume}`,
              );
            throw (
              ctx.halt.error(resume && `then resume: ${resume}`) ??
              withResumeHint(err, resume, runId !== undefined && trainedRounds(store, runId).length > 0)
            );
          })
          .finally(() => disarm?.());
        // The run is done and stored; a stop while its report is written loses only the report, and
        // says how to write it (a resume would find nothing to continue).
        const reportHint = `breakfix report --run ${result.runId} writes it`;
        const releaseSignals = onStopSignals((signal) => {
          writeQuietly(
            process.stderr,
            `breakfix: interrupted by ${signal} while writing the report; run ${result.runId} is done and stored\nhint: ${reportHint}\n`,
          );
          process.exit(signalExitCode(signal));
        });
        const report = await writeCycleReport(ctx.store, result.runId, opts.report).finally(releaseSignals);
        const seconds = (Date.now() - started) / 1000;
        ctx.out(
          {
            run: result.runId,
            rounds: result.rounds.map((r) => ({
              round: r.round,
              model: r.model,
              asr: r.asr,
              dr3: r.dr3,
              iprr: r.iprr,
              vprr: r.vprr,
              helpfulness: r.helpfulness,
              heldback_asr: r.heldback_asr,
              undetermined_rate: r.undetermined_rate,
              retest_asr: r.retest_asr,
              retest_errors: r.retest_errors,
              retest_undetermined: r.retest_undetermined,
              vulnerabilities_new: r.vulnerabilities_new,
              vulnerabilities_fixed: r.vulnerabilities_fixed,
              vulnerabilities_regressed: r.vulnerabilities_regressed,
              vulnerabilities_open: r.vulnerabilities_open,
              vulnerabilities_untested: r.vulnerabilities_untested,
              dr1: r.dr1,
              errors: r.errors,
              error_rate: r.error_rate,
              samples: r.samples,
              sample_errors: r.sample_errors,
              undetermined: r.undetermined,
              vprr_change: r.vprr_change,
              helpfulness_change: r.helpfulness_change,
              // What each rate above is over (n decided, errors, undetermined) and the paired tables
              // of the changes since round 0: the same as `report --format json`'s rounds[].counts.
              counts: r.counts,
            })),
            // A round and model only when one meets every criterion: a script that ships
            // release.model without reading criteria_met must not ship a failing one. The round the
            // text names as closest, and its checks, are under closest.
            release: {
              round: result.release.criteria_met ? result.release.round : null,
              model: result.release.criteria_met ? result.release.model : null,
              ...(result.release.criteria_met
                ? {}
                : { closest: { round: result.release.round, model: result.release.model } }),
              criteria_met: result.release.criteria_met,
              reasons: result.release.reasons,
              checks: result.release.checks,
            },
            // (what the text says beneath its table: why the run ended there, and whether it resumed)
            stopped: result.stopped,
            resumed: result.resumed,
            // (said on stderr before round 0; --json silences that)
            warnings: ctx.warnings,
            report,
            seconds,
          },
          () => renderTable(result, report, seconds),
        );
        return result.release.criteria_met ? ExitCode.ok : ExitCode.findings;
      } finally {
        await ctx.close();
      }
    }),
  );
}

function pct(v: number | null): string {
  return v === null ? '—' : formatPercent(v);
}

/** The retest's ASR with what it is not over beside it, as the bench table writes it ("— und 9": every
 * reply to the retest undetermined). */
function retestCell(r: CycleResult['rounds'][number]): string {
  const side = `${r.retest_errors ? ` err ${r.retest_errors}` : ''}${r.retest_undetermined ? ` und ${r.retest_undetermined}` : ''}`;
  return `${pct(r.retest_asr)}${side}`;
}

function openCell(r: CycleResult['rounds'][number]): string {
  const parts = [
    ...(r.vulnerabilities_regressed ? [`${r.vulnerabilities_regressed} regressed`] : []),
    ...(r.vulnerabilities_untested ? [`${r.vulnerabilities_untested} untested`] : []),
  ];
  return parts.length ? `${r.vulnerabilities_open} (${parts.join(', ')})` : String(r.vulnerabilities_open);
}

/** The rates the table prints, by their key in a round's counts (cycle/counts.ts). */
const RATE_COLUMNS = [
  ['ASR', 'asr'],
  ['DR-1', 'dr1'],
  ['DR-3', 'dr3'],
  ['IPRR', 'iprr'],
  ['VPRR', 'vprr'],
  ['helpful', 'helpfulness'],
  ['held-back ASR', 'heldback_asr'],
  ['retest ASR', 'retest_asr'],
] as const;

/** What each rate of the table is over, a row per rate and a column per round, as the report's
 * rounds table writes it ("n=155 und 145"): beside the rates, eight such cells a round would not fit
 * a terminal's width. Empty when no round has counts (a result built without them). */
function countsBlock(rounds: CycleResult['rounds']): string[] {
  if (!rounds.some((r) => r.counts)) return [];
  const rows = RATE_COLUMNS.map(([label, key]) => [
    label,
    ...rounds.map((r) => {
      const c = r.counts?.rates[key];
      return c ? countsNote(c.n, c.errors ?? 0, c.undetermined ?? 0) : '—';
    }),
  ]);
  return [
    '',
    'each rate is over n decided; err (in error) and und (undetermined) are not in it:',
    ...columns(['rate', ...rounds.map((r) => `round ${r.round}`)], rows),
  ];
}

/** A head, a rule under it, and rows, each cell padded to its column's width. */
function columns(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

export function renderTable(result: CycleResult, report: string, seconds: number): string {
  // Ungroundedness is a mean, not a rate (no counts row below): a column only where a suite measured
  // it, its figure written as the report's rounds table writes it.
  const grounded = result.rounds.some((r) => r.ungroundedness !== null && r.ungroundedness !== undefined);
  const head = [
    'round',
    'model',
    ...RATE_COLUMNS.map(([label]) => label),
    ...(grounded ? ['ungrounded (mean ÷ 4)'] : []),
    'vulns new',
    'fixed',
    'open',
    'err/undet',
  ];
  const rows = result.rounds.map((r) => [
    String(r.round),
    r.model,
    pct(r.asr),
    pct(r.dr1),
    pct(r.dr3),
    pct(r.iprr),
    pct(r.vprr),
    pct(r.helpfulness),
    pct(r.heldback_asr),
    retestCell(r),
    ...(grounded ? [formatFigure('ungroundedness', r.ungroundedness)] : []),
    String(r.vulnerabilities_new),
    String(r.vulnerabilities_fixed),
    // (regressed ones are open, broken again after a fix; untested ones open, unmeasured this round)
    openCell(r),
    `${r.errors}/${r.undetermined}`,
  ]);
  const rel = result.release;
  const out = [
    ...columns(head, rows),
    ...countsBlock(result.rounds),
    '',
    rel.criteria_met
      ? `release candidate: round ${rel.round} (${rel.model}) — meets every criterion`
      : `no release candidate: ${rel.reasons.join('; ')}`,
    // A pass inside the noise is a finding for whoever signs the release off (with no candidate
    // there is nothing to sign: the failing checks above are the finding).
    ...rel.checks
      .filter((c) => rel.criteria_met && c.pass && c.passes_on_estimate_only)
      .map((c) => `  on the estimate only: ${c.message}`),
    ...(result.stopped ? [`stopped: ${result.stopped}`] : []),
    `run ${result.runId}${result.resumed ? ' (resumed)' : ''} in ${seconds.toFixed(0)} s`,
    `report: ${report}`,
  ];
  return out.join('\n');
}

/** A run that stopped on a failure (a trainer that exited non-zero, a target's retries spent) and
 * says nothing of what comes next gets the command that continues it: the stored rounds and steps
 * are kept, and a resume starts where the run stopped. Errors that say their own next step, and bad
 * input, are left as they are; a trainer's own hint (what the command must write) says what to fix,
 * not how the cycle goes on, so the resume is added after it. */
function withResumeHint(err: unknown, resume: string | undefined, trained: boolean): unknown {
  if (!resume || !(err instanceof BreakfixError) || exitCodeFor(err) !== ExitCode.runtime) return err;
  if (err.hint && err.code !== 'train_command') return err;
  // (A resume takes edited train settings only while no round of the run has trained: after that
  // they made a model the run measured.)
  const fix = err.hint ? `${err.hint}; then resume` : 'fix the trainer, then resume';
  const hint =
    err.code !== 'train_command'
      ? `fix the cause, then resume: ${resume}`
      : trained
        ? `${fix}: ${resume}; the run keeps its train settings, which trained an earlier round (a fix to what the command runs resumes; an edited template needs a new cycle)`
        : `${fix}: ${resume}; no round of the run has trained yet, so its train settings (train.command.template …) may be edited before resuming`;
  const next =
    err instanceof TargetError ? err.with({ hint }) : new BreakfixError(err.message, err.code, hint);
  next.stack = err.stack;
  return next;
}
