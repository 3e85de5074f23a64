// Dataset loaders for benchmark suites: JSONL, CSV (the XSTest shape `id,prompt,type,label,focus,
// note`, label safe/unsafe, among others) and Parquet (hyparquet), with field mapping. Bad rows are
// an InputError naming the file and line (for Parquet, the row), every bad row of the file at once.
import { extname } from 'node:path';
import type { DATASET_FIELDS } from '../config/schema.js';
import {
  badLabelMessage,
  describeFsError,
  InputError,
  kindOfLabel,
  languageTag,
  pathKey,
  readUtf8File,
  type Seed,
  type SeedKind,
  type Split,
  stableId,
  throwBadLines,
} from '../core/index.js';
import { columnsNamed, csvTable, DOCUMENT_COLUMNS, jsonlObjects } from '../core/tabular.js';
import { PARQUET_CODECS, readParquetObjects } from './parquet.js';

export type DatasetFormat = 'jsonl' | 'csv' | 'parquet';

/** breakfix field → dataset column. */
export type FieldMap = Partial<Record<(typeof DATASET_FIELDS)[number], string>>;

export interface DatasetItem extends Seed {
  /** Line (JSONL/CSV) or 1-based row (Parquet) the item came from. */
  line: number;
  grounding?: string;
  /** The dataset's own label, when it has one (safe/unsafe …). */
  label?: string;
}

export interface LoadOptions {
  format?: DatasetFormat;
  fields?: FieldMap | Record<string, string>;
  /** Kind for rows that say neither kind nor label (default: harmful); `required`: such a row is
   * an InputError (an over-refusal set whose safe/unsafe split is lost would measure nothing). */
  defaultKind?: SeedKind | 'required';
  /** How long a Parquet file may take to decode (default: parquetDeadlineMs, by its size). */
  parquetDeadlineMs?: number;
}

/** The columns each breakfix field is read from when the suite maps none (matched as columnKey reads them). */
export const DEFAULT_COLUMNS: Record<keyof FieldMap, readonly string[]> = {
  id: ['id'],
  text: ['text', 'prompt', 'question', 'goal', 'behavior', 'input'],
  kind: ['kind'],
  label: ['label'],
  category: ['category', 'harm_category'],
  language: ['language', 'lang'],
  type: ['type', 'benign_type', 'benignType'],
  answer: ['answer', 'target_answer', 'expected'],
  topic: ['topic'],
  grounding: DOCUMENT_COLUMNS,
  split: ['split'],
};

export function formatOf(file: string, format?: DatasetFormat): DatasetFormat {
  if (format) return format;
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.csv') return 'csv';
  if (ext === '.parquet') return 'parquet';
  throw new InputError(
    `cannot tell the dataset format from "${ext || 'no extension'}"; set format: jsonl | csv | parquet`,
    file,
  );
}

