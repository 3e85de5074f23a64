// PLACEHOLDER written by the foundation helper; the owner of `bench` replaces this file.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('bench')
    .description('bench (not implemented yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      process.stderr.write('breakfix bench: not implemented yet\n');
      process.exit(2);
    });
}
