// `breakfix train`: post-train a round's curated records with a backend (embedded, trl, command) and
// register the result as the next candidate.
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { checkTargetSet, redactConfig, redactText } from '../config/index.js';
import { checkOutputDir } from '../config/outdir.js';
import { type ModelRef, readJsonFile } from '../core/index.js';
import {
  createTrainer,
  fixDataThrough,
  resolveRound,
  resolveRun,
  TRAINER_BACKENDS,
  type TrainOutput,
} from '../fix/index.js';
import { producedId, trainSeed } from '../fix/train/params.js';
import { shellQuote } from '../fix/train/trl.js';
import type { ModelRow, Store } from '../store/index.js';
import {
  type CommonOptions,
  type Context,
  configBaseDir,
  ExitCode,
  loadContext,
  runAction,
  usageError,
  withCommonOptions,
} from './common.js';
import { trainerWarnings } from './config.js';
import { parseRound } from './vulns.js';

interface TrainOptions extends CommonOptions {
  backend?: string;
  run?: string;
  round?: string;
  base?: string;
  out?: string;
  dryRun?: boolean;
  force?: boolean;
}

/** A `--base` folder as a model reference: it must hold a checkpoint (config.json). A breakfix
 * checkpoint is an embedded model; any other (a Hugging Face folder) suits only trl and command. */
function folderBase(base: string, backend: string): ModelRef {
  const dir = resolve(base);
  const config = join(dir, 'config.json');
  if (!statSync(dir).isDirectory() || !existsSync(config))
    throw usageError(
      `--base ${base} is not a checkpoint folder: ${statSync(dir).isDirectory() ? `no config.json in ${dir}` : 'it is a file'}`,
      'pass a folder holding config.json (and the weights), a registered model id or a target spec; see breakfix model list',
    );
  const modelType = (
    readJsonFile(config, 'file', 'the --base checkpoint is damaged') as { model_type?: unknown } | null
  )?.model_type;
  if (modelType === 'breakfix-gpt') return { id: base, target: `embedded:${dir}`, path: dir };
  if (backend === 'embedded')
    throw usageError(
      `--base ${base} is not a breakfix embedded checkpoint (model_type ${JSON.stringify(modelType)})`,
      'the embedded backend trains breakfix checkpoints; train a Hugging Face model with --backend trl or command',
    );
  return { id: base, target: dir, path: dir };
}

/** The model to start from: --base (a registered model, a checkpoint folder or a target spec), else
 * for trl the configured `train.trl.baseModel` (TRL cannot load an embedded checkpoint), else the
 * model of round `round` (the caller passes the round `train.start` names, as the cycle does), else
 * the configured target. */
export function resolveBase(
  ctx: Context,
  store: Store,
  runId: string,
  round: number,
  base?: string,
  backend = 'embedded',
): ModelRef {
  const asRef = (id: string): ModelRef | undefined => {
    const m = store.getModel(id);
    return m ? { id: m.id, target: m.target, path: m.path, parent: m.parent, round: m.round } : undefined;
  };
  if (base) {
    const known = asRef(base);
    if (known) return known;
    if (existsSync(base)) return folderBase(base, backend);
    if (base.includes(':')) return { id: base, target: base };
    const named = ctx.config.targets[base];
    if (named) checkTargetSet(ctx.config, base);
    if (named) return { id: base, target: named.type === 'embedded' ? `embedded:${named.model}` : base };
    // A Hugging Face id (owner/name) is a base only TRL can fetch.
    if (backend === 'trl' && /^[\w.-]+\/[\w.-]+$/.test(base)) return { id: base, target: base, path: base };
    throw usageError(
      `unknown --base "${base}": not a registered model, a folder or a target spec`,
      'see breakfix model list',
    );
  }
  const hf = ctx.config.train.trl.baseModel;
  if (backend === 'trl' && hf) return { id: hf, target: hf, path: hf };
  const roundModel = store.getRounds(runId).find((x) => x.round === round)?.model;
  if (roundModel) return asRef(roundModel) ?? { id: roundModel, target: roundModel };
  const name = ctx.targetName(ctx.config.roles.target);
  // Its type decides the base; a target with unset variables is a placeholder until they are set.
  if (ctx.config.roles.target in ctx.config.targets) checkTargetSet(ctx.config, ctx.config.roles.target);
  const t = ctx.config.targets[ctx.config.roles.target];
  if (t?.type === 'embedded')
    return (
      asRef(t.model === 'base' ? 'breakfix-tiny-base' : t.model) ?? {
        id: t.model === 'base' ? 'breakfix-tiny-base' : name,
        target: `embedded:${t.model}`,
      }
    );
  return { id: name, target: name };
}

