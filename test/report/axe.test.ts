// The HTML report and the viewer checked against WCAG 2.2 AA (and axe's best practices) by axe-core
// in headless Chromium: colour contrast, names, landmarks, heading order, table headers, focusable
// controls. The a11y audit of 7 December 2026 found 23 violations on the pages as they were (10
// contrast failures in the report, 12 in the viewer's views, one skipped heading level), each since
// fixed; this keeps them fixed. Every <details> is opened first: axe skips what is hidden, and the
// transcripts and chart tables live folded. A real SQLite store (the report fixture's cycle run), the
// viewer over real HTTP on 127.0.0.1.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { collectReportData, renderHtml } from '../../src/report/index.js';
import { hasChromium } from '../helpers/chromium.js';
import { fixtureInBrowser } from './browser-fixture.js';
import { RUN_ID } from './fixture.js';

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** axe's violations on the page as it stands, each as "rule: selector" so a failure names them. */
async function violations(page: Page): Promise<string[]> {
  await page.evaluate(() => {
    for (const d of Array.from(document.querySelectorAll('details'))) d.open = true;
  });
  await page.addScriptTag({ path: AXE_SOURCE });
  return page.evaluate(async (tags) => {
    type Result = { violations: { id: string; nodes: { target: string[] }[] }[] };
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<Result> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
  }, TAGS);
}

describe.skipIf(!hasChromium)('the report and the viewer under axe (WCAG 2.2 AA)', () => {
  const env = fixtureInBrowser({ bypassCSP: true });

  it('finds nothing in the HTML report', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bf-axe-')), 'report.html');
    writeFileSync(file, await renderHtml(collectReportData(env.fx.store, RUN_ID)));
    await env.page.goto(pathToFileURL(file).href);
    expect(await env.page.locator('figure.chart').count()).toBeGreaterThan(0);
    expect(await violations(env.page)).toEqual([]);
  });

  it('finds nothing in any of the viewer’s views, nor with an attempt or a vulnerability open', async () => {
    await env.page.goto(env.viewer.url);
    await env.page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
    const found: Record<string, string[]> = {};
    for (const tab of ['rounds', 'vulns', 'attempts', 'records']) {
      await env.page.click(`#tabs button[data-tab="${tab}"]`);
      await env.page.waitForSelector(`#tab-${tab}:not([hidden])`);
      found[tab] = await violations(env.page);
    }
    await env.page.click('#tabs button[data-tab="attempts"]');
    await env.page.locator('#attempts-table tr.attempt').first().click();
    await env.page.waitForSelector('#detail:not([hidden])');
    found['attempt open'] = await violations(env.page);
    await env.page.keyboard.press('Escape');
    await env.page.click('#tabs button[data-tab="vulns"]');
    await env.page.locator('#vulns-table tbody tr').first().click();
    await env.page.waitForSelector('#detail:not([hidden])');
    expect(await env.page.locator('#detail-title').textContent()).toMatch(/^vulnerability /);
    found['vulnerability open'] = await violations(env.page);
    expect(found).toEqual({
      rounds: [],
      vulns: [],
      attempts: [],
      records: [],
      'attempt open': [],
      'vulnerability open': [],
    });
  });
});
