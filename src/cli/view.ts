// PLACEHOLDER written by the foundation helper; the owner of `view` replaces this file.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('view')
    .description('view (not implemented yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      process.stderr.write('breakfix view: not implemented yet\n');
      process.exit(2);
    });
}
