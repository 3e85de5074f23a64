// YAML aliases in a config: a recursive alias (one inside the node it names) is a ConfigError naming
// the file, the line and the field — not a stack overflow reported as a bug; an alias bomb ("billion
// laughs") is refused at once rather than expanded.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/core/index.js';
import { runCli } from '../cli/run-cli.js';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const RECURSIVE: [name: string, yaml: string, line: number, field: string | undefined][] = [
  ['a list holding itself', 'x: &a [*a]\n', 1, 'x.0'],
  ['a mapping holding itself', 'a: &a\n  b: *a\n', 2, 'a.b'],
  ['deep inside a section', 'seeds: &s\n  files:\n    - x.jsonl\n    - {y: [*s]}\n', 4, 'seeds.files.1.y.0'],
  ['through a nested anchor', 'a: &a\n  b: &b\n    c: [*a]\n', 3, 'a.b.c.0'],
  ['in a mapping key', '? &k [*k]\n: 1\n', 1, undefined],
  ['a whole document holding itself', '&top\nx: *top\n', 2, 'x'],
];

describe('config: recursive YAML aliases', () => {
  for (const [name, yaml, line, field] of RECURSIVE)
    it(`${name} is a ConfigError with file, line and field`, () => {
      const err = errorOf(() => parseConfig(yaml, 'cfg.yaml'));
      expect(err.message).toMatch(/the alias \*\w+ is recursive/);
      expect(err.file).toBe('cfg.yaml');
      expect(err.line).toBe(line);
      expect(err.field).toBe(field);
    });

  it('an alias to an earlier value still loads', () => {
    const config = parseConfig(
      'seeds:\n  files: &f [a.jsonl]\ntemplates:\n  files: *f\n',
      join(tmpdir(), 'breakfix.yaml'),
    );
    expect(config.templates.files).toEqual(config.seeds.files);
  });
});

describe('config: YAML merge keys', () => {
  it('a target built on another with << takes its fields, its own overriding them', () => {
    // The docker-compose idiom; before, `<<` was a key like any other and the message was that
    // targets.b had no type.
    const config = parseConfig(
      'targets:\n  a: &remote\n    type: openai\n    baseURL: http://localhost:8000/v1\n    model: m1\n    retries: 1\n  b:\n    <<: *remote\n    model: m2\n',
      join(tmpdir(), 'breakfix.yaml'),
    );
    expect(config.targets.b).toMatchObject({
      type: 'openai',
      baseURL: 'http://localhost:8000/v1',
      model: 'm2',
      retries: 1,
    });
    expect(config.targets.a).toMatchObject({ model: 'm1' });
  });

  it('a merged field that is wrong is still named, at the mapping that merges it', () => {
    const err = errorOf(() =>
      parseConfig(
        'targets:\n  a: &x\n    type: openai\n    model: m\n    retries: -1\n  b:\n    <<: *x\n',
        'cfg.yaml',
      ),
    );
    expect(err.message).toMatch(/^targets\.a\.retries: expected a number ≥ 0, got -1 \(cfg\.yaml:5\)/);
    expect(err.message).toMatch(/targets\.b\.retries: expected a number ≥ 0, got -1 \(cfg\.yaml:7\)/);
  });
});

describe('config: alias bombs', () => {
  const bomb = (levels: number, fan: number) => {
    const lines = ['l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < levels; i++)
      lines.push(`l${i}: &l${i} [${Array.from({ length: fan }, () => `*l${i - 1}`).join(', ')}]`);
    return `${lines.join('\n')}\n`;
  };
  const mapBomb = (levels: number, fan: number) => {
    const lines = ['m0: &m0 {k: v, l: w}'];
    for (let i = 1; i < levels; i++)
      lines.push(`m${i}: &m${i} {${Array.from({ length: fan }, (_, j) => `k${j}: *m${i - 1}`).join(', ')}}`);
    return `${lines.join('\n')}\n`;
  };

  // (A guard: the yaml library's alias cap already refused these before; stated now in parseConfig.)
  for (const [name, yaml] of [
    ['a billion laughs (lists)', bomb(9, 9)],
    ['a billion laughs (mappings)', mapBomb(30, 10)],
  ] as const)
    it(`${name} is refused at once`, () => {
      // The alias cap refuses before expanding: a bomb that got expanded would exhaust memory or the
      // test's timeout, not return this error.
      const err = errorOf(() => parseConfig(yaml, 'cfg.yaml'));
      expect(err.message).toMatch(/invalid YAML: Excessive alias count/);
    });
});

describe('breakfix config check on a recursive alias', () => {
  const dir = mkdtempSync(join(tmpdir(), 'breakfix-alias-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 naming the file and line, never "looks like a bug"', async () => {
    for (const [name, yaml, line] of [
      ['list.yaml', 'x: &a [*a]\n', 1],
      ['map.yaml', 'a: &a\n  b: *a\n', 2],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, yaml);
      expect(() => loadConfig(file)).toThrow(ConfigError);
      const r = await runCli(['config', 'check', '-c', file]);
      expect(r.code, name).toBe(2);
      expect(r.stderr).toContain(`${file}:${line}`);
      expect(r.stderr).toMatch(/recursive/);
      expect(r.stderr).not.toMatch(/looks like a bug|call stack/);
    }
  });
});
