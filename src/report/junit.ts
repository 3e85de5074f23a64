// JUnit XML for CI: one test case per criterion, a <failure> element when it fails.
import type { CriterionResult } from './criteria.js';
import type { ReportData } from './data.js';
import { escapeHtml as x } from './escape.js';

/** A figure as CI logs show it: 0.0217, not 0.021723261016634426 (the message, beside it, has the
 * figure to as many decimals as its bound needs). */
function decimals(v: number): string {
  return String(Number(v.toFixed(4)));
}

export function renderJunit(data: ReportData, criteria: CriterionResult[]): string {
  const failures = criteria.filter((c) => !c.pass).length;
  const cases = criteria.map((c) => {
    const head = `    <testcase classname="breakfix.criteria" name="${x(c.rule)}" time="0">`;
    const interval = c.interval
      ? `, 95% interval ${decimals(c.interval.lo)}–${decimals(c.interval.hi)} (${c.interval.basis})`
      : '';
    const onEstimate = c.passes_on_estimate_only ? `; ${c.message}` : '';
    const value = c.value === null ? 'not measured' : decimals(c.value);
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