export async function loadDataset(file: string, opts: LoadOptions = {}): Promise<DatasetItem[]> {
  const format = formatOf(file, opts.format);
  let rows: { line: number; row: Record<string, unknown> }[];
  // Where a mapped column that no row holds is said to be missing: a CSV's header; a JSONL file has
  // none, and every row lacks the column, so the first row, as Parquet's first row.
  let headerLine: number | undefined;
  // Every bad row is found before any is reported (throwBadLines): a file of 10,000 rows is fixed in
  // one pass, not one row per run. A file that cannot be read as its format at all stops at once.
  const bad: InputError[] = [];
  const at = format === 'parquet' ? 'row' : 'line';
  if (format === 'parquet') {
    const read = await readParquetObjects(file, () => new NotUtf8(), opts.parquetDeadlineMs);
    if ('timedOut' in read)
      throw new InputError(
        'cannot read Parquet: decoding did not finish in time (a damaged page can make the reader loop)',
        file,
        undefined,
        undefined,
        'check the file (copy or export it again); a Parquet file that other tools read is a bug to report',
      );
    if ('error' in read) {
      const codec = /unsupported compression codec: (\w+)/.exec(read.error)?.[1];
      throw new InputError(
        read.code
          ? `cannot read the dataset: ${describeFsError(read)}`
          : codec
            ? `cannot read Parquet: its pages are compressed with ${codec}, which breakfix does not decode (it reads ${PARQUET_CODECS.join(', ')})`
            : `cannot read Parquet: ${read.error}`,
        file,
        undefined,
        undefined,
        codec
          ? "write it again with snappy: pyarrow.parquet.write_table(table, f, compression='snappy'), polars df.write_parquet(f, compression='snappy')"
          : read.hint,
      );
    }
    rows = read.rows.map((row, i) => ({ line: i + 1, row }));
  } else {
    const text = readUtf8File(file, 'dataset', {
      tooLargeHint: 'split it into several custom suites, or convert it to Parquet',
      ends: format === 'jsonl' ? 'jsonl' : 'text',
    });
    if (format === 'jsonl' && text.trimStart().startsWith('['))
      throw new InputError(
        'a JSON array: datasets are read as JSON Lines, one object per line',
        file,
        1,
        undefined,
        `convert it: jq -c '.[]' ${file} > ${file.replace(/\.json$/i, '')}.jsonl`,
      );
    if (format === 'csv') ({ headerLine, rows } = csvTable(text, file, bad));
    else rows = jsonlObjects(text, file, bad);
  }
  // (every row bad: those are what to fix, not "no rows")
  if (rows.length === 0) throwBadLines(bad);
  // An empty dataset is a mistake (wrong file, export cut short), not a suite of zero samples.
  if (rows.length === 0) throw new InputError('no rows: the file is empty (or holds only a header)', file);
  const fields = (opts.fields ?? {}) as FieldMap;
  // (JSONL rows need not all hold every key: a mapped column is missing only if no row has it.)
  const columns = new Set(rows.flatMap((r) => Object.keys(r.row)));
  // A CSV separated by ';' (a European spreadsheet's export) or tabs is one column to a comma
  // parser: its rows would each be "missing prompt text", which says nothing of why.
  const [only] = columns;
  const separator = format === 'csv' && columns.size === 1 ? /[;\t]/.exec(only)?.[0] : undefined;
  if (separator)
    throw new InputError(
      `the header is one column, "${clip(only)}": the file is separated by ${separator === ';' ? 'semicolons' : 'tabs'}, and a .csv dataset is read as comma-separated`,
      file,
      1,
      undefined,
      'export it again as comma-separated CSV (UTF-8)',
    );
  for (const [k, col] of Object.entries(fields)) {
    if (!(k in DEFAULT_COLUMNS))
      throw new InputError(
        `unknown breakfix field "${k}" in the field mapping (known: ${Object.keys(DEFAULT_COLUMNS).join(', ')})`,
        file,
        undefined,
        `fields.${pathKey(k)}`,
      );
    if (!columns.has(col))
      throw new InputError(
        `mapped column "${col}" is not in the dataset (columns: ${clip([...columns].join(', '), 200)})`,
        file,
        headerLine ?? rows[0].line,
        `fields.${pathKey(k)}`,
        undefined,
        headerLine === undefined ? at : 'line',
      );
  }
  const read = columnsFor(fields, columns);
  // A row without an id gets one from its text, and from how many rows before it hold the same
  // text: not from the file's path or the row's line, which change when the project moves or a row
  // is added above, and a resumed cycle would pair none of its items with round 0's.
  const seen = new Map<string, number>();
  const items = rows.flatMap(({ line, row }) => {
    let item: ReturnType<typeof toItem>;
    try {
      item = toItem(row, line, file, fields, read, opts.defaultKind ?? 'harmful', at);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      bad.push(err);
      return [];
    }
    if (item.id !== undefined) return [item as DatasetItem];
    const before = seen.get(item.text) ?? 0;
    seen.set(item.text, before + 1);
    return [{ ...item, id: before ? stableId('ds', item.text, before) : stableId('ds', item.text) }];
  });
  // Results are stored, resumed and paired with round 0's item by item, by id: two rows under one
  // id would be one item there.
  const firstLine = new Map<string, number>();
  for (const item of items) {
    const first = firstLine.get(item.id);
    if (first !== undefined)
      bad.push(
        new InputError(
          `id "${clip(item.id)}" is used again (first on ${at} ${first})`,
          file,
          item.line,
          'id',
          undefined,
          at,
        ),
      );
    else firstLine.set(item.id, item.line);
  }
  throwBadLines(bad);
  return items;
}

/** The columns each breakfix field is read from, in order: its mapped column, else its usual names
 * as columnKey reads them (a spreadsheet's "Prompt", "Label" and "Harm Category", JailbreakBench's
 * "Goal"), a column of the exact name first. Matched by exact name only, a "Label" column was never
 * read: in a harmful suite every row, the "safe" ones too, was asked and counted as harmful; read in any case but
 * not with spaces, a "Benign Type" or "Harm Category" column was silently none, and every slice of
 * the suite "(none)". */
