// Names from the store (categories, techniques, languages, model ids) that would break the format
// they are written into: characters XML 1.0 forbids in an SVG chart, a carriage return in a Markdown
// table's cell or in a report printed on a terminal. Stored as a red team stores them, in a real
// SQLite store.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attempt } from '../../src/core/index.js';
import {
  buildCharts,
  collectReportData,
  escapeHtml,
  renderMarkdown,
  startViewer,
} from '../../src/report/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { runCli } from '../cli/run-cli.js';
import { hasChromium, launchChromium } from '../helpers/chromium.js';

const RUN = 'run_hostile_names';
/** A category and a technique holding the two noncharacters XML 1.0 forbids (and a CR, which vega
 * writes raw into the axis label). */
const CATEGORY = 'cyber\uFFFF\rFAIL';
const TECHNIQUE = 'base64\uFFFE';
/** A language and a model id holding the line endings CommonMark knows: CR, LF and CRLF. */
const LANGUAGE = 'en\r| forged | row |';
const MODEL = 'openai:m\r\n| forged |\nrow';

/** Anything outside XML 1.0's Char production (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
 * [#x10000-#x10FFFF]): a parser refuses the document at the first one. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function attempt(i: number, outcome: Attempt['outcome']): Attempt {
  return {
    id: `att_${i}`,
    runId: RUN,
    round: 0,
    seedId: `seed_${i}`,
    attack: 'direct',
    techniques: [TECHNIQUE],
    language: 'en',
    category: CATEGORY,
    transcript: [
      { role: 'user', content: 'request\r\nsecond line\rPASS  all criteria' },
      { role: 'assistant', content: outcome === 'success' ? 'Sure. Step 1: [redacted].' : "I can't help." },
    ],
    verdicts: [],
    outcome,
    severity: outcome === 'success' ? 4 : 0,
    turns: 1,
    calls: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

let store: Store;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bf-hostile-names-'));
  store = openStore(join(dir, 'breakfix.db'));
  store.createRun({ id: RUN, kind: 'cycle', config: {}, seed: 1 });
  store.saveAttempts([attempt(0, 'success'), attempt(1, 'failure')]);
  store.upsertRound(RUN, 0, {
    model: 'base',
    status: 'done',
    metrics: {
      asr: 0.5,
      attempts: 2,
      by_category: { [CATEGORY]: { asr: 0.5, dr3: 0.5, n: 2 } },
      by_technique: { [TECHNIQUE]: { asr: 0.5, n: 2 } },
    },
  });
  store.saveVulnerabilities(RUN, 0, [
    {
      id: 'vuln_0',
      category: CATEGORY,
      techniques: [TECHNIQUE],
      language: LANGUAGE,
      turns: 1,
      attempts: 2,
      successes: 1,
      rate: 0.5,
      severity: 4,
      score: 0.5,
      exampleAttemptIds: ['att_0'],
      firstSeenRound: 0,
      status: 'new',
    },
  ]);
  const usage = { requests: 2, cached: 0, errors: 0, retries: 0, promptTokens: 20, completionTokens: 10 };
  store.addSpend({ runId: RUN, round: 0, stage: 'break', role: 'target', model: MODEL }, usage);
  store.updateRun(RUN, { status: 'done' });
});
afterAll(() => store?.close());

describe('characters XML 1.0 forbids', () => {
  it('escapeHtml drops U+FFFE and U+FFFF as it drops control characters', () => {
    expect(escapeHtml('a\uFFFEb\uFFFFc\u0007d')).toBe('abcd');
  });

  it('every chart of a run whose category and technique hold U+FFFF / U+FFFE is well-formed XML', async () => {
    const charts = await buildCharts(collectReportData(store, RUN));
    expect(charts.map((c) => c.id)).toEqual([
      'headline',
      'asr-by-category',
      'dr3-by-category',
      'asr-by-technique',
      'heatmap-0',
    ]);
    for (const c of charts) {
      expect(c.svg, c.id).not.toMatch(NOT_XML_CHAR);
      // (the names are still there, less the forbidden character)
      if (c.id !== 'headline') expect(c.svg, c.id).toMatch(/cyber|base64/);
    }
  });

  it.skipIf(!hasChromium)('the viewer shows each of those charts as an image', async () => {
    const viewer = await startViewer({ store, port: 0 });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 4000 } });
      await page.goto(`${viewer.url}#run=${RUN}`);
      await page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
      await page.waitForFunction(() => {
        const imgs = Array.from(document.querySelectorAll<HTMLImageElement>('#charts img'));
        return imgs.length === 5 && imgs.every((i) => i.complete);
      });
      // A document the browser refuses to parse is a broken image: no width.
      const widths = await page.$$eval('#charts img', (imgs) =>
        imgs.map((i) => [i.getAttribute('src'), (i as HTMLImageElement).naturalWidth > 0]),
      );
      expect(widths.filter(([, ok]) => !ok)).toEqual([]);
    } finally {
      await browser.close();
      await viewer.close();
    }
  });
});

describe('line endings in a Markdown table cell', () => {
  it('a CR, LF or CRLF in a name keeps its row one line of the table, with its columns', () => {
    const md = renderMarkdown(collectReportData(store, RUN));
    // CommonMark's line endings: LF, CR, CRLF. A row cut by one is two broken rows.
    const lines = md.split(/\r\n|\r|\n/);
    const cells = (line: string) => line.split(/(?<!\\)\|/).length - 2;
    const vuln = lines.filter((l) => l.startsWith('| new |'));
    expect(vuln).toHaveLength(1);
    expect(cells(vuln[0])).toBe(8);
    expect(vuln[0]).toContain('en \\| forged \\| row \\|');
    const spend = lines.filter((l) => l.includes('openai:m'));
    expect(spend).toHaveLength(1);
    expect(cells(spend[0])).toBe(10);
    expect(lines.some((l) => /^\s*(\| forged|row)/.test(l))).toBe(false);
  });
});

describe('carriage returns in a report printed on a terminal', () => {
  it('--out - writes none (HTML, JUnit, Markdown): each is a newline, as the parsers read it', async () => {
    const report = (format: string) =>
      runCli(['report', '--store', join(dir, 'breakfix.db'), '--format', format, '--out', '-'], { cwd: dir });
    const html = await report('html');
    expect(html.stdout).toContain('<section id="transcripts">');
    // (the transcript's lines as a browser shows them, and the axis label of the category)
    expect(html.stdout).toContain('request\nsecond line\nPASS  all criteria');
    expect(html.stdout).toMatch(/<text [^>]*>cyber\nFAIL<\/text>/);
    expect(html.stdout).not.toContain('\r');
    for (const format of ['junit', 'md']) {
      const r = await report(format);
      expect(r.stdout.length, format).toBeGreaterThan(0);
      expect(r.stdout, format).not.toContain('\r');
    }
  });
});
