// A "__proto__" key in breakfix.yaml. Assigned to a plain object it set the object's prototype: at
// the top level `__proto__: {seed: 5}` loaded as seed 5 with no field named unknown, and under the
// maps of names (targets, headers) the key was dropped unsaid, a target written under it gone. Each
// is now a ConfigError naming the file, the key's line and its field; a property puts the key in
// random places of a valid config (fast-check, fixed seed).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/core/index.js';
import { runCli } from '../cli/run-cli.js';

function refused(text: string): ConfigError {
  try {
    parseConfig(text, 'p.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`loaded:\n${text}`);
}

describe('a "__proto__" key in the config', () => {
  it('is an error naming its line and field wherever it is, never read as its contents or dropped', () => {
    for (const [yaml, field, line] of [
      ['__proto__:\n  seed: 5\n', '__proto__', 1],
      ['seed: 1\n__proto__:\n  seed: 5\n', '__proto__', 2],
      ['targets:\n  __proto__:\n    type: openai\n    model: x\n', 'targets.__proto__', 2],
      [
        'targets:\n  a:\n    type: openai\n    model: x\n    headers:\n      __proto__: {x: y}\n',
        'targets.a.headers.__proto__',
        6,
      ],
      ['judges:\n  __proto__:\n    severity: offline\n', 'judges.__proto__', 2],
    ] as const) {
      const err = refused(yaml);
      expect(err.field, yaml).toBe(field);
      expect(err.line, yaml).toBe(line);
      expect(err.message).toContain(`p.yaml:${line}`);
    }
  });

  const dir = mkdtempSync(join(tmpdir(), 'breakfix-proto-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('breakfix config check exits 2 naming file:line, the seed under it not taken', async () => {
    const file = join(dir, 'breakfix.yaml');
    writeFileSync(file, 'seed: 1\n__proto__:\n  seed: 5\n');
    const r = await runCli(['config', 'check', '-c', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:2`);
    expect(r.stderr).toContain('__proto__');
    expect(r.stderr).not.toMatch(/looks like a bug|at .*\.ts:\d+/);
  });

  it('property: put anywhere in a valid config, it is refused at its own line', () => {
    const base = {
      seed: 3,
      targets: {
        candidate: { type: 'embedded', model: 'base' },
        judge: { type: 'openai', baseURL: 'http://127.0.0.1:9/v1', model: 'm', headers: { 'X-A': 'b' } },
      },
      roles: { target: 'candidate', judge: 'judge' },
      judges: { severity: 'judge' },
      bench: { suites: ['harmful'] },
      redteam: { budget: { attempts: 5 } },
    };
    const places = [
      [],
      ['targets'],
      ['targets', 'judge'],
      ['targets', 'judge', 'headers'],
      ['roles'],
      ['judges'],
      ['bench'],
      ['redteam', 'budget'],
    ];
    expect(() => parseConfig(stringify(base), 'p.yaml')).not.toThrow();
    fc.assert(
      fc.property(
        fc.constantFrom(...places),
        fc.oneof(
          fc.constant(5),
          fc.string({ maxLength: 4 }),
          fc.constant({ seed: 9 }),
          fc.constant({ type: 'embedded', model: 'base' }),
        ),
        (place, value) => {
          const obj = structuredClone(base) as Record<string, unknown>;
          let o = obj;
          for (const k of place) o = o[k] as Record<string, unknown>;
          Object.defineProperty(o, '__proto__', {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
          const text = stringify(obj);
          const line = text.split('\n').findIndex((l) => /^\s*__proto__:/.test(l)) + 1;
          expect(line).toBeGreaterThan(0);
          const err = refused(text);
          expect(err.line).toBe(line);
          expect(err.field).toBe([...place, '__proto__'].join('.'));
        },
      ),
      { numRuns: 100, seed: 20261207 },
    );
  });
});
