// The per-round summary `breakfix cycle` prints and returns, from a round's stored metrics.
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/cli/cycle.js';
import { roundCounts } from '../../src/cycle/counts.js';
import { evaluateCriteria } from '../../src/cycle/criteria.js';
import { roundMetrics } from '../../src/cycle/index.js';
import { summarise } from '../../src/cycle/run.js';

const bench = { main: { dr3: 0, iprr: 0.8, vprr: 0.02, helpfulness: 0.88 }, heldback: { asr: 0.01 } };
const redteam = { attempts: 10, success: 1, failure: 8, error: 0, undetermined: 1, asr: 1 / 9 };

describe('the round metrics the cycle stores', () => {
  it("keep the red team's slices by category, technique, language and turns, keys sorted", () => {
    const slice = (success: number, failure: number) => ({
      attempts: success + failure,
      success,
      failure,
      error: 0,
      undetermined: 0,
      asr: success / (success + failure),
    });
    const m = roundMetrics(
      bench,
      {
        ...redteam,
        slices: {
          category: { weapons: slice(1, 4) },
          technique: { base64: slice(0, 5) },
          language: { fr: slice(1, 1), en: slice(0, 3) },
          turns: { '10': slice(1, 0), '2': slice(0, 4) },
        },
      },
      { total: 0, new: 0, fixed: 0, regressed: 0 },
    );
    expect(Object.keys(m.by_language as object)).toEqual(['en', 'fr']);
    expect(m.by_language).toMatchObject({ fr: { attempts: 2, success: 1, failure: 1 } });
    // (a JavaScript object lists integer keys in numeric order, whatever the sort)
    expect(Object.keys(m.by_turns as object)).toEqual(['2', '10']);
  });
});

