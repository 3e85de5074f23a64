// `breakfix curate`: a round's vulnerabilities and attempts → SFT and preference records, stored and
// exported, with their statistics and what was dropped (duplicates, contamination, failed checks).
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { customSuiteTexts } from '../bench/index.js';
import { attackOptions, builtinSeeds } from '../break/index.js';
import { ensureOutputDir } from '../config/outdir.js';
import { createRng, type Seed } from '../core/index.js';
import {
  type CurateResult,
  curate,
  curatedBefore,
  EXPORT_FORMATS,
  exportRecords,
  fixDataThrough,
  heldOutTexts,
  requireAttacked,
  resolveRound,
  resolveRun,
  roundAttempts,
  roundExportDir,
  type StagedExport,
  shortfallLines,
  stageExport,
  vulnerabilitiesOf,
} from '../fix/index.js';
import { createJudges } from '../judge/index.js';
import type { Store } from '../store/index.js';
import { asRole, inSpendScope } from '../targets/index.js';
import { BASE_MODEL_ID } from '../world/pretrain.js';
import {
  type CommonOptions,
  type Context,
  configBaseDir,
  ExitCode,
  loadContext,
  runAction,
  terminalText,
  usageError,
  userData,
  withCommonOptions,
} from './common.js';
import { parseRound } from './vulns.js';

interface CurateOptions extends CommonOptions {
  run?: string;
  round?: string;
  format?: string[];
  out?: string;
  onPolicy?: boolean;
  force?: boolean;
  exportOnly?: boolean;
  cumulative?: boolean;
}

/** Built-in seeds plus the config's seed files (relative to the config file). */
export function allSeeds(ctx: Context): Seed[] {
  return [...builtinSeeds(), ...userData(ctx).seeds];
}

export function renderCurateSummary(result: CurateResult, paths: string[], where: string): string {
  const records = [...result.sft, ...result.preference];
  const lines = [
    `curated ${where}: ${result.sft.length} SFT records, ${result.preference.length} preference pairs (counts below cover both)`,
  ];
  const table = (title: string, m: Record<string, number>) => {
    const entries = Object.entries(m).sort((a, b) => b[1] - a[1]);
    if (entries.length)
      lines.push(
        `  ${title.padEnd(11)}${entries.map(([k, n]) => `${k.replace(/\p{Cc}/gu, '?')} ${n}`).join(' · ')}`,
      );
  };
  table('purpose', result.stats.byPurpose);
  table('kind', result.stats.byKind);
  table('category', result.stats.byCategory);
  table('technique', result.stats.byTechnique);
  table('language', result.stats.byLanguage);
  const reasons: Record<string, number> = {};
  for (const d of result.dropped) reasons[d.reason] = (reasons[d.reason] ?? 0) + 1;
  lines.push(
    `  dropped    ${
      Object.keys(reasons).length
        ? Object.entries(reasons)
            .map(([k, n]) => `${k} ${n}`)
            .join(' · ')
        : 'none'
    }`,
  );
  const probe = result.stats.overRefusalProbe;
  if (probe)
    lines.push(
      `  probe      refused ${probe.refused} of ${probe.asked} train-split look-alikes (${probe.unseen.refused} of the ${probe.unseen.asked} no earlier round trained on)${probe.failed ? `, ${probe.failed} failed` : ''}`,
    );
  for (const line of shortfallLines(result.stats)) lines.push(`  ${line}`);
  // Every export file is written, empty ones too (they replace an earlier export's): the count
  // says which hold data.
  const count = (p: string) => {
    const [kind, split] = basename(p).split('.');
    return records.filter((r) => r.kind === kind && r.split === split).length;
  };
  if (paths.length) lines.push('', 'written:', ...paths.map((p) => `  ${p} (${count(p)})`));
  return lines.join('\n');
}

/** The target spec of a round's model: as registered, else the id itself when it is a spec
 * (`embedded:…`, `openai:…`), the shipped base by its id; undefined when it cannot be reached. */
