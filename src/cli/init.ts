// `breakfix init`: write a commented starter breakfix.yaml.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../config/index.js';
import { checkOutputFile, writeOutputFile } from '../config/outdir.js';
import { shellQuote } from '../fix/train/trl.js';
import { runAction, usageError } from './common.js';
import { STARTER_CONFIG } from './starter-config.js';

export function register(program: Command): void {
  program
    .command('init')
    .description('write a commented starter breakfix.yaml')
    .argument('[file]', 'where to write it', DEFAULT_CONFIG_FILE)
    .option('-f, --force', 'overwrite an existing file')
    .option('--json', 'print machine-readable JSON on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix init                    write ./breakfix.yaml
  $ breakfix init my.yaml --force    overwrite my.yaml

Exit codes: 0 written · 2 the file exists (without --force) or cannot be written there (its folder
must exist: init makes none).`,
    )
    .action(
      runAction(async (file: string, opts: { force?: boolean; json?: boolean }) => {
        const what = { what: 'config file', create: false };
        if (/[\\/]$/.test(file))
          throw usageError(`${file} is a folder path`, `name the file, e.g. ${file}breakfix.yaml`);
        // A folder, a missing folder or one that cannot be written: one message naming the path.
        checkOutputFile(file, what);
        if (existsSync(file) && !opts.force) {
          throw usageError(`${file} already exists`, 'pass --force to overwrite it');
        }
        writeOutputFile(file, STARTER_CONFIG, what);
        if (opts.json) process.stdout.write(`${JSON.stringify({ written: file })}\n`);
        // (quoted: the command is there to be pasted, and a path may hold a space)
        else
          process.stdout.write(
            `wrote ${file}; check it with: breakfix config check --config ${shellQuote(file)}\n`,
          );
      }),
    );
}