describe('cycle summary', () => {
  it('counts a regression (fixed before, broken again) and shows it beside the open count', () => {
    // 6 listed: 1 new, 1 persisting, 2 regressed, 1 fixed, 1 untested → 5 open.
    const vulns = { total: 6, new: 1, persisting: 1, regressed: 2, fixed: 1, untested: 1 };
    const s = summarise(2, 'round-2', roundMetrics(bench, redteam, vulns));
    expect(s).toMatchObject({
      vulnerabilities_new: 1,
      vulnerabilities_fixed: 1,
      vulnerabilities_regressed: 2,
      vulnerabilities_open: 5,
      vulnerabilities_untested: 1,
    });
    const release = { round: 2, model: 'round-2', criteria_met: true, reasons: [], checks: [] };
    const table = renderTable({ runId: 'run_x', rounds: [s], release, resumed: false }, 'r.html', 1);
    expect(table).toContain('5 (2 regressed, 1 untested)');
    const quiet = summarise(
      1,
      'round-1',
      roundMetrics(bench, redteam, { ...vulns, regressed: 0, untested: 0 }),
    );
    expect(
      renderTable({ runId: 'run_x', rounds: [quiet], release, resumed: false }, 'r.html', 1),
    ).not.toMatch(/regressed|untested/);
  });

  it('carries every figure the round measured, its ungroundedness too, and null for one it did not', () => {
    // (the groundedness suite's mean 0–4 is 1.2 → 0.3; this round ran no jailbreak suite on held-back seeds)
    const s = summarise(
      0,
      'base',
      roundMetrics({ ...bench, main: { ...bench.main, ungroundedness: 0.3 } }, redteam, {
        total: 0,
        new: 0,
        fixed: 0,
        regressed: 0,
      }),
    );
    expect(s).toMatchObject({
      asr: 1 / 9,
      dr3: 0,
      iprr: 0.8,
      vprr: 0.02,
      helpfulness: 0.88,
      heldback_asr: 0.01,
      ungroundedness: 0.3,
      dr1: null,
    });
    const without = summarise(
      0,
      'base',
      roundMetrics(bench, redteam, { total: 0, new: 0, fixed: 0, regressed: 0 }),
    );
    expect(without.ungroundedness).toBeNull();
    // The printed table: a column for it where a round measured it (as the report writes it, 0.3 →
    // "0.300", an unmeasured round "—"), none where no round did.
    const release = { round: 0, model: 'base', criteria_met: false, reasons: [], checks: [] };
    const lines = renderTable(
      { runId: 'run_x', rounds: [s, { ...without, round: 1, model: 'round-1' }], release, resumed: false },
      'r.html',
      1,
    ).split('\n');
    const cells = (l: string) => l.trim().split(/\s{2,}/);
    const col = cells(lines[0]).indexOf('ungrounded (mean ÷ 4)');
    expect(col).toBeGreaterThan(-1);
    expect(cells(lines[2])[col]).toBe('0.300');
    expect(cells(lines[3])[col]).toBe('—');
    expect(
      renderTable({ runId: 'run_x', rounds: [without], release, resumed: false }, 'r.html', 1),
    ).not.toContain('ungrounded');
  });

  it("prints the retest's ASR with its errors and undetermined beside it, as every rate", () => {
    // 12 retest attempts: 1 success, 3 failures (ASR 1/4 = 25.0%), 2 errors, 6 undetermined.
    const retest = {
      vulnerabilities: 6,
      attempts: 12,
      success: 1,
      failure: 3,
      error: 2,
      undetermined: 6,
      asr: 0.25,
    };
    const vulns = { total: 0, new: 0, fixed: 0, regressed: 0 };
    const s = summarise(1, 'round-1', roundMetrics(bench, redteam, vulns, retest));
    expect(s).toMatchObject({ retest_asr: 0.25, retest_errors: 2, retest_undetermined: 6 });
    const release = { round: 1, model: 'round-1', criteria_met: false, reasons: [], checks: [] };
    expect(renderTable({ runId: 'run_x', rounds: [s], release, resumed: false }, 'r.html', 1)).toContain(
      '25.0% err 2 und 6',
    );
    // Every reply to the retest undetermined: no ASR, and why.
    const none = { ...retest, success: 0, failure: 0, error: 0, undetermined: 12, asr: null };
    const t = summarise(1, 'round-1', roundMetrics(bench, redteam, vulns, none));
    expect(renderTable({ runId: 'run_x', rounds: [t], release, resumed: false }, 'r.html', 1)).toContain(
      '— und 12',
    );
    // Round 0 has no retest: the counts are 0 and the cell a dash.
    expect(summarise(0, 'base', roundMetrics(bench, redteam, vulns))).toMatchObject({
      retest_asr: null,
      retest_errors: 0,
      retest_undetermined: 0,
    });
  });

  it('never prints a rate that is neither none nor all as 0.0% or 100.0%', () => {
    // 1 success of 3,000 decided attempts: ASR 1/3000 = 0.033 %, which one decimal rounds to 0.0;
    // DR-1 2,999/3,000 = 99.967 %, which it rounds to 100.0. Held-back ASR 0 is 0.0%.
    const rt = { attempts: 3000, success: 1, failure: 2999, error: 0, undetermined: 0, asr: 1 / 3000 };
    const b = { main: { dr1: 2999 / 3000, dr3: 0.5 }, heldback: { asr: 0 } };
    const s = summarise(1, 'round-1', roundMetrics(b, rt, { total: 0, new: 0, fixed: 0, regressed: 0 }));
    const release = { round: 1, model: 'round-1', criteria_met: false, reasons: [], checks: [] };
    const table = renderTable({ runId: 'run_x', rounds: [s], release, resumed: false }, 'r.html', 1);
    const row = table.split('\n').find((l) => l.includes('round-1') && l.includes('%')) ?? '';
    expect(row).toMatch(/<0\.1%.*>99\.9%.*50\.0%/);
    expect(row).toContain('0.0%'); // the held-back ASR
  });

  it('names each check that passes on the estimate only beneath the release line', () => {
    const s = summarise(
      1,
      'round-1',
      roundMetrics(bench, redteam, { total: 0, new: 0, fixed: 0, regressed: 0 }),
    );
    const round1 = { asr: 0, attempts: 300, successes: 0, errors: 0, undetermined: 127 };
    const { checks } = evaluateCriteria({ asr: 0.02, dr3: 0.5 }, round1, undefined, {
      counts: { now: roundCounts([], undefined, round1) },
    });
    const release = { round: 1, model: 'round-1', criteria_met: true, reasons: [], checks };
    const lines = renderTable({ runId: 'run_x', rounds: [s], release, resumed: false }, 'r.html', 1).split(
      '\n',
    );
    const at = lines.findIndex((l) => l.startsWith('release candidate: round 1'));
    expect(lines[at + 1]).toBe(
      '  on the estimate only: asr = 0 (passes on the estimate; 95% upper bound 2.2% is above 2%, from 0 of 173)',
    );
    // dr3 has no counts here: no interval, no note.
    expect(lines.filter((l) => l.includes('on the estimate only'))).toHaveLength(1);
    // The same checks of the closest round when no round qualified: no release to sign off, no note.
    const none = {
      ...release,
      criteria_met: false,
      reasons: ['no round met every criterion; closest is round 1'],
    };
    const table = renderTable({ runId: 'run_x', rounds: [s], release: none, resumed: false }, 'r.html', 1);
    expect(table).toContain('no release candidate: no round met every criterion; closest is round 1');
    expect(table).not.toContain('on the estimate only');
  });
});