function roundModelSpec(store: Store, modelId: string): string | undefined {
  const registered = store.getModel(modelId)?.target;
  if (registered) return registered;
  if (modelId.includes(':')) return modelId;
  return modelId === BASE_MODEL_ID ? 'embedded:base' : undefined;
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('curate')
      .description(
        'build fix data from a round: safe answers (SFT), preference pairs against the model’s own harmful answers, benign look-alikes, helpfulness mix; dedup and decontaminate',
      )
      .option(
        '--run <id>',
        'run id (default: the latest cycle run, else the latest red-team run, else the latest run)',
      )
      .option('--round <n>', 'round to curate (default: the latest round with attempts)')
      .option(
        '--format <formats...>',
        `export formats: ${EXPORT_FORMATS.join(', ')} (default: config curate.formats)`,
      )
      .option('--out <dir>', 'export folder (default: beside the store, datasets/<run>/round-<n>)')
      .option(
        '--no-on-policy',
        "do not ask the round's model for its own answers (the cycle always does): the preference pairs then come only from the red team's successful attempts, and decontamination may leave none",
      )
      .option('--force', 'replace the records the round already has (a cycle may have trained on them)')
      .option(
        '--export-only',
        "write the round's stored records (curated by the cycle or an earlier curate) in --format, without curating anything",
      )
      .option(
        '--cumulative',
        "with --export-only: the records of the round and of every earlier round, each once: what the candidate after the round trained on (the cycle's and breakfix train's data), by default into datasets/<run>/rounds-0-<n>",
      ),
    { cache: true, quiet: true },
  )
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix curate                                TRL files for the last round of the latest cycle (else red-team) run
  $ breakfix curate --run run_abc --format trl openai axolotl parquet --out ./fixdata   red-team run run_abc
  $ breakfix curate --run run_abc --json
  $ breakfix curate --round 1 --force              curate a round again, replacing its records
  $ breakfix curate --round 0 --export-only --format openai parquet   a cycle's round 0 data, as stored
  $ breakfix curate --round 1 --export-only --cumulative --format trl  what round 2's candidate trained on

