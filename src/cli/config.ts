// `breakfix config check|schema`: validate a config (secrets redacted in what is printed) and print
// the JSON Schema of the file.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { configJsonSchema, redactConfig } from '../config/index.js';
import { type CommonOptions, loadContext, runAction, withCommonOptions } from './common.js';

export function register(program: Command): void {
  const config = program.command('config').description('validate the config, print its JSON Schema');

  withCommonOptions(
    config
      .command('check')
      .description('validate the config and print it with defaults filled in (secrets redacted)')
      .addHelpText(
        'after',
        `
Examples:
  $ breakfix config check                      check ./breakfix.yaml (or the defaults)
  $ breakfix config check --config ci.yaml --json`,
      ),
  ).action(
    runAction(async (opts: CommonOptions) => {
      const ctx = await loadContext(opts);
      const shown = redactConfig(ctx.config);
      const warnings = literalSecretWarnings(ctx.configFile);
      ctx.out({ ok: true, file: ctx.configFile ?? null, warnings, config: shown }, () =>
        [
          `${ctx.configFile ?? 'built-in defaults (no breakfix.yaml)'}: ok`,
          ...warnings.map((w) => `warning: ${w}`),
          '',
          stringify(shown).trimEnd(),
        ].join('\n'),
      );
      await ctx.close();
    }),
  );

  config
    .command('schema')
    .description('print the JSON Schema of breakfix.yaml (for editors and CI validation)')
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix config schema > breakfix.schema.json
  # then, first line of breakfix.yaml:  # yaml-language-server: $schema=./breakfix.schema.json`,
    )
    .action(
      runAction(async () => {
        process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
      }),
    );
}

/** Keys written literally into the file are a leak waiting to happen: say so (without the key). */
function literalSecretWarnings(file?: string): string[] {
  if (!file) return [];
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(apiKey|api[-_]key|authorization)\s*:\s*(\S.*)$/i.exec(line);
    if (m && !m[2]!.startsWith('#') && !m[2]!.includes('${')) {
      out.push(`${m[1]} at ${file}:${i + 1} is written literally; use \${ENV_VAR} instead`);
    }
  });
  return out;
}
