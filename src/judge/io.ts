import { InputError } from '../core/index.js';

export interface CsvRecord {
  line: number;
  fields: string[];
}

export function parseCsv(text: string, file = '<csv>'): CsvRecord[] {
  const out: CsvRecord[] = [];
  let field = '';
  let fields: string[] = [];
  let inQuotes = false;
  let line = 1;
  let start = 1;
  let sawAny = false;
  const t = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < t.length; i++) {
    const ch = t[i];
    if (inQuotes) {
      if (ch === '"') {
        if (t[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
          // Only a separator or the end of the row may follow: `"a"x` is a broken field, not `ax`.
          const next = t[i + 1];
          if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
            throw new InputError('unexpected text after a closing quote', file, line);
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (field.length > 0) throw new InputError('stray quote inside an unquoted field', file, line);
      inQuotes = true;
      sawAny = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      sawAny = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && t[i + 1] === '\n') i++;
      if (sawAny || field.length) {
        fields.push(field);
        out.push({ line: start, fields });
      }
      fields = [];
      field = '';
      sawAny = false;
      line++;
      start = line;
    } else {
      field += ch;
      sawAny = true;
    }
  }
  if (inQuotes) throw new InputError('unterminated quoted field', file, start);
  if (sawAny || field.length) {
    fields.push(field);
    out.push({ line: start, fields });
  }
  return out;
}

/** CSV with a header row → objects, each with its line number. Rows with the wrong number of
 * fields are an InputError naming the line. */
export function csvObjects(text: string, file = '<csv>'): { line: number; row: Record<string, string> }[] {
  const recs = parseCsv(text, file);
  if (recs.length === 0) return [];
  const header = recs[0].fields.map((h) => h.trim());
  // A repeated column would be read as whichever copy comes last.
  const repeated = header.find((h, i) => header.indexOf(h) !== i);
  if (repeated !== undefined)
    throw new InputError(`the header names column "${repeated}" twice`, file, recs[0].line);
  return recs.slice(1).map((r) => {
    if (r.fields.length !== header.length) {
      throw new InputError(
        `expected ${header.length} fields (${header.join(',')}), got ${r.fields.length}`,
        file,
        r.line,
      );
    }
    return { line: r.line, row: Object.fromEntries(header.map((h, i) => [h, r.fields[i]])) };
  });
}

export function jsonlObjects(
  text: string,
  file = '<jsonl>',
): { line: number; row: Record<string, unknown> }[] {
  const out: { line: number; row: Record<string, unknown> }[] = [];
  text.split('\n').forEach((raw, i) => {
    const l = raw.trim();
    if (!l) return;
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch (err) {
      throw new InputError(`not valid JSON: ${(err as Error).message}`, file, i + 1);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v))
      throw new InputError('expected a JSON object', file, i + 1);
    out.push({ line: i + 1, row: v as Record<string, unknown> });
  });
  return out;
}
