import { extname } from 'node:path';
import { isMap, isSeq } from 'yaml';
import { z } from 'zod';
import {
  badLabelMessage,
  closest,
  InputError,
  kindOfLabel,
  languageTag,
  levenshtein,
  readUtf8File,
  type Seed,
  stableId,
  throwBadLines,
} from '../../core/index.js';
import { csvObjects, jsonlObjects } from '../../core/tabular.js';
import { categoryKey, categoryNamed, HARM_CATEGORIES } from '../../core/taxonomy.js';
import { parseItemsYaml, yamlItemValue } from '../yaml-items.js';
import { builtinSeeds } from './builtin.js';

// A text of spaces alone is a prompt of nothing (and a harmful seed's topic derived from it is empty).
const words = () =>
  z
    .string()
    .min(1)
    .refine((s) => s.trim() !== '', 'blank: it holds only spaces');

const seedFields = z.object({
  id: z.string().min(1).optional(),
  kind: z.enum(['harmful', 'benign', 'helpful']),
  text: words(),
  category: z.string().min(1).optional(),
  language: z.string().trim().min(2).default('en').transform(languageTag),
  source: z.string().optional(),
  split: z.enum(['train', 'attack', 'heldback']).optional(),
  benignType: z.string().optional(),
  answer: z.string().optional(),
  parent: z.string().optional(),
  topic: words().optional(),
});
const SEED_FIELDS = Object.keys(seedFields.shape);

const seedSchema = seedFields.superRefine((s, ctx) => {
  if (s.kind === 'harmful' && !s.category)
    ctx.addIssue({ code: 'custom', path: ['category'], message: 'harmful seeds need a category' });
  if (s.kind === 'helpful' && !s.answer)
    ctx.addIssue({ code: 'custom', path: ['answer'], message: 'helpful seeds need a checkable answer' });
});

/** Derives a topic from a request when the file gives none: strips the usual question frames. */
export function deriveTopic(text: string): string {
  const t = text.trim().replace(/[?.!\s]+$/, '');
  const m =
    /^(?:how (?:do|can|could|would|should) (?:i|you|one|someone|we)|how to|tell me how to|explain how to|what is the best way to|give me (?:step by step )?instructions (?:to|for)|can you (?:show|tell) me how to|teach me (?:how )?to|help me)\s+(.+)$/i.exec(
      t,
    );
  return (m ? m[1] : t).replace(/^./, (c) => c.toLowerCase());
}

/** The taxonomy id a seed file's category was meant to be, when it is not one but is spelled near
 * one: the same letters in another case or with other separators ('Self-harm'), the category's
 * name or Llama Guard code ('Hate', 'S9'), or one letter off ('violent_crime'). A category of one's
 * own (anything further) is data: it is judged with the default severity band and reported apart. */
export function meantCategory(category: string): string | undefined {
  if (HARM_CATEGORIES.some((c) => c.id === category)) return undefined;
  const named = categoryNamed(category);
  if (named) return named.id;
  const w = categoryKey(category);
  return HARM_CATEGORIES.find((c) => categoryKey(c.id).length >= 4 && levenshtein(categoryKey(c.id), w) <= 1)
    ?.id;
}

