// PLACEHOLDER written by the foundation helper; the owner of `curate` replaces this file.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('curate')
    .description('curate (not implemented yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      process.stderr.write('breakfix curate: not implemented yet\n');
      process.exit(2);
    });
}
