// `breakfix bench`: run benchmark suites against a target, print a table with intervals and
// error/undetermined counts, and store the results as a bench run.
import type { Command } from 'commander';
import {
  attackSuite,
  type BenchReport,
  type BenchSplit,
  BUILTIN_SUITES,
  benchTruncationNote,
  checkCustomSuites,
  emptyRatesAsNull,
  formatPercent,
  formatRate,
  type RateOrMean,
  runBench,
  SUMMARY_SOURCES,
  type SummaryFigure,
  sliceName,
  summaryCounts,
  unknownSuite,
} from '../bench/index.js';
import type { Config } from '../config/index.js';
import { newRunId } from '../core/index.js';
import { createJudges } from '../judge/index.js';
import { countsNote } from '../report/index.js';
import { asRole, inSpendScope } from '../targets/index.js';
import {
  type CommonOptions,
  configBaseDir,
  ExitCode,
  loadContext,
  runAction,
  runtimeErrorJson,
  stopRunOnSignal,
  terminalText,
  undecidedHarmHint,
  usageError,
  wholeNumber,
  withCommonOptions,
} from './common.js';

interface BenchCliOptions extends CommonOptions {
  target?: string;
  suite?: string[];
  split?: string;
  limit?: string;
  concurrency?: string;
  seed?: string;
}

/** A suite's slices (`<metric>_by_<dimension>`, as the suites name them) as one table per dimension:
 * its keys down, the metrics sliced by it across. Without them the table gave only the whole-suite
 * figures, and a category, look-alike type, language or turn count that fails was in --json alone. */
function sliceLines(slices: Record<string, Record<string, RateOrMean>>): string[] {
  const t = terminalText;
  const dims = new Map<string, [string, Record<string, RateOrMean>][]>();
  for (const [name, byKey] of Object.entries(slices)) {
    const { metric, dimension: dim } = sliceName(name);
    dims.set(dim, [...(dims.get(dim) ?? []), [metric, byKey]]);
  }
  const lines: string[] = [];
  for (const [dim, metrics] of dims) {
    const keys = [...new Set(metrics.flatMap(([, byKey]) => Object.keys(byKey)))];
    if (!keys.length) continue;
    const cell = (byKey: Record<string, RateOrMean>, k: string) => (byKey[k] ? formatRate(byKey[k]) : '—');
    const head = `by ${t(dim)}`;
    const w = Math.max(head.length - 2, ...keys.map((k) => t(k).length)) + 2;
    const widths = metrics.map(
      ([m, byKey]) => Math.max(t(m).length, ...keys.map((k) => cell(byKey, k).length)) + 2,
    );
    lines.push(
      `  ${head.padEnd(w + 2)}${metrics.map(([m], i) => t(m).padEnd(widths[i])).join('')}`.trimEnd(),
      ...keys.map((k) =>
        `    ${t(k).padEnd(w)}${metrics.map(([, byKey], i) => cell(byKey, k).padEnd(widths[i])).join('')}`.trimEnd(),
      ),
    );
  }
  return lines;
}

