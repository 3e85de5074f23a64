// Measures the offline refusal judge (and the substring baseline) on labelled JSONL files:
// three-label accuracy, Cohen's κ, the confusion matrix and refused-or-not agreement.
// Run: npx tsx src/judge/refusal/evaluate.ts [FILE.jsonl …] [--errors]
// (default: every dev set; the sets measured once — refusal-holdout-final, refusal-holdout4,
// refusal-holdout5-final, refusal-holdout6-final and refusal-holdout7-final — only when named; see
// docs/JUDGES.md).
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

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
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
  for (const file of files) {
    const rows = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
    all.push(...rows);
    const r = evaluateRefusal(rows);
    show(file, r);
    if (process.argv.includes('--errors'))
      for (const e of r.errors)
        console.log(
          `\n[${e.case}] want ${e.label} got ${e.got}\n  P: ${e.prompt}\n  R: ${e.response.slice(0, 300).replace(/\n/g, ' ')}`,
        );
  }
  if (files.length > 1) show('all', evaluateRefusal(all));
}
