// The viewer by keyboard alone: the views, the rows that open an attempt, a vulnerability or a record,
// the "from attempt" link of a record and the details' close all take Tab and Enter (or Escape), the
// details take the focus as they open and give it back as they close, and where the focus is shows.
// A real SQLite store (the report fixture's cycle run), the viewer over real HTTP, headless Chromium.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewer, type Viewer } from '../../src/report/index.js';
import { hasChromium, launchChromium } from '../helpers/chromium.js';
import { buildFixtureStore, type Fixture } from './fixture.js';

/** Presses Tab until the focused element matches `selector`; fails after `max` presses. */
async function tabTo(page: Page, selector: string, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`${max} presses of Tab never reached ${selector}`);
}

const focused = (page: Page) =>
  page.evaluate(() => {
    const a = document.activeElement as HTMLElement;
    const s = getComputedStyle(a);
    return {
      id: a.id,
      attempt: a.dataset.attempt,
      vuln: a.dataset.vuln,
      outline: `${s.outlineStyle} ${s.outlineWidth}`,
    };
  });

describe.skipIf(!hasChromium)('the viewer by keyboard', () => {
  let fx: Fixture;
  let viewer: Viewer;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    fx = buildFixtureStore();
    viewer = await startViewer({ store: fx.store, port: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await viewer?.close();
    fx?.store.close();
  });

  async function open() {
    await page.goto(viewer.url);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
  }

  it('opens an attempt from its row, moves the focus to it, and Escape gives the focus back', async () => {
    await open();
    await tabTo(page, '#tabs button[data-tab="attempts"]');
    await page.keyboard.press('Enter');
    expect(await page.locator('#tab-attempts').isVisible()).toBe(true);
    // (the view in use is said, not only drawn)
    expect(await page.locator('#tabs button[data-tab="attempts"]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#tabs button[data-tab="rounds"]').getAttribute('aria-pressed')).toBe('false');

    await tabTo(page, '#attempts-table tr.attempt');
    const row = await focused(page);
    expect(row.attempt).toMatch(/^att_r0_/);
    // Where the focus is shows: the page draws a ring of its own round a row (2px, solid).
    expect(row.outline).toBe('solid 2px');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail:not([hidden])');
    expect(await page.locator('#detail-title').textContent()).toBe(`attempt ${row.attempt}`);
    expect((await focused(page)).id).toBe('detail-title');
    expect(await page.locator('#detail').getAttribute('aria-labelledby')).toBe('detail-title');

    await page.keyboard.press('Escape');
    expect(await page.locator('#detail').isHidden()).toBe(true);
    expect((await focused(page)).attempt).toBe(row.attempt);

    // Space opens it too, and the close button (named) closes it.
    await page.keyboard.press(' ');
    await page.waitForSelector('#detail:not([hidden])');
    expect(await page.locator('#detail-close').getAttribute('aria-label')).toBe('close the details');
    await tabTo(page, '#detail-close');
    await page.keyboard.press('Enter');
    expect(await page.locator('#detail').isHidden()).toBe(true);
    expect((await focused(page)).attempt).toBe(row.attempt);
  });

  it('opens a vulnerability from its row', async () => {
    await open();
    await tabTo(page, '#tabs button[data-tab="vulns"]');
    await page.keyboard.press('Enter');
    await tabTo(page, '#vulns-table tr.clickable');
    const vuln = (await focused(page)).vuln;
    expect(vuln).toBeTruthy();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail:not([hidden])');
    expect(await page.locator('#detail-title').textContent()).toBe(`vulnerability ${vuln}`);
  });

  it("opens a record, and from a record's row the attempt it came from", async () => {
    await open();
    await tabTo(page, '#tabs button[data-tab="records"]');
    await page.keyboard.press('Enter');
    await tabTo(page, '#records-table tr.record');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail:not([hidden])');
    expect(await page.locator('#detail-title').textContent()).toMatch(/^record /);
    await page.keyboard.press('Escape');
    // The record's "from attempt" is a control of its own, after its row.
    await page.keyboard.press('Tab');
    const link = await page.evaluate(() => document.activeElement?.textContent);
    expect(link).toMatch(/^att_r\d_\d$/);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail:not([hidden])');
    expect(await page.locator('#detail-title').textContent()).toBe(`attempt ${link}`);
  });
});