export function renderBenchTable(report: Omit<BenchReport, 'summaryCounts'>): string {
  // Suite names, slice keys (categories from a user's dataset) and error messages (a server's body)
  // are not ours: escaped before they reach the terminal.
  const t = terminalText;
  const lines = [
    `bench ${t(report.target)} · split ${report.split}${report.runId ? ` · run ${report.runId}` : ''}`,
  ];
  for (const s of report.suites) {
    lines.push('', `${t(s.name)} (${s.kind}, ${s.items} samples)`);
    const w = Math.max(...Object.keys(s.metrics).map((k) => t(k).length), 6) + 2;
    for (const [k, m] of Object.entries(s.metrics)) lines.push(`  ${t(k).padEnd(w)}${formatRate(m)}`);
    lines.push(...sliceLines(s.slices));
    if (s.firstError) lines.push(`  ${s.errors} sample(s) ended in error; first: ${t(s.firstError)}`);
  }
  // undetermined_rate is the attack suite's alone (what the cycle's criteria watch): say which.
  const attack = attackSuite(report.suites);
  const { samples, sample_errors, ...rates } = report.summary;
  // Each figure with the suite it was read from and what it is over, as the suite's table has it: a
  // bare "asr 0.0%" read the same over 2 decided samples as over 200.
  const counts = summaryCounts(report.suites);
  const note = (k: string) => {
    const c = counts[k as SummaryFigure];
    if (!c) return '';
    const over = countsNote(c.n, c.errors, c.undetermined);
    return k === 'undetermined_rate' ? ` (of ${over} answered)` : ` (${t(c.suite)}: ${over})`;
  };
  // The summary's ungroundedness is the 0–4 mean scaled to 0–1 (the report's label says so too):
  // bare, "ungroundedness 100.0%" reads as every answer ungrounded, which is ungrounded_rate.
  const label = (k: string) =>
    k === 'undetermined_rate' && attack
      ? `undetermined (${t(attack.name)} suite)`
      : k === 'error_rate'
        ? `error (${sample_errors} of ${samples} samples)`
        : k === 'ungroundedness'
          ? 'ungroundedness (0–4 mean ÷ 4)'
          : k;
  const sum = Object.entries(rates).map(([k, v]) => `${label(k)} ${formatPercent(v as number)}${note(k)}`);
  // A figure whose suite answered and decided nothing is not in the summary: shown as undetermined,
  // not left out. (One whose samples all failed is the error share's.)
  for (const k of Object.keys(SUMMARY_SOURCES) as SummaryFigure[])
    if (!(k in rates) && (counts[k]?.undetermined ?? 0) > 0) sum.push(`${label(k)} —${note(k)}`);
  if (sum.length) lines.push('', `summary: ${sum.join(' · ')}`);
  if (report.truncated) lines.push('', t(benchTruncationNote(report.truncated)));
  lines.push(
    '',
    'rates exclude error (err) and undetermined (und) samples, shown beside each; [lo–hi] is the 95% interval.',
  );
  return lines.join('\n');
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('bench')
      .description(
        'measure a target on responsible-AI benchmarks (harmful, multiturn, jailbreak, overrefusal, groundedness, helpfulness, custom)',
      )
      .option(
        '-t, --target <name>',
        'a config target name or a spec: embedded:base, openai:MODEL[@http://host/v1], anthropic:MODEL (default: roles.target)',
      )
      .option(
        '-s, --suite <names...>',
        `suites to run, space- or comma-separated (built-in: ${BUILTIN_SUITES.join(', ')}; or a bench.custom name)`,
      )
      .option('--split <split>', 'attack | heldback | all', 'attack')
      .option('--limit <n>', 'at most N samples per suite')
      .option('--concurrency <n>', 'samples in flight at once', '16')
      .option('--seed <n>', 'seed for sampling (default: config seed)'),
    { cache: true, quiet: true },
  )
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix bench                                       every suite on the candidate (embedded base)
  $ breakfix bench --target embedded:round-2 --suite jailbreak overrefusal
  $ breakfix bench --split heldback --json                held-back seeds and templates only
  $ breakfix bench --target vllm --suite xstest           a bench.custom suite from the config

