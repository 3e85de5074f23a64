// The viewer by keyboard alone: the views, the rows that open an attempt, a vulnerability or a record,
// the "from attempt" link of a record and the details' close all take Tab and Enter (or Escape), the
// details take the focus as they open and give it back as they close, and where the focus is shows.
// A real SQLite store (the report fixture's cycle run), the viewer over real HTTP, headless Chromium.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/chromium.js';
import { fixtureInBrowser } from './browser-fixture.js';

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
  const env = fixtureInBrowser();

  async function open() {
    await env.page.goto(env.viewer.url);
    await env.page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
  }

  it('opens an attempt from its row, moves the focus to it, and Escape gives the focus back', async () => {
    await open();
    await tabTo(env.page, '#tabs button[data-tab="attempts"]');
    await env.page.keyboard.press('Enter');
    expect(await env.page.locator('#tab-attempts').isVisible()).toBe(true);
    // (the view in use is said, not only drawn)
    expect(await env.page.locator('#tabs button[data-tab="attempts"]').getAttribute('aria-pressed')).toBe(
      'true',
    );
    expect(await env.page.locator('#tabs button[data-tab="rounds"]').getAttribute('aria-pressed')).toBe(
      'false',
    );

    await tabTo(env.page, '#attempts-table tr.attempt');
    const row = await focused(env.page);
    expect(row.attempt).toMatch(/^att_r0_/);
    // Where the focus is shows: the page draws a ring of its own round a row (2px, solid).
    expect(row.outline).toBe('solid 2px');
    await env.page.keyboard.press('Enter');
    await env.page.waitForSelector('#detail:not([hidden])');
    expect(await env.page.locator('#detail-title').textContent()).toBe(`attempt ${row.attempt}`);
    expect((await focused(env.page)).id).toBe('detail-title');
    expect(await env.page.locator('#detail').getAttribute('aria-labelledby')).toBe('detail-title');

    await env.page.keyboard.press('Escape');
    expect(await env.page.locator('#detail').isHidden()).toBe(true);
    expect((await focused(env.page)).attempt).toBe(row.attempt);

    // Space opens it too, and the close button (named) closes it.
    await env.page.keyboard.press(' ');
    await env.page.waitForSelector('#detail:not([hidden])');
    expect(await env.page.locator('#detail-close').getAttribute('aria-label')).toBe('close the details');
    await tabTo(env.page, '#detail-close');
    await env.page.keyboard.press('Enter');
    expect(await env.page.locator('#detail').isHidden()).toBe(true);
    expect((await focused(env.page)).attempt).toBe(row.attempt);
  });

  it('opens a vulnerability from its row', async () => {
    await open();
    await tabTo(env.page, '#tabs button[data-tab="vulns"]');
    await env.page.keyboard.press('Enter');
    await tabTo(env.page, '#vulns-table tr.clickable');
    const vuln = (await focused(env.page)).vuln;
    expect(vuln).toBeTruthy();
    await env.page.keyboard.press('Enter');
    await env.page.waitForSelector('#detail:not([hidden])');
    expect(await env.page.locator('#detail-title').textContent()).toBe(`vulnerability ${vuln}`);
  });

  it("opens a record, and from a record's row the attempt it came from", async () => {
    await open();
    await tabTo(env.page, '#tabs button[data-tab="records"]');
    await env.page.keyboard.press('Enter');
    await tabTo(env.page, '#records-table tr.record');
    await env.page.keyboard.press('Enter');
    await env.page.waitForSelector('#detail:not([hidden])');
    expect(await env.page.locator('#detail-title').textContent()).toMatch(/^record /);
    await env.page.keyboard.press('Escape');
    // The record's "from attempt" is a control of its own, after its row.
    await env.page.keyboard.press('Tab');
    const link = await env.page.evaluate(() => document.activeElement?.textContent);
    expect(link).toMatch(/^att_r\d_\d$/);
    await env.page.keyboard.press('Enter');
    await env.page.waitForSelector('#detail:not([hidden])');
    expect(await env.page.locator('#detail-title').textContent()).toBe(`attempt ${link}`);
  });
});
