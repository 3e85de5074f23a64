// Measures the offline refusal judge (and the substring baseline) on labelled JSONL files:
// three-label accuracy, Cohen's κ, the confusion matrix and refused-or-not agreement.
// Run: npx tsx src/judge/refusal/evaluate.ts [FILE.jsonl|FILE.csv …] [--errors] [--by-type]
//        [--second-annotator LABELS.jsonl] [--half dev|held-out]
// (CSV or JSONL with prompt, response, label — XSTest's labelled completions load as they are, and
// their two annotators' labels are compared too)
// (default: every dev set; the sets measured once — refusal-holdout-final, refusal-holdout4,
// refusal-holdout5-final, refusal-holdout6-final, refusal-holdout7-final, refusal-holdout8-final,
// refusal-holdout9, refusal-holdout10, refusal-holdout12, refusal-holdout13, refusal-holdout14,
// refusal-holdout15, refusal-holdout16 and the multilingual refusal-holdout17 and refusal-holdout19 —
// only when named; see docs/JUDGES.md).
import { fileURLToPath } from 'node:url';
import { InputError, type RefusalLabel, readUtf8File } from '../../core/index.js';
import { jsonlObjects } from '../../core/tabular.js';
import { cohensKappa, idHalf, loadLabels, normLabel } from '../calibrate.js';
import { classifyRefusal, substringRefusalLabel } from './index.js';

/** Every dev set (`test/judge/fixtures/<name>.jsonl`), in the order they were written: the default
 * of this script. The sets measured once are named on the command line only. */
export const REFUSAL_DEV_SETS = [
  'refusal-eval',
  'refusal-test',
  'refusal-final',
  'refusal-holdout-dev',
  'refusal-holdout2',
  'refusal-holdout3',
  'refusal-holdout5-dev',
  'refusal-dev6',
  'refusal-dev7',
  'refusal-dev8',
  'refusal-holdout6-dev',
  'refusal-dev9',
  'refusal-dev10',
  'refusal-dev11',
  'refusal-dev12',
  'refusal-dev13',
  'refusal-dev14',
  'refusal-holdout7-dev',
  'refusal-dev15',
  'refusal-dev16',
  'refusal-dev17',
  'refusal-dev18',
  'refusal-dev19',
  'refusal-dev20',
  'refusal-dev21',
  'refusal-dev22',
  'refusal-holdout8-dev',
  'refusal-dev23',
  'refusal-dev24',
  'refusal-dev25',
  'refusal-dev26',
  'refusal-dev27',
  'refusal-dev28',
  'refusal-dev29',
  'refusal-dev30',
  'refusal-dev31',
  // holdout11 was sealed until the end of round 9; its errors were read after that, so it is a dev set.
  'refusal-holdout11',
  'refusal-dev32',
  'refusal-dev33',
  'refusal-dev34',
  'refusal-dev35',
  'refusal-dev36',
  'refusal-dev37',
  'refusal-dev38',
  'refusal-dev39',
  'refusal-dev40',
  // round 16: 200 replies in 15 languages, written blind by a helper; measured once (81.0% / 92.5%),
  // then its errors were read
  'refusal-dev41',
  // round 17: 160 replies in 16 languages, two-part asks in each, written blind as holdout18; measured
  // once with rounds 16 and 17 (62.5% / 72.5%, 67.5% / 73.8%), then its errors were read
  'refusal-dev42',
  // round 18: 130 replies to role-play asks (in and out of character, seven languages), written by a
  // helper for reading
  'refusal-dev43',
  // round 18: holdout20 (160 replies to role-play asks) was sealed until measured once with rounds 17
  // and 18 (60.0% / 64.4%, 73.8% / 78.8%); its errors were read after that, so it is a dev set
  'refusal-holdout20',
];

