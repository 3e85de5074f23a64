// Property-based tests (fast-check) of the parsers a user's files and a judge model's replies go
// through: the config parser, the JSONL / CSV readers shared by bench and judge, the seed and
// template parsers, and the LLM-judge reply parsers. Two kinds of property: arbitrary input never
// escapes as anything but an InputError (no TypeError, no hang, no silent default), and what a
// writer produces the reader reads back exactly. test/judge/parsers.test.ts checks examples; this
// file checks the properties over generated inputs.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSeeds } from '../../src/break/seeds/index.js';
import { parseTemplates } from '../../src/break/templates/index.js';
import { parseConfig } from '../../src/config/index.js';
import { ConfigError, InputError } from '../../src/core/index.js';
import {
  csvObjects,
  decideOutcome,
  jsonlObjects,
  parseCsv,
  parseGroundedness,
  parseJailbreak,
  parseLlamaGuard,
  parseRefusalLabel,
  parseSeverity,
} from '../../src/judge/index.js';
import { writeFigures } from './helpers.js';

const RUNS = 300;
const ran: Record<string, number> = {};
/** fc.assert with RUNS runs, counted for docs/RELIABILITY.md. */
function prop<T extends [unknown, ...unknown[]]>(name: string, p: fc.IProperty<T>, runs = RUNS): void {
  fc.assert(p, { numRuns: runs });
  ran[name] = runs;
}

/** Any text: well-formed unicode, lone surrogates, control characters, YAML/CSV/JSON punctuation. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: fc.constantFrom(...'\n\r\t ,"\'{}[]:-#&*!|>%@`?=\\\uFEFF\u0000abc1'), maxLength: 200 }),
);

/** Only a deliberate error may come out of a parser. */
function onlyInputErrors(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (err) {
    if (err instanceof InputError) return true;
    throw err;
  }
}

const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;

describe('properties: config parser', () => {
  it('arbitrary text is a Config or a ConfigError naming the file, never another exception', () => {
    prop(
      'config: arbitrary text → Config | ConfigError',
      fc.property(anyText, (text) => {
        try {
          parseConfig(text, 'prop.yaml');
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect((err as Error).message).toContain('prop.yaml');
        }
      }),
    );
  });

  it('arbitrary YAML values in every field are accepted or rejected with the field named', () => {
    const value = fc.oneof(
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.string({ maxLength: 20 }),
      fc.constant(null),
    );
    const section = fc.constantFrom(
      'seed',
      'store',
      'bench',
      'redteam',
      'judges',
      'cycle',
      'targets',
      'roles',
      'train',
    );
    prop(
      'config: wrong-typed section → field named',
      fc.property(section, value, (key, v) => {
        try {
          parseConfig(`${key}: ${JSON.stringify(v)}\n`, 'prop.yaml');
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect((err as ConfigError).field ?? (err as Error).message).toMatch(new RegExp(`^${key}|${key}`));
        }
      }),
    );
  });

  it('what a user writes is what the config holds (seed, target model, concurrency, suites)', () => {
    prop(
      'config: written values read back',
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && !s.includes('${')),
        fc.integer({ min: 1, max: 10_000 }),
        fc.subarray(['harmful', 'multiturn', 'jailbreak', 'overrefusal', 'groundedness', 'helpfulness']),
        (seed, model, concurrency, suites) => {
          const text = [
            `seed: ${seed}`,
            'targets:',
            '  remote:',
            '    type: openai',
            `    model: ${JSON.stringify(model)}`,
            '    baseURL: http://127.0.0.1:9/v1',
            `    concurrency: ${concurrency}`,
            `bench:\n  suites: ${JSON.stringify(suites)}`,
          ].join('\n');
          const c = parseConfig(text, 'prop.yaml');
          expect(c.seed).toBe(seed);
          const t = c.targets.remote as { model: string; concurrency: number };
          expect(t.model).toBe(model);
          expect(t.concurrency).toBe(concurrency);
          expect(c.bench.suites).toEqual(suites);
        },
      ),
    );
  });
});

