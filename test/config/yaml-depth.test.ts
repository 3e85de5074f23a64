// YAML nested thousands of levels deep (10,000 `[`, maps indented ever further) ran yaml's composer
// out of stack: "invalid YAML: Maximum call stack size exceeded" at whatever line the stack ran out on
// (and, for brackets never closed, hundreds of lines of "Flow sequence … end with a ]" beside it).
// A second such file composed in the same process aborted it: V8's "RegExpCompiler Allocation failed"
// (out of memory), as the cases of the first test here, one after another, did.
// It is one error now, naming the depth and the line the first collection too deep begins on.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errorJson } from '../../src/cli/common.js';
import { type ConfigValidationError, parseConfig } from '../../src/config/index.js';
import { BAD_LINES_SHOWN, ConfigError, MAX_YAML_DEPTH, yamlTooDeep } from '../../src/core/index.js';
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
    expect(yamlTooDeep(`a: ${'['.repeat(100)}${']'.repeat(100)}`)).toMatchObject({ line: 1, col: 103 });
    // (a key that is itself a collection counts too)
    expect(yamlTooDeep(`? ${'['.repeat(100)}${']'.repeat(100)}\n: 1\n`)).toMatchObject({ line: 1, col: 102 });
  });

  it("text that is no YAML at all nests deeper line by line: yaml's errors on earlier lines come first", () => {
    // (a CSV passed as the config: yaml reads each line as a map inside the one before)
    const csv = `prompt,response,label\n${'"a, b": c: d,"x",y\n'.repeat(300)}`;
    const err = refused(csv) as ConfigValidationError;
    expect(err.line).toBe(1);
    expect(err.message.split('\n')[0]).toBe(
      'invalid YAML: Implicit keys need to be on a single line (deep.yaml:1)',
    );
    expect(err.issues.at(-1)?.message).toMatch(/nested deeper than 100 levels/);
    expect(err.issues.at(-1)?.line).toBe(101);
  });

  it('a config with thousands of errors names the first 20 in words and counts the rest; --json lists all', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `k${i}: [\n`).join('');
    const err = refused(text) as ConfigValidationError;
    expect(err.issues.length).toBe(3000);
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(BAD_LINES_SHOWN + 1);
    expect(lines[0]).toMatch(/^invalid YAML: .*\(deep\.yaml:2\)$/);
    expect(lines[1]).toMatch(/\(deep\.yaml:3\)$/);
    expect(lines.at(-1)).toMatch(/^and 2980 more \(lines 22, 23, 24, .*, 71, …\)$/);
    expect((errorJson(err, 2).issues as unknown[]).length).toBe(3000);
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
