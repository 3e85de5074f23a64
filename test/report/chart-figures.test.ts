// Every chart's figures as text beside it: the viewer draws a chart as an <img>, whose marks and their
// descriptions (what each rate is over) no screen reader reaches, and a static SVG's descriptions are
// read by no one who looks at it. The report and the viewer fold a table of the chart's marks under it,
// one row per mark, each with what its description says. A real SQLite store (the report fixture's
// three-round cycle run, a hostile category name among its slices), the viewer over real HTTP, and
// the page in headless Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectReportData, renderHtml, startViewer, type Viewer } from '../../src/report/index.js';
import { hasChromium, launchChromium } from '../helpers/chromium.js';
import { buildFixtureStore, type Fixture, HOSTILE_CATEGORY, RUN_ID } from './fixture.js';

const fromEntities = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&');

/** The report's figures, by chart id: the SVG's mark descriptions (those that carry counts), and the
 * rows of the table folded under it, each as the description its cells make (column: cell; …). */
function reportFigures(html: string) {
  const out = new Map<string, { marks: string[]; rows: string[][]; described: string[] }>();
  for (const m of html.matchAll(/<figure class="chart" id="chart-([^"]+)">([\s\S]*?)<\/figure>/g)) {
    const [, id, body] = m;
    const marks = [...body.matchAll(/aria-label="([^"]*counts: [^"]*)"/g)].map((x) => fromEntities(x[1]));
    const table = /<details class="chart-figures">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? '';
    const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
      [...r[1].matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => fromEntities(c[1])),
    );
    const head = [
      ...(/<details class="chart-figures">[\s\S]*?<thead>([\s\S]*?)<\/thead>/
        .exec(body)?.[1]
        .matchAll(/<th scope="col">([\s\S]*?)<\/th>/g) ?? []),
    ].map((h) => fromEntities(h[1]));
    const described = rows.map((r) => r.map((c, j) => `${head[j]}: ${c}`).join('; '));
    out.set(id, { marks, rows, described });
  }
  return out;
}

describe("the charts' figures as text", () => {
  let fx: Fixture;
  let viewer: Viewer;
  beforeAll(async () => {
    fx = buildFixtureStore();
    viewer = await startViewer({ store: fx.store, port: 0 });
  });
  afterAll(async () => {
    await viewer?.close();
    fx?.store.close();
  });

  it('the report folds a table under each chart, one row per mark, each saying what its description says', async () => {
    const html = await renderHtml(collectReportData(fx.store, RUN_ID));
    const charts = reportFigures(html);
    expect([...charts.keys()]).toEqual(
      expect.arrayContaining(['headline', 'refusal', 'asr-by-category', 'asr-by-technique', 'heatmap-0']),
    );
    for (const [id, { marks, rows, described }] of charts) {
      expect(rows.length, id).toBeGreaterThan(0);
      // One row per mark, the same words: a screen reader on the SVG hears what the table says. (Vega
      // draws a line's points twice, the line's and the points' own marks: a set.)
      expect(new Set(described), id).toEqual(new Set(marks));
      expect(described.length, id).toBe(new Set(marks).size);
    }
    expect(charts.get('headline')?.rows).toContainEqual(['ASR (red team)', '0', '60.0%', 'n=6 err 1 und 1']);
    // A rate as the rounds table writes it, in the table and read aloud: DR-3's 0.5% of round 2 was
    // "rate: 1%" in its point's description, a bar's 0.4% would have been "ASR: 0%".
    expect(charts.get('headline')?.marks).toContain(
      'metric: DR-3; round: 2; rate: 0.5%; counts: n=20 err 1 und 2',
    );
    // (its header cells are column headers)
    expect(html).toContain(
      '<thead><tr><th scope="col">metric</th><th scope="col">round</th><th scope="col">rate</th><th scope="col">counts</th></tr></thead>',
    );
    // A hostile category name is text in the table, as everywhere else.
    const hostile = [...charts.values()].flatMap((c) => c.rows).filter((r) => r.includes(HOSTILE_CATEGORY));
    expect(hostile.length).toBeGreaterThan(0);
    expect(html).not.toContain(`<td>${HOSTILE_CATEGORY}</td>`);
  });

  it("the viewer's chart list carries each chart's table", async () => {
    const res = await fetch(`${viewer.url}api/runs/${RUN_ID}/charts`);
    const list = (await res.json()) as { id: string; table: { head: string[]; rows: string[][] } }[];
    const headline = list.find((c) => c.id === 'headline');
    expect(headline?.table.head).toEqual(['metric', 'round', 'rate', 'counts']);
    expect(headline?.table.rows).toContainEqual(['ASR (red team)', '0', '60.0%', 'n=6 err 1 und 1']);
    for (const c of list) expect(c.table.rows.length, c.id).toBeGreaterThan(0);
  });

  it.skipIf(!hasChromium)(
    "in the viewer page a screen reader reaches each chart's figures: the image says where they are, the table holds them",
    async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(viewer.url);
        await page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
        await page.waitForSelector('#charts figure.chart');
        const figures = page.locator('#charts figure.chart');
        const n = await figures.count();
        expect(n).toBeGreaterThan(4);
        for (let i = 0; i < n; i++) {
          const fig = figures.nth(i);
          const title = (await fig.locator('figcaption b').textContent()) ?? '';
          expect(await fig.locator('img').getAttribute('alt')).toBe(
            `${title}: chart; its figures follow as a table`,
          );
          // (opened by keyboard, as a screen reader user would: the summary takes Enter)
          await fig.locator('details.chart-figures summary').focus();
          await page.keyboard.press('Enter');
          expect(await fig.locator('details.chart-figures table tbody tr').count()).toBeGreaterThan(0);
        }
        const tree = await page.locator('#charts figure[data-chart="headline"]').ariaSnapshot();
        expect(tree).toMatch(/columnheader "counts"/);
        expect(tree).toMatch(/row "ASR \(red team\) 0 60\.0% n=6 err 1 und 1"/);
      } finally {
        await browser.close();
      }
    },
  );
});
