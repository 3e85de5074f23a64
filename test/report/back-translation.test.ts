// The translate attack's back-translated reply, shown beside the reply as given: in the HTML report,
// the viewer's API and the viewer page (headless Chromium where present), escaped like every model
// output and naming the languages. The attempt is made by a real red-team run over real HTTP:
// SCRIPTED FAKES of an attacker that "translates" by a `[zu] ` marking (and back by dropping it) and
// a target that answers marked requests, in the marking, with a compliant answer carrying XSS.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRedteam } from '../../src/break/index.js';
import type { Attempt, Judge } from '../../src/core/index.js';
import { complianceJudge, severityJudge } from '../../src/judge/index.js';
import { collectReportData, renderHtml, startViewer, type Viewer } from '../../src/report/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { attackSeeds, type Chat, comply, lastUser, refuse, scripted } from '../break/redteam-fakes.js';
import { hasChromium, launchChromium } from '../helpers/chromium.js';
import { XSS } from './fixture.js';

const [seed] = attackSeeds(1);
const MARK = '[zu] ';
const fencedText = (content: string) => /<<<TEXT\n([\s\S]*)\nTEXT>>>/.exec(content)?.[1] ?? '';
/** The reply as given (in the "zu" marking) and as translated back: the payload in both. */
const reply = `${MARK}${XSS.script} ${comply(seed)}`;
const back = `${XSS.img} ${comply(seed)}`;

let store: Store;
let attempt: Attempt;
beforeAll(async () => {
  const attacker = await scripted((m: Chat) => {
    const content = lastUser(m);
    const text = fencedText(content);
    return /^Language: English/m.test(content) ? back : `${MARK}${text}`;
  });
  const target = await scripted((m: Chat) => (lastUser(m).startsWith(MARK) ? reply : refuse(seed)), {
    timeoutMs: 60_000,
  });
  store = openStore(join(mkdtempSync(join(tmpdir(), 'back-translation-')), 'b.db'));
  await runRedteam({
    target: target.target,
    seeds: [seed],
    judges: [complianceJudge(), severityJudge()] as Judge[],
    persona: 'low_skill',
    techniques: ['translate'],
    translateTo: ['zu'],
    attacker: attacker.target,
    store,
    runId: 'bt',
    seed: 1,
  });
  const found = store.listAttempts({ runId: 'bt' }).find((a) => a.techniques.includes('translate'));
  if (!found) throw new Error('no translate attempt stored');
  attempt = found;
});
afterAll(() => store?.close());

const LABEL = 'the reply translated back from Zulu (zu) into English (en) by the attacker model';

describe('the back-translated reply', () => {
  it('the report samples it and shows it after the reply, escaped, naming both languages', async () => {
    expect(attempt).toMatchObject({ language: 'zu', outcome: 'success' });
    const sample = collectReportData(store, 'bt').rounds[0]?.samples.find((s) => s.attemptId === attempt.id);
    expect(sample?.backTranslation).toMatchObject({ from: 'zu', into: 'en', text: back });
    const html = await renderHtml(collectReportData(store, 'bt'));
    const box =
      /<div class="msg assistant back-translation" lang="en"><div class="role">([^<]*)<\/div><pre>([^<]*)<\/pre>/.exec(
        html,
      );
    expect(box?.[1]).toContain(LABEL);
    expect(box?.[2]).toContain('&lt;img src=x onerror=');
    // after the reply as given, inside the same transcript
    const at = html.indexOf(box?.[0] ?? '\u0000');
    expect(html.lastIndexOf('&lt;script&gt;window.__xss = 1&lt;/script&gt;', at)).toBeGreaterThan(
      html.lastIndexOf(`data-attempt="${attempt.id}"`, at),
    );
    expect(html).not.toContain(XSS.img);
  });

  it('an attempt of another attack has none', () => {
    const other = store.listAttempts({ runId: 'bt' }).filter((a) => !a.techniques.includes('translate'));
    expect(other.length).toBeGreaterThan(0);
    const samples = collectReportData(store, 'bt').rounds[0]?.samples ?? [];
    for (const s of samples.filter((x) => x.attemptId !== attempt.id))
      expect(s.backTranslation).toBeUndefined();
  });

  describe('in the viewer', () => {
    let viewer: Viewer;
    beforeAll(async () => {
      viewer = await startViewer({ store, port: 0 });
    });
    afterAll(async () => viewer?.close());

    it("the attempt's API answer carries it", async () => {
      const res = await fetch(`${viewer.url}api/attempts/${encodeURIComponent(attempt.id)}`);
      const body = (await res.json()) as { backTranslation?: Record<string, unknown> };
      expect(body.backTranslation).toMatchObject({ from: 'zu', into: 'en', text: back });
      expect(String(body.backTranslation?.label)).toContain(LABEL);
    });

    it('the attempts list previews the reply by it, saying it is translated and from which language', async () => {
      const res = await fetch(`${viewer.url}api/runs/bt/attempts?limit=100`);
      const body = (await res.json()) as { items: Record<string, unknown>[] };
      const row = body.items.find((a) => a.id === attempt.id);
      expect(row?.backTranslation).toMatchObject({
        from: 'zu',
        into: 'en',
        text: back.slice(0, 200),
        short: 'translated back from Zulu (zu) into English (en)',
      });
      // the reply as given stays in the data; another attack's attempt has no back-translation
      expect(row?.response).toBe(reply.slice(0, 200));
      expect(
        body.items.filter((a) => a.id !== attempt.id).every((a) => a.backTranslation === undefined),
      ).toBe(true);
    });

    it.skipIf(!hasChromium)(
      'the page shows it below the reply, as text',
      async () => {
        const browser = await launchChromium();
        try {
          const page = await browser.newPage();
          await page.goto(viewer.url);
          await page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
          await page.click('button[data-tab="attempts"]');
          // the list's response column: the back-translation, said so, as text
          const cell = page.locator(`tr[data-attempt="${attempt.id}"] td`).last();
          await cell.waitFor();
          expect(await cell.locator('.translated').textContent()).toBe(
            'translated back from Zulu (zu) into English (en)',
          );
          expect(await cell.textContent()).toContain(back.slice(0, 60));
          expect(await cell.textContent()).not.toContain(MARK);
          expect(await page.locator('#attempts-table img').count()).toBe(0);
          await page.click(`tr[data-attempt="${attempt.id}"]`);
          const box = page.locator('#detail .transcript .msg.back-translation');
          await box.waitFor();
          expect(await box.locator('.role').textContent()).toContain(LABEL);
          expect(await box.locator('pre').textContent()).toBe(back);
          // the reply as given stays above it
          const msgs = await page.locator('#detail .transcript > .msg').allTextContents();
          expect(msgs.at(-2)).toContain(reply);
          expect(await page.locator('#detail img, #detail-body script').count()).toBe(0);
          expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
        } finally {
          await browser.close();
        }
      },
      60_000,
    );
  });
});
