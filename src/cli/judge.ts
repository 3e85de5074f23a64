// PLACEHOLDER written by the foundation helper; the owner of `judge` replaces this file.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('judge')
    .description('judge (not implemented yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      process.stderr.write('breakfix judge: not implemented yet\n');
      process.exit(2);
    });
}
