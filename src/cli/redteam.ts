// PLACEHOLDER written by the foundation helper; the owner of `redteam` replaces this file.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('redteam')
    .description('redteam (not implemented yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      process.stderr.write('breakfix redteam: not implemented yet\n');
      process.exit(2);
    });
}
