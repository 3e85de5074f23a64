// A store is a file that may come from elsewhere (a CI artifact, another user's): its rows may hold
// what breakfix never writes, such as markup in a round number (SQLite keeps text in an INTEGER
// column) or in a vulnerability's turns. The HTML and Markdown reports show it as text, and the
// vulns table prints it escaped.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectReportData, type ReportData, renderHtml, renderMarkdown } from '../../src/report/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../cli/run-cli.js';
import { record, vuln } from '../store/fixtures.js';
import { benchRate } from './fixture.js';

/** A phishing form: the report's CSP blocks script, not this. */
const FORM = '<form action="http://127.0.0.1:9/x"><input name="p"></form>';
let data: ReportData;

beforeAll(() => {
  const path = join(mkdtempSync(join(tmpdir(), 'bf-tampered-')), 'breakfix.db');
  const store = openStore(path);
  store.createRun({ id: 'run_t', kind: 'cycle', config: {}, seed: 1 });
  store.upsertRound('run_t', 0, {
    model: 'base',
    status: 'done',
    metrics: { asr: 0.5, dataset: { sft: 1 } },
  });
  store.saveVulnerabilities('run_t', 0, [vuln('v1', 0.5)]);
  store.saveRecords('run_t', 0, 'sft', [record('rec1')]);
  // (a suite's figure names are breakfix's own, unless the store is not)
  store.saveBenchResult({
    runId: 'run_t',
    round: 0,
    suite: 'harmful',
    model: 'base',
    metrics: { split: 'attack', kind: 'harmful', metrics: { [FORM]: benchRate(0.5) }, slices: {} },
  });
  store.updateRun('run_t', { status: 'done' });
  store.close();
  const db = new Database(path);
  for (const table of ['rounds', 'vulnerabilities', 'records', 'bench_results'])
    db.prepare(`UPDATE ${table} SET round = ?`).run(FORM);
  db.prepare(`UPDATE vulnerabilities SET data = json_set(data, '$.turns', ?)`).run(FORM);
  db.close();
  const again = openStore(path);
  try {
    data = collectReportData(again, 'run_t');
  } finally {
    again.close();
  }
});

describe('a tampered store', () => {
  it("its round numbers and a suite's figure names are text in the HTML report", async () => {
    expect(data.rounds.map((r) => r.round)).toEqual([FORM]);
    const html = await renderHtml(data, { charts: [] });
    expect(html).not.toMatch(/<(form|input)\b/);
    expect(html).toContain('<th scope="col">round &lt;form action=&quot;http://127.0.0.1:9/x&quot;&gt;');
    expect(html).toContain(
      '<tr><td>&lt;form action=&quot;http://127.0.0.1:9/x&quot;&gt;&lt;input name=&quot;p&quot;&gt;&lt;/form&gt;</td><td class="num">50.0%',
    );
  });

  it("its round numbers, turns and a suite's figure names are text in the Markdown report", () => {
    expect(data.rounds[0].bench.map((b) => Object.keys(b.metrics.metrics as object))).toEqual([[FORM]]);
    const md = renderMarkdown(data);
    expect(md).not.toMatch(/<(form|input)\b/);
    expect(md).toContain(
      '| &lt;form action=&quot;http://127.0.0.1:9/x&quot;&gt;&lt;input name=&quot;p&quot;&gt;&lt;/form&gt; | 50.0%',
    );
    expect(md).toContain('| figure | round &lt;form action=&quot;http://127.0.0.1:9/x&quot;&gt;');
    expect(md).toContain('| en | &lt;form action=');
  });
});

describe('a tampered vulnerability row', () => {
  it('reaches the terminal escaped in the vulns table', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bf-tampered-vulns-')), 'breakfix.db');
    const store = openStore(path);
    store.createRun({ id: 'run_v', kind: 'cycle', config: {}, seed: 1 });
    store.saveVulnerabilities('run_v', 0, [vuln('v1', 0.5)]);
    store.close();
    const db = new Database(path);
    const esc = (what: string) => `\u001b]0;${what}\u0007\u001b[2J`;
    db.prepare(
      `UPDATE vulnerabilities SET data = json_set(data, '$.status', ?, '$.turns', ?, '$.successes', ?, '$.firstSeenRound', ?)`,
    ).run(esc('status'), esc('turns'), esc('successes'), esc('first'));
    db.close();
    const r = await runCli(['vulns', '--store', path], { cwd: dirname(path) });
    expect(r.stdout).toContain('\\x1b]0;status\\x07\\x1b[2J');
    expect(r.stdout).toContain('\\x1b]0;first\\x07');
    expect(r.stdout + r.stderr).not.toContain('\u001b');
    expect(r.stdout + r.stderr).not.toContain('\u0007');
  });
});
