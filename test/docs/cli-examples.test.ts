// Every command line a user is shown parses as written: each `$ breakfix …` example of every help
// page and each `breakfix …` / `npm run breakfix -- …` line of the README's and docs' code blocks
// names options the command has, with the arguments they take. The examples are parsed by the
// program's own commander tree with every action replaced by a no-op, so nothing runs; what each
// example does when run is the audit's (docs/RELIABILITY.md keeps no copy of it).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, CommanderError } from 'commander';
import { expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

const root = resolve(import.meta.dirname, '../..');

function allCommands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(allCommands)];
}

/** The program with no action: parsing an example checks it and runs nothing. */
async function inertProgram(): Promise<Command> {
  const program = await buildProgram();
  for (const c of allCommands(program)) {
    c.action(() => {});
    c.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  }
  return program;
}

/** Each help page's text, `after` examples included (commander writes those on outputHelp). */
async function helpPages(): Promise<[string, string][]> {
  const program = await buildProgram();
  return allCommands(program)
    .filter((c) => c.name() !== 'help')
    .map((c) => {
      let text = '';
      for (const each of allCommands(program)) each.configureOutput({ writeOut: (s) => (text += s) });
      c.outputHelp();
      const path: string[] = [];
      for (let at: Command | null = c; at?.parent; at = at.parent) path.unshift(at.name());
      return [['breakfix', ...path].join(' '), text];
    });
}

/** Shell words of one command line, up to its first pipe, redirection or `;`/`&&`; a placeholder
 * such as `<run>` or `<dir>` is a word. */
function shellWords(text: string): string[] {
  const line = text.replace(/<([\w-]+)>/g, '$1');
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"' || ch === "'") {
      const end = line.indexOf(ch, i + 1);
      if (end < 0) throw new Error(`unclosed quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else if ('|<>;&'.includes(ch)) break;
    else word = (word ?? '') + ch;
  }
  if (word !== null) words.push(word);
  return words;
}

/** A help example's command: what follows `$ `, before its note (two or more spaces then words). */
function helpExampleArgs(line: string): string[] {
  const command = line.replace(/^\s*\$ /, '').split(/\s{2,}(?=[^-\s])/)[0];
  return shellWords(command).slice(1);
}

/** A docs line's breakfix arguments: after `breakfix`, `npx breakfix` or `npm run breakfix --`,
 * its `# note` dropped, and a synopsis read as one example (`[--kind a|b]` → `--kind a`, `…` gone). */
function docsLineArgs(line: string): string[] | null {
  const m = /(?:^|\s)(?:npx\s+breakfix|npm run breakfix --|breakfix)\s+(.*)$/.exec(
    line.replace(/\s#\s.*$/, ''),
  );
  if (!m) return null;
  const synopsis = m[1].replace(/[[\]]/g, '').replace(/…/g, '');
  return shellWords(synopsis).map((w) => (/^[^|]+\|/.test(w) && !w.startsWith('-') ? w.split('|')[0] : w));
}

function docsCommandLines(): { where: string; args: string[] }[] {
  const files = ['README.md', ...readdirSync(join(root, 'docs')).map((f) => `docs/${f}`)];
  const found: { where: string; args: string[] }[] = [];
  for (const file of files.filter((f) => f.endsWith('.md'))) {
    let inBlock = false;
    readFileSync(join(root, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/^\s*```/.test(line)) inBlock = !inBlock;
        else if (inBlock && !/^\s*(\/\/|#)/.test(line)) {
          const args = docsLineArgs(line);
          if (args) found.push({ where: `${file}:${i + 1}`, args });
        }
      });
  }
  return found;
}

/** Why `breakfix <args>` does not parse, or null when it does. */
async function parseError(args: string[]): Promise<string | null> {
  try {
    await (await inertProgram()).parseAsync(args, { from: 'user' });
    return null;
  } catch (err) {
    if (err instanceof CommanderError && err.code === 'commander.helpDisplayed') return null;
    return err instanceof Error ? err.message : String(err);
  }
}

it('every $ breakfix example on a help page parses: known options, the arguments they take', async () => {
  const bad: string[] = [];
  let count = 0;
  for (const [page, text] of await helpPages()) {
    for (const line of text.split('\n').filter((l) => /^\s+\$ breakfix\s/.test(l))) {
      // `breakfix <command> --help` stands for any command.
      const args = helpExampleArgs(line).map((w) => (w === '<command>' ? 'bench' : w));
      count++;
      const why = await parseError(args);
      if (why) bad.push(`${page}: ${line.trim()}\n    ${why}`);
    }
  }
  expect(count).toBeGreaterThan(60);
  expect(bad).toEqual([]);
});

it('every breakfix command line in the README and docs code blocks parses', async () => {
  const lines = docsCommandLines();
  expect(lines.length).toBeGreaterThan(8);
  const bad: string[] = [];
  for (const { where, args } of lines) {
    const why = await parseError(args);
    if (why) bad.push(`${where}: breakfix ${args.join(' ')}\n    ${why}`);
  }
  expect(bad).toEqual([]);
});