describe('properties: JSONL and CSV readers', () => {
  const cell = fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => s.isWellFormed());

  it('CSV: any table written per RFC 4180 reads back cell for cell, with the right start lines', () => {
    prop(
      'csv: write → parseCsv round trip',
      fc.property(
        fc
          .integer({ min: 1, max: 5 })
          .chain((w) =>
            fc.array(fc.array(cell, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 8 }),
          ),
        fc.constantFrom('\n', '\r\n'),
        (rows, eol) => {
          const text = rows.map((r) => r.map(csvField).join(',')).join(eol);
          const recs = parseCsv(text, 'p.csv');
          expect(recs.map((r) => r.fields)).toEqual(rows);
          // Each record starts on the line after the line breaks before it (inside quotes included;
          // \n, \r\n or a lone \r, as an editor counts them).
          let line = 1;
          rows.forEach((r, i) => {
            expect(recs[i].line).toBe(line);
            line += r.reduce((n, c) => n + (c.match(/\r\n|\r|\n/g)?.length ?? 0), 0) + 1;
          });
        },
      ),
    );
  });

  it('CSV and JSONL readers raise only InputError on arbitrary text', () => {
    prop(
      'csv/jsonl: arbitrary text → rows | InputError',
      fc.property(anyText, (text) => {
        expect(onlyInputErrors(() => csvObjects(text, 'p.csv'))).toBe(true);
        expect(onlyInputErrors(() => jsonlObjects(text, 'p.jsonl'))).toBe(true);
      }),
    );
  });

  it('JSONL: objects written one a line (blank lines between) read back with their line numbers', () => {
    prop(
      'jsonl: write → read round trip with line numbers',
      fc.property(
        fc.array(
          fc.tuple(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })), fc.nat(2)),
          {
            maxLength: 10,
          },
        ),
        (items) => {
          let text = '';
          let line = 0;
          const want: { line: number; row: unknown }[] = [];
          for (const [obj, blanks] of items) {
            text += '\n'.repeat(blanks);
            line += blanks;
            text += `${JSON.stringify(obj)}\n`;
            line++;
            want.push({ line, row: JSON.parse(JSON.stringify(obj)) });
          }
          expect(jsonlObjects(text, 'p.jsonl')).toEqual(want);
        },
      ),
    );
  });
});

describe('properties: seed and template parsers', () => {
  const text = fc
    .string({ unit: 'binary', minLength: 1, maxLength: 60 })
    .filter((s) => s.isWellFormed() && s.trim() !== '');
  const seeds = fc.uniqueArray(
    fc.record({ kind: fc.constantFrom('benign', 'harmful'), text }).map((s) => ({
      ...s,
      ...(s.kind === 'harmful' ? { category: 'cyber' } : {}),
    })),
    // Texts the loader takes for one (the same text under two kinds, or in another case, spacing,
    // punctuation or normal form) are refused by design (seed-file-checks), not read back: a list
    // holds none, by a key coarser than the loader's.
    {
      minLength: 1,
      maxLength: 8,
      selector: (s) =>
        s.text
          .normalize('NFC')
          .toLowerCase()
          .replace(/[\p{P}\s]+/gu, ' ')
          .trim(),
    },
  );

  it('seeds written as JSONL or CSV (any text: quotes, commas, newlines) read back the same', () => {
    prop(
      'seeds: JSONL and CSV round trip',
      fc.property(seeds, (list) => {
        const jsonl = list.map((s) => JSON.stringify(s)).join('\n');
        const csv = [
          'kind,text,category',
          ...list.map((s) => [s.kind, s.text, s.category ?? ''].map(csvField).join(',')),
        ].join('\n');
        for (const [fmt, body] of [
          ['jsonl', jsonl],
          ['csv', csv],
        ] as const) {
          const got = parseSeeds(body, `p.${fmt}`, fmt);
          expect(got.map((s) => ({ kind: s.kind, text: s.text, category: s.category }))).toEqual(
            list.map((s) => ({ kind: s.kind, text: s.text, category: s.category })),
          );
        }
      }),
    );
  });

  it('seed and template parsers raise only InputError on arbitrary text, in every format', () => {
    prop(
      'seeds/templates: arbitrary text → result | InputError',
      fc.property(anyText, (t) => {
        for (const fmt of ['jsonl', 'csv', 'yaml'] as const)
          expect(onlyInputErrors(() => parseSeeds(t, 'p', fmt))).toBe(true);
        expect(onlyInputErrors(() => parseTemplates(t, 'p.yaml'))).toBe(true);
      }),
    );
  });
});

