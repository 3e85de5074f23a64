// Every help page (the program's, each command's, each sub-command's) says what it does, shows an
// example (each behind the `$ ` prompt) and names --json, as the README promises of every command:
// the program's own help and `config`'s named no --json, so a script author reading them did not
// learn of it.
import type { Command } from 'commander';
import { expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { runCli } from './run-cli.js';

/** Every command path below the program, groups and leaves alike (commander's own `help` aside). */
function commandPaths(cmd: Command, above: string[] = []): string[][] {
  return cmd.commands
    .filter((c) => c.name() !== 'help')
    .flatMap((c) => [[...above, c.name()], ...commandPaths(c, [...above, c.name()])]);
}

it('every help page describes the command, shows an example and names --json', async () => {
  const paths = [[], ...commandPaths(await buildProgram())];
  expect(paths.length).toBeGreaterThan(15);
  const results = await Promise.all(paths.map((p) => runCli([...p, '--help'])));
  const missing: string[] = [];
  paths.forEach((p, i) => {
    const { code, stdout } = results[i];
    const name = ['breakfix', ...p].join(' ');
    if (code !== 0) missing.push(`${name}: exit ${code}`);
    // The description is the paragraph after the usage line.
    if (!/^Usage: .*\n\n\S/.test(stdout)) missing.push(`${name}: no description`);
    if (!/\bExamples?:\n\s+\$ breakfix /.test(stdout)) missing.push(`${name}: no example`);
    // Every example is a command line behind the `$ ` prompt (redteam's had none), its note after it
    // in words, not a shell comment.
    for (const line of stdout.split('\n').filter((l) => /^\s+(#\s*)?breakfix\s/.test(l)))
      missing.push(`${name}: an example without its $ prompt: ${line.trim()}`);
    for (const line of stdout.split('\n').filter((l) => /^\s+\$ breakfix .*\s#\s/.test(l)))
      missing.push(`${name}: an example's note as a shell comment: ${line.trim()}`);
    if (!stdout.includes('--json')) missing.push(`${name}: no --json`);
  });
  expect(missing).toEqual([]);
});
