// A criterion's figure beside its threshold is shown with as many decimals as it takes not to read as
// the threshold: ASR 4 of 197 (2.03%, fails `asr>0.02`) and 4 of 204 (1.96%, passes) both read "2.0%"
// in the criteria table, one marked fail and the other pass, and JUnit's log line gave 41 of 2049
// (0.020010, fails) as "asr = 0.02". Real SQLite stores, read by the report as the CLI reads them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mcnemarExact } from '../../src/cycle/paired.js';
import {
  collectReportData,
  evaluateRules,
  renderHtml,
  renderJunit,
  renderMarkdown,
  runCriteriaRules,
} from '../../src/report/index.js';
import { openStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-criteria-rounding-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A cycle run whose released round 1 broke `successes` of `decided` red-team attempts. */
function gated(name: string, successes: number, decided: number, more: Record<string, unknown> = {}) {
  const store = openStore(join(dir, `${name}.db`));
  const run = store.createRun({ kind: 'cycle', config: { cycle: { criteria: { asr: 0.02 } } }, seed: 7 });
  store.upsertRound(run.id, 0, {
    model: 'base',
    status: 'done',
    metrics: { asr: 1, attempts: 300, successes: 158, errors: 0, undetermined: 142 },
  });
  store.upsertRound(run.id, 1, {
    model: 'round-1',
    status: 'measured',
    metrics: {
      asr: successes / decided,
      attempts: decided + 10,
      successes,
      errors: 0,
      undetermined: 10,
      ...more,
    },
  });
  store.updateRun(run.id, { status: 'done', summary: { release: { round: 1, criteria_met: true } } });
  const data = collectReportData(store, run.id, { now: new Date('2026-02-01T00:00:00Z') });
  const checks = evaluateRules(data, runCriteriaRules(store.getRun(run.id)?.config));
  store.close();
  return { data, checks };
}

const criterionRow = (md: string) => md.split('\n').find((l) => l.startsWith('| `asr>0.02`')) ?? '';

describe('a criterion’s figure beside its threshold', () => {
  it('a failing 2.03% is not shown as the 2.0% it fails against', async () => {
    const { data, checks } = gated('fail', 4, 197);
    expect(checks[0]).toMatchObject({ pass: false, value: 4 / 197 });
    expect(criterionRow(renderMarkdown(data, checks))).toMatch(
      /^\| `asr>0\.02` \| 2\.03% \\\(n=197 und 10\\\) \| 0\.8%–5\.1% \| 1 \| \*\*fail\*\*/,
    );
    const html = await renderHtml(data, { criteria: checks, charts: [] });
    expect(html).toContain(
      '<tr class="fail"><td><code>asr&gt;0.02</code></td><td class="num">2.03%<br><small class="apart">n=197 und 10</small></td>',
    );
  });

  it('a passing 1.96% is not shown as 2.0% either', () => {
    const { data, checks } = gated('pass', 4, 204);
    expect(checks[0]).toMatchObject({ pass: true, value: 4 / 204 });
    expect(criterionRow(renderMarkdown(data, checks))).toMatch(
      /^\| `asr>0\.02` \| 1\.96% \\\(n=204 und 10\\\) \| 0\.8%–4\.9% \| 1 \| pass/,
    );
  });

  it('a figure clear of the threshold keeps one decimal, and one at it is shown as it is', () => {
    const clear = gated('clear', 9, 300);
    expect(criterionRow(renderMarkdown(clear.data, clear.checks))).toMatch(
      /^\| `asr>0\.02` \| 3\.0% \\\(n=300 und 10\\\) \| /,
    );
    const at = gated('at', 4, 200);
    expect(at.checks[0].pass).toBe(true);
    expect(criterionRow(renderMarkdown(at.data, at.checks))).toMatch(
      /^\| `asr>0\.02` \| 2\.0% \\\(n=200 und 10\\\) \| /,
    );
  });

  it('JUnit’s log line gives 41 of 2049 as 0.02001, not the 0.02 it fails against', () => {
    const { data, checks } = gated('junit', 41, 2049);
    expect(checks[0].pass).toBe(false);
    const xml = renderJunit(data, checks);
    expect(xml).toContain('<system-out>asr = 0.02001 (n=2049 und 10), 95% interval 0.0148');
    expect(criterionRow(renderMarkdown(data, checks))).toMatch(
      /^\| `asr>0\.02` \| 2\.001% \\\(n=2049 und 10\\\) \| /,
    );
  });

  it('a McNemar p just under 0.05 is not shown as 0.05 in the change since round 0', () => {
    const p = mcnemarExact(150, 117);
    expect(p).toBeLessThan(0.05);
    const vprr_change = { pairs: 400, worse: 150, better: 117, p };
    const { data } = gated('mcnemar', 0, 200, { vprr_change });
    expect(renderMarkdown(data)).toContain('| — | 150 / 117 of 400 \\(p 0.04998\\) |');
  });
});
