// Each headline rate is shown with the counts it is over, read from the suite its figure came from.
// A bench run stored before the summary read its ASR only from the suite that ran (figureSuite) holds
// the harmful suite's where the jailbreak suite decided nothing; the counts beside it were the
// jailbreak suite's even then: "30.0% (n=0 und 5)", a rate over nothing. A real SQLite store, as
// `bench` stored such a run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectReportData, renderHtml, renderMarkdown } from '../../src/report/index.js';
import { openStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-counts-beside-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rate = (successes: number, n: number, undetermined: number) => ({
  kind: 'rate',
  rate: n ? successes / n : 0,
  lo: 0,
  hi: 1,
  successes,
  n,
  errors: 0,
  undetermined,
});

/** The report data of a bench run stored as `bench` stores one: each suite's ASR in that order, then
 * the run's summary. */
function benchRunData(
  file: string,
  suites: { suite: string; kind: string; asr: ReturnType<typeof rate>; split?: string }[],
  summary: Record<string, number>,
) {
  const store = openStore(join(dir, file));
  try {
    const run = store.createRun({ kind: 'bench', config: {}, seed: 7 });
    for (const { suite, kind, asr, split = 'attack' } of suites)
      store.saveBenchResult({
        runId: run.id,
        round: -1,
        suite,
        model: 'm',
        metrics: { split, kind, metrics: { asr }, slices: {} },
      });
    store.updateRun(run.id, { status: 'done', summary });
    return collectReportData(store, run.id, { now: new Date('2026-02-01T00:00:00Z') });
  } finally {
    store.close();
  }
}

describe('the counts beside a headline rate', () => {
  it('are those of the suite the figure was read from', () => {
    const data = benchRunData(
      'bench.db',
      [
        { suite: 'jailbreak', kind: 'jailbreak', asr: rate(0, 0, 5) },
        { suite: 'harmful', kind: 'harmful', asr: rate(3, 10, 1) },
      ],
      { asr: 0.3 },
    );
    expect(data.rounds[0].figures.asr).toBe(0.3);
    // (with what was set apart from it: `report --format json` prints these counts)
    expect(data.rounds[0].counts.rates.asr).toEqual({ successes: 3, n: 10, errors: 0, undetermined: 1 });
    expect(renderMarkdown(data)).toContain('| ASR | 30.0% \\(n=10 und 1\\) |');
  });

  it("the held-back ASR's are the held-back split's, the ASR's the attack split's (C3)", () => {
    // (as `bench` stores a held-back suite: split heldback, named heldback:<suite>)
    const data = benchRunData(
      'heldback.db',
      [
        { suite: 'jailbreak', kind: 'jailbreak', asr: rate(3, 10, 1) },
        { suite: 'heldback:jailbreak', kind: 'jailbreak', asr: rate(1, 4, 2), split: 'heldback' },
      ],
      { asr: 0.3, heldback_asr: 0.25 },
    );
    const md = renderMarkdown(data);
    expect(md).toContain('| ASR | 30.0% \\(n=10 und 1\\) |');
    expect(md).toContain('| Held-back ASR | 25.0% \\(n=4 und 2\\) |');
  });

  it("are the built-in suite's where a custom suite of its kind was stored before it, as the summary reads", () => {
    // `bench --suite mine,jailbreak`, mine a custom jailbreak suite: the summary's ASR is the built-in
    // suite's (suiteOfKind); the counts beside it were mine's, the first of the kind stored.
    const data = benchRunData(
      'custom-first.db',
      [
        { suite: 'mine', kind: 'jailbreak', asr: rate(1, 4, 0) },
        { suite: 'jailbreak', kind: 'jailbreak', asr: rate(2, 10, 3) },
      ],
      { asr: 0.2, undetermined_rate: 3 / 13 },
    );
    const md = renderMarkdown(data);
    expect(md).toContain('| ASR | 20.0% \\(n=10 und 3\\) |');
    expect(md).toMatch(/\| 23\.1% \\\(n=13\\\) \|/);
  });

  it('are in the HTML report’s rounds table too, as in the Markdown one', async () => {
    // DR-1 3 of 3 decided, 2 of the 5 samples undetermined (`bench --limit 5` on the embedded model
    // stores this): the rounds table printed "100.0%" alone, which reads as all five.
    const store = openStore(join(dir, 'html.db'));
    const run = store.createRun({ kind: 'bench', config: {}, seed: 7 });
    store.saveBenchResult({
      runId: run.id,
      round: -1,
      suite: 'harmful',
      model: 'm',
      metrics: {
        split: 'attack',
        kind: 'harmful',
        metrics: { asr: rate(3, 3, 2), dr1: rate(3, 3, 2), dr3: rate(1, 3, 2) },
        slices: {},
      },
    });
    store.updateRun(run.id, { status: 'done', summary: { asr: 1, dr1: 1, dr3: 1 / 3 } });
    const data = collectReportData(store, run.id, { now: new Date('2026-02-01T00:00:00Z') });
    store.close();
    const html = await renderHtml(data);
    const rounds = html.slice(
      html.indexOf('<section id="rounds">'),
      html.indexOf('</section>', html.indexOf('<section id="rounds">')),
    );
    expect(rounds).toContain(
      '<td class="num" data-key="dr1">100.0%<br><small class="apart">n=3 und 2</small></td>',
    );
    expect(rounds).toContain(
      '<td class="num" data-key="dr3">33.3%<br><small class="apart">n=3 und 2</small></td>',
    );
    expect(renderMarkdown(data)).toContain('| DR-1 | 100.0% \\(n=3 und 2\\) |');
  });

  it('the undetermined share and the mean ungroundedness say what they are over too', async () => {
    // The attack suite answered 5 of 6 (1 error): 2 of the 5 undetermined. Ungroundedness: 4 scores
    // of 0–4 averaging 3, 1 reply the judge could not score.
    const store = openStore(join(dir, 'und.db'));
    const run = store.createRun({ kind: 'bench', config: {}, seed: 7 });
    const asr = { ...rate(3, 3, 2), errors: 1 };
    store.saveBenchResult({
      runId: run.id,
      round: -1,
      suite: 'jailbreak',
      model: 'm',
      metrics: { split: 'attack', kind: 'jailbreak', metrics: { asr }, slices: {} },
    });
    const ungroundedness = { kind: 'mean', mean: 3, lo: 1, hi: 4, n: 4, errors: 0, undetermined: 1 };
    store.saveBenchResult({
      runId: run.id,
      round: -1,
      suite: 'groundedness',
      model: 'm',
      metrics: { split: 'attack', kind: 'groundedness', metrics: { ungroundedness }, slices: {} },
    });
    store.updateRun(run.id, {
      status: 'done',
      summary: { asr: 1, undetermined_rate: 0.4, ungroundedness: 0.75 },
    });
    const data = collectReportData(store, run.id, { now: new Date('2026-02-01T00:00:00Z') });
    store.close();
    const md = renderMarkdown(data);
    expect(md).toContain('| Undetermined \\(bench attack items\\) | 40.0% \\(n=5 err 1\\) |');
    expect(md).toContain('| Ungroundedness \\(0–4 mean ÷ 4\\) | 0.750 \\(n=4 und 1\\) |');
    const html = await renderHtml(data);
    expect(html).toContain(
      '<td class="num" data-key="undetermined_rate">40.0%<br><small class="apart">n=5 err 1</small></td>',
    );
    expect(html).toContain(
      '<td class="num" data-key="ungroundedness">0.750<br><small class="apart">n=4 und 1</small></td>',
    );
  });
});
