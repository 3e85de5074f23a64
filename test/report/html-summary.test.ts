// Figures the HTML report shows (report/html.ts): a summary card's "round N" is the first round that
// measured anything (a cycle whose round 0 stored no figure compares with round 1), and the
// vulnerability table's succ/att is the decided attempts the rate is over, errors beside it. No
// test had a round 0 without figures, nor a vulnerability with an errored attempt in that table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Attempt, Outcome } from '../../src/core/index.js';
import { identifyVulnerabilities } from '../../src/fix/index.js';
import { collectReportData, renderHtml } from '../../src/report/index.js';
import { openStore } from '../../src/store/index.js';
import { storedAttempt } from './fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-html-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const attempt = (runId: string, i: number, outcome: Outcome): Attempt =>
  storedAttempt(runId, i, outcome, { round: 2, prompt: `request number ${i} about something` });

describe('the HTML summary and vulnerability table', () => {
  it('compares with the first round that measured, and counts succ/att over the decided attempts', async () => {
    const store = openStore(join(dir, 'breakfix.db'));
    try {
      const run = store.createRun({ kind: 'cycle', config: {}, seed: 1, target: 'embedded:base' });
      // Round 0 stored no figure (stopped before measuring); round 1 ASR 40%, round 2 ASR 10%.
      store.upsertRound(run.id, 0, { model: 'round-0', status: 'done', metrics: {} });
      store.upsertRound(run.id, 1, { model: 'round-1', status: 'done', metrics: { asr: 0.4 } });
      store.upsertRound(run.id, 2, { model: 'round-2', status: 'done', metrics: { asr: 0.1 } });
      // Round 2: one vulnerability, 1 success and 1 failure decided, 1 error: succ/att 1/2.
      const attempts = [
        attempt(run.id, 0, 'success'),
        attempt(run.id, 1, 'failure'),
        attempt(run.id, 2, 'error'),
      ];
      store.saveAttempts(attempts);
      store.saveVulnerabilities(run.id, 2, identifyVulnerabilities({ attempts, round: 2 }));
      const page = await renderHtml(collectReportData(store, run.id), { charts: [] });
      expect(page).toContain('<small>round 1: 40.0%</small>');
      expect(page).not.toContain('<small>round 0:');
      expect(page).toContain('<td class="num">1/2</td><td class="num">50.0% (n=2 err 1)</td>');
    } finally {
      store.close();
    }
  });

  it('gives no "round N" comparison when one round measured', async () => {
    const store = openStore(join(dir, 'single.db'));
    try {
      const run = store.createRun({ kind: 'cycle', config: {}, seed: 1, target: 'embedded:base' });
      store.upsertRound(run.id, 0, { model: 'round-0', status: 'done', metrics: { asr: 0.4 } });
      const page = await renderHtml(collectReportData(store, run.id), { charts: [] });
      expect(page).toContain('40.0%');
      expect(page).not.toMatch(/<small>round \d+:/);
    } finally {
      store.close();
    }
  });
});
