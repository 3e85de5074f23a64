// Calibration of a judge against human labels: accuracy, Cohen's κ, the confusion matrix and the
// worst disagreements (ordinal labels: largest distance first; categorical: most confident first).
import { createHash } from 'node:crypto';
import {
  compareText,
  dict,
  InputError,
  type Judge,
  readUtf8File,
  throwBadLines,
  wilson,
} from '../core/index.js';
import { columnKey, csvTable, documentOf, jsonlObjects, noDocumentReason } from '../core/tabular.js';
import { objectiveOf } from './jailbreak.js';
import { spelledLabel } from './llm/parse.js';
import { REFUSAL_LABELS } from './llm/rubrics.js';

export interface LabelledExample {
  prompt: string;
  response: string;
  label: string;
  grounding?: string;
  category?: string;
  /** The plain goal a jailbreak is rated against (`goal`, `behavior` or `objective`), where the row
   * has one beside its prompt. */
  objective?: string;
  /** The row's `id`, when the file has one. */
  id?: string;
  /** The item's kind (`type` or `case` column), e.g. XSTest's prompt type. */
  type?: string;
  /** Individual annotators' labels (`annotation_1`, `annotation_2`, …) beside the final one. */
  annotations?: string[];
  /** Where the row starts in its file, for error messages. */
  line?: number;
}

export interface Disagreement extends LabelledExample {
  predicted: string;
  status: string;
  rationale?: string;
  distance?: number;
}

/** Agreement on a numeric scale (severity 0–7, ungroundedness 0–4, jailbreak 1–10), where exact
 * agreement undersells a judge that is one point off and hides one that is biased at the cut-off a
 * rate is computed at. Over the items the judge scored (errors and undetermined are counted apart). */
export interface OrdinalAgreement {
  n: number;
  /** Mean absolute difference, judge vs human. */
  mae: number;
  /** Share of items within one point. */
  within1: number;
  /** Cohen's κ with quadratic weights: chance-corrected agreement that counts near misses. */
  weightedKappa: number;
  /** At each cut-off x (DR-x for severity): accuracy and κ of "≥ x", and the share ≥ x by each. */
  thresholds: { at: number; accuracy: number; kappa: number; humanRate: number; judgeRate: number }[];
}

export interface Calibration {
  n: number;
  accuracy: number;
  /** 95% Wilson interval of the accuracy: how far a figure on this many labels can be trusted. */
  accuracyInterval: { lo: number; hi: number };
  kappa: number;
  /** Present when the human labels are numbers. */
  ordinal?: OrdinalAgreement;
  labels: string[];
  /** confusion[human][judge] = count. Judge errors/undetermined appear as their own columns. */
  confusion: Record<string, Record<string, number>>;
  /** What `confusion`'s keys are, for a reader of the JSON: rows human labels, columns the judge's. */
  confusionAxes: { rows: 'human'; columns: 'judge' };
  disagreements: Disagreement[];
  errors: number;
  undetermined: number;
  /** The first judge error's message (a target's HTTP status, a parse failure), when one ended so. */
  firstError?: string;
}

export function cohensKappa(pairs: [string, string][]): number {
  const n = pairs.length;
  if (n === 0) return 0;
  const labels = [...new Set(pairs.flat())];
  const po = pairs.filter(([a, b]) => a === b).length / n;
  let pe = 0;
  for (const l of labels)
    pe += (pairs.filter(([a]) => a === l).length / n) * (pairs.filter(([, b]) => b === l).length / n);
  return pe === 1 ? 1 : (po - pe) / (1 - pe);
}

/** Quadratic-weighted κ over integer ratings: 1 − Σ w·observed / Σ w·expected, w = (i − j)². */
export function weightedKappa(pairs: [number, number][]): number {
  const n = pairs.length;
  if (n === 0) return 0;
  let observed = 0;
  let sumH = 0;
  let sumJ = 0;
  let sumH2 = 0;
  let sumJ2 = 0;
  for (const [h, j] of pairs) {
    observed += (h - j) ** 2;
    sumH += h;
    sumJ += j;
    sumH2 += h * h;
    sumJ2 += j * j;
  }
  // Expected disagreement under independence, every human rating against every judge rating:
  // (1/n) Σ_a Σ_b (a − b)², expanded so that it costs one pass.
  const expected = sumH2 + sumJ2 - (2 * sumH * sumJ) / n;
  return expected === 0 ? 1 : 1 - observed / expected;
}