As in the cycle, the round's model (a red-team run's: the target it attacked) is asked for its own
answers to the synthetic prompts: their harmful ones are the rejected side of the preference pairs,
their refusals of benign look-alikes the over-refusal probe. Every safe answer is checked by the
judges (a refusal the attack judges call harmless) and every benign answer checked not to be a
refusal (a teacher's, also not harmful to the attack judges); records sharing an n-gram
(curate.decontamNgram) with a benchmark or held-back seed are dropped. A round that already has records (a cycle's curate
step, an earlier curate) is left alone unless --force: a cycle trained its later rounds on them.
Every export replaces the format folder's previous export files. Exit codes: 0 done (also
when there was nothing to curate), 2 bad input, records already there, or a round nothing attacked
(a bench run's), 3 runtime or teacher failure.`,
    )
    .action(
      runAction(async (opts: CurateOptions) => {
        const round = parseRound(opts.round);
        const formats = opts.format ?? ctxFormatsPlaceholder;
        for (const f of opts.format ?? [])
          if (!(EXPORT_FORMATS as readonly string[]).includes(f))
            throw usageError(`unknown --format "${f}" (known: ${EXPORT_FORMATS.join(', ')})`);
        if (opts.cumulative && !opts.exportOnly)
          throw usageError(
            '--cumulative exports the stored records of rounds 0 to --round: give it with --export-only',
          );
        const ctx = await loadContext(opts);
        try {
          // Seed files and custom suites first: bad input ends the command before anything is written.
          const seeds = allSeeds(ctx);
          // Decontamination: nothing curated may overlap a benchmark (attack split, custom suites) or a
          // held-back seed.
          const heldOut = [
            ...heldOutTexts(seeds),
            ...(await customSuiteTexts(ctx.config.bench.custom, configBaseDir(ctx))),
          ];
          // (--export-only only reads the store: it works on one this user cannot write)
          const store = opts.exportOnly ? ctx.readableStore : ctx.existingStore;
          const run = resolveRun(store, opts.run);
          const r = resolveRound(store, run.id, round);
          if (opts.exportOnly) return exportStored(ctx, store, run.id, r, opts, formats);
          const attempts = roundAttempts(store, run.id, r);
          requireAttacked(store, run, r, attempts);
          const replacing = existingRecords(store, run.id, r, run.kind, opts.force === true);
          // The export folder is made (or refused, naming it) before the possibly long curation.
          const what = opts.out === undefined ? 'export folder' : 'export folder (--out)';
          const outDir = ensureOutputDir(exportDirOf(store, run.id, r, opts.out), { what });
          const exportFormats = formats === ctxFormatsPlaceholder ? ctx.config.curate.formats : formats;
          // Each format's folder too: a failed export after saveRecords would have replaced the
          // round's stored records for nothing.
          for (const f of exportFormats) ensureOutputDir(join(outDir, f), { what: `${what}'s ${f} folder` });
          const vulnerabilities = vulnerabilitiesOf(store, run.id, r, attempts);
          const judges = createJudges(ctx.config, { target: (n) => asRole(ctx.target(n), 'judge') });
          const teacher = ctx.config.roles.teacher
            ? asRole(ctx.target(ctx.config.roles.teacher), 'teacher')
            : undefined;
          let target: ReturnType<Context['target']> | undefined;
          if (opts.onPolicy !== false) {
            const modelId = store.getRounds(run.id).find((x) => x.round === r)?.model;
            // A red-team run records no round model: the model it attacked is its target (`redteam
            // -t`), which roles.target need not be. Asking roles.target had paired the red team's
            // findings with another model's answers, and probed another model for over-refusal.
            const attacked = run.target ?? ctx.config.roles.target;
            const unknownName =
              modelId === undefined &&
              !attacked.includes(':') &&
              !Object.hasOwn(ctx.config.targets, attacked);
            const spec =
              modelId !== undefined ? roundModelSpec(store, modelId) : unknownName ? undefined : attacked;
            if (spec) target = asRole(ctx.target(spec), 'target');
            // (a warning, in --json's warnings too: the pairs a DPO run rests on are missing)
            else if (unknownName)
              ctx.warn(
                `run ${terminalText(run.id)} attacked the target ${terminalText(attacked)}, which this config does not define: no on-policy pairs (it cannot be asked); pass the red team's config with -c`,
              );
            else
              ctx.warn(
                `the round's model ${terminalText(modelId ?? '')} is not registered in the store: no on-policy pairs (it cannot be asked)`,
              );
          }
          // (its requests booked to the run's round, as the cycle's curate step books them)
          const result = await inSpendScope({ runId: run.id, round: r, stage: 'curate' }, () =>
            curate({
              round: r,
              runId: run.id,
              vulnerabilities,
              attempts,
              seeds,
              heldOut: { texts: heldOut },
              curatedBefore: curatedBefore(store, run.id, r),
              config: ctx.config.curate,
              teacher,
              target,
              attacker: ctx.config.roles.attacker
                ? asRole(ctx.target(ctx.config.roles.attacker), 'attacker')
                : undefined,
              maxTurns: ctx.config.redteam.maxTurns,
              attackOptions: attackOptions(ctx.config.redteam.attacks),
              judges: { refusal: judges.refusal, attack: judges.attack },
              rng: createRng(`${ctx.config.seed}:curate:${r}`),
              progress: ctx.progress,
            }),
          );
          const records = [...result.sft, ...result.preference];
          // Exported even when empty: the empty files replace an earlier export's in the same folder.
          // The export is written (seconds, for a large set) before the records are stored and renamed
          // in after: a crash while writing stores nothing, so the same command again curates the
          // round; stored first, the records outlived such a crash and the rerun refused the round as
          // curated, with no export of it.
          const staged: StagedExport[] = [];
          try {
            for (const f of exportFormats) staged.push(stageExport(records, f, outDir));
            store.saveCuration(run.id, r, result);
          } catch (err) {
            for (const s of staged) s.discard();
            throw err;
          }
          for (const s of staged) s.commit();
          const paths = staged.flatMap((s) => s.paths);
          // Said even with --json and -q: stored data a cycle trained on is gone, which a script
          // reading only stdout should still leave a trace of in its logs.
          if (replacing) process.stderr.write(`breakfix: ${replacing.replaced}\n`);
          ctx.out(
            {
              runId: run.id,
              round: r,
              sft: result.sft.length,
              preference: result.preference.length,
              stats: result.stats,
              dropped: result.dropped,
              replaced: replacing?.count ?? 0,
              files: paths,
              warnings: ctx.warnings,
            },
            () => renderCurateSummary(result, paths, `run ${run.id} round ${r}`),
          );
          if (!records.length)
            ctx.note(
              'nothing curated: no open vulnerability with a successful attempt, or every candidate was dropped',
            );
          return ExitCode.ok;
        } finally {
          await ctx.close();
        }
      }),
    );
}

/** Where a round's records are exported: --out, else `<store dir>/datasets/<run>/round-<n>`. A run id
 * from an old store that would leave the datasets folder (`../x`) is refused rather than followed. */
function exportDirOf(
  store: Store,
  runId: string,
  round: number,
  out: string | undefined,
  cumulative = false,
): string {
  return out !== undefined ? resolve(out) : roundExportDir(store.path, runId, round, cumulative);
}

