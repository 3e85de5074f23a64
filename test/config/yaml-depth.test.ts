// YAML nested thousands of levels deep (10,000 `[`, maps indented ever further) ran yaml's composer
// out of stack: "invalid YAML: Maximum call stack size exceeded" at whatever line the stack ran out on
// (and, for brackets never closed, hundreds of lines of "Flow sequence … end with a ]" beside it).
// It is one error now, naming the depth and the line the first collection too deep begins on.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { ConfigError, MAX_YAML_DEPTH, yamlTooDeep } from '../../src/core/index.js';
import { runCli } from '../cli/run-cli.js';

function refused(text: string): ConfigError {
  try {
    parseConfig(text, 'deep.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('loaded');
}

/** `levels` maps, each a key deeper than the one before, the last holding `x: 1`. */
const nestedMaps = (levels: number) =>
  Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}k${i}:\n`).join('') +
  `${'  '.repeat(levels)}x: 1\n`;

describe('YAML nested too deeply', () => {
  it('is one error naming the limit and the line, not a stack overflow', () => {
    for (const [text, line] of [
      [`seed: ${'['.repeat(10_000)}\n`, 1],
      [`seed: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, 1],
      [`seed: 1\nbench: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}\n`, 2],
      // (the top-level map is the first level: the map under k99 is the 101st)
      [nestedMaps(3000), MAX_YAML_DEPTH + 1],
      [`seed: 1\n${'- '.repeat(3000)}x\n`, 2],
    ] as const) {
      const err = refused(text);
      expect(err.message, text.slice(0, 40)).toBe(
        `invalid YAML: nested deeper than ${MAX_YAML_DEPTH} levels (maps and lists inside each other) (deep.yaml:${line})`,
      );
      expect(err.line).toBe(line);
      expect(err.hint).toMatch(/bracket left open/);
    }
  });

  it('at the limit, the file is read as before (its own errors, not the depth)', () => {
    // the top-level map and 99 lists: 100 levels
    const flow = refused(`seed: ${'['.repeat(99)}${']'.repeat(99)}\n`);
    expect(flow.message).toBe('seed: expected a number, got a list (deep.yaml:1)');
    expect(refused(nestedMaps(MAX_YAML_DEPTH - 1)).message).toMatch(/^k0: unknown field/);
    expect(yamlTooDeep(`a: ${'['.repeat(99)}${']'.repeat(99)}`)).toBeUndefined();
    expect(yamlTooDeep(`a: ${'['.repeat(100)}${']'.repeat(100)}`)).toEqual({ line: 1, col: 103 });
    // (a key that is itself a collection counts too)
    expect(yamlTooDeep(`? ${'['.repeat(100)}${']'.repeat(100)}\n: 1\n`)).toEqual({ line: 1, col: 102 });
  });

  const dir = mkdtempSync(join(tmpdir(), 'breakfix-yaml-depth-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('config check and cycle --config exit 2 with one line naming file:line, no stack trace', async () => {
    const file = join(dir, 'breakfix.yaml');
    writeFileSync(file, `seed: 1\nbench: ${'['.repeat(10_000)}\n`);
    for (const args of [
      ['config', 'check', '-c', file],
      ['cycle', '--config', file, '--store', join(dir, 's.db')],
    ]) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr).toContain(`nested deeper than ${MAX_YAML_DEPTH} levels`);
      expect(r.stderr).toContain(`${file}:2`);
      expect(r.stderr).not.toMatch(/call stack|looks like a bug|Flow sequence/);
      expect(r.stderr.trim().split('\n')).toHaveLength(2);
    }
  });
});