/** The round to train on: the one asked for, else the latest with curated records (right after a
 * cycle, the last round has attempts but nothing curated: it met the criteria or was not fixed). */
export function trainRound(store: Store, runId: string, round?: number): { round: number; chosen: boolean } {
  if (round !== undefined) return { round: resolveRound(store, runId, round), chosen: false };
  const rounds = store
    .getRounds(runId)
    .map((r) => r.round)
    .sort((a, b) => b - a);
  for (const r of rounds) {
    const n =
      store.listRecords({ runId, round: r, dataset: 'sft' }).length +
      store.listRecords({ runId, round: r, dataset: 'preference' }).length;
    if (n > 0) return { round: r, chosen: true };
  }
  return { round: resolveRound(store, runId), chosen: true };
}

/** Whether `path` is `dir` or inside it. */
const within = (dir: string, path: string | undefined): boolean =>
  path !== undefined && isAbsolute(path) && (path === dir || path.startsWith(dir + sep));

/** The registered model whose files live in `dir` (a TRL model's path is a subfolder of it). */
function modelIn(store: Store, dir: string): ModelRow | undefined {
  return store
    .listModels()
    .find(
      (m) =>
        within(dir, m.path) ||
        (m.target.startsWith('embedded:') && within(dir, m.target.slice('embedded:'.length))),
    );
}

/** A manual train writes a folder and registers an id; neither may silently replace a model the
 * registry or the folder holds (the cycle's round-N model, which its report figures describe, or
 * the shipped base). Returns the id to register. */
function guardOutput(
  store: Store,
  outDir: string,
  roundDir: string,
  backend: string,
  runId: string,
  round: number,
  force: boolean,
) {
  const held = modelIn(store, outDir);
  const checkpoint = existsSync(join(outDir, 'config.json'));
  if (!force && (held || checkpoint))
    throw usageError(
      held
        ? `the output folder ${outDir} holds the registered model ${held.id}${held.path && held.path !== outDir ? ` (${held.path})` : ''}; training into it would replace that model`
        : `the output folder ${outDir} already holds a checkpoint; training into it would replace it`,
      'pass --out with a new folder, or --force to replace it',
    );
  // A folder of the user's own (--out) is a candidate beside the cycle's: it is named by its folder.
  // Given the round's id, a cycle resumed later would register its own model of that round under the
  // same id, and the registry would lose this one (its figures then read as the cycle's).
  if (resolve(outDir) !== resolve(roundDir)) return `${backend}:${outDir}`;
  const id = producedId(backend, outDir, runId, round);
  const existing = store.getModel(id);
  // The usual id names another folder (the cycle's own model of that round, registered from another
  // store location): the one trained here gets an id of its own, from its folder, so the cycle's stays
  // where its figures were measured.
  if (existing && !within(outDir, existing.path)) return `${backend}:${outDir}`;
  return id;
}

/** A logged figure: four decimals, or three significant digits where those would show a non-zero
 * value as 0 (TRL logs the learning rate, 2e-05, which read 'learning_rate 0.0000'). */
const figure = (v: number): string => (v !== 0 && Math.abs(v) < 0.001 ? v.toExponential(2) : v.toFixed(4));

/** `trainedOn` says from which model and on what data, e.g. "from breakfix-tiny-base on 40 SFT and
 * 12 preference records of rounds 0-1". */
