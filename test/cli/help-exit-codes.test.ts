// `breakfix --help` names every exit code a command may end with (ExitCode): it stopped at 3, and a
// script author reading it learned neither 4 (a run taken over) nor 130 / 143 (stopped by a signal).
import { expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/common.js';
import { runCli } from './run-cli.js';

it("the program's help lists every exit code", async () => {
  const r = await runCli(['--help']);
  expect(r.code).toBe(0);
  const line = r.stdout.slice(r.stdout.indexOf('Exit codes:'));
  for (const [name, code] of Object.entries(ExitCode))
    expect(line, `${name} (${code})`).toMatch(new RegExp(`\\b${code}\\b`));
});
