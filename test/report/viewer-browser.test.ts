// The viewer and the HTML report end to end in headless Chromium (Debian's `chromium`, driven by
// playwright-core): the page loads, filters work, a transcript opens, an XSS payload stored in a
// transcript does not execute, and screenshots are taken (test/report/__screenshots__, git-ignored).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectReportData, renderHtml, startViewer, type Viewer } from '../../src/report/index.js';
import { CHROMIUM, hasChromium, launchChromium } from '../helpers/chromium.js';
import { buildFixtureStore, type Fixture, RUN_ID, SPOOF_SHOWN, XSS } from './fixture.js';
import { buildPagingStore, PAGING_N, PAGING_RUN } from './paging-fixture.js';
import {
  buildSpendStore,
  SPEND_EMPTY,
  SPEND_HOSTILE,
  SPEND_MODEL,
  SPEND_OLD,
  SPEND_RUN,
} from './viewer-spend-fixture.js';

if (!hasChromium)
  console.warn(`skipping the viewer browser tests: ${CHROMIUM} is absent (apt-get install chromium)`);
const SHOTS = fileURLToPath(new URL('./__screenshots__/', import.meta.url));

describe.skipIf(!hasChromium)('viewer and report in headless Chromium', () => {
  let fx: Fixture;
  let viewer: Viewer;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    fx = buildFixtureStore();
    viewer = await startViewer({ store: fx.store, port: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(join(SHOTS, '.gitignore'), '*\n');
  });

  afterAll(async () => {
    await browser?.close();
    await viewer?.close();
    fx?.store.close();
  });

  const xss = () => page.evaluate(() => (window as unknown as { __xss?: number }).__xss);

  it('loads the runs and shows the rounds side by side', async () => {
    await page.goto(viewer.url);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
    expect(await page.locator('#run option').count()).toBe(1);
    expect(await page.locator('#run').inputValue()).toBe(RUN_ID);
    const asr = await page.locator('#rounds-table tr[data-key="asr"] > *').allTextContents();
    // Each rate with what it is over, as the report's rounds table has it: round 0's 8 attempts, 1 in
    // error and 1 undetermined (the figure and its counts are one cell's text: "60.0%" then "n=6 …").
    expect(asr).toEqual(['ASR', '60.0%n=6 err 1 und 1', '20.0%n=5 und 1', '1.0%n=6']);
    expect(
      await page.locator('#rounds-table tr[data-key="dr1"] td:nth-child(2) small.apart').textContent(),
    ).toBe('n=20 err 1 und 2');
    // The shares that ended in error or undetermined, beside the rates, as in the report.
    const row = (k: string) => page.locator(`#rounds-table tr[data-key="${k}"] > *`).allTextContents();
    expect(await row('error_rate')).toEqual([
      'Ended in error (share of samples and attempts)',
      '0.4%',
      '0.0%',
      '0.0%',
    ]);
    expect(await row('undetermined_rate')).toEqual([
      'Undetermined (bench attack items)',
      '12.5%',
      '10.0%',
      '0.0%',
    ]);
    // A rate that is neither none nor all never reads as either (1 in 3,000; 2,999 in 3,000), as in
    // the report and the bench table (bench/metrics.ts formatPercent).
    const fmt = await page.evaluate(() => {
      const f = (window as unknown as { fmt: (k: string, v: number) => string }).fmt;
      return [f('asr', 1 / 3000), f('helpfulness', 2999 / 3000), f('dr3', 0), f('vprr', 1)];
    });
    expect(fmt).toEqual(['<0.1%', '>99.9%', '0.0%', '100.0%']);
    // Each suite's figures as bench stores them, with the samples in error or undetermined beside.
    const bench = await page.locator('#bench-table tbody tr td:nth-child(4)').allTextContents();
    expect(bench.join('\n')).toContain('dr3 40.0% [0.0–100.0] n=20 err 1 und 2');
    // The report's charts, served as inert SVG images.
    await page.waitForFunction(() => {
      const imgs = Array.from(document.querySelectorAll<HTMLImageElement>('#charts img'));
      return imgs.length >= 7 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    });
    expect(pageErrors).toEqual([]);
  });

  it('filters attempts by outcome, language and technique', async () => {
    await page.click('button[data-tab="attempts"]');
    const rows = page.locator('#attempts-table tbody tr');
    expect(await rows.count()).toBe(fx.store.countAttempts({ runId: RUN_ID }));
    await page.selectOption('#f-outcome', 'failure');
    await page.waitForFunction(
      (n) => document.querySelectorAll('#attempts-table tbody tr').length === n,
      fx.store.countAttempts({ runId: RUN_ID, outcome: 'failure' }),
    );
    const outcomes = await page.locator('#attempts-table tbody tr td:nth-child(2)').allTextContents();
    expect(new Set(outcomes)).toEqual(new Set(['failure']));
    await page.selectOption('#f-language', 'fr');
    const frFailures = fx.store
      .listAttempts({ runId: RUN_ID, outcome: 'failure' })
      .filter((a) => a.language === 'fr');
    await page.waitForFunction(
      (n) => document.querySelectorAll('#attempts-table tbody tr').length === n,
      frFailures.length,
    );
    await page.selectOption('#f-outcome', '');
    await page.selectOption('#f-language', '');
    await page.selectOption('#f-technique', 'base64+roleplay');
    const chained = fx.store
      .listAttempts({ runId: RUN_ID })
      .filter((a) => a.techniques.join('+') === 'base64+roleplay');
    await page.waitForFunction(
      (n) => document.querySelectorAll('#attempts-table tbody tr').length === n,
      chained.length,
    );
    expect(await page.textContent('#attempt-count')).toBe(`${chained.length} attempts`);
    await page.selectOption('#f-technique', '');
  });

  it('opens a transcript holding an XSS payload as text; nothing executes', async () => {
    await page.selectOption('#f-round', '0');
    await page.click('tr[data-attempt="att_r0_0"]');
    await page.waitForSelector('#detail:not([hidden]) .msg.assistant pre');
    const text = await page.locator('#detail .msg.assistant pre').textContent();
    expect(text).toContain(XSS.script);
    expect(text).toContain(XSS.img);
    expect(text).toContain(XSS.svg);
    // A right-to-left override and invisible characters are shown, and the reply is isolated.
    expect(text).toContain(SPOOF_SHOWN);
    const pre = page.locator('#detail .msg.assistant pre');
    expect(await pre.evaluate((n) => getComputedStyle(n).unicodeBidi)).toBe('isolate');
    // The payload's elements were never created.
    expect(
      await page
        .locator(
          '#detail img, #detail svg, #detail iframe, #detail a[href^="javascript"], #detail-body script',
        )
        .count(),
    ).toBe(0);
    // The attempts list shows the truncated prompt as text too.
    expect(await xss()).toBeUndefined();
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'viewer-transcript.png'), fullPage: false });
  });

  it('folds a reasoning trace away above the answer, as text; the list previews the answer', async () => {
    await page.selectOption('#f-round', '2');
    const row = page.locator('tr[data-attempt="att_r2_3"]');
    await row.waitFor();
    expect(await row.textContent()).toContain("I can't help with that.");
    await row.click();
    await page.waitForSelector('#detail:not([hidden]) .msg.assistant details.trace');
    const trace = page.locator('#detail .msg.assistant details.trace');
    expect(await trace.getAttribute('open')).toBeNull();
    expect(await trace.locator('summary').textContent()).toMatch(/^reasoning trace \(\d+ characters\)$/);
    expect(await trace.locator('pre').textContent()).toContain(XSS.script);
    expect(await page.locator('#detail .msg.assistant > pre').textContent()).toBe("I can't help with that.");
    expect(await page.locator('#detail-body script').count()).toBe(0);
    expect(await xss()).toBeUndefined();
  });

  it('shows vulnerabilities with their example transcripts, and records with provenance', async () => {
    await page.click('button[data-tab="vulns"]');
    await page.selectOption('#vuln-round', '0');
    await page.waitForFunction(() => document.querySelectorAll('#vulns-table tbody tr').length === 2);
    await page.locator('#vulns-table tbody tr').nth(1).click();
    await page.waitForSelector('#detail details.example');
    await page.click('#detail details.example summary');
    expect(await page.locator('#detail details.example[open] .msg').count()).toBeGreaterThan(0);
    expect(await page.textContent('#detail-title')).toContain(
      'vulnerability cyber|<img src=x onerror=alert(1)>',
    );
    await page.selectOption('#vuln-status', 'new');
    await page.waitForFunction(() => document.querySelectorAll('#vulns-table tbody tr').length === 2);

    await page.click('button[data-tab="records"]');
    await page.selectOption('#r-round', '0');
    await page.waitForFunction(() => document.querySelectorAll('#records-table tbody tr').length === 5);
    await page.selectOption('#r-language', 'fr');
    await page.waitForFunction(() => document.querySelectorAll('#records-table tbody tr').length === 1);
    expect(await page.locator('#records-table tbody tr td').allTextContents()).toEqual([
      'sft',
      'benign',
      'weapons',
      'fr',
      'train',
      'redteam',
      'att_r0_1',
      '—',
      '0',
    ]);
    await page.selectOption('#r-language', '');
    await page.click('tr[data-record="rec_0_d"]');
    await page.waitForSelector('#detail-title:text("record rec_0_d")');
    expect(await page.locator('#detail .msg pre').allTextContents()).toContain(XSS.img);
    expect(await xss()).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.click('#detail-close');
    await page.click('button[data-tab="rounds"]');
    await page.screenshot({ path: join(SHOTS, 'viewer-rounds.png'), fullPage: false });
  });

  it('pages through attempts and records beyond the first 200, as text', async () => {
    // The fixture run fits on one page: no pager there.
    expect(await page.locator('#attempts-pager').isHidden()).toBe(true);
    expect(await page.locator('#records-pager').isHidden()).toBe(true);

    const paging = buildPagingStore();
    const pv = await startViewer({ store: paging.store, port: 0 });
    const p = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    const pDialogs: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    p.on('dialog', (d) => {
      pDialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await p.goto(pv.url);
      await p.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
      const rows = (table: string) => `#${table}-table tbody tr`;
      const firstId = (table: string, attr: string) => p.locator(rows(table)).first().getAttribute(attr);
      const range = (tab: string) => p.locator(`#${tab}-pager .range`);
      const waitRange = (tab: string, text: string) =>
        p.waitForFunction(
          ([t, want]) => document.querySelector(`#${t}-pager .range`)?.textContent === want,
          [tab, text],
        );

      const recIds = paging.store.listRecords({ runId: PAGING_RUN }).map((r) => r.id);
      await p.click('button[data-tab="records"]');
      expect(await p.textContent('#record-count')).toBe(`${PAGING_N} records`);
      expect(await range('records').textContent()).toBe(`showing 1–200 of ${PAGING_N}`);
      expect(await p.locator(rows('records')).count()).toBe(200);
      expect(await p.locator('#records-pager button.prev').isDisabled()).toBe(true);
      await p.click('#records-pager button.next');
      await waitRange('records', `showing 201–400 of ${PAGING_N}`);
      expect(await firstId('records', 'data-record')).toBe(recIds[200]);
      await p.click('#records-pager button.next');
      await waitRange('records', `showing 401–${PAGING_N} of ${PAGING_N}`);
      expect(await p.locator(rows('records')).count()).toBe(PAGING_N - 400);
      expect(await p.locator('#records-pager button.next').isDisabled()).toBe(true);
      // The last page holds the hostile provenance: shown as text, never markup.
      expect(await p.locator(rows('records')).last().textContent()).toContain(XSS.script);
      expect(await p.locator('#records-table script, #records-table img').count()).toBe(0);
      await p.click('#records-pager button.prev');
      await waitRange('records', `showing 201–400 of ${PAGING_N}`);
      // A changed filter starts again at the first page.
      await p.selectOption('#r-kind', 'sft');
      await waitRange('records', `showing 1–200 of ${PAGING_N}`);
      expect(await firstId('records', 'data-record')).toBe(recIds[0]);

      const attIds = paging.store.listAttempts({ runId: PAGING_RUN }).map((a) => a.id);
      await p.click('button[data-tab="attempts"]');
      expect(await p.textContent('#attempt-count')).toBe(`${PAGING_N} attempts`);
      expect(await range('attempts').textContent()).toBe(`showing 1–200 of ${PAGING_N}`);
      await p.click('#attempts-pager button.next');
      await waitRange('attempts', `showing 201–400 of ${PAGING_N}`);
      expect(await firstId('attempts', 'data-attempt')).toBe(attIds[200]);
      await p.click('#attempts-pager button.next');
      await waitRange('attempts', `showing 401–${PAGING_N} of ${PAGING_N}`);
      expect(await p.locator(rows('attempts')).last().textContent()).toContain(XSS.script);
      expect(await p.locator('#attempts-table script, #attempts-table img').count()).toBe(0);
      await p.screenshot({ path: join(SHOTS, 'viewer-paging.png'), fullPage: false });
      expect(await p.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(pDialogs).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await p.close();
      await pv.close();
      paging.store.close();
    }
  });

  it("shows what a run spent, a model id from the store as text, and an older run's as not recorded", async () => {
    const spend = buildSpendStore();
    const sv = await startViewer({ store: spend, port: 0 });
    const p = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    const sDialogs: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    p.on('dialog', (d) => {
      sDialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await p.goto(`${sv.url}#run=${SPEND_RUN}`);
      await p.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
      await p.waitForSelector('#spend-table tbody tr');
      const rows = await p
        .locator('#spend-table tbody tr')
        .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent)));
      expect(rows).toEqual([
        ['0', 'bench', 'target', SPEND_MODEL, '5', '1', '0', '2', '500', '50'],
        ['0', 'break', 'judge', SPEND_HOSTILE, '3', '0', '1', '1', '120', '9'],
        ['0', 'round total', '', '', '8', '1', '1', '3', '620', '59'],
        ['1', 'break', 'target', SPEND_MODEL, '8', '2', '1', '0', '800', '80'],
        ['1', 'round total', '', '', '8', '2', '1', '0', '800', '80'],
        ['total', '', '', '', '16', '3', '2', '3', '1420', '139'],
      ]);
      expect(await p.locator('#spend-table thead th').allTextContents()).toEqual([
        'round',
        'stage',
        'role',
        'model',
        'requests',
        'cached',
        'errors',
        'retries',
        'prompt tokens',
        'completion tokens',
      ]);
      expect(await p.textContent('#spend-title')).toBe('Spend (model requests and tokens)');
      expect(await p.locator('#spend-table tr.total').count()).toBe(1);
      // The hostile model id is the text of a <code>, never an element.
      expect(await p.locator('#spend-table code', { hasText: SPEND_HOSTILE }).count()).toBe(1);
      expect(await p.locator('#spend-table img, #spend-table script').count()).toBe(0);
      expect(await p.textContent('#spend-note')).toMatch(/^Requests: calls of each model/);

      await p.selectOption('#run', SPEND_OLD);
      await p.waitForFunction(() =>
        document.querySelector('#spend-note')?.textContent?.startsWith('Not recorded'),
      );
      expect(await p.textContent('#spend-note')).toBe(
        'Not recorded: this run was made by a breakfix that did not count model requests.',
      );
      expect(await p.locator('#spend-table').isHidden()).toBe(true);
      expect(await p.textContent('#spend-title')).toBe('Spend');
      await p.selectOption('#run', SPEND_EMPTY);
      await p.waitForFunction(
        () => document.querySelector('#spend-note')?.textContent === 'No model request was made.',
      );
      expect(await p.locator('#spend-table').isHidden()).toBe(true);
      await p.selectOption('#run', SPEND_RUN);
      await p.waitForSelector('#spend-table:not([hidden]) tbody tr');
      await p.screenshot({ path: join(SHOTS, 'viewer-spend.png'), fullPage: true });
      expect(sDialogs).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await p.close();
      await sv.close();
      spend.close();
    }
  });

  it('says so without JavaScript, and points to the static report', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const p = await ctx.newPage();
    await p.goto(viewer.url);
    const note = p.locator('noscript p');
    expect(await note.isVisible()).toBe(true);
    expect(await note.textContent()).toContain('The viewer needs JavaScript');
    await ctx.close();
  });

  it('renders the HTML report with its payloads inert and transcripts collapsed', async () => {
    const html = await renderHtml(collectReportData(fx.store, RUN_ID));
    const file = join(SHOTS, 'report.html');
    writeFileSync(file, html);
    const p = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    const reportDialogs: string[] = [];
    const requests: string[] = [];
    p.on('dialog', (d) => {
      reportDialogs.push(d.message());
      void d.dismiss();
    });
    p.on('request', (r) => requests.push(r.url()));
    await p.goto(`file://${file}`);
    expect(await p.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await p.locator('details.transcript').count()).toBeGreaterThan(0);
    expect(await p.locator('details.transcript[open]').count()).toBe(0);
    expect(await p.locator('script, img, iframe').count()).toBe(0);
    expect(await p.locator('section#charts svg').count()).toBe(7);
    await p.locator('details.transcript').first().click();
    expect(await p.locator('details.transcript[open] pre').first().isVisible()).toBe(true);
    const spoofed = p.locator('details.transcript pre', { hasText: SPOOF_SHOWN });
    expect(await spoofed.count()).toBe(1);
    expect(await spoofed.evaluate((n) => getComputedStyle(n).unicodeBidi)).toBe('isolate');
    expect(await p.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(reportDialogs).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]); // self-contained
    await p.screenshot({ path: join(SHOTS, 'report.png'), fullPage: true });
    await p.close();
  });
});