/** A round's stored records are what a cycle trained its later rounds on (or what a resume would
 * train the next round on), and `saveRecords` replaces a dataset whole, so curating such a round
 * again needs --force. Refuses without it; with it, returns the note that says what was replaced
 * (undefined when the round has no records). */
function existingRecords(
  store: Store,
  runId: string,
  round: number,
  kind: string,
  force: boolean,
): { count: number; replaced: string } | undefined {
  const sft = store.listRecords({ runId, round, dataset: 'sft' }).length;
  const preference = store.listRecords({ runId, round, dataset: 'preference' }).length;
  const count = sft + preference;
  if (count === 0) return undefined;
  const records = `${count} curated records (${sft} SFT, ${preference} preference ${preference === 1 ? 'pair' : 'pairs'})`;
  const where = `run ${terminalText(runId)} round ${round}`;
  const later = store.getRounds(runId).filter((x) => x.round > round);
  const next = later[0];
  const models = next
    ? `its round ${next.round} model${next.model ? ` (${terminalText(next.model)})` : ''}${later.length > 1 ? ' and every later round’s' : ''}`
    : '';
  if (!force) {
    const use =
      kind !== 'cycle'
        ? ''
        : next
          ? `; the cycle trained ${models} on them`
          : '; `breakfix cycle --resume` would train the next round on them';
    throw usageError(
      `${where} already has ${records}${use}`,
      `--export-only writes them in other formats; pass --force to curate it again and replace them${next && kind === 'cycle' ? ` (the store then no longer holds the data ${later.length > 1 ? 'those models were' : 'that model was'} trained on)` : ''}`,
    );
  }
  const lost =
    kind !== 'cycle'
      ? ''
      : next
        ? `; the cycle had trained ${models} on them, and the store no longer holds that data`
        : '; `breakfix cycle --resume` now trains the next round on the new ones';
  return { count, replaced: `replaced the ${records} of ${where}${lost}` };
}

/** `--export-only`: the round's stored records, as curated (by a cycle or an earlier curate), in the
 * formats asked for; nothing is curated or replaced. With `--cumulative`, every earlier round's too:
 * a candidate trains on all of them (fixDataThrough), and the round's own records alone would train
 * an outside model without the safety the earlier rounds taught. */
function exportStored(
  ctx: Context,
  store: Store,
  runId: string,
  round: number,
  opts: CurateOptions,
  formats: string[],
): number {
  if (opts.force)
    throw usageError(
      '--export-only writes the stored records; --force curates them anew: give one of the two',
    );
  // A round with no records of its own trained no candidate (as with breakfix train), cumulative or not.
  if (store.listRecords({ runId, round }).length === 0)
    throw usageError(
      `run ${terminalText(runId)} round ${round} has no curated records to export`,
      `curate it first: breakfix curate --run ${runId} --round ${round}`,
    );
  const through = fixDataThrough(store, runId, round);
  const all = [...through.sft, ...through.preference];
  const records = opts.cumulative ? all : store.listRecords({ runId, round });
  if (!opts.cumulative && all.length > records.length)
    ctx.note(
      `the candidate after round ${round} trained on rounds 0-${round}: ${all.length - records.length} more records than this round's own; --cumulative exports them all`,
    );
  const what = opts.out === undefined ? 'export folder' : 'export folder (--out)';
  // (the default is beside the store, which may be read-only here: another user's, a CI artifact)
  const hint = opts.out === undefined ? 'pass --out DIR to export elsewhere' : undefined;
  const outDir = ensureOutputDir(exportDirOf(store, runId, round, opts.out, opts.cumulative), {
    what,
    hint,
  });
  const exportFormats = formats === ctxFormatsPlaceholder ? ctx.config.curate.formats : formats;
  const paths = exportFormats.flatMap((f) => exportRecords(records, f, outDir));
  const sft = records.filter((x) => x.kind === 'sft').length;
  const rounds = opts.cumulative ? `rounds 0-${round}` : `round ${round}`;
  ctx.out(
    {
      runId,
      round,
      ...(opts.cumulative ? { rounds: round + 1 } : {}),
      sft,
      preference: records.length - sft,
      exportOnly: true,
      files: paths,
    },
    () =>
      [
        `exported the ${records.length} stored records of run ${terminalText(runId)} ${rounds} (${sft} SFT, ${records.length - sft} preference), nothing curated:`,
        ...paths.map((p) => `  ${p}`),
      ].join('\n'),
  );
  return ExitCode.ok;
}

/** Marks "no --format given" (use the config's formats, known only once the config is loaded). */
const ctxFormatsPlaceholder: string[] = [];
