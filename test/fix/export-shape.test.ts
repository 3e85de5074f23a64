// An SFT record an export refuses (fix/export/formats.ts sftTurns): one whose answer has no prompt
// before it teaches a reply to nothing. export.test.ts's refused records all lacked the answer. And
// the Parquet export's text columns: an empty category is a null, as a missing one is.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainingRecord } from '../../src/core/index.js';
import { exportRecords } from '../../src/fix/index.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-export-shape-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an SFT record with an answer and no prompt', () => {
  it('is refused in every trainer format, naming the record and the field', () => {
    const lone: TrainingRecord = {
      id: 'sft-lone',
      kind: 'sft',
      purpose: 'safety',
      messages: [{ role: 'assistant', content: 'I cannot help with that.' }],
      split: 'train',
      provenance: { source: 'attempt' },
    };
    for (const format of ['trl', 'openai', 'axolotl'] as const)
      expect(() => exportRecords([lone], format, dir), format).toThrow(
        /^messages: SFT record sft-lone does not end with an assistant answer after its prompt/,
      );
  });
});

describe('the Parquet export', () => {
  it('writes an empty category as a null, not as the text ""', async () => {
    const rec: TrainingRecord = {
      id: 'sft-nocat',
      kind: 'sft',
      purpose: 'helpful',
      messages: [
        { role: 'user', content: 'What is 6 + 2?' },
        { role: 'assistant', content: '8.' },
      ],
      split: 'train',
      category: '',
      provenance: { source: 'helpful_mix' },
    };
    const p = exportRecords([rec], 'parquet', dir).find((x) => basename(x) === 'sft.train.parquet') as string;
    const buf = readFileSync(p);
    const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
    expect(rows.map((r) => [r.id, r.category])).toEqual([['sft-nocat', null]]);
  });
});
