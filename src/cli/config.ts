// `breakfix config check|schema`: validate a config (secrets redacted in what is printed) and print
// the JSON Schema of the file.
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { checkCustomSuites } from '../bench/index.js';
import {
  type Config,
  ConfigValidationError,
  configJsonSchema,
  modelRefs,
  redactConfig,
  unsetTargets,
} from '../config/index.js';
import { checkOutputFile } from '../config/outdir.js';
import { InputError, terminalText } from '../core/index.js';
import {
  checkCycleAttacks,
  cycleSuiteKinds,
  unmeasuredCriteria,
  unreachableCriteria,
} from '../cycle/index.js';
import { storeWritable } from '../store/index.js';
import {
  type CommonOptions,
  type Context,
  configBaseDir,
  loadContext,
  runAction,
  userData,
  withCommonOptions,
} from './common.js';

export function register(program: Command): void {
  const config = program
    .command('config')
    .description('validate the config, print its JSON Schema')
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix config check
  $ breakfix config check --json             the config with defaults filled in, and its warnings
  $ breakfix config schema > breakfix.schema.json`,
    );

  withCommonOptions(
    config
      .command('check')
      .description(
        'validate the config and the files it names (seeds, templates, custom suites, store); print it with defaults filled in (secrets redacted)',
      )
      .addHelpText(
        'after',
        `
Examples:
  $ breakfix config check                      check ./breakfix.yaml (or the defaults)
  $ breakfix config check --config ci.yaml --json

The config is printed on stdout, warnings on stderr (with --json, both in its object: warnings, config).

Exit codes: 0 valid (warnings are not failures), 2 invalid: each problem named with its file, line
and field.`,
      ),
    { cache: false, quiet: true },
  ).action(
    runAction(async (opts: CommonOptions) => {
      const ctx = await loadContext(opts);
      try {
        const data = await checkFiles(ctx);
        const shown = redactConfig(ctx.config);
        const { warnings: dataWarnings, ...files } = data;
        // On stderr, so that stdout is the config alone (`> shown.yaml` keeps them on the terminal).
        for (const w of [
          ...literalSecretWarnings(ctx.configFile),
          ...targetWarnings(ctx.config),
          ...trainerWarnings(ctx.config),
          ...dataWarnings,
        ])
          ctx.warn(w);
        const { warnings } = ctx;
        ctx.out({ ok: true, file: ctx.configFile ?? null, warnings, data: files, config: shown }, () =>
          [
            `${ctx.configFile ?? 'built-in defaults (no breakfix.yaml)'}: ok`,
            `  seeds.files: ${data.seeds} seed(s) · templates.files: ${data.templates} template(s)${Object.entries(
              data.suites,
            )
              .map(([name, n]) => ` · suite ${terminalText(name)}: ${n} row(s)`)
              .join('')}`,
            `  store: ${terminalText(data.store.path)} (${data.store.exists ? (data.store.writable ? 'exists' : 'exists, read-only') : 'made by the first run'})`,
            '',
            stringify(shown).trimEnd(),
          ].join('\n'),
        );
      } finally {
        await ctx.close();
      }
    }),
  );

  config
    .command('schema')
    .description('print the JSON Schema of breakfix.yaml (for editors and CI validation)')
    // (a script that passes --json to every command gets the same JSON)
    .option('--json', 'accepted: the schema is printed as JSON either way')
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix config schema > breakfix.schema.json
  # then, first line of breakfix.yaml:  # yaml-language-server: $schema=./breakfix.schema.json

Exit codes: 0 printed.`,
    )
    .action(
      runAction(async () => {
        process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
      }),
    );
}

/** Everything the config names on disk, read as the commands will read it, so that a check that
 * passes means a run will not stop on its inputs: seed and template files, custom suites' datasets
 * (each an InputError naming file, line and field), and the store (a folder, or a file that is no
 * breakfix store, is named; one that does not exist yet is fine). */
async function checkFiles(ctx: Context) {
  // Every unset variable, whichever target it is in: a check is of the whole file.
  const unset = [...unsetTargets(ctx.config).values()].flat();
  if (unset.length) throw new ConfigValidationError(unset);
  const { seeds, templates } = userData(ctx);
  // The categories, languages and techniques the red team is told to attack must exist in them, as
  // `redteam` and `cycle` check before they start.
  checkCycleAttacks(ctx.config, { seeds, templates });
  const baseDir = configBaseDir(ctx);
  // As the cycle reads them (the attack split), so a suite that would measure nothing fails here too.
  const warnings: string[] = [];
  // (an error for `cycle`, which would fail every round on it; `bench` and `redteam` do not use it)
  for (const { key, kinds } of unmeasuredCriteria(ctx.config.cycle.criteria, cycleSuiteKinds(ctx.config)))
    warnings.push(
      `cycle.criteria.${key}: no suite measures it (bench.suites has no ${kinds.join(' or ')} suite, nor bench.custom), so \`breakfix cycle\` refuses this config: add one, or set it to null`,
    );
  warnings.push(...unreachableCriteria(ctx.config));
  const suites = await checkCustomSuites(ctx.config.bench.custom, baseDir, 'attack', {
    warn: (w) => warnings.push(w),
  });
  const path = ctx.storePath;
  // (an empty file is where the first run makes the store, as it does where there is none: read as
  // a store here, it would be made one by this check)
  const exists = ctx.hasStore && statSync(path).size > 0;
  // A store this user cannot write (another user's, a read-only mount) is checked read-only, writing
  // nothing beside it; it reads, but a run stops on it: said as a warning.
  const writable = !exists || storeWritable(path);
  if (writable) checkOutputFile(path, { what: 'store' });
  else
    warnings.push(
      `the store ${path} is read-only for this user: report, vulns, view and model list read it, but a run (bench, redteam, cycle, curate, train) needs a store it can write: copy it into a folder you can write, or pass --store with a new path`,
    );
  if (exists) {
    const integrity = ctx.readableStore.integrityCheck();
    if (integrity !== 'ok')
      throw new InputError(
        `the store fails SQLite's integrity check: ${integrity.split('\n')[0]}`,
        path,
        undefined,
        'store',
        'restore it from a backup, or point store: at a new file',
      );
  }
  return {
    seeds: seeds.length,
    templates: templates.length,
    suites,
    store: { path, exists, writable },
    warnings,
  };
}

