// breakfix.yaml with lines ending in a lone CR (classic Mac OS). YAML ends a line there (YAML 1.2,
// 5.4), as an editor does, but the yaml package reads a lone CR as text: a first comment line hid
// the whole file (the defaults loaded, nothing said), and `seed: 1\r…` was "Nested mappings are not
// allowed in compact mappings" at line 1.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/core/index.js';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-config-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refused(text: string): ConfigError {
  try {
    parseConfig(text, 'c.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('loaded');
}

describe('a config whose lines end in a lone CR', () => {
  it('is read as the same file with LF line ends', () => {
    const lines = ['# my breakfix config', 'seed: 5', 'redteam:', '  concurrency: 3', ''];
    const lf = parseConfig(lines.join('\n'), join(dir, 'c.yaml'));
    expect(lf.seed).toBe(5);
    for (const end of ['\r', '\r\n'])
      expect(parseConfig(lines.join(end), join(dir, 'c.yaml')), JSON.stringify(end)).toEqual(lf);
  });

  it('an error names the line an editor shows', () => {
    const err = refused('seed: 1\rrounds: 3\r');
    expect(err.message).toBe('rounds: unknown field (c.yaml:2)');
    expect(refused('seed: 1\rredteam:\r  concurrency: x\r').message).toMatch(
      /^redteam\.concurrency: .*\(c\.yaml:3\)$/,
    );
  });

  it('config check reads it (exit 0, the seed of the file)', async () => {
    const file = join(dir, 'breakfix.yaml');
    writeFileSync(file, '# written on a classic Mac\rseed: 11\r');
    const r = await runCli(['config', 'check', '-c', file, '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).config.seed).toBe(11);
  });
});

describe('config check on a config with Windows or classic Mac line ends', () => {
  it('warns of a key written literally, at its line, as for LF (the key not printed)', async () => {
    const key = 'sk-literal-0123456789abc';
    for (const [name, end] of [
      ['lf', '\n'],
      ['crlf', '\r\n'],
      ['cr', '\r'],
    ] as const) {
      const file = join(dir, `${name}.yaml`);
      const lines = [
        'targets:',
        '  t:',
        '    type: openai',
        '    model: m',
        `    apiKey: ${key}`,
        'roles:',
        '  target: t',
      ];
      writeFileSync(file, lines.join(end) + end);
      const r = await runCli(['config', 'check', '-c', file], { cwd: dir });
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stderr, name).toContain(`warning: apiKey at ${file}:5 is written literally`);
      expect(r.stdout + r.stderr, name).not.toContain(key);
    }
  });
});
