// Write a run's HTML report to disk: what `breakfix cycle` calls at the end of every cycle.
import { dirname, join, resolve } from 'node:path';
import { writeOutputFile } from '../config/outdir.js';
import type { Store } from '../store/index.js';
import { evaluateRules, type FailRule, runCriteriaRules } from './criteria.js';
import { collectReportData } from './data.js';
import { renderHtml } from './html.js';

/** Where a run's HTML report goes by default: `<store dir>/reports/<run>.html`. */
export function defaultReportPath(store: Store, runId: string): string {
  return join(dirname(resolve(store.path)), 'reports', `${runId}.html`);
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
  return writeOutputFile(out ?? defaultReportPath(store, runId), html, {
    what: out ? 'report file (--report)' : 'report file',
  });
}
