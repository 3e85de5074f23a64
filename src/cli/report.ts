// PLACEHOLDER written by the foundation helper; the owner of `report` replaces this file.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('report')
    .description('report (not implemented yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      process.stderr.write('breakfix report: not implemented yet\n');
      process.exit(2);
    });
}