export interface RefusalEvalResult {
  n: number;
  accuracy: number;
  rulesAccuracy: number;
  baselineAccuracy: number;
  /** Binary agreement (refused at all vs full compliance), the question substring lists answer. */
  binaryAccuracy: number;
  baselineBinaryAccuracy: number;
  kappa: number;
  baselineKappa: number;
  /** confusion[human][judge] over the three labels (and `undetermined` for an empty response). */
  confusion: Record<string, Record<string, number>>;
  errors: { prompt: string; response: string; label: string; got: string | null; case?: string }[];
}

type EvalRow = { prompt: string; response: string; label: RefusalLabel; case?: string };

export function evaluateRefusal(rows: EvalRow[]): RefusalEvalResult {
  let ok = 0;
  let rules = 0;
  let base = 0;
  let bin = 0;
  let baseBin = 0;
  const errors: RefusalEvalResult['errors'] = [];
  const refused = (l: string | null) => l !== 'full_compliance';
  const pairs: [string, string][] = [];
  const basePairs: [string, string][] = [];
  const confusion: RefusalEvalResult['confusion'] = {};
  for (const r of rows) {
    const c = classifyRefusal(r.prompt, r.response);
    const b = substringRefusalLabel(r.response);
    const got = c.label ?? 'undetermined';
    pairs.push([r.label, got]);
    basePairs.push([r.label, b]);
    confusion[r.label] ??= {};
    confusion[r.label][got] = (confusion[r.label][got] ?? 0) + 1;
    if (c.label === r.label) ok++;
    else errors.push({ prompt: r.prompt, response: r.response, label: r.label, got: c.label, case: r.case });
    if (c.ruleLabel === r.label) rules++;
    if (b === r.label) base++;
    if (refused(c.label) === refused(r.label)) bin++;
    if (refused(b) === refused(r.label)) baseBin++;
  }
  const n = rows.length;
  return {
    n,
    accuracy: ok / n,
    rulesAccuracy: rules / n,
    baselineAccuracy: base / n,
    binaryAccuracy: bin / n,
    baselineBinaryAccuracy: baseBin / n,
    kappa: cohensKappa(pairs),
    baselineKappa: cohensKappa(basePairs),
    confusion,
    errors,
  };
}

/** How the file's labels (annotator A) agree with a second annotator's labels of the same items
 * (annotator B, matched by `id`), and how the judge agrees with each and with their consensus: the
 * ceiling a judge can be held to is the annotators' own agreement. */
export interface SecondAnnotatorResult {
  /** Items of the file that annotator B labelled. */
  n: number;
  annotatorAgreement: number;
  annotatorKappa: number;
  judgeVsB: number;
  /** Items where A and B gave the same label, and the judge's agreement on them. */
  consensusN: number;
  judgeOnConsensus: number;
}

export function compareWithSecondAnnotator(
  rows: { id?: string; prompt: string; response: string; label: RefusalLabel }[],
  second: Map<string, RefusalLabel>,
): SecondAnnotatorResult {
  const labelled = rows.flatMap((r) => {
    const b = r.id === undefined ? undefined : second.get(r.id);
    return b === undefined ? [] : [{ ...r, annotations: [r.label, b] }];
  });
  const a = compareAnnotators(labelled);
  return {
    n: a.n,
    annotatorAgreement: a.annotatorAgreement,
    annotatorKappa: a.annotatorKappa,
    judgeVsB: a.judgeVsAnnotator[1] ?? Number.NaN,
    consensusN: a.consensusN,
    judgeOnConsensus: a.judgeOnConsensus,
  };
}

/** Items labelled by several annotators (XSTest's `annotation_1`, `annotation_2`; or a file's label
 * and a second annotator's): how often they all agree, κ between the first two, the judge's agreement
 * with each, and the judge's agreement on the items where they all agree. */
export interface AnnotatorsResult {
  n: number;
  annotatorAgreement: number;
  annotatorKappa: number;
  judgeVsAnnotator: number[];
  consensusN: number;
  judgeOnConsensus: number;
}

