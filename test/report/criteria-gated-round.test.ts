// The round a report checks the release criteria on when the cycle named no release (report/criteria.ts
// gatedRound): the last round that has a figure, not a round that was started and measured nothing
// yet. A real SQLite store; every test's last round had figures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  collectReportData,
  evaluateRules,
  parseFailOn,
  renderHtml,
  renderMarkdown,
} from '../../src/report/index.js';
import { openStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'criteria-gated-round-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('criteria: the round checked', () => {
  it('is the last round with a figure when the last round has none', () => {
    const store = openStore(join(dir, 'breakfix.db'));
    try {
      const run = store.createRun({ kind: 'cycle', config: {}, seed: 1 });
      store.upsertRound(run.id, 0, { model: 'round-0', status: 'done', metrics: { asr: 0.3 } });
      store.upsertRound(run.id, 1, { model: 'round-1', status: 'done', metrics: { asr: 0.01 } });
      store.upsertRound(run.id, 2, { model: 'round-2', status: 'running', metrics: {} });
      store.updateRun(run.id, { status: 'done', summary: {} });
      const data = collectReportData(store, run.id);
      expect(data.rounds.map((r) => r.round)).toEqual([0, 1, 2]);
      const [asr] = evaluateRules(data, parseFailOn('asr>0.02'));
      // asr 0.01 in round 1 does not cross 0.02: the rule passes there.
      expect([asr.metric, asr.round, asr.value, asr.pass]).toEqual(['asr', 1, 0.01, true]);
    } finally {
      store.close();
    }
  });

  it("is the release candidate named by the cycle, and the counts beside its figure are that round's (C5)", async () => {
    const store = openStore(join(dir, 'release.db'));
    try {
      const run = store.createRun({ kind: 'cycle', config: {}, seed: 1 });
      store.upsertRound(run.id, 0, { model: 'round-0', status: 'done', metrics: { asr: 0.3 } });
      // round 1: 2 successes of 8 decided, 1 in error, 1 undetermined; round 2: 2 of 4, 2 undetermined
      const counted = (asr: number, attempts: number, errors: number, undetermined: number) => ({
        asr,
        attempts,
        errors,
        undetermined,
      });
      store.upsertRound(run.id, 1, { model: 'round-1', status: 'done', metrics: counted(0.25, 10, 1, 1) });
      store.upsertRound(run.id, 2, { model: 'round-2', status: 'done', metrics: counted(0.5, 6, 0, 2) });
      store.updateRun(run.id, { status: 'done', summary: { release: { round: 1, criteria_met: true } } });
      const data = collectReportData(store, run.id);
      const criteria = evaluateRules(data, parseFailOn('asr>0.4'));
      expect(criteria.map((c) => [c.rule, c.round, c.value, c.pass])).toContainEqual([
        'asr>0.4',
        1,
        0.25,
        true,
      ]);
      expect(renderMarkdown(data, criteria)).toContain('| `asr>0.4` | 25.0% \\(n=8 err 1 und 1\\) |');
      expect(await renderHtml(data, { criteria, charts: [] })).toContain(
        '<td class="num">25.0%<br><small class="apart">n=8 err 1 und 1</small></td>',
      );
    } finally {
      store.close();
    }
  });
});