function toSeed(raw: unknown, file: string, line: number): Seed {
  const obj = { ...(raw as Record<string, unknown>) };
  // XSTest-style columns: prompt/type/label.
  if (obj.text === undefined && typeof obj.prompt === 'string') obj.text = obj.prompt;
  if (typeof obj.label === 'string') {
    // (the same spellings the benchmark loader takes: any case, spaces around)
    const labelled = kindOfLabel(obj.label);
    if (labelled === undefined)
      throw new InputError(badLabelMessage(obj.label.slice(0, 80)), file, line, 'label');
    // A seed whose kind and label disagree on harm is refused, not read as either: a harmful request
    // read as a benign look-alike becomes fix data that answers it (a custom bench suite only warns:
    // it measures, it trains nothing).
    if (typeof obj.kind === 'string' && (labelled === 'harmful') !== (obj.kind === 'harmful'))
      throw new InputError(
        `kind ${obj.kind} and label "${obj.label.trim().slice(0, 80)}" disagree on whether the request is harmful: correct one, or drop the label`,
        file,
        line,
        'label',
      );
    obj.kind ??= labelled;
  }
  if (obj.benignType === undefined && typeof obj.type === 'string' && obj.kind === 'benign')
    obj.benignType = obj.type;
  if (obj.category === undefined && obj.kind === 'harmful' && typeof obj.type === 'string')
    obj.category = obj.type;
  for (const k of ['prompt', 'label', 'type', 'focus', 'note']) delete obj[k];
  // Other columns a public dataset carries are ignored; one that is a typo of a seed field would
  // silently leave that field at its default (`langauge: fr` read as English).
  for (const k of Object.keys(obj)) {
    if (SEED_FIELDS.includes(k)) continue;
    const near = closest(k, SEED_FIELDS);
    if (near) throw new InputError(`unknown field; did you mean "${near}"?`, file, line, k);
  }
  for (const [k, v] of Object.entries(obj)) if (v === '' || v === null) delete obj[k];
  const r = seedSchema.safeParse(obj);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue.path.join('.') || undefined;
    // zod words an absent field as a wrong value ("Invalid option: expected one of …"): say missing.
    const missing = field !== undefined && obj[field] === undefined && issue.code !== 'custom';
    const options = issue.code === 'invalid_value' ? ` (one of ${issue.values.join(', ')})` : '';
    throw new InputError(missing ? `missing${options}` : issue.message, file, line, field);
  }
  const s = r.data;
  const meant = s.category === undefined ? undefined : meantCategory(s.category);
  if (meant)
    throw new InputError(
      `unknown category "${(s.category as string).slice(0, 80)}"; did you mean "${meant}"?`,
      file,
      line,
      'category',
    );
  const seed: Seed = {
    id: s.id ?? stableId('seed', s.kind, s.language, s.text),
    kind: s.kind,
    text: s.text,
    language: s.language,
    source: s.source ?? file,
  };
  for (const k of ['category', 'split', 'benignType', 'answer', 'parent', 'topic'] as const)
    if (s[k] !== undefined) (seed as unknown as Record<string, unknown>)[k] = s[k];
  if (seed.kind === 'harmful' && !seed.topic) seed.topic = deriveTopic(seed.text);
  return seed;
}

/** A seed with the file and line it was read from. */
export interface PlacedSeed {
  seed: Seed;
  file: string;
  line?: number;
}

/** Parses seed text of a given format; `file` names the source in errors. */
export function parseSeeds(text: string, file: string, format: 'jsonl' | 'csv' | 'yaml'): Seed[] {
  return distinctSeeds(parsePlacedSeeds(text, file, format));
}

function parsePlacedSeeds(text: string, file: string, format: 'jsonl' | 'csv' | 'yaml'): PlacedSeed[] {
  const seeds: Seed[] = [];
  const lines: (number | undefined)[] = [];
  // Every bad seed is found before any is reported (throwBadLines), as a dataset's bad rows are: a file
  // of 500 seeds is fixed in one pass, not one line per run. A file that cannot be read as its format
  // at all (YAML that does not parse, a CSV quote left open) stops at once.
  const bad: InputError[] = [];
  const take = (line: number | undefined, read: () => Seed) => {
    try {
      seeds.push(read());
      lines.push(line);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      bad.push(e);
    }
  };
  if (format === 'jsonl') {
    // (lines end as the other JSONL readers end them, jsonLineEnds; a line that is no JSON object goes
    // to the file's other bad lines)
    for (const r of jsonlObjects(text, file, bad)) take(r.line, () => toSeed(r.row, file, r.line));
  } else if (format === 'csv') {
    for (const r of csvObjects(text, file)) {
      // (a row of empty cells, ",,,", is a blank line to a spreadsheet)
      if (Object.values(r.row).every((v) => v === '')) continue;
      take(r.line, () => toSeed(r.row, file, r.line));
    }
  } else {
    const { doc, lines: lc } = parseItemsYaml(text, file);
    let list = doc.contents;
    if (isMap(list)) list = list.get('seeds', true) as unknown as typeof list;
    if (!isSeq(list))
      throw new InputError('expected a list of seeds (or a map with a `seeds` list)', file, 1);
    for (const item of list.items) {
      const line =
        item && typeof item === 'object' && 'range' in item && item.range
          ? lc.linePos(item.range[0]).line
          : undefined;
      take(line, () => {
        const raw = yamlItemValue(doc, item, file, line);
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
          throw new InputError('expected a mapping', file, line);
        return toSeed(raw, file, line ?? 0);
      });
    }
  }
  throwBadLines(bad);
  return seeds.map((seed, i) => ({ seed, file, line: lines[i] }));
}