export function compareAnnotators(
  rows: { prompt: string; response: string; annotations: string[] }[],
): AnnotatorsResult {
  const ab: [string, string][] = [];
  const vs: number[] = [];
  let agree = 0;
  let consensusN = 0;
  let jc = 0;
  for (const r of rows) {
    const got = classifyRefusal(r.prompt, r.response).label ?? 'undetermined';
    ab.push([r.annotations[0], r.annotations[1]]);
    r.annotations.forEach((l, i) => {
      vs[i] = (vs[i] ?? 0) + (l === got ? 1 : 0);
    });
    if (r.annotations.every((l) => l === r.annotations[0])) {
      agree++;
      consensusN++;
      if (got === r.annotations[0]) jc++;
    }
  }
  const n = rows.length;
  return {
    n,
    annotatorAgreement: agree / n,
    annotatorKappa: cohensKappa(ab),
    judgeVsAnnotator: vs.map((x) => x / n),
    consensusN,
    judgeOnConsensus: jc / consensusN,
  };
}

const LABELS: readonly string[] = ['full_compliance', 'full_refusal', 'partial_refusal'];

/** A labels file (JSONL fixture, or CSV such as XSTest's labelled completions) as rows to measure:
 * labels normalised, and a label outside the three named with its file and line. */
export function loadRefusalRows(file: string): (EvalRow & { id?: string; annotations?: RefusalLabel[] })[] {
  const asLabel = refusalLabelOf(file);
  return loadLabels(file).map((r) => ({
    id: r.id,
    prompt: r.prompt,
    response: r.response,
    label: asLabel(r.label, r.line, 'label'),
    case: r.type,
    ...(r.annotations && r.annotations.length > 1
      ? { annotations: r.annotations.map((a, k) => asLabel(a, r.line, `annotation_${k + 1}`)) }
      : {}),
  }));
}

function refusalLabelOf(file: string) {
  return (v: unknown, line: number | undefined, field: string): RefusalLabel => {
    const l = normLabel(v);
    if (!LABELS.includes(l))
      throw new InputError(`"${v}" is not one of ${LABELS.join(', ')}`, file, line, field);
    return l as RefusalLabel;
  };
}

/** A second annotator's labels (JSONL lines with `id` and `label`; the items themselves are in the
 * set being measured), by id. */
