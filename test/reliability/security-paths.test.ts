// Security: dataset paths in a config (seeds.files, templates.files, bench.custom[].file) cannot
// leave the folder of the config file unless the user writes an absolute path. Every relative form
// that climbs out is a ConfigError naming the field and line; paths that stay inside, and absolute
// paths anywhere, are accepted and resolved against the config file's folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/core/index.js';
import { writeFigures } from './helpers.js';

const ESCAPES = [
  '../outside.jsonl',
  '../../etc/passwd',
  './../outside.jsonl',
  'data/../../outside.jsonl',
  'data/./../../outside.jsonl',
  'a/b/c/../../../../outside.jsonl',
  '..',
  '../project-sibling/seeds.jsonl',
];
const INSIDE = [
  'seeds.jsonl',
  './seeds.jsonl',
  'data/seeds.jsonl',
  'data/../seeds.jsonl',
  'a/b/../../seeds.jsonl',
  '..seeds.jsonl',
  'data/..hidden.jsonl',
];

const FIELDS: [string, (p: string) => string][] = [
  ['seeds.files.0', (p) => `seeds:\n  files:\n    - ${JSON.stringify(p)}\n`],
  ['templates.files.0', (p) => `templates:\n  files:\n    - ${JSON.stringify(p)}\n`],
  ['bench.custom.0.file', (p) => `bench:\n  custom:\n    - name: mine\n      file: ${JSON.stringify(p)}\n`],
];

describe('security: dataset paths stay in the project folder unless absolute', () => {
  const root = mkdtempSync(join(tmpdir(), 'breakfix-paths-'));
  const project = join(root, 'project');
  mkdirSync(join(project, 'data'), { recursive: true });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let n = 0;
  const cfg = (body: string) => {
    const f = join(project, `c${n++}.yaml`);
    writeFileSync(f, body);
    return f;
  };

  it(`${ESCAPES.length} climbing forms × ${FIELDS.length} fields are refused, naming the field and line`, () => {
    for (const [field, body] of FIELDS)
      for (const p of ESCAPES) {
        const file = cfg(body(p));
        let err: unknown;
        try {
          loadConfig(file);
        } catch (e) {
          err = e;
        }
        expect(err, `${field} ${p}`).toBeInstanceOf(ConfigError);
        const e = err as ConfigError;
        expect(e.field).toBe(field);
        expect(e.message).toContain('leaves the project folder');
        expect(e.message).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+`));
      }
  });

  it('paths inside the folder resolve against it; absolute paths are the user’s choice', () => {
    for (const [field, body] of FIELDS) {
      for (const p of INSIDE) {
        const c = loadConfig(cfg(body(p)));
        const got = field.startsWith('bench')
          ? c.bench.custom[0]!.file
          : field.startsWith('seeds')
            ? c.seeds.files[0]!
            : c.templates.files[0]!;
        expect(got).toBe(resolve(project, p));
        expect(got.startsWith(`${project}/`)).toBe(true);
      }
      const abs = join(root, 'elsewhere', 'seeds.jsonl');
      const c = loadConfig(cfg(body(abs)));
      const got = field.startsWith('bench')
        ? c.bench.custom[0]!.file
        : field.startsWith('seeds')
          ? c.seeds.files[0]!
          : c.templates.files[0]!;
      expect(got).toBe(abs);
    }
    writeFigures('security-paths', {
      escapeForms: ESCAPES.length,
      fields: FIELDS.length,
      refused: ESCAPES.length * FIELDS.length,
      insideForms: INSIDE.length,
    });
  });
});