function columnsFor(fields: FieldMap, columns: Set<string>): Record<keyof FieldMap, string[]> {
  // A column mapped to one field is that field's alone: a helpfulness set whose answers are in
  // "label" ({answer: label}) had "5" read as its safe/unsafe label too, an error no mapping undid.
  const mapped = new Set(Object.values(fields));
  const unmapped = [...columns].filter((c) => !mapped.has(c));
  return Object.fromEntries(
    Object.entries(DEFAULT_COLUMNS).map(([f, names]) => {
      const column = fields[f as keyof FieldMap];
      return [f, column ? [column] : columnsNamed(names, unmapped)];
    }),
  ) as Record<keyof FieldMap, string[]>;
}

/** A Parquet string that is not valid UTF-8, kept as a marker so the row that uses it is an error
 * naming its row and column (hyparquet's own decoding would put U+FFFD in its place, silently). */
class NotUtf8 {}

/** A value from the file quoted in an error; a multi-megabyte one is cut short. */
const clip = (v: string, max = 80) => (v.length > max ? `${v.slice(0, max)}…` : v);

function toItem(
  row: Record<string, unknown>,
  line: number,
  file: string,
  fields: FieldMap,
  read: Record<keyof FieldMap, string[]>,
  defaultKind: SeedKind | 'required',
  at: 'line' | 'row',
): Omit<DatasetItem, 'id'> & { id: string | undefined } {
  const bad = (detail: string, field: keyof FieldMap) =>
    new InputError(detail, file, line, field, undefined, at);
  const get = (f: keyof FieldMap): string | undefined => {
    for (const c of read[f]) {
      const v = row[c];
      if (v === undefined || v === null) continue;
      if (v instanceof NotUtf8) throw bad(`column "${c}" is not valid UTF-8 text`, f);
      // (JSONL and Parquet carry types: a prompt of 123 or {…} is a wrong column or a broken export,
      // not text to send. An id or an answer may be a number; Parquet's int64 is a bigint.)
      const mayBeNumber = f === 'id' || f === 'answer';
      if (typeof v !== 'string' && !(mayBeNumber && (typeof v === 'number' || typeof v === 'bigint')))
        throw bad(
          `column "${c}" must hold ${mayBeNumber ? 'a string or a number' : 'a string'}, got ${Array.isArray(v) ? 'an array' : typeof v}`,
          f,
        );
      if (String(v).trim() !== '') return String(v);
    }
    return undefined;
  };
  const text = get('text');
  if (!text)
    throw bad(
      `missing prompt text (column ${fields.text ?? DEFAULT_COLUMNS.text.join(' / ')}; columns here: ${clip(Object.keys(row).join(', '))})`,
      'text',
    );
  const label = get('label')?.trim().toLowerCase();
  let kind = get('kind')?.trim().toLowerCase() as SeedKind | undefined;
  if (kind && !['harmful', 'benign', 'helpful'].includes(kind))
    throw bad(`kind must be harmful, benign or helpful, got "${clip(kind)}"`, 'kind');
  if (!kind && label !== undefined) {
    kind = kindOfLabel(label);
    if (!kind) throw bad(badLabelMessage(clip(label)), 'label');
  }
  if (!kind && defaultKind === 'required')
    throw bad(
      `missing label: each row needs "safe" or "unsafe" (column ${fields.label ?? DEFAULT_COLUMNS.label.join(' / ')}; columns here: ${clip(Object.keys(row).join(', '))}), or a kind (harmful / benign)`,
      'label',
    );
  // (read as label and kind are: "Attack", " heldback" from a hand-typed "a, b, c" row)
  const split = get('split')?.trim().toLowerCase() as Split | undefined;
  if (split && !['train', 'attack', 'heldback'].includes(split))
    throw bad(`split must be train, attack or heldback, got "${clip(split)}"`, 'split');
  // (slice keys: " homonyms" beside "homonyms" would be a slice of its own)
  const type = get('type')?.trim();
  return {
    id: get('id'),
    kind: kind ?? (defaultKind === 'required' ? 'harmful' : defaultKind),
    text,
    category: get('category')?.trim(),
    language: languageTag(get('language') ?? 'en'),
    source: `file:${file}`,
    split,
    benignType: type,
    answer: get('answer'),
    topic: get('topic'),
    grounding: get('grounding'),
    label,
    line,
  };
}