export function renderTrainSummary(out: TrainOutput, backend: string, trainedOn: string): string {
  const lines: string[] = [];
  if (out.dryRun) {
    lines.push(`dry run (${backend}): nothing was trained; it would train ${trainedOn}. Plan:`);
    if (out.plan) {
      lines.push(
        'files:',
        ...out.plan.files.map((f) => `  ${f}`),
        'commands:',
        // Shown to be pasted: each word quoted as the shell needs (a folder with a space, or a `$(…)`
        // in a name, must not break or run).
        ...out.plan.commands.flatMap((c) => [
          ...(c.cwd ? [`  (in ${shellQuote(c.cwd)})`] : []),
          `  $ ${c.shell ? c.argv[0] : c.argv.map(shellQuote).join(' ')}`,
        ]),
      );
    } else lines.push(JSON.stringify(out.log[0] ?? {}, null, 2));
    lines.push(`would produce ${out.model.id} (${out.model.target})`);
    return lines.join('\n');
  }
  lines.push(`trained ${out.model.id} with ${backend} ${trainedOn}: ${out.model.target}`);
  const last = (phase: string) =>
    [...out.log].reverse().find((e) => (e as { phase?: string }).phase === phase) as
      | Record<string, number>
      | undefined;
  const fmt = (e: Record<string, number> | undefined) =>
    e
      ? Object.entries(e)
          .filter(([k, v]) => typeof v === 'number' && k !== 'step')
          .map(([k, v]) => `${k} ${figure(v)}`)
          .join(' · ')
      : '';
  if (last('sft')) lines.push(`  sft (last step)  ${fmt(last('sft'))}`);
  if (last('dpo')) lines.push(`  dpo (last step)  ${fmt(last('dpo'))}`);
  lines.push(`registered as the next candidate: breakfix bench --target ${shellQuote(out.model.target)}`);
  return lines.join('\n');
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('train')
      .description(
        'post-train on the curated records of a round and the rounds before it (SFT then DPO), as the cycle does, and register the next candidate',
      )
      .option('--backend <name>', `${TRAINER_BACKENDS.join(' | ')} (default: config train.backend)`)
      .option(
        '--run <id>',
        'run id (default: the latest cycle run, else the latest red-team run, else the latest run)',
      )
      .option(
        '--round <n>',
        'train the candidate after this round, on its curated records and those of every earlier round (default: the latest round with curated records)',
      )
      .option(
        '--base <model>',
        "model to start from: a registered model id, a checkpoint folder or a target spec (default: as the cycle, by train.start: round 0's model, or with 'previous' the round's)",
      )
      .option('--out <dir>', 'output folder (default: beside the store, models/<run>/round-<n+1>)')
      .option('--force', 'train into an output folder that holds a model already, replacing it')
      .option('--dry-run', 'write the plan and files, train nothing'),
    { cache: true, quiet: true },
  )
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix train --out /tmp/cand                    embedded SFT + DPO up to the latest curated round
  $ breakfix train --backend trl --dry-run --base microsoft/Phi-3-mini-4k-instruct
                                                     print the TRL / accelerate plan
  $ breakfix train --backend command --round 1       run train.command.template
  $ breakfix train --base ./my-checkpoint --json
  $ breakfix train --round 1 --out /tmp/round-2b     a second candidate beside the cycle's own

The data and the start are the cycle's: the records of round <n> and of every round before it (a
later round adds to the fix data; it does not replace it), from round 0's model (train.start:
base) or round <n>'s (train.start: previous). A round with no curated records of its own is
exit 2, as the cycle trains nothing after such a round.

