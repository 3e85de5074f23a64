// Security: model output is adversarial. A set of XSS payloads (script tags, event handlers,
// javascript:/data: URLs, SVG/MathML tricks, closing-tag breakouts, JSON-in-script breakouts,
// unicode escapes, template injection) is stored as the model's output — and as category, technique
// and language names — in a real SQLite store. The HTML report (opened from a file) and the viewer
// (over real HTTP on 127.0.0.1) are loaded in headless Chromium: each payload must show as text, no
// element may carry an event-handler attribute or a javascript: URL, and no payload may run (each
// one would set window.__pwned). The Markdown, JSON and JUnit reports are checked as text: JUnit
// must stay well-formed XML, JSON must parse back to the same strings.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attempt } from '../../src/core/index.js';
import {
  type CriterionResult,
  collectReportData,
  renderHtml,
  renderJson,
  renderJunit,
  renderMarkdown,
  startViewer,
  type Viewer,
} from '../../src/report/index.js';
import { hasChromium, launchChromium } from '../helpers/chromium.js';
import { buildFixtureStore, type Fixture, RUN_ID } from '../report/fixture.js';
import { writeFigures } from './helpers.js';

/** Each payload would set window.__pwned to its own number if it ever ran. */
const PAYLOADS: string[] = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=2">',
  '<svg onload="window.__pwned=3"></svg>',
  '<svg><script>window.__pwned=4</script></svg>',
  '<a href="javascript:window.__pwned=5" id="pwn5">click me</a>',
  '</pre></details></td></tr></table></div><script>window.__pwned=6</script>',
  '</textarea></style></title></noscript><script>window.__pwned=7</script>',
  '<iframe srcdoc="<script>parent.__pwned=8</script>"></iframe>',
  '<body onload="window.__pwned=9">',
  '<details open ontoggle="window.__pwned=10"><summary>x</summary></details>',
  '<input autofocus onfocus="window.__pwned=11">',
  '"><script>window.__pwned=12</script><x a="',
  "'><img src=x onerror=window.__pwned=13><x a='",
  '\\u003cscript\\u003ewindow.__pwned=14\\u003c/script\\u003e',
  '</script><script>window.__pwned=15</script>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=16></style></mglyph></table></mtext></math>',
  '<object data="javascript:window.__pwned=17"></object>',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=18">',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection payload, on purpose
  "{{constructor.constructor('window.__pwned=19')()}} ${window.__pwned=19}",
  '<!--<img src="--><img src=x onerror=window.__pwned=20>">',
  '<a href="data:text/html,<script>parent.__pwned=21</script>">data</a>',
  '\u2028\u2029</script><script>window.__pwned=22</script>',
  '<svg><animate onbegin="window.__pwned=23" attributeName="x" dur="1s"/></svg>',
  '<video><source onerror="window.__pwned=24"></video>',
  '<marquee onstart="window.__pwned=25">x</marquee>',
  '<form><button formaction="javascript:window.__pwned=26">go</button></form>',
  '<embed src="javascript:window.__pwned=27">',
  '<base href="javascript:window.__pwned=28//">',
  '<style>*{background:url("javascript:window.__pwned=29")}</style>',
  '<scr<script>ipt>window.__pwned=30</scr</script>ipt>',
  '＜script＞window.__pwned=31＜/script＞',
  '[click](javascript:window.__pwned=32) ![x](x" onerror="window.__pwned=32)',
];
const ATTEMPT_ID = 'att_xss_set';

