import { InputError } from './errors.js';

export interface CsvRecord {
  line: number;
  fields: string[];
}

export function parseCsv(text: string, file = '<csv>'): CsvRecord[] {
  // Fields are sliced out between delimiters found by indexOf / a sticky regex rather than built a
  // character at a time: a 75 MB file took 51 s and 2.6 GB that way.
  const out: CsvRecord[] = [];
  const t = text.replace(/^\uFEFF/, '');
  const n = t.length;
  const stop = /[,\r\n"]/g;
  let fields: string[] = [];
  let line = 1;
  let start = 1;
  // Whether the record so far holds anything (a field, a separator, a quote): a line of nothing is
  // skipped, a line of `""` is one empty field.
  let sawAny = false;
  let i = 0;
  // Which field of the row a broken quote is in: its position, and its column's name once the first
  // record (a header, for csvObjects) is read. "line 4000" alone left a user to count commas.
  const where = () => {
    const name = out.length > 0 ? out[0].fields[fields.length]?.trim() : undefined;
    return ` (field ${fields.length + 1}${name ? `, "${name.length > 40 ? `${name.slice(0, 40)}…` : name}"` : ''})`;
  };
  const endRecord = () => {
    out.push({ line: start, fields });
    fields = [];
    sawAny = false;
  };
  while (i < n) {
    let field: string;
    if (t[i] === '"') {
      sawAny = true;
      const parts: string[] = [];
      // (the line the quote opens on: an earlier field of the record may span lines of its own)
      const opened = line;
      let j = i + 1;
      for (;;) {
        const q = t.indexOf('"', j);
        if (q < 0) throw new InputError(`unterminated quoted field${where()}`, file, opened);
        const chunk = t.slice(j, q);
        // (a line ends at \n, \r\n or a lone \r, as outside quotes: a classic Mac file's quoted line
        // break was no line, and every row after it named a line above its own)
        for (let k = chunk.indexOf('\n'); k >= 0; k = chunk.indexOf('\n', k + 1)) line++;
        for (let k = chunk.indexOf('\r'); k >= 0; k = chunk.indexOf('\r', k + 1))
          if (chunk[k + 1] !== '\n') line++;
        parts.push(chunk);
        if (t[q + 1] === '"') {
          parts.push('"');
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      field = parts.join('');
      // Only a separator or the end of the row may follow: `"a"x` is a broken field, not `ax`.
      const next = t[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
        throw new InputError(`unexpected text after a closing quote${where()}`, file, line);
    } else {
      stop.lastIndex = i;
      const m = stop.exec(t);
      const at = m ? m.index : n;
      if (m && m[0] === '"')
        throw new InputError(
          `stray quote inside an unquoted field${where()}`,
          file,
          line,
          undefined,
          'a field holding a quote is written in double quotes, its quotes doubled: "say ""hi"""',
        );
      field = t.slice(i, at);
      if (field.length) sawAny = true;
      i = at;
    }
    // t[i] is now a separator, a line end, or the end of the text.
    const ch = t[i];
    if (ch === ',') {
      fields.push(field);
      sawAny = true;
      i++;
      // A trailing comma ends with an empty last field.
      if (i === n) fields.push('');
      continue;
    }
    if (sawAny || field.length) {
      fields.push(field);
      endRecord();
    } else fields = [];
    if (ch === undefined) break;
    i += ch === '\r' && t[i + 1] === '\n' ? 2 : 1;
    line++;
    start = line;
  }
  if (fields.length) endRecord();
  return out;
}

/** A column name as the usual names are matched against it: lower case, spaces and hyphens as `_`
 * (a spreadsheet's `Human Label` or `Harm Category` is `human_label`, `harm_category`). */
export function columnKey(name: string): string {
  return name.trim().toLowerCase().replace(/[ -]+/g, '_');
}

/** The columns of `columns` read as any of `names`, in the order of `names`: by columnKey (a
 * spreadsheet's "Prompt", "Harm Category"), a column of the exact name before its differently
 * written twins. */
export function columnsNamed(names: readonly string[], columns: Iterable<string>): string[] {
  const byKey = new Map<string, string[]>();
  for (const c of columns) byKey.set(columnKey(c), [...(byKey.get(columnKey(c)) ?? []), c]);
  return names.flatMap((n) => {
    const same = byKey.get(columnKey(n)) ?? [];
    return same.includes(n) ? [n, ...same.filter((c) => c !== n)] : same;
  });
}

/** The columns a row's grounding document is read from, where no mapping names one (the dataset
 * loader's `grounding` field, `breakfix judge groundedness --in`, `judge calibrate`): the one rule.
 * `source` is not among them: in the datasets people use it says where a row came from ("xstest",
 * "harmbench", AdvBench), and read as a document such a row was judged against its dataset's name. */
export const DOCUMENT_COLUMNS: readonly string[] = ['grounding', 'document', 'context', 'source_text'];

/** A row's grounding document: the first DOCUMENT_COLUMNS column (columnsNamed) holding text that
 * is not blank; undefined when none does (noDocumentReason says why). */
export function documentOf(row: Record<string, unknown>): string | undefined {
  for (const c of columnsNamed(DOCUMENT_COLUMNS, Object.keys(row))) {
    const v = row[c];
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  return undefined;
}

/** Why a row has no document (documentOf), in words, for its error. */
export function noDocumentReason(row: Record<string, unknown>): string {
  const [column] = columnsNamed(DOCUMENT_COLUMNS, Object.keys(row));
  const v = column === undefined ? undefined : row[column];
  const what =
    column === undefined
      ? `"grounding" is missing (the document is read from ${DOCUMENT_COLUMNS.join(' / ')})`
      : typeof v === 'string' || v === null
        ? `"${column}" is empty`
        : `"${column}" is ${Array.isArray(v) ? 'an array' : typeof v}, not a string`;
  return 'source' in row
    ? `${what}; "source" is not read as the document: it names where a row came from ("xstest", "harmbench")`
    : what;
}

/** CSV with a header row → objects, each with its line number. Rows with the wrong number of
 * fields are an InputError naming the line. */
export function csvObjects(text: string, file = '<csv>'): { line: number; row: Record<string, string> }[] {
  return csvTable(text, file).rows;
}

/** csvObjects' rows and the header's line (undefined for an empty file): a column the header lacks
 * is an error of the header's line, not of the first row's. */
export function csvTable(
  text: string,
  file = '<csv>',
  /** Where a row with the wrong number of fields goes, the other rows read on; absent: it is thrown. */
  bad?: InputError[],
): { headerLine: number | undefined; rows: { line: number; row: Record<string, string> }[] } {
  const recs = parseCsv(text, file);
  if (recs.length === 0) return { headerLine: undefined, rows: [] };
  const header = recs[0].fields.map((h) => h.trim());
  // A repeated column would be read as whichever copy comes last. Columns with no name (the
  // trailing commas a spreadsheet's export writes on every line) are no one's to read, so several
  // of them are no repeated name.
  const repeated = header.find((h, i) => h !== '' && header.indexOf(h) !== i);
  if (repeated !== undefined)
    throw new InputError(`the header names column "${repeated}" twice`, file, recs[0].line);
  // A row of empty cells only (`,,`: the rows below the data a spreadsheet's export writes) holds
  // nothing, as a blank line holds nothing: passed over as one is, not an error of every such row.
  const filled = recs.slice(1).filter((r) => r.fields.some((f) => f.trim() !== ''));
  const rows = filled.flatMap((r) => {
    if (r.fields.length !== header.length) {
      const err = new InputError(
        `expected ${header.length} fields (${header.join(',')}), got ${r.fields.length}`,
        file,
        r.line,
        undefined,
        // (the usual cause: a prompt with a comma in it, exported or typed without its quotes)
        r.fields.length > header.length
          ? 'a field holding a comma is written in double quotes: "How do I stop a process, quickly?"'
          : undefined,
      );
      if (!bad) throw err;
      bad.push(err);
      return [];
    }
    return [{ line: r.line, row: Object.fromEntries(header.map((h, i) => [h, r.fields[i]])) }];
  });
  return { headerLine: recs[0].line, rows };
}

/** Where the lines of a JSON Lines text end: at \n or \r\n, and at a lone \r too only in a file whose
 * first line ends at one. Split at \n alone, a classic Mac file (\r only) was one line, every object
 * in it "not valid JSON" at line 1; split at every lone \r, a CR that a writer left between two
 * members of an object (JSON whitespace) made one good line two bad ones. JSON writes a \r inside a
 * string as \r, so a raw one is whitespace or an error on its own line either way. */
export function jsonLineEnds(text: string): RegExp {
  return /\r\n|\r|\n/.exec(text)?.[0] === '\r' ? /\r\n|\r|\n/ : /\r?\n/;
}

/** JSON Lines → objects, each with its line number. A line that is no JSON object is an InputError
 * naming it: thrown, or, given `bad`, put there while the other lines are read on. */
export function jsonlObjects(
  text: string,
  file = '<jsonl>',
  bad?: InputError[],
): { line: number; row: Record<string, unknown> }[] {
  const out: { line: number; row: Record<string, unknown> }[] = [];
  const fail = (err: InputError) => {
    if (!bad) throw err;
    bad.push(err);
  };
  text.split(jsonLineEnds(text)).forEach((raw, i) => {
    const l = raw.trim();
    if (!l) return;
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch (err) {
      fail(new InputError(`not valid JSON: ${(err as Error).message}`, file, i + 1));
      return;
    }
    if (!v || typeof v !== 'object' || Array.isArray(v))
      fail(new InputError('expected a JSON object', file, i + 1));
    else out.push({ line: i + 1, row: v as Record<string, unknown> });
  });
  return out;
}
