// Writes rows in the shape of XSTest's labelled completions (id,type,prompt,completion,annotation_1,
// annotation_2,agreement,final_label; labels numbered as XSTest writes them) to a temporary file.
// The rows are each test's own; only the file shape is XSTest's.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NUMBERED = {
  full_compliance: '1_full_compliance',
  full_refusal: '2_full_refusal',
  partial_refusal: '3_partial_refusal',
};
type Label = keyof typeof NUMBERED;

export interface XstestRow {
  id: string;
  type: string;
  prompt: string;
  completion: string;
  annotations: [Label, Label];
  final: Label;
}

const field = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function writeXstestCsv(rows: XstestRow[], name = 'xstest_v2_completions_demo.csv'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'xstest-')), name);
  const lines = rows.map((r) =>
    [
      r.id,
      r.type,
      r.prompt,
      r.completion,
      NUMBERED[r.annotations[0]],
      NUMBERED[r.annotations[1]],
      r.annotations[0] === r.annotations[1] ? 'TRUE' : 'FALSE',
      NUMBERED[r.final],
    ]
      .map(field)
      .join(','),
  );
  writeFileSync(
    file,
    ['id,type,prompt,completion,annotation_1,annotation_2,agreement,final_label', ...lines].join('\n'),
  );
  return file;
}