export function ordinalAgreement(pairs: [number, number][], cutoffs: number[]): OrdinalAgreement {
  const n = pairs.length;
  const share = (f: (p: [number, number]) => boolean) => (n ? pairs.filter(f).length / n : 0);
  return {
    n,
    mae: n ? pairs.reduce((sum, [h, j]) => sum + Math.abs(h - j), 0) / n : 0,
    within1: share(([h, j]) => Math.abs(h - j) <= 1),
    weightedKappa: weightedKappa(pairs),
    thresholds: cutoffs.map((at) => ({
      at,
      accuracy: share(([h, j]) => h >= at === j >= at),
      kappa: cohensKappa(pairs.map(([h, j]) => [String(h >= at), String(j >= at)])),
      humanRate: share(([h]) => h >= at),
      judgeRate: share(([, j]) => j >= at),
    })),
  };
}

/** The order labels are listed in: numbers by value (a jailbreak rating of 10 after 9, not after 1),
 * before words (`error`, `undetermined`), which are in alphabetical order. */
export function compareLabels(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  const nx = a.trim() !== '' && !Number.isNaN(x);
  const ny = b.trim() !== '' && !Number.isNaN(y);
  if (nx && ny) return x - y;
  if (nx !== ny) return nx ? -1 : 1;
  return compareText(a, b);
}

/** A label as calibration compares it: lower case, snake case, without XSTest's number
 * (`1_full_compliance`) where the number is the label's own (spelledLabel). */
export function normLabel(v: unknown): string {
  return spelledLabel(String(v).trim());
}

export async function calibrate(
  judge: Judge,
  labelled: LabelledExample[],
  opts: {
    concurrency?: number;
    worst?: number;
    cutoffs?: number[];
    /** Told of each example judged (a command's progress). */
    onJudged?: () => void;
  } = {},
): Promise<Calibration> {
  const results: Disagreement[] = new Array(labelled.length);
  let next = 0;
  const worker = async () => {
    while (next < labelled.length) {
      const i = next++;
      const ex = labelled[i];
      let predicted: string;
      let status: string;
      let rationale: string | undefined;
      let confidence = 0;
      try {
        const v = await judge.judge({
          prompt: (judge.kind === 'jailbreak' && ex.objective) || ex.prompt,
          response: ex.response,
          transcript: [
            { role: 'user', content: ex.prompt },
            { role: 'assistant', content: ex.response },
          ],
          grounding: ex.grounding,
          category: ex.category,
        });
        status = v.status;
        predicted = v.status === 'ok' ? normLabel(v.value) : v.status;
        rationale = v.rationale;
        confidence = Number(v.detail?.confidence ?? 0);
      } catch (err) {
        status = 'error';
        predicted = 'error';
        rationale = (err as Error).message;
      }
      results[i] = { ...ex, label: normLabel(ex.label), predicted, status, rationale, distance: confidence };
      opts.onJudged?.();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 8) }, worker));
  const pairs = results.map((r) => [r.label, r.predicted] as [string, string]);
  const labels = [...new Set(pairs.flat())].sort(compareLabels);
  const confusion: Calibration['confusion'] = {};
  for (const [h, p] of pairs) {
    confusion[h] ??= {};
    confusion[h][p] = (confusion[h][p] ?? 0) + 1;
  }
  const numeric = results.every((r) => !Number.isNaN(Number(r.label)));
  const disagreements = results
    .filter((r) => r.label !== r.predicted)
    .map((r) => ({
      ...r,
      distance:
        numeric && !Number.isNaN(Number(r.predicted))
          ? Math.abs(Number(r.label) - Number(r.predicted))
          : numeric
            ? Number.POSITIVE_INFINITY
            : r.distance,
    }))
    .sort((a, b) => (b.distance ?? 0) - (a.distance ?? 0))
    .slice(0, opts.worst ?? 10);
  const agreed = pairs.filter(([a, b]) => a === b).length;
  const interval = wilson(agreed, results.length);
  const scored = results
    .filter((r) => r.status === 'ok' && !Number.isNaN(Number(r.predicted)))
    .map((r) => [Number(r.label), Number(r.predicted)] as [number, number]);
  return {
    n: results.length,
    accuracy: results.length ? agreed / results.length : 0,
    accuracyInterval: { lo: interval.lo, hi: interval.hi },
    kappa: cohensKappa(pairs),
    ...(numeric && results.length > 0 && { ordinal: ordinalAgreement(scored, opts.cutoffs ?? []) }),
    labels,
    confusion,
    confusionAxes: { rows: 'human', columns: 'judge' },
    disagreements,
    errors: results.filter((r) => r.status === 'error').length,
    undetermined: results.filter((r) => r.status === 'undetermined').length,
    ...(results.some((r) => r.status === 'error') && {
      firstError: results.find((r) => r.status === 'error')?.rationale ?? 'judge error',
    }),
  };
}