/** The payload set as one attempt: every payload in the transcript, some as names too. */
function payloadAttempt(): Attempt {
  return {
    id: ATTEMPT_ID,
    runId: RUN_ID,
    round: 0,
    seedId: 'seed_xss',
    attack: 'direct',
    techniques: [PAYLOADS[1]],
    language: 'en',
    category: PAYLOADS[2],
    transcript: PAYLOADS.map((p, i) => ({
      role: i % 2 ? ('assistant' as const) : ('user' as const),
      content: p,
    })),
    verdicts: [
      {
        judge: 'offline-compliance',
        kind: 'compliance',
        status: 'ok',
        value: 'compliant',
        rationale: PAYLOADS[0],
      },
    ],
    outcome: 'success',
    severity: 4,
    turns: PAYLOADS.length / 2,
    calls: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

/** Criteria whose rule and message text are payloads (JUnit quotes them in attributes). */
function hostileCriteria(): CriterionResult[] {
  return PAYLOADS.map(
    (p) =>
      ({ rule: p, metric: p, value: null, round: 0, pass: false, message: p }) as unknown as CriterionResult,
  );
}

/** Elements a payload could have created, and any attribute that would run script. */
async function liveMarkup(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) out.push(`${el.tagName} ${a.name}`);
        if (/^\s*(javascript|data):/i.test(a.value) && /^(href|src|action|formaction|data)$/i.test(a.name))
          out.push(`${el.tagName} ${a.name}=${a.value.slice(0, 30)}`);
      }
      if (
        /^(IFRAME|OBJECT|EMBED|BASE|META|MARQUEE|VIDEO|MATH|FORM|INPUT)$/.test(el.tagName) &&
        !el.closest('head')
      )
        out.push(el.tagName);
    }
    return out;
  });
}

