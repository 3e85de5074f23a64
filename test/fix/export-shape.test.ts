// An SFT record an export refuses (fix/export/formats.ts sftTurns): one whose answer has no prompt
// before it teaches a reply to nothing. export.test.ts's refused records all lacked the answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
