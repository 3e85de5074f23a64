// Write a run's HTML report to disk: what `breakfix cycle` calls at the end of every cycle.
import { dirname, join, resolve } from 'node:path';
import { writeOutputFile } from '../config/outdir.js';
import { InputError, terminalText } from '../core/index.js';
import type { Store } from '../store/index.js';
import { isValidRunId } from '../store/store.js';
import { evaluateRules, type FailRule, runCriteriaRules } from './criteria.js';
import { collectReportData } from './data.js';
import { renderHtml } from './html.js';

/** Where a run's HTML report goes by default: `<store dir>/reports/<run>.html`. A run id from a store
 * older than the run-id checks that would name a file elsewhere (`../x`) is refused rather than
 * followed; `hint` says how to name the file instead. */
export function defaultReportPath(
  store: Store,
  runId: string,
  hint = 'pass --out <file> to choose where the report goes',
): string {
  const folder = join(dirname(resolve(store.path)), 'reports');
  const file = join(folder, `${runId}.html`);
  if (!isValidRunId(runId) || dirname(file) !== folder)
    throw new InputError(
      `run id "${terminalText(runId)}" cannot name a report file in ${folder}`,
      store.path,
      undefined,
      'run-id',
      hint,
    );
  return file;
}

/** Render the run's HTML report and write it; returns the absolute path written. Criteria default to
 * the ones the run was configured with. */
export async function writeCycleReport(
  store: Store,
  runId: string,
  out?: string,
  opts: { rules?: FailRule[] } = {},
): Promise<string> {
  const data = collectReportData(store, runId);
  const rules = opts.rules ?? runCriteriaRules(store.getRun(runId)?.config);
  const html = await renderHtml(data, { criteria: evaluateRules(data, rules) });
  const file = out ?? defaultReportPath(store, runId, 'pass --report <file> to choose where the report goes');
  return writeOutputFile(file, html, {
    what: out ? 'report file (--report)' : 'report file',
  });
}
