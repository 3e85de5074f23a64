// `--no-cache` and `-q/--quiet` are listed only by the commands they act on: --no-cache by those
// that call a model (the cache keeps its replies), -q by those that print progress or notes on
// stderr. vulns, view, model list and model info listed both and did nothing with either; report
// (its notes) and config check (a test and scripts pass it -q) keep -q.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-option-uses-'));

const COMMANDS: [string[], { cache: boolean; quiet: boolean }][] = [
  [['bench'], { cache: true, quiet: true }],
  [['redteam'], { cache: true, quiet: true }],
  [['cycle'], { cache: true, quiet: true }],
  [['chat'], { cache: true, quiet: true }],
  [['curate'], { cache: true, quiet: true }],
  [['train'], { cache: true, quiet: true }],
  [['judge', 'refusal'], { cache: true, quiet: true }],
  [['judge', 'calibrate'], { cache: true, quiet: true }],
  [['report'], { cache: false, quiet: true }],
  [['config', 'check'], { cache: false, quiet: true }],
  [['vulns'], { cache: false, quiet: false }],
  [['view'], { cache: false, quiet: false }],
  [['model', 'list'], { cache: false, quiet: false }],
  [['model', 'info'], { cache: false, quiet: false }],
];

it('each help lists --no-cache and -q only where the command acts on them, and --config, --store, --json everywhere', async () => {
  const helps = await Promise.all(COMMANDS.map(([path]) => runCli([...path, '--help'], { cwd: dir })));
  const wrong: string[] = [];
  COMMANDS.forEach(([path, uses], i) => {
    const { code, stdout } = helps[i];
    const name = path.join(' ');
    if (code !== 0) wrong.push(`${name}: exit ${code}`);
    for (const always of ['--config <file>', '--store <path>', '--json'])
      if (!stdout.includes(always)) wrong.push(`${name}: no ${always}`);
    if (stdout.includes('--no-cache') !== uses.cache) wrong.push(`${name}: --no-cache listed ${!uses.cache}`);
    if (stdout.includes('-q, --quiet') !== uses.quiet) wrong.push(`${name}: -q listed ${!uses.quiet}`);
  });
  expect(wrong).toEqual([]);
});

it('a command that takes neither refuses them as unknown options (exit 2), with --json too', async () => {
  for (const option of ['--no-cache', '-q']) {
    const r = await runCli(['vulns', '--store', join(dir, 'none.db'), '--json', option], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`unknown option '${option}'`);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'usage', exitCode: 2 });
  }
});
