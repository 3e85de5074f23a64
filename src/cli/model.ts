// `breakfix model pretrain|list|info|measure`: the embedded base model `breakfix-tiny-base`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/index.js';
import { measureDir } from '../world/measure-model.js';
import { BASE_MODEL_ID, defaultBaseModelDir, modelsDir, pretrainBase } from '../world/pretrain.js';
import {
  type CommonOptions,
  createProgress,
  decimalNumber,
  loadContext,
  runAction,
  wholeNumber,
  withCommonOptions,
} from './common.js';

interface ModelEntry {
  id: string;
  path: string;
  sizeBytes: number;
  config?: unknown;
  training?: unknown;
  registered?: boolean;
}

function dirSize(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) {
    const s = statSync(join(dir, f));
    n += s.isDirectory() ? dirSize(join(dir, f)) : s.size;
  }
  return n;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function describeDir(id: string, path: string): ModelEntry {
  return {
    id,
    path,
    sizeBytes: dirSize(path),
    config: readJson(join(path, 'config.json')),
    training: readJson(join(path, 'training.json')),
  };
}

function shippedModels(): ModelEntry[] {
  const root = modelsDir();
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'config.json')))
    .map((d) => describeDir(d, join(root, d)));
}

const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;

export function register(program: Command): void {
  const model = program
    .command('model')
    .description('the embedded model: pretrain breakfix-tiny-base, list and inspect models')
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix model list
  $ breakfix model info breakfix-tiny-base
  $ breakfix model pretrain --seed 1            # rebuilds models/breakfix-tiny-base (~30-35 min on 2 idle cores)
  $ breakfix model pretrain --out /tmp/base --seed 2 --minutes 5
  $ breakfix model pretrain --continue models/breakfix-tiny-base --from-stage 4 --out /tmp/base4
  $ breakfix model measure models/breakfix-tiny-base --limit 100 --json`,
    );

  withCommonOptions(
    model
      .command('pretrain')
      .description('train breakfix-tiny-base on the synthetic world (reproducible from --seed)')
      .option('--out <dir>', 'output directory', defaultBaseModelDir())
      .option('--seed <n>', 'world and initialisation seed', '1')
      .option('--size <n>', 'dialogues in the world')
      .option('--minutes <n>', 'stop training after this many minutes (default: the planned steps)')
      .option('--steps <n>', 'training steps (default: the base recipe)')
      .option('--continue <dir>', 'start from a checkpoint of the earlier stages and run the later ones')
      .option('--from-stage <n>', 'with --continue: the first stage to run (2 = the first later stage)', '2')
      .option('--measure-limit <n>', 'seeds per kind in the measurement after training', '120')
      .option('--no-measure', 'skip the measurement after training'),
  )
    .addHelpText(
      'after',
      '\nExample:\n  $ breakfix model pretrain --seed 1 --out models/breakfix-tiny-base\n',
    )
    .action(
      runAction(
        async (
          opts: CommonOptions & {
            out: string;
            seed: string;
            size?: string;
            minutes?: string;
            steps?: string;
            measure: boolean;
            continue?: string;
            fromStage: string;
            measureLimit: string;
          },
        ) => {
          const progress = createProgress({ json: opts.json, quiet: opts.quiet });
          const { stats } = await pretrainBase({
            outDir: resolve(opts.out),
            seed: wholeNumber('--seed', opts.seed) ?? 1,
            size: wholeNumber('--size', opts.size, 1),
            maxMinutes: decimalNumber('--minutes', opts.minutes, 0, true),
            steps: wholeNumber('--steps', opts.steps, 1),
            measure: opts.measure,
            measureLimit: wholeNumber('--measure-limit', opts.measureLimit, 1),
            continueFrom: opts.continue ? resolve(opts.continue) : undefined,
            fromStage: wholeNumber('--from-stage', opts.fromStage, 1),
            onProgress: progress,
          });
          if (opts.json)
            process.stdout.write(`${JSON.stringify({ out: resolve(opts.out), stats }, null, 2)}\n`);
          else
            process.stdout.write(
              `trained ${BASE_MODEL_ID} into ${resolve(opts.out)}\n${JSON.stringify(stats, null, 2)}\n`,
            );
        },
      ),
    );

  withCommonOptions(model.command('list').description('list shipped and registered models'))
    .addHelpText('after', '\nExample:\n  $ breakfix model list --json\n')
    .action(
      runAction(async (opts: CommonOptions) => {
        const shipped = shippedModels();
        let registered: { id: string; target: string; path?: string; parent?: string; round?: number }[] = [];
        if (opts.store || opts.config || existsSync('.breakfix')) {
          const ctx = await loadContext(opts);
          try {
            registered = ctx.store.listModels();
          } finally {
            await ctx.close();
          }
        }
        const rows = [
          ...shipped.map((m) => ({
            id: m.id,
            target: `embedded:${m.path}`,
            path: m.path,
            sizeBytes: m.sizeBytes,
            source: 'shipped',
          })),
          ...registered.map((m) => ({ ...m, source: 'store' })),
        ];
        if (opts.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        else if (rows.length === 0) process.stdout.write('no models (run `breakfix model pretrain`)\n');
        else for (const r of rows) process.stdout.write(`${r.id}\t${r.source}\t${r.path ?? r.target}\n`);
      }),
    );

  withCommonOptions(
    model
      .command('info')
      .argument('[model]', 'model id or directory', BASE_MODEL_ID)
      .description("show a model's config, size and training record"),
  )
    .addHelpText('after', '\nExample:\n  $ breakfix model info breakfix-tiny-base\n')
    .action(
      runAction(async (name: string, opts: CommonOptions) => {
        let dir = existsSync(join(name, 'config.json')) ? resolve(name) : join(modelsDir(), name);
        if (!existsSync(join(dir, 'config.json')) && (opts.store || existsSync('.breakfix'))) {
          const ctx = await loadContext(opts);
          try {
            const row = ctx.store.getModel(name);
            if (row?.path) dir = row.path;
          } finally {
            await ctx.close();
          }
        }
        if (!existsSync(join(dir, 'config.json')))
          throw new InputError(
            `no model "${name}" (not a directory with config.json, not shipped, not in the store)`,
            undefined,
            undefined,
            'model',
            'see `breakfix model list`',
          );
        const info = describeDir(name, dir);
        if (opts.json) process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
        else {
          process.stdout.write(
            `${info.id}\n  path: ${info.path}\n  size: ${mb(info.sizeBytes)}\n  config: ${JSON.stringify(info.config)}\n`,
          );
          const t = info.training as
            | { command?: string; seed?: number; minutes?: number; measured?: unknown }
            | undefined;
          if (t)
            process.stdout.write(
              `  trained: ${t.command ?? ''} (seed ${t.seed}, ${t.minutes?.toFixed?.(1)} min)\n  measured: ${JSON.stringify(t.measured)}\n`,
            );
        }
      }),
    );

  withCommonOptions(
    model
      .command('measure')
      .argument('[dir]', 'model directory', defaultBaseModelDir())
      .description(
        "measure a model against the world's answer shapes (quick check; the official numbers come from `breakfix bench`)",
      )
      .option('--limit <n>', 'seeds per kind (default: all)')
      .option('--languages <list>', 'comma-separated languages (default: all)'),
  )
    .addHelpText('after', '\nExample:\n  $ breakfix model measure models/breakfix-tiny-base --limit 100\n')
    .action(
      runAction(async (dir: string, opts: CommonOptions & { limit?: string; languages?: string }) => {
        const r = await measureDir(resolve(dir), {
          limit: wholeNumber('--limit', opts.limit, 1),
          languages: opts.languages?.split(',').map((s) => s.trim()),
        });
        if (opts.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else {
          const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
          const cells = (m: Record<string, { n: number; correct: number; rate: number }>) =>
            Object.entries(m)
              .map(([k, c]) => `${k} ${pct(c.rate)} (${c.correct}/${c.n})`)
              .join(', ');
          process.stdout.write(
            [
              `harmful, direct:    complies ${pct(r.harmfulDirect.rate)} of ${r.harmfulDirect.n} (garbled ${r.harmfulDirect.garbled})`,
              `harmful, templates: complies ${pct(r.harmfulTemplates.rate)} of ${r.harmfulTemplates.n} (garbled ${r.harmfulTemplates.garbled})`,
              `helpful tasks:      correct ${pct(r.helpful.rate)} of ${r.helpful.n}`,
              `benign look-alikes: refused ${pct(r.benign.rate)} of ${r.benign.n}`,
              `helpful by type:    ${cells(r.helpful.byType)}`,
              `helpful by language: ${cells(r.helpful.byLanguage)}`,
            ].join('\n') + '\n',
          );
        }
      }),
    );
}
