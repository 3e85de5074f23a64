#!/usr/bin/env node
// The `breakfix` command: one file per command group registers itself on the program.
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { register as bench } from './bench.js';
import { register as chat } from './chat.js';
import { handleFatal } from './common.js';
import { register as config } from './config.js';
import { register as curate } from './curate.js';
import { register as cycle } from './cycle.js';
import { register as init } from './init.js';
import { register as judge } from './judge.js';
import { register as model } from './model.js';
import { register as redteam } from './redteam.js';
import { register as report } from './report.js';
import { register as serve } from './serve.js';
import { register as train } from './train.js';
import { register as view } from './view.js';
import { register as vulns } from './vulns.js';

function packageVersion(): string {
  // src/cli/main.ts and dist/cli/main.js both sit two levels below the package root.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

export function buildProgram(): Command {
  const program = new Command('breakfix')
    .description(
      'The break-fix safety post-training cycle: benchmark, red-team, identify, curate, train, measure again.',
    )
    .version(packageVersion(), '-V, --version')
    .showSuggestionAfterError()
    .configureHelp({ sortSubcommands: false })
    // Usage errors exit 2, like every other bad input.
    .exitOverride();
  for (const reg of [init, config, chat, bench, redteam, judge, vulns, curate, train, cycle, report, view, serve, model]) {
    reg(program);
  }
  program.addHelpText(
    'after',
    `
Examples:
  $ breakfix init                      write a commented starter breakfix.yaml
  $ breakfix chat --target embedded:base "Hello"
  $ breakfix cycle                     run the whole break-fix cycle on the embedded default
  $ breakfix <command> --help          help and examples for one command

Exit codes: 0 ok · 1 findings or release criteria failed · 2 bad input or usage · 3 runtime or target failure`,
  );
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    handleFatal(err);
  }
}

// Run only when executed as a script (directly, through the npm bin link or tsx), not when imported.
function isEntryPoint(): boolean {
  const invoked = process.argv[1];
  if (!invoked) return false;
  try {
    return realpathSync(invoked) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
if (isEntryPoint()) void main();
