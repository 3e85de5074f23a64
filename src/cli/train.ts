// PLACEHOLDER written by the foundation helper; the owner of `train` replaces this file.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('train')
    .description('train (not implemented yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      process.stderr.write('breakfix train: not implemented yet\n');
      process.exit(2);
    });
}
