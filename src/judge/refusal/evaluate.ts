// Measures the offline refusal judge (and the substring baseline) on a labelled JSONL file.
// Run: npx tsx src/judge/refusal/evaluate.ts [test/judge/fixtures/refusal-eval.jsonl] [--errors]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RefusalLabel } from '../../core/index.js';
import { classifyRefusal, substringRefusalLabel } from './index.js';

export interface RefusalEvalResult {
  n: number;
  accuracy: number;
  rulesAccuracy: number;
  baselineAccuracy: number;
  /** Binary agreement (refused at all vs full compliance), the question substring lists answer. */
  binaryAccuracy: number;
  baselineBinaryAccuracy: number;
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
  for (const r of rows) {
    const c = classifyRefusal(r.prompt, r.response);
    const b = substringRefusalLabel(r.response);
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
    errors,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const files = args.length
    ? args
    : ['refusal-eval', 'refusal-test', 'refusal-final'].map((n) => `test/judge/fixtures/${n}.jsonl`);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const all: Parameters<typeof evaluateRefusal>[0] = [];
  const show = (name: string, r: RefusalEvalResult) => {
    console.log(`${name}: n=${r.n}`);
    console.log(`  offline judge (3 labels):      ${pct(r.accuracy)}   rules alone: ${pct(r.rulesAccuracy)}`);
    console.log(`  substring baseline (3 labels): ${pct(r.baselineAccuracy)}`);
    console.log(
      `  refused-or-not, judge:         ${pct(r.binaryAccuracy)}   baseline: ${pct(r.baselineBinaryAccuracy)}`,
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
