// PLACEHOLDER written by the foundation helper; the owner of `model` replaces this file.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('model')
    .description('model (not implemented yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      process.stderr.write('breakfix model: not implemented yet\n');
      process.exit(2);
    });
}
