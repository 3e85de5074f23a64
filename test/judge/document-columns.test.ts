// One rule for which column holds a row's grounding document (DOCUMENT_COLUMNS, documentOf in
// src/core/tabular.ts), read alike by the bench's dataset loader, `judge calibrate` and `judge
// groundedness --in` (test/judge/cli.test.ts): `source`, which in the datasets people use names where
// a row came from ("xstest", "harmbench"), is not one, and a row without a document is the clear
// error each already gave, never a row judged against its dataset's name.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCustomRows, loadDataset } from '../../src/bench/index.js';
import { InputError } from '../../src/core/index.js';
import { documentOf } from '../../src/core/tabular.js';
import { loadLabels } from '../../src/judge/calibrate.js';

const write = (name: string, rows: object[]) => {
  const f = join(mkdtempSync(join(tmpdir(), 'doc-cols-')), name);
  writeFileSync(f, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return f;
};

const ROWS = [
  { prompt: 'q1', response: 'r', label: 1, grounding: 'G1', source: 'xstest' },
  { prompt: 'q2', response: 'r', label: 1, Document: 'D2', source: 'harmbench' },
  { prompt: 'q3', response: 'r', label: 1, context: 'C3' },
  { prompt: 'q4', response: 'r', label: 1, 'Source Text': 'S4', source: 'advbench' },
];

describe('the grounding document column', () => {
  it('the dataset loader, calibrate and documentOf read the same column of each row', async () => {
    // (a dataset's label is safe/unsafe, a groundedness human label a score: the same rows otherwise)
    const dataset = write(
      'd.jsonl',
      ROWS.map(({ label, ...row }) => row),
    );
    const fromDataset = (await loadDataset(dataset, { defaultKind: 'helpful' })).map((r) => r.grounding);
    const fromLabels = loadLabels(write('l.jsonl', ROWS), 'groundedness').map((r) => r.grounding);
    expect(fromDataset).toEqual(['G1', 'D2', 'C3', 'S4']);
    expect(fromLabels).toEqual(fromDataset);
    expect(ROWS.map((r) => documentOf(r))).toEqual(fromDataset);
  });

  it('calibrate: a row whose only "document" is its source is a bad line naming grounding, not judged against "xstest"', () => {
    const f = write('l.jsonl', [
      { prompt: 'q', response: 'r', label: 1, grounding: 'G' },
      { prompt: 'q', response: 'r', label: 1, source: 'xstest' },
    ]);
    let err: unknown;
    try {
      loadLabels(f, 'groundedness');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).field).toBe('grounding');
    expect((err as InputError).line).toBe(2);
    expect((err as InputError).message).toMatch(
      /^grounding: no document the label was given against: "grounding" is missing .*; "source" is not read as the document/,
    );
  });

  it('a groundedness suite whose rows carry only a source gets the loader\'s "needs a grounding document" error', async () => {
    const f = write('s.jsonl', [{ prompt: 'What is the capital?', source: 'harmbench' }]);
    await expect(loadCustomRows({ name: 'g', file: f, kind: 'groundedness' })).rejects.toThrow(
      /grounding: a groundedness item needs a grounding document \(column grounding \/ document \/ context \/ source_text\)/,
    );
  });
});
