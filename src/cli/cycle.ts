// PLACEHOLDER written by the foundation helper; the owner of `cycle` replaces this file.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('cycle')
    .description('cycle (not implemented yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      process.stderr.write('breakfix cycle: not implemented yet\n');
      process.exit(2);
    });
}
