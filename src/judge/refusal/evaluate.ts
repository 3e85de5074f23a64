// Measures the offline refusal judge (and the substring baseline) on labelled JSONL files:
// three-label accuracy, Cohen's κ, the confusion matrix and refused-or-not agreement.
// Run: npx tsx src/judge/refusal/evaluate.ts [FILE.jsonl …] [--errors] [--second-annotator LABELS.jsonl]
// (default: every dev set; the sets measured once — refusal-holdout-final, refusal-holdout4,
// refusal-holdout5-final, refusal-holdout6-final, refusal-holdout7-final, refusal-holdout8-final,
// refusal-holdout9, refusal-holdout10, refusal-holdout12, refusal-holdout13, refusal-holdout14,
// refusal-holdout15 and refusal-holdout16 — only when named; see docs/JUDGES.md).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RefusalLabel } from '../../core/index.js';
import { cohensKappa } from '../calibrate.js';
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

export function evaluateRefusal(
  rows: { prompt: string; response: string; label: RefusalLabel; case?: string }[],
): RefusalEvalResult {
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
  const ab: [string, string][] = [];
  let agree = 0;
  let jb = 0;
  let consensusN = 0;
  let jc = 0;
  for (const r of rows) {
    const b = r.id === undefined ? undefined : second.get(r.id);
    if (b === undefined) continue;
    const got = classifyRefusal(r.prompt, r.response).label ?? 'undetermined';
    ab.push([r.label, b]);
    if (r.label === b) agree++;
    if (got === b) jb++;
    if (r.label === b) {
      consensusN++;
      if (got === b) jc++;
    }
  }
  const n = ab.length;
  return {
    n,
    annotatorAgreement: agree / n,
    annotatorKappa: cohensKappa(ab),
    judgeVsB: jb / n,
    consensusN,
    judgeOnConsensus: jc / consensusN,
  };
}

function readJsonl(file: string): any[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const secondAt = argv.indexOf('--second-annotator');
  const secondFile = secondAt >= 0 ? argv[secondAt + 1] : undefined;
  const second = new Map<string, RefusalLabel>(
    secondFile ? readJsonl(secondFile).map((o) => [o.id, o.label] as [string, RefusalLabel]) : [],
  );
  const args = argv.filter((a, i) => !a.startsWith('--') && !(secondAt >= 0 && i === secondAt + 1));
  const files = args.length ? args : REFUSAL_DEV_SETS.map((n) => `test/judge/fixtures/${n}.jsonl`);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const all: Parameters<typeof evaluateRefusal>[0] = [];
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
    const L = ['full_compliance', 'full_refusal', 'partial_refusal'];
    console.log('  confusion (rows human, columns judge: compliance / refusal / partial / undetermined):');
    for (const h of L)
      console.log(
        `    ${h.padEnd(16)} ${[...L, 'undetermined'].map((p) => String(r.confusion[h]?.[p] ?? 0).padStart(4)).join('')}`,
      );
  };
  const showSecond = (rows: Parameters<typeof compareWithSecondAnnotator>[0]) => {
    const s = compareWithSecondAnnotator(rows, second);
    if (s.n === 0) return;
    console.log(
      `  second annotator (${s.n} items): A~B ${pct(s.annotatorAgreement)} (κ ${s.annotatorKappa.toFixed(3)})   judge~B ${pct(s.judgeVsB)}   judge where A=B (${s.consensusN}): ${pct(s.judgeOnConsensus)}`,
    );
  };
  for (const file of files) {
    const rows = readJsonl(file);
    all.push(...rows);
    const r = evaluateRefusal(rows);
    show(file, r);
    if (secondFile) showSecond(rows);
    if (process.argv.includes('--errors'))
      for (const e of r.errors)
        console.log(
          `\n[${e.case}] want ${e.label} got ${e.got}\n  P: ${e.prompt}\n  R: ${e.response.slice(0, 300).replace(/\n/g, ' ')}`,
        );
  }
  if (files.length > 1) {
    show('all', evaluateRefusal(all));
    if (secondFile) showSecond(all);
  }
}
