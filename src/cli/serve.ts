// PLACEHOLDER written by the foundation helper; the owner of `serve` replaces this file.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve (not implemented yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      process.stderr.write('breakfix serve: not implemented yet\n');
      process.exit(2);
    });
}
