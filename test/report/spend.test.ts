// The Spend section of the report, from a real SQLite store: the figures as stored with subtotals per
// round and their total, a model name from the store escaped in HTML, and "not recorded" for runs of
// an older breakfix, whole or in part.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { collectReportData, renderHtml, renderJson, renderMarkdown } from '../../src/report/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations.js';
import { XSS } from './fixture.js';

const open: Store[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
const now = new Date('2026-02-01T00:00:00Z');
const tmp = () => join(mkdtempSync(join(tmpdir(), 'bf-spend-report-')), 'breakfix.db');

describe('the spend section', () => {
  it('shows each round, stage, role and model, a subtotal per round and the total, escaped', async () => {
    const s = openStore(tmp());
    open.push(s);
    s.createRun({ id: 'run_s', kind: 'cycle', config: {}, seed: 1 });
    const hostile = `openai:${XSS.script}@http://127.0.0.1:9/v1`;
    const add = (round: number, stage: string, role: string, model: string, n: number) =>
      s.addSpend(
        { runId: 'run_s', round, stage, role, model },
        { requests: n, cached: 1, errors: 1, retries: 2, promptTokens: 100 * n, completionTokens: 10 * n },
      );
    add(0, 'bench', 'target', 'openai:m@http://127.0.0.1:9/v1', 5);
    add(0, 'break', 'judge', hostile, 3);
    add(1, 'break', 'target', 'openai:m@http://127.0.0.1:9/v1', 2);
    const data = collectReportData(s, 'run_s', { now });
    expect(data.spend.recorded).toBe('all');
    expect(data.spend.total).toEqual({
      requests: 10,
      cached: 3,
      errors: 3,
      retries: 6,
      promptTokens: 1000,
      completionTokens: 100,
    });
    const md = renderMarkdown(data);
    expect(md).toContain(
      '| 0 | bench | target | openai:m@http://127.0.0.1:9/v1 | 5 | 1 | 1 | 2 | 500 | 50 |',
    );
    expect(md).toContain(
      '| **0** | **round total** |  |  | **8** | **2** | **2** | **4** | **800** | **80** |',
    );
    expect(md).toContain(
      '| **1** | **round total** |  |  | **2** | **1** | **1** | **2** | **200** | **20** |',
    );
    expect(md).toContain('| **total** |  |  |  | **10** | **3** | **3** | **6** | **1000** | **100** |');
    expect(md).not.toContain('<script>');
    const html = await renderHtml(data, { charts: [] });
    expect(html).toContain('<section id="spend">');
    expect(html).not.toContain(XSS.script);
    expect(html).toContain('openai:&lt;script&gt;window.__xss = 1&lt;/script&gt;@http://127.0.0.1:9/v1');
    expect(html).toMatch(/<tr class="total"><td>total<\/td>(<td><\/td>){3}<td class="num">10<\/td>/);
    expect(JSON.parse(renderJson(data)).spend.lines).toHaveLength(3);
  });

  it('a run of an older breakfix reports its spend as not recorded; one it resumed, counted from then on', async () => {
    const path = tmp();
    const v5 = new Database(path);
    for (const m of migrations.slice(0, 5)) v5.exec(m);
    v5.pragma('user_version = 5');
    for (const id of ['run_old', 'run_resumed'])
      v5.prepare(
        `INSERT INTO runs (id, kind, config, seed, created_at, updated_at) VALUES ('${id}', 'cycle', '{}', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
      ).run();
    v5.close();
    const s = openStore(path);
    open.push(s);
    const old = collectReportData(s, 'run_old', { now });
    expect(old.spend).toMatchObject({ recorded: 'none', lines: [] });
    expect(renderMarkdown(old)).toContain(
      '_Not recorded: this run was made by a breakfix that did not count model requests._',
    );
    expect(await renderHtml(old, { charts: [] })).toMatch(
      /<section id="spend"><h2>Spend<\/h2><p class="none">Not recorded: this run was made by a breakfix that did not count model requests\.<\/p>/,
    );
    s.addSpend(
      { runId: 'run_resumed', round: 0, stage: 'break', role: 'target', model: 'm' },
      { requests: 1 },
    );
    const resumed = collectReportData(s, 'run_resumed', { now });
    expect(resumed.spend.recorded).toBe('since');
    expect(renderMarkdown(resumed)).toMatch(
      /Counted from 20\d\d-.* on: this run was started by a breakfix that did not count model requests, and those it made before are not here\./,
    );
  });

  it("a trained model's checkpoint under the current directory is shown relative to it in the shared reports, whole in JSON", async () => {
    const s = openStore(tmp());
    open.push(s);
    s.createRun({ id: 'run_p', kind: 'cycle', config: {}, seed: 1 });
    const inside = `embedded:${join(process.cwd(), '.breakfix', 'models', 'runp', 'round-1')}`;
    const outside = `embedded:${join(tmpdir(), 'elsewhere', 'round-2')}`;
    for (const [round, model] of [
      [1, inside],
      [2, outside],
    ] as const)
      s.addSpend(
        { runId: 'run_p', round, stage: 'bench', role: 'target', model },
        { requests: 1, cached: 0, errors: 0, retries: 0, promptTokens: 1, completionTokens: 1 },
      );
    const data = collectReportData(s, 'run_p', { now });
    const md = renderMarkdown(data);
    const html = await renderHtml(data, { charts: [] });
    for (const page of [md, html]) {
      expect(page).toContain(`embedded:${join('.breakfix', 'models', 'runp', 'round-1')}`);
      expect(page).not.toContain(inside);
      // (not under it: as stored, a relative path would only say where it is not)
      expect(page).toContain(outside);
    }
    expect(renderJson(data)).toContain(JSON.stringify(inside));
  });
});
