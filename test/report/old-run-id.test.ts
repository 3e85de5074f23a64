// A store written before run ids were checked (createRun now refuses anything but letters, digits,
// `_`, `.` and `-`) may hold any id: one with an escape sequence, a newline and markup. The Markdown
// report and the report and vulns commands' terminal output must show it inert, and one that climbs
// out of reports/ (`../x`) names no report file there, from `report` or from the cycle's end.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  collectReportData,
  evaluateRules,
  renderMarkdown,
  rulesFromCriteria,
  writeCycleReport,
} from '../../src/report/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../cli/run-cli.js';

const OLD_ID = 'old\u001b[2J\n## forged heading\n<img src="http://127.0.0.1:9/t.png">';
let dir: string;
let storePath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bf-old-run-id-'));
  storePath = join(dir, 'breakfix.db');
  const store = openStore(storePath);
  store.createRun({ id: 'run_ok', kind: 'cycle', config: {}, seed: 1 });
  store.close();
  // (as an older breakfix wrote it: no check on the id)
  const db = new Database(storePath);
  db.prepare('UPDATE runs SET id = ? WHERE id = ?').run(OLD_ID, 'run_ok');
  db.close();
});

describe('a run id from an older store', () => {
  it('stays inside the Markdown heading: no forged heading, no raw HTML line', () => {
    const store = openStore(storePath);
    try {
      const md = renderMarkdown(collectReportData(store, OLD_ID));
      const lines = md.split(/\r\n|\r|\n/);
      expect(lines[0]).toBe(
        '## breakfix report — run `old[2J## forged heading<img src="http://127.0.0.1:9/t.png">`',
      );
      expect(lines.filter((l) => /^(## forged|<img)/.test(l))).toEqual([]);
      expect(md).not.toContain('\u001b');
    } finally {
      store.close();
    }
  });

  it("stays inside the criteria table's cell where a failed check names it (M3)", () => {
    const store = openStore(storePath);
    try {
      const data = collectReportData(store, OLD_ID);
      const criteria = evaluateRules(data, rulesFromCriteria({ asr: 0.02 }));
      // (the run never finished: the first check fails, naming the run)
      expect(criteria[0]).toMatchObject({ rule: 'run finished', pass: false });
      expect(criteria[0].message).toContain(OLD_ID);
      const md = renderMarkdown(data, criteria);
      const row = md.split('\n').find((l) => l.startsWith('| `run finished` |'));
      expect(row).toContain(
        '**fail**: run old\\[2J \\#\\# forged heading &lt;img src=&quot;http://127.0.0.1:9/t.png&quot;&gt;',
      );
      expect(md.split(/\r\n|\r|\n/).filter((l) => /^(## forged|<img)/.test(l))).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('reaches the terminal as escaped text from breakfix report and breakfix vulns', async () => {
    const cli = (...args: string[]) => runCli([...args, '--store', storePath], { cwd: dir });
    // The run did not finish: its gate fails with a message that names it, on stdout and stderr.
    const toFile = await cli('report', '--format', 'md', '--out', join(dir, 'r.md'));
    const toStdout = await cli('report', '--format', 'json', '--out', '-');
    const vulns = await cli('vulns');
    for (const [name, r] of Object.entries({ toFile, toStdout, vulns })) {
      expect(r.stdout + r.stderr, name).not.toContain('\u001b');
      expect(r.stdout + r.stderr, name).not.toContain('\n## forged');
    }
    expect(toFile.stdout).toContain('wrote md report of old\\x1b[2J\\n## forged heading');
    expect(toFile.stdout).toMatch(/FAIL {2}run finished {2}run old\\x1b\[2J\\n## forged/);
    expect(toStdout.stderr).toContain('criterion failed: run finished: run old\\x1b[2J\\n## forged');
    // (the run attacked nothing: vulns refuses it, naming it escaped)
    expect(vulns.code).toBe(2);
    expect(vulns.stderr).toContain('run old\\x1b[2J\\n## forged heading');
  });
});

describe('a run id from an older store that climbs out of reports/', () => {
  it('is refused by the report the cycle writes at its end, naming the run id and --report', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'bf-old-run-id-climb-'));
    const path = join(dir2, 'store', 'breakfix.db');
    const store = openStore(path);
    store.createRun({ id: 'run_ok', kind: 'cycle', config: {}, seed: 1 });
    store.close();
    const db = new Database(path);
    db.prepare('UPDATE runs SET id = ? WHERE id = ?').run('../../escaped', 'run_ok');
    db.close();
    const again = openStore(path);
    try {
      await expect(writeCycleReport(again, '../../escaped')).rejects.toMatchObject({
        field: 'run-id',
        hint: expect.stringContaining('--report'),
        message: expect.stringContaining('cannot name a report file'),
      });
    } finally {
      again.close();
    }
    expect(existsSync(join(dir2, 'escaped.html'))).toBe(false);
    // (an explicit --report file is written as asked)
    const chosen = join(dir2, 'chosen.html');
    const third = openStore(path);
    try {
      expect(await writeCycleReport(third, '../../escaped', chosen)).toBe(chosen);
    } finally {
      third.close();
    }
    expect(existsSync(chosen)).toBe(true);
  });
});