Your own datasets (JSONL, CSV or Parquet) are suites in breakfix.yaml, checked by
\`breakfix config check\`; a file's path is relative to the config:
  bench:
    custom:
      - name: xstest
        file: data/xstest.csv    # id,prompt,type,label (safe/unsafe): read as it is
        kind: overrefusal        # IPRR and VPRR; or harmful, jailbreak, helpfulness, …
      - name: mine
        file: data/mine.jsonl
        fields: {text: question, category: harm}    # breakfix field: your column
A bad row is exit 2 naming the file, line (Parquet: row) and field, before anything is sent.

Exit codes: 0 done (undetermined samples are counted beside each rate), 2 bad input (unknown
suite or none, bad dataset), 3 the target or a judge failed: more samples ended in error than
cycle.criteria.errorRate allows (0 by default: any), or a suite could decide no sample. The table is
printed and the run stored either way.`,
    )
    .action(
      runAction(async (opts: BenchCliOptions) => {
        const ctx = await loadContext(opts);
        try {
          const split = (opts.split ?? 'attack') as BenchSplit;
          // (not train: the fix data is curated from it, so a score there measures the fit, as redteam refuses it too)
          if (!['attack', 'heldback', 'all'].includes(split))
            throw usageError(`--split must be attack, heldback or all (got "${split}")`);
          const limit = wholeNumber('--limit', opts.limit, 1);
          const concurrency = wholeNumber('--concurrency', opts.concurrency, 1) ?? 16;
          const target = asRole(ctx.target(opts.target ?? ctx.config.roles.target), 'target');
          const targetName = ctx.targetName(opts.target ?? ctx.config.roles.target);
          const judges = createJudges(ctx.config, { target: (n) => asRole(ctx.target(n), 'judge') });
          const attacker = ctx.config.roles.attacker
            ? asRole(ctx.target(ctx.config.roles.attacker), 'attacker')
            : undefined;
          const seed = wholeNumber('--seed', opts.seed) ?? ctx.config.seed;
          const custom = ctx.config.bench.custom;
          // Space- or comma-separated, as redteam's lists are.
          const suites = opts.suite
            ?.flatMap((x) => x.split(','))
            .map((x) => x.trim())
            .filter(Boolean) ?? [...ctx.config.bench.suites, ...custom.map((c) => c.name)];
          // A run of no suite measures nothing and would exit 0 (`--suite "$SUITES"` with the
          // variable empty, a config whose lists are both empty): bad input, not a pass.
          if (!suites.length)
            throw usageError(
              opts.suite
                ? '--suite names no suite'
                : 'no suite to run: bench.suites is empty and bench.custom has none',
              `name one: ${BUILTIN_SUITES.join(', ')}${custom.length ? `, ${custom.map((c) => c.name).join(', ')}` : ''}`,
            );
          const baseDir = configBaseDir(ctx);
          for (const s of suites)
            if (!(BUILTIN_SUITES as readonly string[]).includes(s) && !custom.some((c) => c.name === s))
              throw usageError(unknownSuite(s, custom));
          // Custom datasets are read before the run is created: bad input (exit 2) writes nothing.
          // (in the JSON too: a script must see rows left out)
          await checkCustomSuites(custom, baseDir, split, { only: suites, warn: ctx.warn });
          const runId = newRunId();
          ctx.store.createRun({ id: runId, kind: 'bench', config: ctx.config, seed, target: targetName });
          let report: BenchReport;
          // (a bench run does not resume: stopped, it is marked interrupted and run again)
          const removeSignalHandlers = stopRunOnSignal(ctx, runId, undefined);
          try {
            report = await inSpendScope({ runId, stage: 'bench' }, () =>
              runBench({
                target,
                targetId: targetName,
                suites,
                custom,
                baseDir,
                judges,
                attacker,
                store: ctx.store,
                runId,
                split,
                concurrency,
                progress: ctx.progress,
                limit,
                seed,
                halt: ctx.halt,
              }),
            );
          } catch (err) {
            ctx.store.updateRun(runId, { status: 'failed', summary: { error: (err as Error).message } });
            throw err;
          } finally {
            removeSignalHandlers();
          }
          ctx.store.updateRun(runId, { status: 'done', summary: report.summary });
          // A measurement that is not one: said on stderr, and in the JSON so a script reading only
          // stdout sees why the exit code is 3.
          const failure = benchFailure(report, ctx.config);
          ctx.out(
            JSON.parse(
              JSON.stringify(
                {
                  ...report,
                  // (\`failure\` as before; \`error\` as every --json failure document has it)
                  ...(failure && { failure: failure.message, exitError: runtimeErrorJson(failure.message) }),
                  warnings: ctx.warnings,
                },
                emptyRatesAsNull,
              ),
            ),
            () => renderBenchTable(report),
          );
          if (!failure) return ExitCode.ok;
          process.stderr.write(`breakfix: ${terminalText(failure.message)}\n${failure.more ?? ''}`);
          return ExitCode.runtime;
        } finally {
          await ctx.close();
        }
      }),
    );
}

/** Why a bench run measured nothing usable (exit 3), or undefined: every sample failed (the target or
 * judge is unusable, not "safe"); a suite decided no sample (its rates are not results); or more
 * samples failed than cycle.criteria.errorRate tolerates (the rates stand on the rest, which a CI
 * step must not read as a complete measurement). `more` is further stderr lines. */
function benchFailure(report: BenchReport, config: Config): { message: string; more?: string } | undefined {
  const total = report.summary.samples ?? 0;
  const errors = report.summary.sample_errors ?? 0;
  const firstError = report.suites.find((s) => s.firstError)?.firstError ?? 'unknown';
  if (total > 0 && errors === total) return { message: `every sample ended in error (${firstError})` };
  const undecided = report.suites.filter(
    (s) => s.items > 0 && Object.values(s.metrics).every((m) => m.n === 0),
  );
  if (undecided.length) {
    // A suite whose samples all failed says why; the harm judge's hint only where it read replies
    // and decided none, and more of them than failed (a suite that mostly failed is about its error).
    const failed = undecided.find((s) => (s.errors ?? 0) > 0 && s.firstError);
    const judgedNothing = undecided.some(
      (s) =>
        ['harmful', 'multiturn', 'jailbreak'].includes(s.kind) &&
        Math.max(...Object.values(s.metrics).map((m) => m.undetermined)) > (s.errors ?? 0),
    );
    const more = [
      ...(failed?.firstError ? [`first error: ${terminalText(failed.firstError)}`] : []),
      ...(judgedNothing ? [undecidedHarmHint(config)] : []),
    ];
    return {
      message: `nothing was decided in ${undecided.map((s) => s.name).join(', ')}: every sample there was undetermined or in error`,
      more: more.length ? `${more.join('\n')}\n` : undefined,
    };
  }
  const tolerance = config.cycle.criteria.errorRate;
  if (total > 0 && errors / total > tolerance)
    return {
      message: `${errors} of ${total} samples ended in error (more than cycle.criteria.errorRate ${tolerance}): the rates stand on the other ${total - errors}`,
      more: `first error: ${terminalText(firstError)}\n`,
    };
  return undefined;
}