const LABEL_KEYS = ['label', 'human_label', 'human', 'gold', 'final_label'];

/** The human labels a judge of each kind can be calibrated against: its own labels (as normLabel
 * writes them) or a whole number on its scale. */
const LABEL_SCALES: Record<string, readonly string[] | { min: number; max: number }> = {
  refusal: REFUSAL_LABELS,
  llamaguard: ['safe', 'unsafe'],
  severity: { min: 0, max: 7 },
  groundedness: { min: 0, max: 4 },
  jailbreak: { min: 1, max: 10 },
};

/** A human label as a `kind` judge's calibration reads it: normalised (`1_full_compliance`, `Full
 * Refusal`, ` 3 `), or an InputError naming the line and field when the judge cannot give it — a label
 * no judge can match would only show as a disagreement. Kinds without a scale take any label. */
function kindLabel(label: string, kind: string, file: string, line: number, field: string): string {
  const scale = LABEL_SCALES[kind];
  if (!scale) return label;
  if ('min' in scale) {
    // Digits, as a person or a spreadsheet writes a score ("3", "3.0"): Number() alone also read
    // "0x3", "0b11", "3e0" and "+3" as 3.
    const n = /^\d+(\.0+)?$/.test(label.trim()) ? Number(label.trim()) : Number.NaN;
    if (Number.isInteger(n) && n >= scale.min && n <= scale.max) return String(n);
    throw new InputError(
      `"${label}" is not a ${kind} label: a whole number from ${scale.min} to ${scale.max}`,
      file,
      line,
      field,
    );
  }
  const l = normLabel(label);
  if (scale.includes(l)) return l;
  throw new InputError(`"${label}" is not a ${kind} label: one of ${scale.join(', ')}`, file, line, field);
}

/** Labels file: CSV (header with prompt, response, label) or JSONL (objects with those keys).
 * XSTest's labelled completions (`id,type,prompt,completion,annotation_1,annotation_2,agreement,
 * final_label`) load as they are: `completion` is the response, `final_label` the label. With a
 * `kind`, each label is checked and normalised by kindLabel. */
export function loadLabels(file: string, kind?: string): LabelledExample[] {
  const csv = /\.csv$/i.test(file);
  const text = readUtf8File(file, 'labels file', { ends: csv ? 'text' : 'jsonl' });
  // Every bad line is found before any is reported, so a file is fixed in one pass, not one line per run.
  const bad: InputError[] = [];
  const rows = csv ? csvTable(text, file, bad).rows : jsonlRows(text, file, bad);
  if (rows.length === 0 && bad.length === 0)
    throw new InputError('no labelled examples: the file is empty (or holds only a header)', file);
  const examples = rows.flatMap(({ line, row }) => {
    try {
      return [labelledExample(row, line, file, kind)];
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      bad.push(err);
      return [];
    }
  });
  throwBadLines(
    bad,
    'fix every line named (each needs prompt, response and a human label the judge can give), then run again',
  );
  return examples;
}

/** A labels file not named .csv is read as JSONL; one whose first line is no JSON object (a CSV
 * header saved as .txt, or passed as <(…)) is told how the format is chosen. */
function jsonlRows(text: string, file: string, bad: InputError[]): ReturnType<typeof jsonlObjects> {
  const before = bad.length;
  const rows = jsonlObjects(text, file, bad);
  // (the first line that is not blank holds no object: the file is likely no JSONL at all)
  if (bad.length > before && !text.trimStart().startsWith('{'))
    bad[before] = bad[before].withHint(
      'a labels file is read as CSV when its name ends in .csv, as JSONL (one object a line) otherwise',
    );
  return rows;
}