export function loadSecondAnnotator(file: string): Map<string, RefusalLabel> {
  const asLabel = refusalLabelOf(file);
  const out = new Map<string, RefusalLabel>();
  for (const { line, row } of jsonlObjects(readUtf8File(file, 'labels file', { ends: 'jsonl' }), file)) {
    if (typeof row.id !== 'string') throw new InputError('missing "id"', file, line, 'id');
    out.set(row.id, asLabel(row.label, line, 'label'));
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const secondAt = argv.indexOf('--second-annotator');
  const secondFile = secondAt >= 0 ? argv[secondAt + 1] : undefined;
  const second = secondFile ? loadSecondAnnotator(secondFile) : new Map<string, RefusalLabel>();
  // (the values of --second-annotator and --half are not files to measure)
  const optionValues = new Set(
    ['--second-annotator', '--half']
      .map((o) => argv.indexOf(o))
      .filter((at) => at >= 0)
      .map((at) => at + 1),
  );
  const args = argv.filter((a, i) => !a.startsWith('--') && !optionValues.has(i));
  const files = args.length ? args : REFUSAL_DEV_SETS.map((n) => `test/judge/fixtures/${n}.jsonl`);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const all: ReturnType<typeof loadRefusalRows> = [];
  const show = (name: string, r: RefusalEvalResult) => {
    console.log(`${name}: n=${r.n}`);
    console.log(`  offline judge (3 labels):      ${pct(r.accuracy)}   rules alone: ${pct(r.rulesAccuracy)}`);
    console.log(`  substring baseline (3 labels): ${pct(r.baselineAccuracy)}`);
    console.log(
      `  refused-or-not, judge:         ${pct(r.binaryAccuracy)}   baseline: ${pct(r.baselineBinaryAccuracy)}`,
    );
    console.log(
      `  Cohen's kappa, judge:          ${r.kappa.toFixed(3)}   baseline: ${r.baselineKappa.toFixed(3)}`,
    );
    console.log('  confusion (rows human, columns judge: compliance / refusal / partial / undetermined):');
    const cells = LABELS.map((h) => [...LABELS, 'undetermined'].map((p) => String(r.confusion[h]?.[p] ?? 0)));
    // Each column a space wider than the longest count: the fifty dev sets' 2,018 refusals ran into
    // the 17 beside them ("172018") at a fixed width of 4.
    const width = Math.max(4, ...cells.flat().map((c) => c.length + 1));
    LABELS.forEach((h, i) => {
      console.log(`    ${h.padEnd(16)} ${cells[i].map((c) => c.padStart(width)).join('')}`);
    });
  };
  const showAnnotators = (rows: typeof all) => {
    const s = secondFile ? compareWithSecondAnnotator(rows, second) : undefined;
    if (s && s.n > 0)
      console.log(
        `  second annotator (${s.n} items): A~B ${pct(s.annotatorAgreement)} (κ ${s.annotatorKappa.toFixed(3)})   judge~B ${pct(s.judgeVsB)}   judge where A=B (${s.consensusN}): ${pct(s.judgeOnConsensus)}`,
      );
    const multi = rows.flatMap((r) => (r.annotations ? [{ ...r, annotations: r.annotations }] : []));
    if (multi.length === 0) return;
    const a = compareAnnotators(multi);
    console.log(
      `  the file's annotators (${a.n} items): all agree ${pct(a.annotatorAgreement)} (κ first two ${a.annotatorKappa.toFixed(3)})   judge~each ${a.judgeVsAnnotator.map(pct).join(' / ')}   judge where all agree (${a.consensusN}): ${pct(a.judgeOnConsensus)}`,
    );
  };
  // Accuracy per item type (XSTest's prompt types; a fixture's `case`): aggregate figures only, so a
  // held-out set can be broken down without reading its items.
  const showByType = (rows: typeof all) => {
    const types = [...new Set(rows.map((r) => r.case ?? '(none)'))].sort();
    for (const t of types) {
      const r = evaluateRefusal(rows.filter((x) => (x.case ?? '(none)') === t));
      console.log(
        `    ${t.padEnd(28)} n=${String(r.n).padStart(4)}  judge ${pct(r.accuracy).padStart(6)}  refused-or-not ${pct(r.binaryAccuracy).padStart(6)}`,
      );
    }
  };
  const halfAt = argv.indexOf('--half');
  const half = halfAt >= 0 ? argv[halfAt + 1] : undefined;
  if (half !== undefined && half !== 'dev' && half !== 'held-out')
    throw new InputError(`--half must be "dev" or "held-out", not "${half}"`);
  for (const file of files) {
    const rows = loadRefusalRows(file).filter(
      (r) => half === undefined || (r.id !== undefined && idHalf(r.id) === half),
    );
    all.push(...rows);
    const r = evaluateRefusal(rows);
    show(file, r);
    showAnnotators(rows);
    if (argv.includes('--by-type')) showByType(rows);
    if (argv.includes('--errors'))
      for (const e of r.errors)
        console.log(
          `\n[${e.case}] want ${e.label} got ${e.got}\n  P: ${e.prompt}\n  R: ${e.response.slice(0, 300).replace(/\n/g, ' ')}`,
        );
  }
  if (files.length > 1) {
    show('all', evaluateRefusal(all));
    showAnnotators(all);
    if (argv.includes('--by-type')) showByType(all);
  }
}
