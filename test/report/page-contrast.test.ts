// What the HTML report and the viewer show in colour reads against its background (WCAG 2 AA: 4.5:1
// for text this size): the outcome and status badges (white on green read 3.3:1, on amber 3.2:1; the
// viewer's error badge red on black 3.9:1) and a criterion's pass/fail. And their tables are headed
// both ways where a cell needs both to be read: the rounds table's figure names are row headers,
// every header of the report's tables is scoped. A real SQLite store (the report fixture's cycle run,
// every outcome and status among it), the report as a file and the viewer over real HTTP, both in
// headless Chromium, the colours as the browser computes them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { collectReportData, evaluateRules, parseFailOn, renderHtml } from '../../src/report/index.js';
import { hasChromium } from '../helpers/chromium.js';
import { fixtureInBrowser } from './browser-fixture.js';
import { RUN_ID } from './fixture.js';

/** Every vulnerability status and attempt outcome, each a badge of its own colour. */
const STATES = ['new', 'persisting', 'fixed', 'regressed', 'success', 'failure', 'error', 'undetermined'];

/** Each element matching `selector`: its text, and the contrast of its colour against its own
 * background or, where that is transparent, the nearest ancestor's (WCAG 2 relative luminance). */
function contrasts(page: Page, selector: string) {
  return page.evaluate((sel) => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    return Array.from(document.querySelectorAll(sel)).map((el) => {
      const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
      return { text: el.textContent, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
    });
  }, selector);
}

describe.skipIf(!hasChromium)('colours and table headers of the report and the viewer', () => {
  const env = fixtureInBrowser();

  it("the report's badges and criteria results read at 4.5:1 at least", async () => {
    const data = collectReportData(env.fx.store, RUN_ID);
    // (one that passes, one that fails)
    const criteria = evaluateRules(data, parseFailOn('asr>0.5,asr>0.001'));
    expect(new Set(criteria.map((c) => c.pass))).toEqual(new Set([true, false]));
    const html = await renderHtml(data, { criteria });
    const file = join(mkdtempSync(join(tmpdir(), 'bf-contrast-')), 'report.html');
    writeFileSync(file, html);
    await env.page.goto(`file://${file}`);
    await env.page.evaluate((all) => {
      for (const d of Array.from(document.querySelectorAll('details'))) d.open = true;
      // (the sampled transcripts hold no error or undetermined one: a badge of each, as the report
      // writes one, in a transcript's summary, coloured by the page's own style)
      const summary = document.querySelector('details.transcript summary');
      for (const o of all) summary?.insertAdjacentHTML('beforeend', ` <span class="badge ${o}">${o}</span>`);
    }, STATES);
    const badges = await contrasts(env.page, '.badge');
    expect(new Set(badges.map((b) => b.text))).toEqual(new Set(STATES));
    for (const b of badges) expect(b.ratio, b.text ?? '').toBeGreaterThanOrEqual(4.5);
    const results = await contrasts(env.page, 'table.criteria tr > td:last-child');
    expect(results.length).toBe(criteria.length);
    for (const r of results) expect(r.ratio, r.text ?? '').toBeGreaterThanOrEqual(4.5);
  });

  it("the viewer's badges read at 4.5:1 at least", async () => {
    await env.page.goto(env.viewer.url);
    await env.page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
    const seen = new Set<string>();
    for (const tab of ['vulns', 'attempts']) {
      await env.page.click(`#tabs button[data-tab="${tab}"]`);
      for (const b of await contrasts(env.page, `#tab-${tab} .badge`)) {
        seen.add(b.text ?? '');
        expect(b.ratio, b.text ?? '').toBeGreaterThanOrEqual(4.5);
      }
    }
    expect(seen).toEqual(new Set(STATES));
  });

  it("the report's table headers are scoped, and the rounds table's rows headed by their figure", async () => {
    const html = await renderHtml(collectReportData(env.fx.store, RUN_ID));
    expect(html).not.toMatch(/<th>/);
    expect(html.match(/<th scope="col">/g)?.length).toBeGreaterThan(20);
    const rounds = /<table class="rounds">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    const body = rounds.slice(rounds.indexOf('<tbody>'));
    // every row of the rounds table starts with its header, then its rounds' cells
    const rows = [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]);
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) expect(r).toMatch(/^<th scope="row">[^<]+<\/th>(<td[ >])/);
    expect(body).toContain('<th scope="row">ASR</th>');
  });

  it("the viewer's rounds table: a cell is named by its round and its figure", async () => {
    await env.page.goto(env.viewer.url);
    await env.page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
    const tree = await env.page.locator('#rounds-table').ariaSnapshot();
    expect(tree).toMatch(/columnheader "round 0"/);
    expect(tree).toMatch(/rowheader "ASR"/);
    expect(await env.page.locator('#rounds-table thead th[scope="col"]').count()).toBe(4);
    // (headings go down one level at a time: h1, then h2 in the rounds view)
    const levels = await env.page.evaluate(() =>
      Array.from(document.querySelectorAll('h1, h2, h3, h4'))
        .filter((h) => (h as HTMLElement).offsetParent !== null)
        .map((h) => Number(h.tagName[1])),
    );
    expect(levels[0]).toBe(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i] - levels[i - 1]).toBeLessThanOrEqual(1);
  });
});
