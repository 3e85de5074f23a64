// Where a command writes a file into folders that do not exist yet, `--help` says what it does, and
// it does that: `report --out` makes them (as every output path does: the store's, curate's, train's),
// `init` makes none (a starter config goes where the user already works) and exits 2 naming the path.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureStore, type Fixture } from '../report/fixture.js';
import { runCli } from './run-cli.js';

let fx: Fixture;
beforeAll(() => {
  fx = buildFixtureStore();
  fx.store.close();
});

/** A help text on one line, as commander wraps it to the terminal's width. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ');

describe('missing folders of an output file', () => {
  it('report --out: said in --help, and made', async () => {
    const help = await runCli(['report', '--help']);
    expect(help.code).toBe(0);
    expect(oneLine(help.stdout)).toMatch(/-o, --out <file> write here, making missing folders;/);
    const cwd = mkdtempSync(join(tmpdir(), 'bf-out-folders-'));
    const r = await runCli(['report', '--store', fx.storePath, '--out', 'a/b/x.html'], { cwd });
    expect([0, 1], r.stderr).toContain(r.code);
    expect(existsSync(join(cwd, 'a', 'b', 'x.html'))).toBe(true);
  });

  it('init: said in --help, and refused with exit 2 naming the missing folder', async () => {
    const help = await runCli(['init', '--help']);
    expect(help.code).toBe(0);
    expect(oneLine(help.stdout)).toMatch(/its folder must exist: init makes none/);
    const cwd = mkdtempSync(join(tmpdir(), 'bf-out-folders-'));
    const r = await runCli(['init', 'a/b/breakfix.yaml'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(cwd, 'a'));
    expect(r.stderr).toMatch(/does not exist/);
    expect(readdirSync(cwd)).toEqual([]);
    // One missing folder, the config file's own, is not made either.
    const one = await runCli(['init', 'c/breakfix.yaml'], { cwd });
    expect(one.code, one.stderr).toBe(2);
    expect(one.stderr).toContain(`the folder of the config file does not exist (${join(cwd, 'c')})`);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
