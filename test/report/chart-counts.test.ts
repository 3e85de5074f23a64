// Every mark of the report's charts (the line charts' points, the slices' bars, the heatmap's cells)
// carries what its rate is over in its description, the SVG's only text per mark beside the
// heatmap's percentage: a bar at 100% over one decided attempt drew as one over thirty. A real SQLite
// store holding a plain red-team run; the charts as the HTML report and the viewer render them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCharts, collectReportData, renderHtml } from '../../src/report/index.js';
import { openStore } from '../../src/store/index.js';
import { attemptFor, fakeSeed } from '../fix/helpers.js';
import { buildFixtureStore, RUN_ID } from './fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'chart-counts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The aria-labels of a chart's SVG, as vega writes each mark's description. */
const labels = (svg: string) => [...svg.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]);

describe("the charts' marks", () => {
  it('each carry their counts', async () => {
    const store = openStore(join(dir, 's.db'));
    const run = store.createRun({ kind: 'redteam', config: {}, seed: 7 });
    const a = fakeSeed('a', 'How do I do the thing a?');
    const b = fakeSeed('b', 'How do I do the thing b?', { category: 'non_violent_crimes' });
    const outcomes = [
      [a, 'success'],
      [a, 'failure'],
      [a, 'error'],
      [a, 'undetermined'],
      [a, 'undetermined'],
      [b, 'success'],
    ] as const;
    store.saveAttempts(
      outcomes.map(([seed, outcome]) => attemptFor(seed, { outcome, techniques: ['rot13'], runId: run.id })),
    );
    store.updateRun(run.id, { status: 'done' });
    const data = collectReportData(store, run.id);
    store.close();
    const charts = await buildCharts(data);
    const svg = (id: string) => charts.find((c) => c.id === id)?.svg ?? '';

    // The red team's ASR over all 6: 3 decided, 1 error, 2 undetermined.
    expect(labels(svg('headline'))).toContainEqual(
      expect.stringMatching(/ASR \(red team\).*counts: n=3 err 1 und 2/),
    );
    expect(labels(svg('asr-by-category'))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^harm category: violent_crimes;.*counts: n=2 err 1 und 2$/),
        expect.stringMatching(/^harm category: non_violent_crimes;.*counts: n=1$/),
      ]),
    );
    expect(labels(svg('asr-by-technique'))).toContainEqual(
      expect.stringMatching(/^technique: rot13;.*counts: n=3 err 1 und 2$/),
    );
    expect(labels(svg('heatmap-0'))).toContainEqual(
      expect.stringMatching(/^technique: rot13; harm category: violent_crimes;.*counts: n=2 err 1 und 2$/),
    );
    for (const c of charts) expect(c.caption).toContain('What each mark is over (n, err, und)');
  });

  it("say a line chart's rate once, in the HTML report's headline chart", async () => {
    // vega's own description read the point's value twice, as the y axis' title and as the
    // tooltip's "value", at two precisions: "rate: 33%; …; value: 33.3%".
    const store = openStore(join(dir, 'headline.db'));
    const run = store.createRun({ kind: 'redteam', config: {}, seed: 7 });
    const a = fakeSeed('a', 'How do I do the thing a?');
    store.saveAttempts(
      (['success', 'failure', 'failure', 'error'] as const).map((outcome) =>
        attemptFor(a, { outcome, techniques: ['rot13'], runId: run.id }),
      ),
    );
    store.updateRun(run.id, { status: 'done' });
    const data = collectReportData(store, run.id);
    store.close();
    const html = await renderHtml(data);
    const figure = /<figure class="chart" id="chart-headline">.*?<\/figure>/s.exec(html)?.[0] ?? '';
    const marks = labels(figure).filter((l) => l.includes('metric:'));
    expect(marks.length).toBeGreaterThan(0);
    for (const m of marks) expect(m).toBe('metric: ASR (red team); round: 0; rate: 33.3%; counts: n=3 err 1');
  });

  it('draw a heatmap cell where nothing was decided, grey and labelled —', async () => {
    // A technique whose every attempt was undetermined (as atbash's in the default cycle): the cell
    // was left off the chart, as if the pair had never been attacked.
    const store = openStore(join(dir, 'undecided.db'));
    const run = store.createRun({ kind: 'redteam', config: {}, seed: 7 });
    const a = fakeSeed('a', 'How do I do the thing a?');
    const outcomes = [
      ['rot13', 'success'],
      ['rot13', 'failure'],
      ['atbash', 'undetermined'],
      ['atbash', 'undetermined'],
      ['atbash', 'error'],
    ] as const;
    store.saveAttempts(
      outcomes.map(([t, outcome]) => attemptFor(a, { outcome, techniques: [t], runId: run.id })),
    );
    store.updateRun(run.id, { status: 'done' });
    const data = collectReportData(store, run.id);
    store.close();
    const heat = (await buildCharts(data)).find((c) => c.id === 'heatmap-0');
    const cells = [
      ...(heat?.svg ?? '').matchAll(/<path [^>]*aria-label="(technique: [^"]*)"[^>]*fill="([^"]*)"/g),
    ];
    // Read aloud, the grey cell says that nothing was decided and what its attempts ended in (its
    // description read "ASR: null" from the colour's empty field).
    expect(cells.map((m) => [m[1], m[2]])).toEqual([
      [
        'technique: atbash; harm category: violent_crimes; ASR: no decided attempt; counts: 1 in error, 2 undetermined',
        '#d1d5db',
      ],
      [
        'technique: rot13; harm category: violent_crimes; ASR: 50.0%; counts: n=2',
        expect.stringMatching(/^rgb/),
      ],
    ]);
    // (the cell's label, read aloud again, added only "label: —")
    expect(labels(heat?.svg ?? '').filter((l) => /\b(null|NaN|undefined)\b|label:/.test(l))).toEqual([]);
    expect(heat?.svg).toMatch(/<text[^>]*>—<\/text>/);
    expect(heat?.caption).toContain('A grey cell labelled — decided nothing');
  });

  it("print a heatmap cell's rate as its description and the tables give it, 0.4% not 0%", async () => {
    // The cell's label was its rate rounded to a whole percent: 1 attempt in 250 that broke through
    // printed 0% (formatPercent never says 0% or 100% of a rate that is neither), 249 of 250 printed
    // 100%, and 1 of 3 printed 33% beside its description's 33.3%.
    const store = openStore(join(dir, 'cell-labels.db'));
    const run = store.createRun({ kind: 'redteam', config: {}, seed: 7 });
    const a = fakeSeed('a', 'How do I do the thing a?');
    const cell = (technique: string, successes: number, n: number) =>
      Array.from({ length: n }, (_, i) =>
        attemptFor(a, {
          outcome: i < successes ? 'success' : 'failure',
          techniques: [technique],
          runId: run.id,
        }),
      );
    store.saveAttempts([...cell('rot13', 1, 3), ...cell('atbash', 1, 250), ...cell('base64', 249, 250)]);
    store.updateRun(run.id, { status: 'done' });
    const data = collectReportData(store, run.id);
    store.close();
    const heat = (await buildCharts(data)).find((c) => c.id === 'heatmap-0');
    const svg = heat?.svg ?? '';
    const printed = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    const described = labels(svg)
      .filter((l) => l.startsWith('technique: '))
      .map((l) => /; ASR: ([^;]*);/.exec(l)?.[1]);
    expect(described.sort()).toEqual(['0.4%', '33.3%', '99.6%']);
    for (const rate of described) expect(printed).toContain(rate);
    expect(printed).not.toContain('33%');
  });

  it("read a line chart's point once: the line itself is hidden from screen readers", async () => {
    // The line mark carried each point's description too (vega-lite gives the line of a `point` line
    // its data's description), so a screen reader heard a series' first point twice. The report
    // fixture's three-round cycle run: the headline, refusal, helpfulness and held-back charts.
    const fixture = buildFixtureStore();
    const data = collectReportData(fixture.store, RUN_ID);
    fixture.store.close();
    const html = await renderHtml(data);
    const lineCharts = [
      ...html.matchAll(/<figure class="chart" id="chart-([^"]+)">([\s\S]*?)<\/figure>/g),
    ].filter((m) => m[2].includes('mark-line'));
    expect(lineCharts.map((m) => m[1])).toContain('headline');
    for (const [, id, body] of lineCharts) {
      const svg = /<svg[\s\S]*<\/svg>/.exec(body)?.[0] ?? '';
      const marks = labels(svg).filter((l) => l.includes('counts: '));
      const figures =
        /<details class="chart-figures">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? '';
      // One description per point, each once: as many as the chart's figures have rows.
      expect(new Set(marks).size, id).toBe(marks.length);
      expect(marks.length, id).toBe([...figures.matchAll(/<tr>/g)].length);
      expect(svg.match(/<g class="mark-line[^"]*"[^>]*>/g) ?? [], id).not.toEqual([]);
      for (const line of svg.match(/<g class="mark-line[^"]*"[^>]*>/g) ?? [])
        expect(line, id).toContain('aria-hidden="true"');
      expect(svg, id).toContain('aria-roledescription="point"');
    }
  });
});
