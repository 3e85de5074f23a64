// The HTML report's own Content-Security-Policy, in headless Chromium: were markup ever to get past the
// escaping (a chart is markup a library wrote), a form in it sends nothing anywhere (default-src does
// not cover form-action) and a <base> cannot point its links elsewhere.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectReportData, renderHtml } from '../../src/report/index.js';
import { hasChromium, launchChromium } from '../helpers/chromium.js';
import { buildFixtureStore, type Fixture, RUN_ID } from './fixture.js';

describe.skipIf(!hasChromium)('the HTML report in headless Chromium', () => {
  let fx: Fixture;
  let server: Server;
  const received: string[] = [];

  beforeAll(async () => {
    fx = buildFixtureStore();
    server = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    fx?.store.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** The report with `markup` where a chart goes, opened from its file; `check` looks at the page. */
  async function withInjected(markup: string, check: (page: Page, file: string) => Promise<void>) {
    const html = await renderHtml(collectReportData(fx.store, RUN_ID), {
      charts: [{ id: 'injected', title: 't', caption: 'c', svg: markup, table: { head: [], rows: [] } }],
    });
    const file = join(mkdtempSync(join(tmpdir(), 'bf-report-csp-')), 'report.html');
    writeFileSync(file, html);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`file://${file}`);
      await check(page, file);
    } finally {
      await browser.close();
    }
  }
  const target = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  it('a form that got into it submits nothing', async () => {
    await withInjected(
      `<form id="f" method="get" action="${target()}/form"><input name="p" value="secret"></form>`,
      async (page, file) => {
        await page.evaluate(() => (document.getElementById('f') as HTMLFormElement).requestSubmit());
        await page.waitForTimeout(500);
        expect(received).toEqual([]);
        expect(page.url()).toBe(`file://${file}`);
      },
    );
  });

  it('a <base> that got into it moves no link', async () => {
    await withInjected(`<base href="${target()}/base/">`, async (page, file) => {
      const nav = await page.$eval('nav a', (a) => (a as HTMLAnchorElement).href);
      expect(nav).toBe(`file://${file}#summary`);
    });
  });
});