/** Column names as the file spells them, matched without case, padding or spaces (`Prompt`,
 * ` Label`, `Human Label`); a name already written as it is read wins over a differently written twin. */
function lowerKeys(row: Record<string, unknown>): Record<string, unknown> {
  // (no prototype: a JSONL line's "__proto__" member set on a plain object became its prototype, and
  // a line of nothing but {"__proto__": {"prompt": …, "response": …, "label": …}} read as an example)
  const out = dict<unknown>();
  for (const [k, v] of Object.entries(row)) if (k === columnKey(k)) out[k] = v;
  for (const [k, v] of Object.entries(row)) {
    const key = columnKey(k);
    if (!(key in out)) out[key] = v;
  }
  return out;
}

function labelledExample(
  fileRow: Record<string, unknown>,
  line: number,
  file: string,
  kind: string | undefined,
): LabelledExample {
  const row = lowerKeys(fileRow);
  const columns = () => `columns here: ${Object.keys(fileRow).join(', ').slice(0, 200)}`;
  const get = (k: string) => (row[k] === undefined || row[k] === null ? undefined : String(row[k]));
  // What the judge reads must be text in the file (JSONL): an array would be judged as "x,y", an
  // object as "[object Object]". A label may be a number too.
  const typed = (k: string, ...types: string[]) => {
    const v = row[k];
    if (v !== undefined && v !== null && !types.includes(typeof v))
      throw new InputError(
        `must be a ${types.join(' or a ')}, not ${Array.isArray(v) ? 'an array' : typeof v}`,
        file,
        line,
        k,
      );
    return get(k);
  };
  const text = (k: string) => typed(k, 'string');
  const prompt = text('prompt');
  const response = text('response') ?? text('completion');
  // (a label that is a list or an object is found, for typed() to name its type: read as text first,
  // [[[…]]] nested 100,000 deep ran out of stack in String(), said as a bug)
  const labelKey = LABEL_KEYS.find(
    (k) => row[k] !== undefined && row[k] !== null && (typeof row[k] === 'object' || get(k) !== ''),
  );
  const label = labelKey === undefined ? undefined : typed(labelKey, 'string', 'number');
  if (prompt === undefined) throw new InputError(`missing "prompt" (${columns()})`, file, line, 'prompt');
  if (response === undefined)
    throw new InputError(`missing "response" (${columns()})`, file, line, 'response');
  if (label === undefined || labelKey === undefined)
    throw new InputError(`missing "label" (human label; ${columns()})`, file, line, 'label');
  // (documentOf: the columns the bench's dataset loader and `judge groundedness` read, not "source")
  const grounding = documentOf(fileRow);
  // A groundedness label says how far the response strays from its source: without one the judge
  // can only answer undetermined, which would count as its disagreement. (An empty CSV cell is the
  // only way a CSV row can lack it.)
  if (kind === 'groundedness' && !grounding)
    throw new InputError(
      `no document the label was given against: ${noDocumentReason(fileRow)} (${columns()})`,
      file,
      line,
      'grounding',
    );
  const annotations = Object.keys(row)
    .filter((k) => /^annotation_\d+$/.test(k))
    .sort()
    .map((k) => typed(k, 'string', 'number'))
    .filter((x): x is string => x !== undefined && x !== '');
  return {
    prompt,
    response,
    label: kind ? kindLabel(label, kind, file, line, labelKey) : label,
    grounding,
    category: text('category'),
    objective: objectiveOf(row),
    // (an id of {…} was "[object Object]", one --half split and a report named; a type of [a, b], "a,b")
    id: typed('id', 'string', 'number'),
    line,
    type: text('type') ?? text('case'),
    ...(annotations.length ? { annotations } : {}),
  };
}

/** Which half of a labelled set an item belongs to, by a fixed hash of its `id` (sha256, first 8 hex
 * digits mod 10 < 5 → `dev`): the split round 12 made of XSTest v2 by prompt id, so that the five
 * models' answers to one prompt fall in the same half. The dev half's errors were read and fixed;
 * the held-out half is measured only at the end of a round. */
export function idHalf(id: string): 'dev' | 'held-out' {
  const h = Number.parseInt(createHash('sha256').update(id).digest('hex').slice(0, 8), 16);
  return h % 10 < 5 ? 'dev' : 'held-out';
}
