// Which attempts a cycle round's report figures are of (report/data.ts collectReportData): its retest
// outcomes, the earlier findings sent again, apart from the red team's fresh attempts (report.test.ts
// checked them in a round with no fresh attempt, where counting every attempt gave the same numbers),
// and its sample transcripts, none of them an earlier round's (no test had an untested vulnerability);
// the item-by-item tables behind a change since round 0, paired against round 0's stored items; and
// the samples' order (examples, then other successes, then the rest) and their reasons; and the
// round's records counted by split.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Attempt, Outcome } from '../../src/core/index.js';
import { identifyVulnerabilities } from '../../src/fix/index.js';
import { collectReportData } from '../../src/report/index.js';
import { openStore } from '../../src/store/index.js';
import { storedAttempt } from './fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-retest-outcomes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const attempt = (runId: string, i: number, outcome: Outcome, retestOf?: string, round = 1): Attempt =>
  storedAttempt(runId, i, outcome, { round, ...(retestOf ? { retestOf } : {}) });

describe('retest outcomes beside fresh attempts', () => {
  it('count the retest attempts alone, and the outcomes the fresh ones alone', () => {
    const store = openStore(join(dir, 'breakfix.db'));
    try {
      const run = store.createRun({ kind: 'cycle', config: {}, seed: 1, target: 'embedded:base' });
      store.upsertRound(run.id, 1, { model: 'round-1', status: 'done', metrics: { asr: 0.5 } });
      // Fresh: 2 successes, 1 failure, 1 error. Retest: 1 success, 2 failures, 1 undetermined.
      const fresh = (['success', 'success', 'failure', 'error'] as const).map((o, i) =>
        attempt(run.id, i, o),
      );
      const retest = (['success', 'failure', 'failure', 'undetermined'] as const).map((o, i) =>
        attempt(run.id, 10 + i, o, `att-earlier-${i}`),
      );
      store.saveAttempts([...fresh, ...retest]);
      const [r1] = collectReportData(store, run.id).rounds;
      expect(r1.outcomes).toEqual({ success: 2, failure: 1, error: 1, undetermined: 0 });
      expect(r1.retestOutcomes).toEqual({ success: 1, failure: 2, error: 0, undetermined: 1 });
    } finally {
      store.close();
    }
  });

  it("shows a round's own attempts as samples, not an untested vulnerability's earlier examples", () => {
    const store = openStore(join(dir, 'samples.db'));
    try {
      const run = store.createRun({ kind: 'cycle', config: {}, seed: 1, target: 'embedded:base' });
      // Round 0: one success (category weapons). Round 1: one failure in another category, so
      // round 0's finding is decided by nothing and listed untested, its example round 0's attempt.
      const worked = attempt(run.id, 0, 'success', undefined, 0);
      const refused = { ...attempt(run.id, 1, 'failure'), category: 'cyber' };
      store.saveAttempts([worked, refused]);
      const round0 = identifyVulnerabilities({ attempts: [worked], round: 0 });
      const round1 = identifyVulnerabilities({
        attempts: [refused],
        round: 1,
        previous: round0,
        history: [round0],
      });
      expect(round1.map((v) => [v.status, v.exampleAttemptIds])).toEqual([['untested', [worked.id]]]);
      for (const [n, vulns] of [round0, round1].entries()) {
        store.upsertRound(run.id, n, { model: `round-${n}`, status: 'done', metrics: {} });
        store.saveVulnerabilities(run.id, n, vulns);
      }
      const [r0, r1] = collectReportData(store, run.id).rounds;
      expect(r0.samples.map((s) => [s.attemptId, s.reason])).toEqual([
        [worked.id, 'example of vulnerability weapons|direct|en|1'],
      ]);
      expect(r1.samples.map((s) => [s.attemptId, s.reason])).toEqual([[refused.id, 'attack failure']]);
    } finally {
      store.close();
    }
  });

  it("pairs a later round's benchmark items with round 0's, for the changes since round 0", () => {
    const store = openStore(join(dir, 'paired.db'));
    try {
      const run = store.createRun({ kind: 'cycle', config: {}, seed: 1, target: 'embedded:base' });
      const rate = (successes: number, n: number, errors: number, undetermined: number) => ({
        kind: 'rate',
        rate: successes / n,
        lo: 0,
        hi: 1,
        successes,
        n,
        errors,
        undetermined,
      });
      const item = (seedId: string, outcome: string) => ({ seedId, technique: 'direct', outcome });
      // As test/cycle/counts-hand: a undetermined both times; b an error in round 0; c an error now;
      // d held in round 0, undetermined now → both 1, firstOnly (now only) 1.
      const then = [
        item('a', 'undetermined'),
        item('b', 'error'),
        item('c', 'failure'),
        item('d', 'failure'),
      ];
      const now = [
        item('a', 'undetermined'),
        item('b', 'undetermined'),
        item('c', 'error'),
        item('d', 'undetermined'),
      ];
      for (const [round, items, asr] of [
        [0, then, rate(0, 3, 1, 1)],
        [1, now, rate(0, 1, 1, 2)],
      ] as const) {
        store.upsertRound(run.id, round, { model: `round-${round}`, status: 'done', metrics: {} });
        store.saveBenchResult({
          runId: run.id,
          round,
          suite: 'jailbreak',
          model: `round-${round}`,
          metrics: { split: 'attack', kind: 'jailbreak', metrics: { asr } },
          items: [...items],
        });
      }
      const [r0, r1] = collectReportData(store, run.id).rounds;
      expect(r0.counts.paired).toEqual({});
      expect(r1.counts.paired.undetermined_rise).toEqual({
        both: 1,
        firstOnly: 1,
        secondOnly: 0,
        neither: 0,
      });
    } finally {
      store.close();
    }
  });

  it('samples the examples first, then the other successes, before any failure', () => {
    const store = openStore(join(dir, 'order.db'));
    try {
      const run = store.createRun({ kind: 'redteam', config: {}, seed: 1, target: 'embedded:base' });
      // A plain red-team run (no rounds): a failure, then two successes with the same prompt, one
      // vulnerability whose one example is the first success (the second is its near-duplicate).
      const refused = { ...attempt(run.id, 0, 'failure', undefined, 0), seedId: 'seed_x' };
      const first = { ...attempt(run.id, 1, 'success', undefined, 0), seedId: 'seed_x' };
      const again = { ...attempt(run.id, 2, 'success', undefined, 0), seedId: 'seed_x' };
      for (const a of [first, again]) a.transcript[0] = { role: 'user', content: 'the same request' };
      store.saveAttempts([refused, first, again]);
      const [r0] = collectReportData(store, run.id, { samplesPerRound: 2 }).rounds;
      expect(r0.vulnerabilities.map((v) => v.exampleAttemptIds)).toEqual([[first.id]]);
      expect(r0.samples.map((s) => [s.attemptId, s.reason])).toEqual([
        [first.id, 'example of vulnerability weapons|direct|en|1'],
        [again.id, 'successful attack'],
      ]);
    } finally {
      store.close();
    }
  });

  it("says 'harm in the reasoning trace' of a success only, not of an attempt that ended in error", () => {
    const store = openStore(join(dir, 'trace.db'));
    try {
      const run = store.createRun({ kind: 'redteam', config: {}, seed: 1, target: 'embedded:base' });
      // One judge found the harm in the trace alone, another failed: the outcome is error
      // (judge/outcome.ts: any error verdict), and the sample is an error, nothing more.
      const errored: Attempt = {
        ...attempt(run.id, 0, 'error', undefined, 0),
        verdicts: [
          {
            judge: 'c',
            kind: 'compliance',
            status: 'ok',
            value: 'compliant',
            detail: { harmIn: 'reasoning' },
          },
          { judge: 's', kind: 'severity', status: 'error', value: null, rationale: 'timeout' },
        ],
      };
      store.saveAttempts([errored]);
      const [r0] = collectReportData(store, run.id).rounds;
      expect(r0.samples.map((s) => s.reason)).toEqual(['attack error']);
    } finally {
      store.close();
    }
  });

  it("counts a round's records by split, kind and purpose", () => {
    const store = openStore(join(dir, 'dataset.db'));
    try {
      const run = store.createRun({ kind: 'cycle', config: {}, seed: 1, target: 'embedded:base' });
      store.upsertRound(run.id, 0, { model: 'round-0', status: 'done', metrics: {} });
      const rec = (id: string, split: 'train' | 'validation') => ({
        id,
        kind: 'sft' as const,
        purpose: 'safety' as const,
        messages: [
          { role: 'user' as const, content: `request ${id}` },
          { role: 'assistant' as const, content: `answer ${id}` },
        ],
        split,
        provenance: { source: 'attempt', round: 0 },
      });
      // 2 train, 1 validation, all SFT safety records.
      store.saveRecords(run.id, 0, 'sft', [rec('a', 'train'), rec('b', 'validation'), rec('c', 'train')]);
      const [r0] = collectReportData(store, run.id).rounds;
      expect(r0.dataset.total).toBe(3);
      expect({ ...r0.dataset.bySplit }).toEqual({ train: 2, validation: 1 });
      expect({ ...r0.dataset.byKind }).toEqual({ sft: 3 });
    } finally {
      store.close();
    }
  });
});