The output folder must not hold a model already (the cycle's round-N, the shipped base): pass a
new --out, or --force to replace it. The model is registered as <backend>:<run>:round-<n+1> in the
default folder, and by its folder (embedded:/tmp/cand) with --out elsewhere, so that the cycle's own
model of that round, trained now or on a later resume, never takes its name. With --backend trl the base is train.trl.baseModel (a Hugging
Face model; an embedded checkpoint is not one) unless --base names another. With --backend command,
{sft} and {preference} always name a file (empty when the round has no records of that kind), and
the command must write the checkpoint into {out}: when train.command.target is embedded:{out} and
{out} holds no config.json afterwards, nothing is registered (exit 3).

Exit codes: 0 trained (or planned), 2 bad input (no records, unknown backend or base, an output
folder that cannot be written or holds a model), 3 training failed, 130 / 143 / 129 interrupted by
SIGINT / SIGTERM / SIGHUP (the trainer's processes are stopped first).`,
    )
    .action(
      runAction(async (opts: TrainOptions) => {
        const round = parseRound(opts.round);
        if (opts.backend && !(TRAINER_BACKENDS as readonly string[]).includes(opts.backend))
          throw usageError(`unknown --backend "${opts.backend}" (known: ${TRAINER_BACKENDS.join(', ')})`);
        const ctx = await loadContext(opts);
        try {
          const store = ctx.existingStore;
          const run = resolveRun(store, opts.run);
          const { round: r, chosen } = trainRound(store, run.id, round);
          const own =
            store.listRecords({ runId: run.id, round: r, dataset: 'sft' }).length +
            store.listRecords({ runId: run.id, round: r, dataset: 'preference' }).length;
          // A round with nothing curated trains nothing, as in the cycle (its data would be the round
          // before's, and so would its candidate).
          if (own === 0)
            throw usageError(
              `no curated records for run ${run.id}${chosen ? ' in any round' : ` round ${r}`}`,
              `run breakfix curate --run ${run.id} --round ${r} first`,
            );
          if (chosen) ctx.note(`training on run ${run.id} round ${r}, the latest with curated records`);
          const { sft, preference } = fixDataThrough(store, run.id, r);
          const backend = opts.backend ?? ctx.config.train.backend;
          const trainer = createTrainer(
            ctx.config,
            { store, target: (n) => ctx.target(n), baseDir: configBaseDir(ctx) },
            backend,
          );
          const startRound = ctx.config.train.start === 'previous' ? r : 0;
          const base = resolveBase(ctx, store, run.id, startRound, opts.base, backend);
          // (where the cycle itself puts the round's model)
          const roundDir = join(dirname(resolve(store.path)), 'models', run.id, `round-${r + 1}`);
          const outDir = checkOutputDir(opts.out ?? roundDir, {
            what: 'output folder',
            hint: 'pass another --out',
          }).dir;
          const id = guardOutput(store, outDir, roundDir, backend, run.id, r + 1, Boolean(opts.force));
          for (const w of trainerWarnings(ctx.config, backend, opts.base)) ctx.warn(w);
          // (a trainer stopped by SIGINT/SIGTERM/SIGHUP throws InterruptedError: exit 130 / 143 / 129, see exitCodeFor)
          const out: TrainOutput = await trainer.train({
            base,
            sft,
            preference,
            params: ctx.config.train,
            outDir,
            progress: ctx.progress,
            dryRun: Boolean(opts.dryRun),
            runId: run.id,
            round: r + 1,
            id,
            seed: trainSeed(ctx.config.seed, r + 1),
          });
          // The plan quotes the configured command, which may carry a token from the environment.
          ctx.out(
            redactConfig({
              backend,
              run: run.id,
              round: r,
              dryRun: Boolean(out.dryRun),
              base: base.id,
              records: { rounds: r + 1, sft: sft.length, preference: preference.length },
              warnings: ctx.warnings,
              model: out.model,
              plan: out.plan,
              log: out.log,
            }),
            () =>
              redactText(
                renderTrainSummary(
                  out,
                  backend,
                  `from ${base.id} on ${sft.length} SFT and ${preference.length} preference records of round${r ? `s 0-${r}` : ' 0'} (${trainOnly(sft)} and ${trainOnly(preference)} of them in the train split; the rest validate)`,
                ),
              ),
          );
          return ExitCode.ok;
        } finally {
          await ctx.close();
        }
      }),
    );
}

const trainOnly = (records: { split: string }[]) => records.filter((x) => x.split === 'train').length;
