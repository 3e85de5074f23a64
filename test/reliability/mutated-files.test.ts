// Property test (fast-check, fixed seed) of the readers of a user's line files, byte by byte: a valid
// JSONL or CSV file (quoted fields with commas, quotes and newlines) read as a dataset, an
// over-refusal set, a labels file and a seeds file, after one mutation inside one row: an invalid
// UTF-8 byte, a CESU-8 lone surrogate, a NUL, a byte-order mark, a lone CR, or the file cut at that
// byte. Each read gives every row the mutation did not touch, under its id, or an InputError naming
// the file and a line: invalid UTF-8 at its own physical line, the other mutations at the row's
// first line or the mutation's own. test/reliability/props-parsers.test.ts fuzzes the parsers on
// arbitrary text; this file mutates good files, where a reader is most likely to read on wrongly.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/bench/index.js';
import { loadSeedsFile } from '../../src/break/seeds/index.js';
import { InputError } from '../../src/core/index.js';
import { loadLabels } from '../../src/judge/index.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-mutated-'));
const COLUMNS = ['id', 'prompt', 'response', 'label', 'category'] as const;
type Row = Record<(typeof COLUMNS)[number], string>;
const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

const MUTATIONS: Record<string, number[] | 'cut' | 'none'> = {
  badUtf8: [0xff],
  surrogate: [0xed, 0xa0, 0x80],
  nul: [0x00],
  bom: [0xef, 0xbb, 0xbf],
  cr: [0x0d],
  cut: 'cut',
  none: 'none',
};
const READERS: Record<string, (file: string) => Promise<{ id?: string }[]>> = {
  dataset: (f) => loadDataset(f),
  overRefusal: (f) => loadDataset(f, { defaultKind: 'required' }),
  labels: async (f) => loadLabels(f),
  seeds: async (f) => loadSeedsFile(f),
};

const row = fc.record({
  prompt: fc.string({ unit: fc.constantFrom(...'ab ,"\n\t\u00e9\u{1F600}x'), minLength: 1, maxLength: 12 }),
  response: fc.string({ unit: fc.constantFrom(...'cd ,"\n'), maxLength: 8 }),
  label: fc.constantFrom('safe', 'unsafe'),
});

describe('property: line files mutated inside one row', () => {
  it('the other rows read, or an InputError naming the file and the right line', async () => {
    let n = 0;
    const seen: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('jsonl', 'csv'),
        fc.constantFrom(...Object.keys(MUTATIONS)),
        fc.constantFrom(...Object.keys(READERS)),
        fc.nat(),
        fc.nat(),
        async (drawn, format, mutation, reader, pickRow, pickByte) => {
          const rows: Row[] = drawn.map((r, i) => ({
            id: `fz-${i}`,
            ...r,
            prompt: `p${i} ${r.prompt}`,
            category: 'violent_crimes',
          }));
          // Each row's text, and the physical line it starts on.
          const header = format === 'csv' ? [COLUMNS.join(',')] : [];
          const texts = rows.map((r) =>
            format === 'jsonl' ? JSON.stringify(r) : COLUMNS.map((c) => csvField(r[c])).join(','),
          );
          const firstLine: number[] = [];
          let line = header.length + 1;
          for (const t of texts) {
            firstLine.push(line);
            line += t.split('\n').length - 1 + 1;
          }
          const lines = [...header, ...texts];
          const bytes = Buffer.from(`${lines.join('\n')}\n`);
          const k = pickRow % rows.length;
          const rowStart = Buffer.byteLength(
            lines
              .slice(0, header.length + k)
              .map((l) => `${l}\n`)
              .join(''),
          );
          const at = rowStart + (pickByte % (Buffer.byteLength(texts[k]) + 1));
          const m = MUTATIONS[mutation];
          const mutated =
            m === 'none'
              ? bytes
              : m === 'cut'
                ? bytes.subarray(0, at)
                : Buffer.concat([bytes.subarray(0, at), Buffer.from(m), bytes.subarray(at)]);
          // (the physical line the mutation is on)
          const mutationLine = mutated.subarray(0, at).toString('latin1').split('\n').length;
          const file = join(dir, `f${n++}.${format}`);
          writeFileSync(file, mutated);
          const invalid = mutation === 'badUtf8' || mutation === 'surrogate';
          let read: { id?: string }[];
          try {
            read = await READERS[reader](file);
          } catch (err) {
            if (!(err instanceof InputError)) throw err;
            seen.refused = (seen.refused ?? 0) + 1;
            expect(err.message).toContain(file);
            expect(mutation, `a good file refused: ${err.message}`).not.toBe('none');
            for (const e of (err as InputError & { errors?: InputError[] }).errors ?? [err]) {
              expect(e.line, err.message).toBeDefined();
              if (invalid) expect(e.line, err.message).toBe(mutationLine);
              // (a lone CR ends a CSV record; a cut file's error is where the text stops)
              else if (mutation !== 'cut' && mutation !== 'cr')
                expect([1, firstLine[k], mutationLine], err.message).toContain(e.line);
            }
            return;
          }
          seen.read = (seen.read ?? 0) + 1;
          expect(invalid, 'invalid UTF-8 read as text').toBe(false);
          const ids = read.map((x) => x.id);
          for (const [i, r] of rows.entries())
            if (i < k || (i > k && mutation !== 'cut')) expect(ids, `${reader} ${file}`).toContain(r.id);
        },
      ),
      { numRuns: 600, seed: 20261207 },
    );
    // (both outcomes were met)
    expect(seen.read).toBeGreaterThan(50);
    expect(seen.refused).toBeGreaterThan(50);
  });
});
