// Property test (fast-check, fixed seed) of the dataset loader behind custom suites and the
// over-refusal set: rows with random values under the column names breakfix reads (wrong types,
// prototype names, blanks, labels and kinds it does not know), written as JSONL or CSV, with random
// field mappings; and valid Parquet files with random bytes overwritten or cut. Each load gives items
// with text, an id and a kind, or an InputError naming the file, and a Parquet file never hangs.
// test/bench/loaders.test.ts has the examples; this file checks the property.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/bench/index.js';
import { DATASET_FIELDS } from '../../src/config/schema.js';
import { InputError } from '../../src/core/index.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-loaders-fuzz-'));

async function loadsOrNamesFile(
  file: string,
  load: () => Promise<unknown[]>,
): Promise<unknown[] | undefined> {
  try {
    return await load();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    expect(err.message).toContain(file);
    return undefined;
  }
}

describe('property: loadDataset', () => {
  const columns = [
    'id',
    'text',
    'prompt',
    'goal',
    'kind',
    'label',
    'category',
    'language',
    'lang',
    'type',
    'answer',
    'topic',
    'grounding',
    'split',
    '__proto__',
    'constructor',
    'toString',
    '',
  ];
  const value = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom(
      'safe',
      'unsafe',
      'harmful',
      'benign',
      'helpful',
      'train',
      'attack',
      'x',
      '   ',
      'en',
      'zz-Q',
    ),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constantFrom(null, {}, [], 2 ** 64),
  );
  const fields = fc.dictionary(
    // (every field a mapping may name, and one it may not)
    fc.constantFrom(...DATASET_FIELDS, 'bogus'),
    fc.constantFrom(...columns),
    { maxKeys: 2 },
  );
  const cell = (v: unknown) => {
    const s = v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return `"${s.replace(/"/g, '""')}"`;
  };

  it('JSONL and CSV rows with random values and field mappings', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.dictionary(fc.constantFrom(...columns), value, { maxKeys: 6 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fields,
        fc.constantFrom('jsonl', 'csv'),
        fc.constantFrom('harmful', 'benign', 'required') as fc.Arbitrary<'harmful' | 'benign' | 'required'>,
        async (rows, map, format, defaultKind) => {
          const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
          const text =
            format === 'jsonl'
              ? rows.map((r) => JSON.stringify(r)).join('\n')
              : [
                  header.map(cell).join(','),
                  ...rows.map((r) => header.map((h) => cell(r[h])).join(',')),
                ].join('\n');
          const file = join(dir, `rows-${n++ % 4}.${format}`);
          writeFileSync(file, text);
          const items = await loadsOrNamesFile(file, () => loadDataset(file, { fields: map, defaultKind }));
          for (const item of (items ?? []) as { text: unknown; id: unknown; kind: unknown }[]) {
            expect(typeof item.text === 'string' && item.text.trim() !== '').toBe(true);
            expect(typeof item.id).toBe('string');
            expect(['harmful', 'benign', 'helpful']).toContain(item.kind);
          }
        },
      ),
      { seed: 20261205, numRuns: 500 },
    );
  });

  it('Parquet with random bytes overwritten or cut: rows or an InputError, in bounded time', async () => {
    const good = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'prompt', data: Array.from({ length: 20 }, (_, i) => `prompt ${i}`), type: 'STRING' },
          {
            name: 'label',
            data: Array.from({ length: 20 }, (_, i) => (i % 2 ? 'safe' : 'unsafe')),
            type: 'STRING',
          },
          { name: 'id', data: Array.from({ length: 20 }, (_, i) => BigInt(i)), type: 'INT64' },
        ],
      }),
    );
    const edit = fc.oneof(
      fc.record({ at: fc.nat(good.length - 1), byte: fc.nat(255) }),
      fc.record({ at: fc.nat(good.length - 4), word: fc.constantFrom(0, 2 ** 30, 2 ** 31 - 1, 2 ** 32 - 1) }),
      fc.record({ cut: fc.nat(good.length - 1) }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        let bytes = Uint8Array.from(good);
        for (const e of edits) {
          if ('cut' in e) bytes = bytes.slice(0, e.cut);
          else if ('word' in e) {
            if (e.at + 4 <= bytes.length) new DataView(bytes.buffer).setUint32(e.at, e.word, true);
          } else if (e.at < bytes.length) bytes[e.at] = e.byte;
        }
        const file = join(dir, `d-${n++ % 4}.parquet`);
        writeFileSync(file, bytes);
        // (a file that hung the reader past its deadline would meet the test's timeout: no clock here)
        await loadsOrNamesFile(file, () =>
          loadDataset(file, { defaultKind: 'required', parquetDeadlineMs: 1000 }),
        );
      }),
      { seed: 20261205, numRuns: 60 },
    );
  });
});