/** Keys written literally into the file are a leak waiting to happen: say so (without the key). */
function literalSecretWarnings(file?: string): string[] {
  if (!file) return [];
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  // (lines end as the YAML reader ends them: split at \n alone, a Windows file's `apiKey: sk-…\r` failed
  // the match at its \r and a classic Mac file was one line, so neither was warned of)
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    const m = /^\s*(apiKey|api[-_]key|authorization)\s*:\s*(\S.*)$/i.exec(line);
    if (m && !m[2]!.startsWith('#') && !m[2]!.includes('${')) {
      out.push(`${m[1]} at ${file}:${i + 1} is written literally; use \${ENV_VAR} instead`);
    }
  });
  return out;
}

/** Remote targets that no role or judge uses while the model under test is the built-in embedded
 * default: the usual slip is a `targets.<mine>` with no `roles.target`, and a run that measures the
 * embedded model instead of the one written down. (`--target <name>` uses one too: a warning only.) */
export function targetWarnings(config: Config): string[] {
  const testee = config.targets[config.roles.target];
  if (config.roles.target !== 'candidate' || testee?.type !== 'embedded' || testee.model !== 'base')
    return [];
  const used = new Set(modelRefs(config));
  return Object.entries(config.targets)
    .filter(([name, t]) => t.type !== 'embedded' && !used.has(name))
    .map(
      ([name]) =>
        `targets.${name} is used by no role or judge, and roles.target is candidate, the embedded base model: set roles.target: ${name} to test it (or pass --target ${name})`,
    );
}

/** Settings that load but would fail later, after training: a TRL model with no server to reach it
 * by is `openai:<folder>`, which means api.openai.com, and the cycle's next bench would fail there; a
 * command trainer of a remote model whose product is still taken as a breakfix checkpoint
 * (`embedded:{out}`, the default) fails once the training is done, with nothing registered; and the
 * embedded trainer (the default backend) trains breakfix checkpoints only, so with a remote model
 * under test and no `base` (train --base) to start from, a cycle fails at its first training, after
 * round 0's bench, red team and curation. So does a trainer with nothing to run: `command` with no
 * template, or `trl` with no Hugging Face model to start from (round 0's model is the one under
 * test, which TRL cannot load). */
export function trainerWarnings(
  config: Config,
  backend: string = config.train.backend,
  base?: string,
): string[] {
  const warnings: string[] = [];
  const firstTraining = 'so a cycle would stop with exit 2 at its first training, after round 0';
  if (backend === 'trl' && !config.train.trl.baseModel && base === undefined)
    warnings.push(
      `train.backend is trl and train.trl.baseModel is not set: TRL fine-tunes a Hugging Face model (an id or a folder), never the model under test as a target names it nor a breakfix checkpoint, ${firstTraining}; set train.trl.baseModel to the weights of the model under test`,
    );
  if (backend === 'trl' && !config.train.trl.serveBaseURL)
    warnings.push(
      'train.backend is trl and train.trl.serveBaseURL is not set: the trained model would be reached as openai:<folder>, i.e. at api.openai.com; set serveBaseURL to the server (vLLM, TGI) that serves the output folder',
    );
  if (backend === 'command' && !config.train.command.template)
    warnings.push(
      `train.backend is command and train.command.template is not set: there is no command to train with, ${firstTraining}; set train.command.template, e.g. "./train.sh {sft} {preference} {out}" (README, "Training a real model")`,
    );
  if (backend === 'trl') return warnings;
  const role = config.roles.target;
  const testee = config.targets[role];
  const remote = testee ? testee.type !== 'embedded' : !role.startsWith('embedded:');
  if (backend === 'embedded' && remote && base === undefined)
    warnings.push(
      `train.backend is embedded (the default) and the model under test (roles.target: ${terminalText(role)}) is remote: the embedded trainer fine-tunes breakfix checkpoints only, ${firstTraining}; to train a real model set train.backend to trl or command (README, "Training a real model"), or run bench, redteam, vulns and curate alone`,
    );
  if (backend === 'command' && remote && config.train.command.target.startsWith('embedded:'))
    warnings.push(
      `train.backend is command and the model under test (roles.target: ${terminalText(role)}) is remote, but train.command.target is ${terminalText(config.train.command.target)}: after training, {out} must hold a breakfix checkpoint (config.json) or nothing is registered; for a trainer that writes a Hugging Face model, serve {out} and set train.command.target to openai:{out}@http://host:port/v1`,
    );
  return warnings;
}
