// The viewer opens on the store's latest run, as `breakfix report` reports it: a user who ran
// `bench` and then `redteam` on a store saw the bench run first (the oldest), whatever ran since.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewer, type Viewer } from '../../src/report/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { hasChromium, launchChromium } from '../helpers/chromium.js';

describe.skipIf(!hasChromium)('the viewer opens on the latest run', () => {
  let store: Store;
  let viewer: Viewer;
  let browser: Browser;

  beforeAll(async () => {
    store = openStore(join(mkdtempSync(join(tmpdir(), 'breakfix-viewer-latest-')), 'breakfix.db'));
    for (const [id, kind] of [
      ['run_a_bench', 'bench'],
      ['run_b_redteam', 'redteam'],
      ['run_c_bench', 'bench'],
    ])
      store.createRun({ id, kind, config: {}, seed: 7, target: 'candidate' });
    viewer = await startViewer({ store, port: 0 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await viewer?.close();
    store?.close();
  });

  it('without a #run in the address, the latest; with one, that run', async () => {
    expect(store.latestRun()?.id).toBe('run_c_bench');
    const page = await browser.newPage();
    await page.goto(viewer.url);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
    expect(await page.locator('#run option').count()).toBe(3);
    expect(await page.locator('#run').inputValue()).toBe('run_c_bench');
    // A bench or red-team run has no rounds of its own (the page shows its one measurement as round
    // 0): the list gives none, where it said "0 rounds".
    expect(await page.locator('#run option').allTextContents()).toEqual([
      'run_a_bench · bench · running',
      'run_b_redteam · redteam · running',
      'run_c_bench · bench · running',
    ]);

    await page.goto(`${viewer.url}#run=run_a_bench`);
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
    expect(await page.locator('#run').inputValue()).toBe('run_a_bench');
    await page.close();
  });
});
