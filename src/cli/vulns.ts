// PLACEHOLDER written by the foundation helper; the owner of `vulns` replaces this file.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('vulns')
    .description('vulns (not implemented yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      process.stderr.write('breakfix vulns: not implemented yet\n');
      process.exit(2);
    });
}