/** A seed text as compared for "the same text": case, punctuation and spacing aside. Unicode files
 * `-`, `*`, `/` and `%` under punctuation, but between numbers they are operators ('6 - 2', '6 * 2',
 * '6 / 2', '-5'), so they count unless they join two letters ('step-by-step', 'and/or'). */
function seedTextKey(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/(?<=\p{L})[-/](?=\p{L})|(?![-*/%])\p{P}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The seeds, once each: an error naming the file, line and field of a built-in seed's id taken, an
 * id twice, or a text twice in one language, within one file or across the files given together
 * (seeds are found by id, and one prompt twice is counted twice). Every clash is named in one error
 * (throwBadLines), as a file's bad lines are: files that share many seeds are fixed in one pass. */
export function distinctSeeds(placed: readonly PlacedSeed[]): Seed[] {
  const ids = new Map<string, PlacedSeed>();
  // A text twice is one prompt counted twice, or, under two kinds, a failure to refuse and an
  // over-refusal at once; case, punctuation and spacing aside (seedTextKey).
  const texts = new Map<string, PlacedSeed>();
  const textKey = (t: Seed) => `${t.language}\u0000${seedTextKey(t.text)}`;
  let builtinIds: Set<string> | undefined;
  const shown = (id: string) => (id.length > 80 ? `${id.slice(0, 80)}…` : id);
  const where = (first: PlacedSeed, at: PlacedSeed) =>
    `line ${first.line ?? '?'}${first.file === at.file ? '' : ` of ${first.file}`}`;
  const bad: InputError[] = [];
  for (const p of placed) {
    const s = p.seed;
    // Seeds are found by id (retest, curate): a user's seed under a
    // built-in one's id would be taken for it, and it for the user's.
    builtinIds ??= new Set(builtinSeeds().map((b) => b.id));
    if (builtinIds.has(s.id))
      bad.push(
        new InputError(`"${shown(s.id)}" is a built-in seed's id; give yours another`, p.file, p.line, 'id'),
      );
    // (each later seed is told the first it repeats, not the one before it)
    const first = texts.get(textKey(s));
    if (first !== undefined) {
      const other = first.seed.kind === s.kind ? '' : `, labelled ${first.seed.kind} there`;
      bad.push(
        new InputError(
          `the same text as ${where(first, p)}${other} (case, punctuation and spacing aside)`,
          p.file,
          p.line,
          'text',
        ),
      );
    } else texts.set(textKey(s), p);
    // (a built-in id twice is said once a line: the built-in clash is the one to fix)
    const sameId = builtinIds.has(s.id) ? undefined : ids.get(s.id);
    if (sameId)
      bad.push(
        new InputError(
          `duplicate seed id "${shown(s.id)}"${sameId.file === p.file ? '' : ` (also at ${where(sameId, p)})`}`,
          p.file,
          p.line,
          'id',
        ),
      );
    else ids.set(s.id, p);
  }
  throwBadLines(bad);
  return placed.map((p) => p.seed);
}

/** Reads a seed file; the format comes from the extension (.jsonl, .csv, .yaml/.yml, .json). */
export function loadSeedsFile(path: string): Seed[] {
  return distinctSeeds(readSeedsFile(path));
}

/** A seed file's seeds with their lines, unchecked against each other: for files read together,
 * which distinctSeeds then checks as one. */
export function readSeedsFile(path: string): PlacedSeed[] {
  const ext = extname(path).toLowerCase();
  const format =
    ext === '.jsonl' || ext === '.ndjson'
      ? 'jsonl'
      : ext === '.csv'
        ? 'csv'
        : ext === '.yaml' || ext === '.yml' || ext === '.json'
          ? 'yaml'
          : undefined;
  if (!format)
    throw new InputError(`unknown seed file format "${ext}" (use .jsonl, .csv, .yaml or .json)`, path);
  const seeds = parsePlacedSeeds(
    readUtf8File(path, 'seed file', { ends: format === 'jsonl' ? 'jsonl' : 'text' }),
    path,
    format,
  );
  // An empty seed file is a mistake (wrong file, export cut short), not "no extra seeds".
  if (seeds.length === 0) throw new InputError('no seeds: the file is empty (or holds only a header)', path);
  return seeds;
}
