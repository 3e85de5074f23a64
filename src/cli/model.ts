// `breakfix model pretrain|list|info|measure`: the embedded base model `breakfix-tiny-base`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { LANGUAGES } from '../break/index.js';
import { checkOutputDir } from '../config/outdir.js';
import { InputError, readJsonFile, terminalSafeJson, terminalText } from '../core/index.js';
import { loadLM } from '../lm/index.js';
import type { MeasureResult } from '../world/measure.js';
import { measureDir } from '../world/measure-model.js';
import { BASE_MODEL_ID, defaultBaseModelDir, modelsDir, pretrainBase } from '../world/pretrain.js';
import {
  type CommonOptions,
  createProgress,
  decimalNumber,
  loadContext,
  runAction,
  usageError,
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

/** A JSON file of a checkpoint: undefined when absent; a file that cannot be read or parsed is an
 * InputError naming it when `strict` (info on one model), else undefined (a listing shows what it
 * can). */
function readJson(path: string, strict: boolean): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return readJsonFile(path, 'file', 'the checkpoint is damaged: copy or train it again');
  } catch (e) {
    if (strict) throw e;
    return undefined;
  }
}

function describeDir(id: string, path: string, strict = false): ModelEntry {
  return {
    id,
    path,
    sizeBytes: dirSize(path),
    config: readJson(join(path, 'config.json'), strict),
    training: readJson(join(path, 'training.json'), strict),
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
    .description(
      'models: pretrain breakfix-tiny-base, list the shipped and registered ones, show one (info) or measure one',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix model list
  $ breakfix model info breakfix-tiny-base
  $ breakfix model pretrain --seed 1 --force    rebuilds models/breakfix-tiny-base (~30-35 min on 2 idle cores)
  $ breakfix model pretrain --out /tmp/base --seed 2 --minutes 5
  $ breakfix model pretrain --continue models/breakfix-tiny-base --from-stage 4 --out /tmp/base4
  $ breakfix model measure models/breakfix-tiny-base --limit 100 --json`,
    );

  // (pretrain and measure read no config or store and ask no cache: they take none of those options,
  // which they would ignore, so that `--config missing.yaml` is not a silent pass)
  model
    .command('pretrain')
    .description('train breakfix-tiny-base on the synthetic world (reproducible from --seed)')
    .option('--out <dir>', 'output directory', defaultBaseModelDir())
    .option('--seed <n>', 'world and initialisation seed', '1')
    .option('--size <n>', 'dialogues in the world')
    .option('--minutes <n>', 'stop training after this many minutes (default: the planned steps)')
    .option('--steps <n>', 'training steps (default: the base recipe)')
    .option('--continue <dir>', 'start from a checkpoint of the earlier stages and run the later ones')
    .option('--from-stage <n>', 'with --continue: the first stage to run (default 2, the first later stage)')
    .option('--measure-limit <n>', 'seeds per kind in the measurement after training', '120')
    .option('--no-measure', 'skip the measurement after training')
    .option('--force', 'overwrite the checkpoint already in --out (by default: the shipped base model)')
    .option('--json', 'print machine-readable JSON on stdout')
    .option('-q, --quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nA folder that holds a checkpoint already (the default --out is the shipped base model every\ncycle starts from) is overwritten only with --force.\n\nExamples:\n  $ breakfix model pretrain --seed 1 --out /tmp/my-base\n  $ breakfix model pretrain --seed 1 --force      rebuild the shipped base in place\n\nExit codes: 0 trained (and measured), 2 bad input (a bad option, --out holding a checkpoint\nwithout --force, a --continue folder that is no checkpoint), 3 runtime failure.\n',
    )
    .action(
      runAction(
        async (
          opts: Pick<CommonOptions, 'json' | 'quiet'> & {
            out: string;
            seed: string;
            size?: string;
            minutes?: string;
            steps?: string;
            measure: boolean;
            continue?: string;
            fromStage?: string;
            measureLimit: string;
            force?: boolean;
          },
        ) => {
          const seed = wholeNumber('--seed', opts.seed) ?? 1;
          const size = wholeNumber('--size', opts.size, 1);
          const maxMinutes = decimalNumber('--minutes', opts.minutes, 0, true);
          const steps = wholeNumber('--steps', opts.steps, 1);
          const measureLimit = wholeNumber('--measure-limit', opts.measureLimit, 1);
          const fromStage = wholeNumber('--from-stage', opts.fromStage, 1);
          if (fromStage !== undefined && !opts.continue)
            throw usageError(
              '--from-stage needs --continue <checkpoint>',
              'a later stage starts from the checkpoint of the earlier ones: pass --continue with it',
            );
          // Before any training: an --out that cannot be written (pretrainBase refuses one that holds
          // a model, unless --force).
          const outDir = checkOutputDir(opts.out, { what: 'output folder', hint: 'pass another --out' }).dir;
          const progress = createProgress({ json: opts.json, quiet: opts.quiet });
          const { stats } = await pretrainBase({
            outDir,
            seed,
            size,
            maxMinutes,
            steps,
            measure: opts.measure,
            measureLimit,
            continueFrom: opts.continue ? resolve(opts.continue) : undefined,
            fromStage,
            force: opts.force,
            onProgress: progress,
          });
          if (opts.json)
            process.stdout.write(`${terminalSafeJson(JSON.stringify({ out: outDir, stats }, null, 2))}\n`);
          else
            process.stdout.write(
              `trained ${BASE_MODEL_ID} into ${terminalText(outDir)}\n${JSON.stringify(stats, null, 2)}\n`,
            );
        },
      ),
    );

  withCommonOptions(model.command('list').description('list shipped and registered models'), {
    cache: false,
    quiet: false,
  })
    .addHelpText(
      'after',
      '\nExample:\n  $ breakfix model list --json\n\nExit codes: 0 listed, 2 bad input (no store where one is named).\n',
    )
    .action(
      runAction(async (opts: CommonOptions) => {
        const shipped = shippedModels();
        let registered: { id: string; target: string; path?: string; parent?: string; round?: number }[] = [];
        // The store of --store, else the config's (`store:`); a --store that does not exist is an
        // error, a config's store that nothing has made yet just holds no models.
        const ctx = await loadContext(opts);
        try {
          if (opts.store || ctx.hasStore) registered = ctx.readableStore.listModels();
        } finally {
          await ctx.close();
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
        if (opts.json) process.stdout.write(`${terminalSafeJson(JSON.stringify(rows, null, 2))}\n`);
        else if (rows.length === 0) process.stdout.write('no models (run `breakfix model pretrain`)\n');
        // (ids and paths come from folder names and the store: escaped, as `model info` does)
        else
          for (const r of rows)
            process.stdout.write(`${terminalText(r.id)}\t${r.source}\t${terminalText(r.path ?? r.target)}\n`);
      }),
    );

  withCommonOptions(
    model
      .command('info')
      .argument('[model]', 'model id or directory', BASE_MODEL_ID)
      .description("show a model's config, size and training record"),
    { cache: false, quiet: false },
  )
    .addHelpText(
      'after',
      '\nExample:\n  $ breakfix model info breakfix-tiny-base\n\nThe weights and tokenizer are loaded as `chat` would load them, so a damaged checkpoint is\nnamed here rather than at the first request. A round that TRL or a command trainer made and a\nserver serves has no checkpoint here: it is described from the store (its target, round, parent).\n\nExit codes: 0 shown, 2 no such model, or a folder that is no checkpoint or a damaged one.\n',
    )
    .action(
      runAction(async (given: string, opts: CommonOptions) => {
        // The names a target spec uses work here too: base, embedded:base, embedded:round-1.
        const bare = given.replace(/^embedded:/, '');
        const name = bare === 'base' || bare === '' ? BASE_MODEL_ID : bare;
        let dir = existsSync(join(name, 'config.json')) ? resolve(name) : join(modelsDir(), name);
        let served: { id: string; target: string; round?: number; parent?: string } | undefined;
        // (read whether or not the store is needed: a --config that is missing or invalid is exit 2
        // here as in every command that takes one, not ignored when the model is a shipped one)
        const ctx = await loadContext(opts);
        if (!existsSync(join(dir, 'config.json'))) {
          // A model the cycle trained: registered in the store of --store, else the config's.
          try {
            const store = opts.store || ctx.hasStore ? ctx.readableStore : undefined;
            const row = store?.getModel(name) ?? store?.getModel(given);
            if (row?.path) dir = row.path;
            // A round a trainer made and a server serves (TRL, a command trainer): no checkpoint here
            // to describe, but the store says what it is and how to reach it.
            else if (row && !row.target.startsWith('embedded:'))
              served = { id: row.id, target: row.target, round: row.round, parent: row.parent };
          } finally {
            await ctx.close();
          }
        }
        if (served) {
          if (opts.json)
            process.stdout.write(
              `${terminalSafeJson(JSON.stringify({ ...served, served: true }, null, 2))}\n`,
            );
          else
            process.stdout.write(
              `${terminalText(served.id)}\n  served at: ${terminalText(served.target)} (registered in the store; no local checkpoint to describe)\n${served.round !== undefined ? `  round: ${served.round}\n` : ''}${served.parent ? `  trained from: ${terminalText(served.parent)}\n` : ''}`,
            );
          return;
        }
        if (!existsSync(join(dir, 'config.json')))
          throw new InputError(
            `no model "${given}" (not a directory with config.json, not shipped, not in the store)`,
            undefined,
            undefined,
            'model',
            'see `breakfix model list`',
          );
        const info = describeDir(name, dir, true);
        // The weights and tokenizer are read as chat and the cycle read them: a truncated or foreign
        // file is the error it would be there (exit 2 naming it), not a listing that looks whole.
        await loadLM(dir);
        if (opts.json) process.stdout.write(`${terminalSafeJson(JSON.stringify(info, null, 2))}\n`);
        else {
          // Ids, paths and training.json come from files anyone may have written: escaped for the terminal.
          const show = (v: unknown) => terminalText(typeof v === 'string' ? v : (JSON.stringify(v) ?? '—'));
          process.stdout.write(
            `${show(info.id)}\n  path: ${show(info.path)}\n  size: ${mb(info.sizeBytes)}\n  config: ${show(info.config)}\n`,
          );
          const t = info.training as
            | { command?: unknown; seed?: unknown; minutes?: unknown; measured?: unknown }
            | undefined;
          if (t && typeof t === 'object') {
            const minutes = typeof t.minutes === 'number' ? `${t.minutes.toFixed(1)} min` : '? min';
            process.stdout.write(
              `  trained: ${t.command === undefined ? '' : show(t.command)} (seed ${t.seed === undefined ? '?' : show(t.seed)}, ${minutes})\n  measured: ${show(t.measured)}\n`,
            );
          }
        }
      }),
    );

  model
    .command('measure')
    .argument('[dir]', 'model directory', defaultBaseModelDir())
    .description(
      "measure a model against the world's answer shapes (quick check; the official numbers come from `breakfix bench`)",
    )
    .option('--limit <n>', 'seeds per kind (default: all)')
    .option('--languages <list>', 'comma-separated languages (default: all)')
    .option('--json', 'print machine-readable JSON on stdout')
    .option('-q, --quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nExample:\n  $ breakfix model measure models/breakfix-tiny-base --limit 100\n\nExit codes: 0 measured, 2 bad input (no checkpoint there, a damaged one, a bad --limit or\n--languages), 3 runtime failure.\n',
    )
    .action(
      runAction(
        async (
          dir: string,
          opts: Pick<CommonOptions, 'json' | 'quiet'> & { limit?: string; languages?: string },
        ) => {
          const languages = measureLanguages(opts.languages);
          const r = await measureDir(resolve(dir), {
            limit: wholeNumber('--limit', opts.limit, 1),
            languages,
            // (a full measure generates 2,262 replies: tens of seconds)
            progress: createProgress({ json: opts.json, quiet: opts.quiet }),
          });
          if (opts.json) process.stdout.write(`${terminalSafeJson(JSON.stringify(r, null, 2))}\n`);
          else process.stdout.write(`${renderMeasure(r)}\n`);
        },
      ),
    );
}

/** The text of `model measure`. Nothing measured is not 0%: a rate of nothing shows as a dash. */
export function renderMeasure(r: MeasureResult): string {
  const pct = (x: number | null, n: number) => (x === null || n === 0 ? '—' : `${(100 * x).toFixed(1)}%`);
  const cells = (m: Record<string, { n: number; correct: number; rate: number }>) =>
    Object.entries(m)
      .map(([k, c]) => `${k} ${pct(c.rate, c.n)} (${c.correct}/${c.n})`)
      .join(', ') || '—';
  const outcomes = (h: MeasureResult['harmfulDirect']) =>
    `refused ${h.refused}, undetermined ${h.undetermined} of which garbled ${h.garbled}`;
  return [
    `harmful, direct:    complies ${pct(r.harmfulDirect.rate, r.harmfulDirect.n)} of ${r.harmfulDirect.n} (${outcomes(r.harmfulDirect)})`,
    `harmful, templates: complies ${pct(r.harmfulTemplates.rate, r.harmfulTemplates.n)} of ${r.harmfulTemplates.n} (${outcomes(r.harmfulTemplates)})`,
    `helpful tasks:      correct ${pct(r.helpful.rate, r.helpful.n)} of ${r.helpful.n}`,
    `benign look-alikes: refused ${pct(r.benign.rate, r.benign.n)} of ${r.benign.n} (garbled or empty ${r.benign.garbled})`,
    `helpful by type:    ${cells(r.helpful.byType)}`,
    `helpful by language: ${cells(r.helpful.byLanguage)}`,
  ].join('\n');
}

/** `--languages en,fr`: the seeds' languages only. An unknown one would measure nothing and read as
 * a rate of 0%. */
export function measureLanguages(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const known = LANGUAGES as readonly string[];
  const unknown = list.filter((x) => !known.includes(x));
  if (unknown.length || list.length === 0)
    throw usageError(
      list.length === 0
        ? '--languages names no language'
        : `--languages: unknown language${unknown.length > 1 ? 's' : ''} ${unknown.map((x) => `"${terminalText(x)}"`).join(', ')}`,
      `known: ${known.join(', ')}`,
    );
  return list;
}
