// `breakfix train`: post-train a round's curated records with a backend (embedded, trl, command) and
// register the result as the next candidate.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ModelRef } from '../core/index.js';
import { createTrainer, resolveRound, resolveRun, TRAINER_BACKENDS, type TrainOutput } from '../fix/index.js';
import type { Store } from '../store/index.js';
import {
  type CommonOptions,
  type Context,
  ExitCode,
  loadContext,
  runAction,
  usageError,
  withCommonOptions,
} from './common.js';
import { parseRound } from './vulns.js';

interface TrainOptions extends CommonOptions {
  backend?: string;
  run?: string;
  round?: string;
  base?: string;
  out?: string;
  dryRun?: boolean;
}

/** The model to start from: --base (a registered model, a checkpoint folder or a target spec), else
 * the round's model, else the configured target. */
export function resolveBase(
  ctx: Context,
  store: Store,
  runId: string,
  round: number,
  base?: string,
): ModelRef {
  const asRef = (id: string): ModelRef | undefined => {
    const m = store.getModel(id);
    return m ? { id: m.id, target: m.target, path: m.path, parent: m.parent, round: m.round } : undefined;
  };
  if (base) {
    const known = asRef(base);
    if (known) return known;
    if (existsSync(base)) return { id: base, target: `embedded:${resolve(base)}`, path: resolve(base) };
    if (base.includes(':')) return { id: base, target: base };
    const named = ctx.config.targets[base];
    if (named) return { id: base, target: named.type === 'embedded' ? `embedded:${named.model}` : base };
    throw usageError(
      `unknown --base "${base}": not a registered model, a folder or a target spec`,
      'see breakfix model list',
    );
  }
  const roundModel = store.getRounds(runId).find((x) => x.round === round)?.model;
  if (roundModel) return asRef(roundModel) ?? { id: roundModel, target: roundModel };
  const name = ctx.config.roles.target;
  const t = ctx.config.targets[name];
  if (t?.type === 'embedded')
    return (
      asRef(t.model === 'base' ? 'breakfix-tiny-base' : t.model) ?? {
        id: t.model === 'base' ? 'breakfix-tiny-base' : name,
        target: `embedded:${t.model}`,
      }
    );
  return { id: name, target: name };
}

export function renderTrainSummary(out: TrainOutput, backend: string): string {
  const lines: string[] = [];
  if (out.dryRun) {
    lines.push(`dry run (${backend}): nothing was trained. Plan:`);
    if (out.plan) {
      lines.push(
        'files:',
        ...out.plan.files.map((f) => `  ${f}`),
        'commands:',
        ...out.plan.commands.map((c) => `  $ ${c.argv.join(' ')}`),
      );
    } else lines.push(JSON.stringify(out.log[0] ?? {}, null, 2));
    lines.push(`would produce ${out.model.id} (${out.model.target})`);
    return lines.join('\n');
  }
  lines.push(`trained ${out.model.id} with ${backend}: ${out.model.target}`);
  const last = (phase: string) =>
    [...out.log].reverse().find((e) => (e as { phase?: string }).phase === phase) as
      | Record<string, number>
      | undefined;
  const fmt = (e: Record<string, number> | undefined) =>
    e
      ? Object.entries(e)
          .filter(([k, v]) => typeof v === 'number' && k !== 'step')
          .map(([k, v]) => `${k} ${Number(v).toFixed(4)}`)
          .join(' · ')
      : '';
  if (last('sft')) lines.push(`  sft (last step)  ${fmt(last('sft'))}`);
  if (last('dpo')) lines.push(`  dpo (last step)  ${fmt(last('dpo'))}`);
  lines.push(`registered as the next candidate: breakfix bench --target ${out.model.target}`);
  return lines.join('\n');
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('train')
      .description('post-train on a round’s curated records (SFT then DPO) and register the next candidate')
      .option('--backend <name>', `${TRAINER_BACKENDS.join(' | ')} (default: config train.backend)`)
      .option('--run <id>', 'run id (default: the latest cycle run, else the latest run)')
      .option(
        '--round <n>',
        'round whose curated records to train on (default: the latest round with attempts)',
      )
      .option(
        '--base <model>',
        "model to start from: a registered model id, a checkpoint folder or a target spec (default: the round's model)",
      )
      .option('--out <dir>', 'output folder (default: beside the store, models/<run>/round-<n+1>)')
      .option('--dry-run', 'write the plan and files, train nothing'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix train                                   embedded SFT + DPO on the latest round's records
  $ breakfix train --backend trl --dry-run           print the TRL / accelerate plan
  $ breakfix train --backend command --round 1       run train.command.template
  $ breakfix train --base ./my-checkpoint --json

Exit codes: 0 trained (or planned), 2 bad input (no records, unknown backend or base), 3 training failed.`,
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
          const r = resolveRound(store, run.id, round);
          const sft = store.listRecords({ runId: run.id, round: r, dataset: 'sft' });
          const preference = store.listRecords({ runId: run.id, round: r, dataset: 'preference' });
          if (sft.length + preference.length === 0)
            throw usageError(
              `no curated records for run ${run.id} round ${r}`,
              `run breakfix curate --run ${run.id} --round ${r} first`,
            );
          const backend = opts.backend ?? ctx.config.train.backend;
          const trainer = createTrainer(ctx.config, { store, target: (n) => ctx.target(n) }, backend);
          const base = resolveBase(ctx, store, run.id, r, opts.base);
          const outDir = resolve(
            opts.out ?? join(dirname(resolve(store.path)), 'models', run.id, `round-${r + 1}`),
          );
          const out = await trainer.train({
            base,
            sft,
            preference,
            params: ctx.config.train,
            outDir,
            progress: ctx.progress,
            dryRun: Boolean(opts.dryRun),
            runId: run.id,
            round: r + 1,
          });
          ctx.out(
            { backend, dryRun: Boolean(out.dryRun), model: out.model, plan: out.plan, log: out.log },
            () => renderTrainSummary(out, backend),
          );
          return ExitCode.ok;
        } finally {
          await ctx.close();
        }
      }),
    );
}
