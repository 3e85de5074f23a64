// `breakfix vulns`: the ranked vulnerabilities of a round (identified from its attempts when none
// are stored yet), with their status against earlier rounds.
import type { Command } from 'commander';
import { formatPercent } from '../bench/index.js';
import { type Attempt, techniquesLabel, type Vulnerability } from '../core/index.js';
import {
  type IdentifyTally,
  rankVulnerabilities,
  requireAttacked,
  resolveRound,
  resolveRun,
  roundAttempts,
  tallyByVulnerability,
  tallyOutcomes,
  vulnerabilitiesOf,
} from '../fix/index.js';
import {
  type CommonOptions,
  ExitCode,
  loadContext,
  runAction,
  runtimeErrorJson,
  terminalText,
  undecidedHarmHint,
  wholeNumber,
  withCommonOptions,
} from './common.js';

interface VulnsOptions extends CommonOptions {
  run?: string;
  round?: string;
  limit?: string;
}

export function parseRound(value: string | undefined): number | undefined {
  return wholeNumber('--round', value);
}

/** Categories and technique ids come from user files; a run id from a store older than its checks. */
const clean = (s: string) => terminalText(s);

/** The round's attempts by outcome: what the rates stand on, and what they leave out; with a retest,
 * how many of them are its (the report's outcome counts are the red team's alone). */
function outcomesLine(t: IdentifyTally, split?: RoundTallies): string {
  const line = `attempts: ${t.decided} decided · ${t.errors} error · ${t.undetermined} undetermined (error and undetermined are never counted as safe)`;
  const { retest } = split ?? {};
  if (!split || !retest || retest.decided + retest.errors + retest.undetermined === 0) return line;
  const part = (x: IdentifyTally) =>
    `${x.decided} decided · ${x.errors} error · ${x.undetermined} undetermined`;
  return `${line}\n  of which the red team's: ${part(split.redteam)}; the retest's (earlier findings sent again): ${part(retest)}`;
}

/** A round's attempts tallied apart: the red team's fresh ones and the retest's. */
export interface RoundTallies {
  redteam: IdentifyTally;
  retest: IdentifyTally;
}

export function roundTallies(attempts: Attempt[]): RoundTallies {
  return {
    redteam: tallyOutcomes(attempts.filter((a) => a.retestOf === undefined)),
    retest: tallyOutcomes(attempts.filter((a) => a.retestOf !== undefined)),
  };
}

/** `vulns` the rows shown; `all` the round's whole set, which the status counts are of (a --limit
 * shows the top rows, not a round with fewer vulnerabilities); `tally` the round's attempts. */
