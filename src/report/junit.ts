// JUnit XML for CI: one test case per criterion, a <failure> element when it fails.
import { shown } from '../cycle/criteria.js';
import type { CriterionResult } from './criteria.js';
import type { ReportData } from './data.js';
import { escapeHtml as x } from './escape.js';
import { criterionCounts } from './html.js';

/** A check's figure as CI logs show it: 0.0217, not 0.021723261016634426, and never its threshold
 * when it is not (0.020004 read "0.02" beside a failed `asr>0.02`). */
function decimals(v: number, threshold: number): string {
  return String(shown(v, threshold));
}

export function renderJunit(data: ReportData, criteria: CriterionResult[]): string {
  const failures = criteria.filter((c) => !c.pass).length;
  const cases = criteria.map((c) => {
    const head = `    <testcase classname="breakfix.criteria" name="${x(c.rule)}" time="0">`;
    const interval = c.interval
      ? `, 95% interval ${decimals(c.interval.lo, c.threshold)}–${decimals(c.interval.hi, c.threshold)} (${c.interval.basis})`
      : '';
    const onEstimate = c.passes_on_estimate_only ? `; ${c.message}` : '';
    // (what the value is over, err and und beside, where it is not its interval's basis already)
    const counts = criterionCounts(data, c);
    const over = counts && counts !== c.interval?.basis ? ` (${counts})` : '';
    const value = c.value === null ? 'not measured' : `${decimals(c.value, c.threshold)}${over}`;
    const props = `      <system-out>${x(`${c.metric} = ${value}${interval} (round ${c.round ?? '—'})${onEstimate}`)}</system-out>`;
    const fail = c.pass
      ? ''
      : `\n      <failure message="${x(c.message)}" type="criterion">${x(c.message)}</failure>`;
    return `${head}${fail}\n${props}\n    </testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="breakfix" tests="${criteria.length}" failures="${failures}" errors="0">
  <testsuite name="${x(`breakfix ${data.run.id}`)}" tests="${criteria.length}" failures="${failures}" errors="0" skipped="0" timestamp="${x(data.generatedAt)}">
    <properties>
      <property name="run" value="${x(data.run.id)}"/>
      <property name="rounds" value="${data.rounds.length}"/>
    </properties>
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}