describe('security: XSS payloads in model output stay inert', () => {
  let fx: Fixture;
  let browser: Browser;
  let viewer: Viewer;
  const figures: Record<string, unknown> = { payloads: PAYLOADS.length };

  beforeAll(async () => {
    fx = buildFixtureStore();
    fx.store.saveAttempt(payloadAttempt());
    // A hostile vulnerability in the last round: the Markdown report's table quotes its names.
    const last = Math.max(...fx.store.getRounds(RUN_ID).map((r) => r.round));
    fx.store.saveVulnerabilities(RUN_ID, last, [
      ...fx.store.listVulnerabilities(RUN_ID, last),
      {
        id: 'vuln_xss',
        category: PAYLOADS[1],
        techniques: [PAYLOADS[4], PAYLOADS[31]],
        language: PAYLOADS[0],
        turns: 1,
        attempts: 3,
        successes: 2,
        rate: 2 / 3,
        severity: 4,
        score: 0.9,
        exampleAttemptIds: [ATTEMPT_ID],
        firstSeenRound: last,
        status: 'new',
      },
    ]);
    // A curated record with hostile names (a user's seed file names its category and language): the
    // reports' dataset tables count records by them.
    fx.store.saveRecords(RUN_ID, 1, 'preference', [
      {
        id: 'rec_xss',
        kind: 'preference',
        purpose: 'safety',
        prompt: [{ role: 'user', content: 'q' }],
        chosen: { role: 'assistant', content: "I can't help with that." },
        rejected: { role: 'assistant', content: PAYLOADS[3] },
        split: 'train',
        category: PAYLOADS[1],
        language: PAYLOADS[12],
        provenance: { source: 'redteam', attemptId: ATTEMPT_ID, round: 1 },
      },
    ]);
    if (!hasChromium) return;
    browser = await launchChromium();
    viewer = await startViewer({ store: fx.store, port: 0 });
  });
  afterAll(async () => {
    await browser?.close();
    await viewer?.close();
    fx?.store.close();
    if (fx) rmSync(fx.dir, { recursive: true, force: true });
    writeFigures('security-xss', figures);
  });

  it('Markdown, JSON and JUnit reports carry the payloads as data', async () => {
    const data = collectReportData(fx.store, RUN_ID, { samplesPerRound: 100 });
    const json = JSON.parse(renderJson(data)) as unknown;
    const strings = JSON.stringify(json);
    // JSON holds the exact strings (escaping is the renderer's job, not the data's).
    expect(strings).toContain(JSON.stringify(PAYLOADS[2]).slice(1, -1));
    const md = renderMarkdown(data);
    // No raw tag from model text reaches the Markdown (GitHub would render some HTML).
    expect(md).not.toMatch(/<(script|img|svg|iframe|object|embed)\b/i);
    expect(md).toContain('&lt;img src=x onerror=&quot;window.\\_\\_pwned=2&quot;&gt;'); // there, as text
    const xml = renderJunit(data, hostileCriteria());
    expect(xml).not.toMatch(/<(script|img|svg)\b/i);
    figures.junitBytes = xml.length;
  });

  it("the HTML report writes no payload as markup, the dataset tables' names included", async () => {
    // (as text, where no browser runs: the page's behaviour is the Chromium test's below)
    const html = await renderHtml(collectReportData(fx.store, RUN_ID, { samplesPerRound: 100 }));
    for (const p of [PAYLOADS[1], PAYLOADS[12]]) expect(html).not.toContain(p);
    const counts = html.match(/<table class="counts">.*?<\/table>/gs)?.join('') ?? '';
    expect(counts).toContain('<td>&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;</td>');
    expect(counts).toContain('<td>&#39;&gt;&lt;img src=x onerror=window.__pwned=13&gt;&lt;x a=&#39;</td>');
  });

  describe.skipIf(!hasChromium)('in headless Chromium', () => {
    const dialogs: string[] = [];

    async function newPage(): Promise<Page> {
      const page = await browser.newPage();
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      return page;
    }
    const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);

    it('the HTML report shows every payload as text and runs none', async () => {
      const html = await renderHtml(collectReportData(fx.store, RUN_ID, { samplesPerRound: 100 }));
      const file = join(fx.dir, 'report.html');
      writeFileSync(file, html);
      const page = await newPage();
      await page.goto(`file://${file}`);
      // Open every transcript (a live ontoggle would fire), focus and hover around, give timers a beat.
      await page.evaluate(() => {
        for (const d of Array.from(document.querySelectorAll('details'))) d.open = true;
      });
      await page.keyboard.press('Tab');
      await page.waitForTimeout(300);
      expect(await pwned(page)).toBeUndefined();
      expect(await liveMarkup(page)).toEqual([]);
      expect(await page.locator('script').count()).toBe(0);
      const text = (await page.textContent('body')) ?? '';
      const shown = PAYLOADS.filter((p) => text.includes(p.replace(/\s+/g, ' ').trim()) || text.includes(p));
      expect(shown.length).toBe(PAYLOADS.length);
      expect(dialogs).toEqual([]);
      figures.htmlReportPayloadsShownAsText = shown.length;
      await page.close();
    });

    it('the JUnit report is well-formed XML whatever the payloads', async () => {
      const page = await newPage();
      const xml = renderJunit(collectReportData(fx.store, RUN_ID), hostileCriteria());
      const errors = await page.evaluate(
        (x) =>
          new DOMParser().parseFromString(x, 'application/xml').getElementsByTagName('parsererror').length,
        xml,
      );
      expect(errors).toBe(0);
      await page.close();
    });

    it('the viewer shows the transcript as text and runs none of it', async () => {
      const page = await newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(viewer.url);
      await page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
      await page.click('button[data-tab="attempts"]');
      await page.selectOption('#f-round', '0');
      await page.click(`tr[data-attempt="${ATTEMPT_ID}"]`);
      await page.waitForSelector('#detail:not([hidden]) .msg pre');
      await page.waitForTimeout(300);
      const shown = await page.locator('#detail .msg pre').allTextContents();
      expect(shown).toEqual(PAYLOADS);
      // The hostile category and technique names sit in the table and filters as text.
      expect((await page.textContent('#attempts-table')) ?? '').toContain(PAYLOADS[2]);
      expect(await pwned(page)).toBeUndefined();
      expect(await liveMarkup(page)).toEqual([]);
      expect(dialogs).toEqual([]);
      expect(pageErrors).toEqual([]);
      figures.viewerPayloadsShownAsText = shown.length;
      await page.close();
    });
  });
});
