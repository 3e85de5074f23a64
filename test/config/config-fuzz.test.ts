// Property test (fast-check, fixed seed) of the config loader: a valid breakfix.yaml with random
// values put at random paths of the schema (wrong types, huge and non-finite numbers, NaN-ish text,
// ${VAR} references set and unset, unknown keys, nested values, YAML 1.1 scalars) either loads or is a
// ConfigError naming the file, the line and the field; what loads holds no NaN or infinite number.
// test/reliability/props-parsers.test.ts fuzzes arbitrary text and whole sections; this one goes
// field by field.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { configJsonSchema, parseConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/core/index.js';

/** Every property path the JSON Schema names (`targets.*.rpm`, `bench.custom.0.fields.text` …). */
function schemaPaths(): string[] {
  const out = new Set<string>();
  const walk = (n: Record<string, unknown> | undefined, path: string[], depth: number) => {
    if (!n || typeof n !== 'object' || depth > 8) return;
    for (const [k, v] of Object.entries((n.properties as Record<string, Record<string, unknown>>) ?? {})) {
      out.add([...path, k].join('.'));
      walk(v, [...path, k], depth + 1);
    }
    if (n.additionalProperties && typeof n.additionalProperties === 'object')
      walk(n.additionalProperties as Record<string, unknown>, [...path, '*'], depth + 1);
    for (const key of ['anyOf', 'oneOf', 'allOf'])
      for (const x of (n[key] as Record<string, unknown>[] | undefined) ?? []) walk(x, path, depth + 1);
    if (n.items) walk(n.items as Record<string, unknown>, [...path, '0'], depth + 1);
  };
  walk(configJsonSchema(), [], 0);
  return [...out];
}

const BASE = {
  seed: 7,
  store: '.breakfix/x.db',
  targets: {
    candidate: { type: 'embedded', model: 'base' },
    judge: { type: 'openai', baseURL: 'http://127.0.0.1:9/v1', model: 'm', concurrency: 2, rpm: 60 },
    claude: { type: 'anthropic', model: 'c' },
  },
  roles: { target: 'candidate', judge: 'judge' },
  redteam: { persona: 'intermediate', budget: { attempts: 10 }, maxTurns: 3 },
  bench: { suites: ['harmful'], custom: [{ name: 'mine', file: 'd.jsonl', fields: { text: 'prompt' } }] },
  train: { backend: 'embedded' },
  cycle: { maxRounds: 2, criteria: { asr: 0.02 } },
  seeds: { files: ['s.jsonl'] },
  templates: { files: ['t.yaml'] },
};

const scalar = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
  fc.constantFrom(0, -1, 0.5, 2 ** 31, 2 ** 53, 1e308, -1e308, 1e-300, 1e21),
  fc.constantFrom('NaN', '.nan', 'Infinity', '1e400', '0x10', '1_000', '~', '', ' ', '__proto__', '../x'),
  // ${ENV} references (the config's syntax, on purpose), set, NaN-valued, unset, with defaults, escaped.
  fc
    .constantFrom('FUZZ_SET}', 'FUZZ_NAN}', 'FUZZ_UNSET}', 'FUZZ_UNSET:-1e400}', 'FUZZ_UNSET:- 3}')
    .map((s) => `$${'{'}${s}`),
  fc.constant(`$$${'{'}X}`),
);
const value = fc.oneof(
  scalar,
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', 'type', 'model', 'file', '__proto__', 'constructor'), scalar, {
    maxKeys: 3,
  }),
);
/** Written as YAML text where JSON cannot say it: YAML 1.1 numbers, tags, anchors. */
const rawScalar = fc.constantFrom(
  '.nan',
  '.inf',
  '-.inf',
  '0x1F',
  '0o17',
  '!!binary aGk=',
  '2001-12-14',
  '!!set {a}',
  '*nowhere',
);

const mutation = fc.record({
  path: fc.constantFrom(...schemaPaths()),
  target: fc.constantFrom('candidate', 'judge', 'claude'),
  value,
  raw: fc.option(rawScalar, { nil: undefined }),
  extraKey: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
});

function configText(
  muts: { path: string; target: string; value: unknown; raw?: string; extraKey?: string }[],
) {
  const obj = structuredClone(BASE) as Record<string, unknown>;
  const raws: string[] = [];
  for (const m of muts) {
    const parts = m.path.split('.').map((s) => (s === '*' ? m.target : s));
    let o = obj as Record<string, unknown>;
    for (const k of parts.slice(0, -1)) {
      if (o[k] === null || typeof o[k] !== 'object') o[k] = /^\d+$/.test(k) ? [] : {};
      o = o[k] as Record<string, unknown>;
    }
    o[parts[parts.length - 1]] = m.raw === undefined ? m.value : `RAW${raws.push(m.raw) - 1}RAW`;
    if (m.extraKey !== undefined) o[m.extraKey] = 1;
  }
  return raws.reduce((t, r, i) => t.replace(`RAW${i}RAW`, r), stringify(obj));
}

function nonFinite(v: unknown, path = ''): string[] {
  if (typeof v === 'number') return Number.isFinite(v) ? [] : [path];
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => nonFinite(x, `${path}.${k}`));
}

const saved = { ...process.env };
beforeAll(() => {
  process.env.FUZZ_SET = '5';
  process.env.FUZZ_NAN = 'NaN';
  delete process.env.FUZZ_UNSET;
});
afterAll(() => {
  process.env = saved;
});

describe('property: the config, field by field', () => {
  it('random values at random schema paths load, or are a ConfigError naming file, line and field', () => {
    expect(() => parseConfig(stringify(BASE), 'fz.yaml')).not.toThrow();
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (muts) => {
        const text = configText(muts);
        let config: unknown;
        try {
          config = parseConfig(text, 'fz.yaml');
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          expect(err.message).toContain('fz.yaml');
          // A field, or a YAML error, is named; every issue has a line.
          expect(err.field !== undefined || /invalid YAML|at the top level/.test(err.message)).toBe(true);
          expect(err.line).toBeGreaterThanOrEqual(1);
          return;
        }
        expect(nonFinite(config)).toEqual([]);
      }),
      { seed: 20261205, numRuns: 600 },
    );
  });
});