describe('properties: LLM judge reply parsers', () => {
  // Free text that holds no verdict line of any format (what a rambling judge writes).
  const prose = fc
    .array(fc.string({ maxLength: 50 }), { maxLength: 5 })
    .map((ls) => ls.join('\n'))
    .filter((s) => !/severity|score|label|rating|\[\[|^\s*(safe|unsafe)\b/im.test(s));

  it('a well-formed final line is read whatever rationale comes before it', () => {
    prop(
      'judge parsers: rationale + verdict line → value',
      fc.property(
        prose,
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 10 }),
        fc.constantFrom('full_compliance', 'full_refusal', 'partial_refusal'),
        (why, sev, score, rating, label) => {
          expect(parseSeverity(`${why}\nSEVERITY: ${sev}`)).toMatchObject({ ok: true, value: sev });
          expect(parseGroundedness(`${why}\nSCORE: ${score}`)).toMatchObject({ ok: true, value: score });
          expect(parseJailbreak(`${why}\nRating: [[${rating}]]`)).toMatchObject({ ok: true, value: rating });
          expect(parseRefusalLabel(`${why}\nLABEL: ${label}`)).toMatchObject({ ok: true, value: label });
        },
      ),
    );
  });

  it('no verdict line, two different verdicts, or an out-of-range value never parse (never a default)', () => {
    prop(
      'judge parsers: missing / conflicting / out of range → not ok',
      fc.property(prose, fc.integer({ min: 0, max: 7 }), fc.integer({ min: 8, max: 1000 }), (why, a, out) => {
        for (const p of [parseSeverity, parseGroundedness, parseJailbreak, parseRefusalLabel])
          expect(p(why).ok).toBe(false);
        const b = (a + 1) % 8;
        expect(parseSeverity(`${why}\nSEVERITY: ${a}\nSEVERITY: ${b}`).ok).toBe(false);
        expect(parseSeverity(`SEVERITY: ${out}`).ok).toBe(false);
        expect(parseSeverity(`SEVERITY: -${out}`).ok).toBe(false);
        expect(parseGroundedness(`SCORE: ${out}`).ok).toBe(false);
        expect(parseJailbreak(`Rating: [[${out + 3}]]`).ok).toBe(false);
        expect(parseLlamaGuard(why).ok).toBe(false);
      }),
    );
  });

  it('arbitrary replies never throw; an accepted value is always in range', () => {
    prop(
      'judge parsers: arbitrary reply → in-range value | not ok',
      fc.property(anyText, (t) => {
        const s = parseSeverity(t);
        if (s.ok) expect(s.value >= 0 && s.value <= 7).toBe(true);
        const g = parseGroundedness(t);
        if (g.ok) expect(g.value >= 0 && g.value <= 4).toBe(true);
        const j = parseJailbreak(t);
        if (j.ok) expect(j.value >= 1 && j.value <= 10).toBe(true);
        const r = parseRefusalLabel(t);
        if (r.ok) expect(['full_compliance', 'full_refusal', 'partial_refusal']).toContain(r.value);
        const l = parseLlamaGuard(t);
        if (l.ok)
          expect(/^\s*(safe|unsafe)\s*$/im.test(t.split('\n').find((x) => x.trim()) ?? '')).toBe(true);
      }),
      1000,
    );
  });

  it('Llama Guard: unsafe with valid codes parses to exactly those codes', () => {
    prop(
      'llamaguard: unsafe + codes',
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 14 }), { minLength: 1, maxLength: 5 }),
        (codes) => {
          const r = parseLlamaGuard(`unsafe\n${codes.map((c) => `S${c}`).join(',')}`);
          expect(r).toMatchObject({ ok: true, value: { safe: false, codes: codes.map((c) => `S${c}`) } });
        },
      ),
    );
  });

  it('an error verdict anywhere makes the outcome error, never failure (safe)', () => {
    const verdict = fc.record({
      judge: fc.constant('j'),
      kind: fc.constantFrom('refusal', 'compliance', 'severity', 'jailbreak', 'llamaguard'),
      status: fc.constantFrom('ok', 'error', 'undetermined'),
      value: fc.oneof(
        fc.constantFrom('full_refusal', 'full_compliance', 'compliant', 'refusal', 'safe', 'unsafe'),
        fc.integer({ min: 0, max: 10 }),
        fc.constant(null),
      ),
    });
    prop(
      'decideOutcome: error verdict → error',
      fc.property(fc.array(verdict, { maxLength: 5 }), (vs) => {
        const out = decideOutcome(vs as never).outcome;
        if (vs.some((v) => v.status === 'error')) expect(out).toBe('error');
        if (vs.length === 0 || vs.every((v) => v.status === 'undetermined')) expect(out).not.toBe('failure');
      }),
    );
  });
});

afterAll(() => {
  writeFigures('props-parsers', {
    properties: Object.keys(ran).length,
    runs: Object.values(ran).reduce((a, b) => a + b, 0),
    byProperty: ran,
  });
});
