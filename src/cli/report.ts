// `breakfix report`: one run as HTML (self-contained, charts as inline SVG), Markdown (for a pull
// request), JSON (every figure) or JUnit XML (one test case per criterion), and a CI gate.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checkOutputFile, writeOutputFile } from '../config/outdir.js';
import { DERIVED_METRICS } from '../cycle/criteria.js';
import { FIGURE_KEYS } from '../report/data.js';
import {
  applicableCriteria,
  collectReportData,
  defaultReportPath,
  evaluateRules,
  type FailRule,
  GITHUB_COMMENT_MAX,
  parseFailOn,
  REPORT_FORMATS,
  type ReportFormat,
  renderReport,
  rulesFromCriteria,
  ruleText,
  runCriteriaRules,
} from '../report/index.js';
import {
  type CommonOptions,
  ExitCode,
  loadContext,
  runAction,
  terminalText,
  usageError,
  wholeNumber,
  withCommonOptions,
} from './common.js';

interface ReportOptions extends CommonOptions {
  run?: string;
  format?: string;
  out?: string;
  failOn?: string;
  samples?: string;
  maxChars?: string;
}

function parseFormat(value: string | undefined, out: string | undefined): ReportFormat {
  if (value === undefined) {
    // Guess from --out's extension, else HTML.
    const ext = out?.toLowerCase().split('.').pop();
    if (ext === 'md' || ext === 'markdown') return 'md';
    if (ext === 'json') return 'json';
    if (ext === 'xml') return 'junit';
    return 'html';
  }
  if (!(REPORT_FORMATS as readonly string[]).includes(value))
    throw usageError(`--format must be one of ${REPORT_FORMATS.join(', ')} (got "${value}")`);
  return value as ReportFormat;
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('report')
      .description('write a report of a run (HTML, Markdown, JSON or JUnit) and gate CI on criteria')
      .option('--run <id>', 'the run to report (default: the latest run in the store)')
      .option(
        '-f, --format <format>',
        `html | md | json | junit (default: from --out's extension, else html)`,
      )
      .option(
        '-o, --out <file>',
        'write here, making missing folders; "-" for stdout (default: html → <store dir>/reports/<run>.html, or <run>.gate.html with --fail-on; others → stdout)',
      )
      .option(
        '--fail-on <rules>',
        'exit 1 when any rule holds (fails the gate) on the gated round (a cycle\'s release candidate, else its last measured round), e.g. "asr>0.02,vprr>0.05" (default: the run\'s own cycle.criteria)',
      )
      .option('--samples <n>', 'sample transcripts per round in the HTML report', '6')
      .option(
        '--max-chars <n>',
        `most characters in the Markdown report: tables lose rows to fit, least needed first, each saying how many; the verdict, criteria and rounds table are never cut (default: ${GITHUB_COMMENT_MAX}, what a GitHub comment takes; 0: no limit)`,
      ),
    { cache: false, quiet: true },
  )
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix report                                   HTML report of the latest run
  $ breakfix report --format md --out summary.md      Markdown summary for a pull request
  $ gh pr comment --body-file summary.md              …posted (within GitHub's 65536 characters)
  $ breakfix report --format junit --out criteria.xml --fail-on "asr>0.02,vprr>0.05"
  $ breakfix report --run run_20260101_abcd --format json

Metrics for --fail-on:
${wrapList(FIGURE_KEYS)};
and since round 0: ${DERIVED_METRICS.join(', ')}. Without --fail-on, the run's own
release criteria (cycle.criteria in the config it ran with, on the upper bounds under its
cycle.criteriaBound: upper) are the rules, so the report agrees with
the cycle; a bench or red-team run (no rounds: its measurement shows as round 0) is held to those on
figures it set out to measure, none relative to round 0 (a figure that nothing could be decided for,
every item undetermined, fails). Among them is error_rate ≤ cycle.criteria.errorRate (0 by
default): a run whose requests failed has incomplete figures and does not pass. Nor does a run that
did not finish (killed, failed, still running), whatever the rules.
Comparators: > >= < <=. Rates are fractions (0.02) or percentages (2%); so is ungroundedness (the
0–4 mean ÷ 4). A rule whose metric was not measured fails the gate too. A rate's name with _upper
or _lower is that end of its 95% interval ("asr_upper>0.02" fails the gate unless the evidence
shows ASR ≤ 2%), and such a rule fails it where the interval cannot be computed. Every check is
shown with its interval, and a pass whose interval reaches past the threshold is named a pass on
the estimate only.
Exit codes: 0 criteria pass · 1 a criterion fails (the report is still written) · 2 bad arguments, no
run, or no store or a damaged one · 3 a failure while reporting (a damaged row in the store)`,
    )
    .action(
      runAction(async (opts: ReportOptions) => {
        const format = parseFormat(opts.format, opts.out);
        const samples = wholeNumber('--samples', opts.samples) ?? 6;
        const maxChars = wholeNumber('--max-chars', opts.maxChars);
        if (maxChars !== undefined && format !== 'md')
          throw usageError(`--max-chars applies to the Markdown report (--format md), not ${format}`);
        // Parse the rules before touching the store: a typo must fail fast with exit 2.
        const explicit: FailRule[] | undefined =
          opts.failOn !== undefined ? parseFailOn(opts.failOn) : undefined;
        // A --out that cannot be written fails before the store is read.
        if (opts.out !== undefined && opts.out !== '-')
          checkOutputFile(opts.out, { what: 'report file (--out)' });
        const ctx = await loadContext(opts);
        try {
          const store = ctx.readableStore;
          const run = opts.run ? store.getRun(opts.run) : store.latestRun();
          if (!run)
            throw usageError(
              opts.run ? `no run ${opts.run} in ${store.path}` : `the store ${store.path} has no runs yet`,
              'run `breakfix cycle` (or bench / redteam) first, or pass --store',
            );
          // Without --fail-on, a run is judged by the criteria it was run with (else the config's).
          const stored = runCriteriaRules(run.config);
          const configured = stored.length
            ? stored
            : rulesFromCriteria(ctx.config.cycle.criteria, ctx.config.cycle.criteriaBound);
          const data = collectReportData(store, run.id, { samplesPerRound: samples });
          const { rules, notApplicable } = explicit
            ? { rules: explicit, notApplicable: [] }
            : applicableCriteria(data, configured);
          if (notApplicable.length)
            ctx.note(
              `a ${terminalText(run.kind)} run is held to the release criteria on what it measured; not applicable: ${notApplicable.map(ruleText).join(', ')} (name them with --fail-on to require them)`,
            );
          const criteria = evaluateRules(data, rules);
          let shortened: { tables: number; fullChars: number } | undefined;
          const text = await renderReport(data, format, criteria, {
            maxChars: maxChars === 0 ? Infinity : (maxChars ?? GITHUB_COMMENT_MAX),
            onCut: (tables, whole) => {
              shortened = { tables, fullChars: whole };
              ctx.note(
                `the Markdown report (${whole} characters whole) was shortened to fit ${maxChars ?? GITHUB_COMMENT_MAX}: ${tables} table(s) lost rows, each saying how many (--max-chars 0 for no limit)`,
              );
            },
          });
          let out = opts.out;
          // The run's own report is judged on its own criteria; one gated on --fail-on rules goes
          // beside it rather than over it.
          if (out === undefined && format === 'html')
            out = defaultReportPath(store, run.id).replace(/\.html$/, explicit ? '.gate.html' : '.html');
          if (out && out !== '-')
            writeOutputFile(
              out,
              text,
              opts.out
                ? { what: 'report file (--out)' }
                : // (beside the store, which may be read-only here: another user's, a CI artifact)
                  {
                    what: 'report file',
                    hint: 'pass --out FILE to write the report elsewhere, or --out - for stdout',
                  },
            );
          const failed = criteria.filter((c) => !c.pass);
          const toStdout = !out || out === '-';
          if (toStdout && !ctx.json) process.stdout.write(text);
          else
            ctx.out(
              {
                run: run.id,
                format,
                out: toStdout ? null : resolve(out as string),
                rules: rules.map(ruleText),
                notApplicable: notApplicable.map(ruleText),
                criteria,
                passed: failed.length === 0,
                // (the Markdown, cut to fit --max-chars: how many tables lost rows, and its length whole)
                ...(shortened && { shortened }),
                ...(toStdout ? { report: text } : {}),
              },
              () =>
                [
                  `wrote ${format} report of ${terminalText(run.id)} (${data.rounds.length} round(s)) to ${out}`,
                  // (a message names the run: its id, from a store older than the checks, may be anything)
                  ...criteria.map(
                    (c) => `${c.pass ? 'pass' : 'FAIL'}  ${c.rule}  ${terminalText(c.message)}`,
                  ),
                ].join('\n'),
            );
          if (toStdout && !ctx.json)
            for (const c of failed)
              process.stderr.write(`breakfix: criterion failed: ${c.rule}: ${terminalText(c.message)}\n`);
          return failed.length ? ExitCode.findings : ExitCode.ok;
        } finally {
          await ctx.close();
        }
      }),
    );
}

/** The metric names, wrapped as the rest of the help text is (about 100 columns). */
function wrapList(names: readonly string[]): string {
  const lines = [''];
  for (const name of names) {
    const next = lines[lines.length - 1] ? `${lines[lines.length - 1]} ${name},` : `${name},`;
    if (next.length > 96 && lines[lines.length - 1]) lines.push(`${name},`);
    else lines[lines.length - 1] = next;
  }
  return lines.join('\n').replace(/,$/, '');
}
