// The report fixture's store served by the viewer on 127.0.0.1, and one headless Chromium page, set up
// before a describe block's tests and closed after them: the set-up the browser checks of the pages
// (contrast, keyboard, axe) share.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startViewer, type Viewer } from '../../src/report/index.js';
import { launchChromium } from '../helpers/chromium.js';
import { buildFixtureStore, type Fixture } from './fixture.js';

export interface FixtureInBrowser {
  fx: Fixture;
  viewer: Viewer;
  page: Page;
}

/** Call inside a describe block; the fields are set once its beforeAll has run. `bypassCSP` lets a
 * test inject a checker (axe) into pages whose CSP forbids every script. */
export function fixtureInBrowser(opts: { bypassCSP?: boolean } = {}): FixtureInBrowser {
  const it = {} as FixtureInBrowser;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    it.fx = buildFixtureStore();
    it.viewer = await startViewer({ store: it.fx.store, port: 0 });
    const browser = await launchChromium();
    close = () => browser.close();
    const context = await browser.newContext({
      viewport: { width: 1400, height: 900 },
      ...(opts.bypassCSP && { bypassCSP: true }),
    });
    it.page = await context.newPage();
  });
  afterAll(async () => {
    await close?.();
    await it.viewer?.close();
    it.fx?.store.close();
  });
  return it;
}
