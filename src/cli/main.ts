#!/usr/bin/env node
// The `breakfix` command: one file per command group registers itself on the program.
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { errorJson, handleFatal } from './common.js';

type Register = (program: Command) => void;

/** The command groups, in help order. Each file exports `register(program)`. */
const COMMANDS = [
  'init',
  'config',
  'chat',
  'bench',
  'redteam',
  'judge',
  'vulns',
  'curate',
  'train',
  'cycle',
  'report',
  'view',
  'serve',
  'model',
] as const;

/** Import every command file. One that fails to load (a bug, a missing optional piece) must not
 * take the others down: it is replaced by a command that explains the failure and exits 3. */
async function loadCommands(): Promise<[string, Register | Error][]> {
  return Promise.all(
    COMMANDS.map(async (name): Promise<[string, Register | Error]> => {
      try {
        const mod = (await import(`./${name}.js`)) as { register?: Register };
        if (typeof mod.register !== 'function') throw new Error(`src/cli/${name}.ts exports no register()`);
        return [name, mod.register];
      } catch (err) {
        return [name, err instanceof Error ? err : new Error(String(err))];
      }
    }),
  );
}

function registerBroken(program: Command, name: string, err: Error): void {
  program
    .command(name)
    .description(`${name} (unavailable: failed to load)`)
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .action(() => {
      process.stderr.write(`breakfix: the ${name} command failed to load: ${err.message.split('\n')[0]}\n`);
      if (process.env.BREAKFIX_DEBUG === '1' && err.stack) process.stderr.write(`${err.stack}\n`);
      process.exitCode = 3;
    });
}

function packageVersion(): string {
  // src/cli/main.ts and dist/cli/main.js both sit two levels below the package root.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

export async function buildProgram(): Promise<Command> {
  const program = new Command('breakfix')
    .description(
      'The break-fix safety post-training cycle: benchmark, red-team, identify, curate, train, measure again.',
    )
    .version(packageVersion(), '-V, --version')
    .showSuggestionAfterError()
    .configureHelp({ sortSubcommands: false })
    // Usage errors exit 2, like every other bad input.
    .exitOverride();
  for (const [name, reg] of await loadCommands()) {
    if (reg instanceof Error) registerBroken(program, name, reg);
    else reg(program);
  }
  program.addHelpText(
    'after',
    `
Examples:
  $ breakfix init                      write a commented starter breakfix.yaml
  $ breakfix chat --target embedded:base "Hello"
  $ breakfix cycle                     run the whole break-fix cycle on the embedded default
  $ breakfix <command> --help          help and examples for one command
  $ breakfix bench --json | jq .summary   every command takes --json: data on stdout, progress on stderr

Exit codes: 0 ok · 1 findings or release criteria failed · 2 bad input or usage · 3 runtime or target failure
· 4 a run another process took over (redteam, cycle) · 130 / 143 / 129 stopped by Ctrl-C / SIGTERM /
SIGHUP (the terminal closed)`,
  );
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    const program = await buildProgram();
    await program.parseAsync(argv);
  } catch (err) {
    handleFatal(err);
    // A parse error (an unknown option, a missing argument) happens before any action sees --json:
    // machines reading stdout still get the failure in the shape every --json error has.
    const args = argv.slice(2);
    const options = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
    if (process.exitCode && options.includes('--json'))
      process.stdout.write(
        `${JSON.stringify({ error: errorJson(err, Number(process.exitCode)) }, null, 2)}\n`,
      );
  }
}

// Run only when executed as a script (directly, through the npm bin link or tsx), not when imported.
function isEntryPoint(): boolean {
  const invoked = process.argv[1];
  if (!invoked) return false;
  try {
    return realpathSync(invoked) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
if (isEntryPoint()) {
  // A reader that stops early (`breakfix bench --help | head -1`) closes the pipe: its choice, not a
  // failure of ours to report with a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
  // stderr carries progress and notes, not the result: when its reader is gone (`2>&1 | head`), the
  // work goes on without them, and its run is stored and closed as usual.
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  void main();
}
