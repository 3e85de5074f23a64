// JSON: every figure, machine-readable (the whole ReportData plus the criteria results).
import { emptyRatesAsNull } from '../bench/metrics.js';
import { terminalSafeJson } from '../core/index.js';
import type { CriterionResult } from './criteria.js';
import type { ReportData } from './data.js';

export function renderJson(data: ReportData, criteria: CriterionResult[] = []): string {
  // (printed to a terminal when no --out is given: model text in it must not act there)
  return `${terminalSafeJson(
    JSON.stringify(
      { format: 'breakfix-report', version: 1, ...data, criteria, passed: criteria.every((c) => c.pass) },
      emptyRatesAsNull,
      2,
    ),
  )}\n`;
}