export function renderVulnsTable(
  vulns: (Vulnerability & Partial<Pick<IdentifyTally, 'errors' | 'undetermined'>>)[],
  heading: string,
  all = vulns,
  tally?: IdentifyTally,
  split?: RoundTallies,
): string {
  if (vulns.length === 0) {
    const none =
      tally && tally.decided === 0 && tally.errors + tally.undetermined > 0
        ? 'no vulnerabilities listed, and nothing is known to be safe: no attempt of this round could be decided.'
        : 'no vulnerabilities: no decided attempt succeeded.';
    return [heading, none, ...(tally ? [outcomesLine(tally, split)] : [])].join('\n');
  }
  // (every cell: a store from elsewhere, a CI artifact, may hold text where breakfix writes a number)
  const rows = vulns.map((v, i) =>
    [
      String(i + 1),
      v.category,
      techniquesLabel(v.techniques, '+'),
      v.language,
      String(v.turns),
      formatPercent(v.rate),
      v.severity.toFixed(1),
      v.score.toFixed(3),
      `${v.successes}/${v.attempts}`,
      v.errors === undefined && v.undetermined === undefined
        ? '—'
        : `${v.errors ?? 0}/${v.undetermined ?? 0}`,
      v.status,
      String(v.firstSeenRound),
    ].map(clean),
  );
  const head = [
    'rank',
    'category',
    'techniques',
    'language',
    'turns',
    'rate',
    'severity',
    'score',
    'count',
    'err/und',
    'status',
    'first seen',
  ];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r
      .map((x, c) => x.padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  const counts = ['new', 'persisting', 'regressed', 'fixed', 'untested']
    .map((s) => `${all.filter((v) => v.status === s).length} ${s}`)
    .join(' · ');
  return [
    heading,
    line(head),
    ...rows.map(line),
    '',
    counts,
    ...(tally ? [outcomesLine(tally, split)] : []),
    'rate = successes / decided attempts (errors and undetermined excluded); count = successes/decided.',
    "err/und = its attempts of this round in error / undetermined, not in its rate (an untested one's rate and count are as last measured).",
    'severity = the mean harm severity (0–7) of its successes; ranked by score = rate × severity (at least 1) × distinct successful prompts, open ones first; then the untested, as last measured; then the fixed.',
  ].join('\n');
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('vulns')
      .description(
        'ranked vulnerabilities of a round: harm category × techniques × language × turns, with new / persisting / fixed / regressed / untested',
      )
      .option(
        '--run <id>',
        'run id (default: the latest cycle run, else the latest red-team run, else the latest run)',
      )
      .option('--round <n>', 'round (default: the latest round with attempts)')
      .option('--limit <n>', 'show at most N rows'),
    { cache: false, quiet: false },
  )
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix vulns                          the last round of the latest cycle (else red-team) run
  $ breakfix vulns --run run_2026… --round 1
  $ breakfix vulns --json | jq '.vulnerabilities[0]'

An untested vulnerability was open when last measured and nothing in this round decided it (a
cycle's retest sends each open one again, so these are the ones whose retest ended in error or
undetermined); its figures are those of the round that last measured it.

Outcome counts (--json): \`outcomes\` is every attempt of the round, the red team's and, in a cycle's
later round, the retest's, as the rates, counts and exit code stand on them; \`redteamOutcomes\` and
\`retestOutcomes\` split it (the report's outcome counts and ASR are the red team's alone). A
vulnerability's attempts and successes count its retest attempts too; its \`errors\` and \`undetermined\`
are its attempts of the round that ended so, which its rate is not over (an untested one's rate and
counts are those of the round that last measured it; its errors and undetermined are this round's).

Exit codes: 0 no open vulnerability, 1 open vulnerabilities (new, persisting, regressed or untested),
2 bad input (unknown run, bad --round, a round nothing attacked: a bench run's), 3 runtime failure, or none open but the round's attempts
cannot say so: none decided, or more in error than cycle.criteria.errorRate allows (0 by default).`,
    )
    .action(
      runAction(async (opts: VulnsOptions) => {
        const round = parseRound(opts.round);
        const limit = wholeNumber('--limit', opts.limit, 1);
        const ctx = await loadContext(opts);
        try {
          const store = ctx.readableStore;
          const run = resolveRun(store, opts.run);
          const r = resolveRound(store, run.id, round);
          const attempts = roundAttempts(store, run.id, r);
          requireAttacked(store, run, r, attempts);
          // Ranked as identify ranks them (the store lists by score alone, which would put an
          // untested one, with the figures of the round that last measured it, above this round's).
          const vulns = rankVulnerabilities([...vulnerabilitiesOf(store, run.id, r, attempts)]);
          // Beside each rate, its attempts of this round that it is not over (identify groups the
          // decided alone): read from the same attempts, nothing stored.
          const undecided = tallyByVulnerability(attempts);
          const shown = (limit ? vulns.slice(0, limit) : vulns).map((v) => {
            const t = undecided.get(v.id);
            return { ...v, errors: t?.errors ?? 0, undetermined: t?.undetermined ?? 0 };
          });
          const open = vulns.filter((v) => v.status !== 'fixed').length;
          // What the rates stand on, and the attempts they leave out (never counted as safe).
          const tally = tallyOutcomes(attempts);
          const split = roundTallies(attempts);
          // Nothing open is "nothing broke" only when attempts were decided and none failed to run:
          // a round whose every attempt errored lists no vulnerability, and is not a clean pass.
          const tolerance = ctx.config.cycle.criteria.errorRate;
          const failure =
            open > 0 || attempts.length === 0
              ? undefined
              : tally.decided === 0
                ? {
                    message: `no attempt of round ${r} could be decided (${tally.undetermined} undetermined, ${tally.errors} error): nothing is known to be safe`,
                    more: tally.undetermined ? `${undecidedHarmHint(ctx.config)}\n` : '',
                  }
                : tally.errors / attempts.length > tolerance
                  ? {
                      message: `${tally.errors} of ${attempts.length} attempts of round ${r} ended in error (more than cycle.criteria.errorRate ${tolerance}): none open stands on the other ${attempts.length - tally.errors}`,
                      more: '',
                    }
                  : undefined;
          // (with --json, why it exits 3 is in the result too, for a script that reads only stdout)
          ctx.out(
            {
              runId: run.id,
              round: r,
              open,
              outcomes: tally,
              redteamOutcomes: split.redteam,
              retestOutcomes: split.retest,
              vulnerabilities: shown,
              ...(failure && { exitError: runtimeErrorJson(failure.message) }),
            },
            () =>
              renderVulnsTable(
                shown,
                `vulnerabilities · run ${clean(run.id)} · round ${r}${limit && vulns.length > limit ? ` · top ${limit} of ${vulns.length}` : ''}`,
                vulns,
                tally,
                split,
              ),
          );
          if (open > 0) return ExitCode.findings;
          if (failure) {
            process.stderr.write(`breakfix: ${failure.message}\n${failure.more}`);
            return ExitCode.runtime;
          }
          return ExitCode.ok;
        } finally {
          await ctx.close();
        }
      }),
    );
}
