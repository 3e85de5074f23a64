// `breakfix report` through the real CLI (tsx, child process) on a real store: formats, --out, and
// the --fail-on exit codes CI relies on (0 pass, 1 a criterion fails, 2 bad rules or no run).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAIN, runCli } from '../cli/run-cli.js';
import { buildFixtureStore, type Fixture, RUN_ID } from './fixture.js';

let fx: Fixture;
let cwd: string;
beforeAll(() => {
  fx = buildFixtureStore();
  fx.store.close();
  cwd = mkdtempSync(join(tmpdir(), 'breakfix-report-cwd-'));
});

const report = (...args: string[]) => runCli(['report', '--store', fx.storePath, ...args], { cwd });

describe('breakfix report', () => {
  it('writes a self-contained HTML report of the latest run by default', async () => {
    const out = join(cwd, 'r.html');
    const r = await report('--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote html report of ${RUN_ID}`);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<section id="heatmap">');
    expect(html).toContain('<svg ');
  });

  it('--fail-on: 0 when every rule passes, 1 when one fails, with JUnit and JSON output', async () => {
    const pass = await report('--format', 'json', '--fail-on', 'asr>0.5,vprr>0.05');
    expect(pass.code).toBe(0);
    const j = JSON.parse(pass.stdout);
    expect(j.passed).toBe(true);
    expect(j.rounds).toHaveLength(3);

    const xml = join(cwd, 'criteria.xml');
    const fail = await report(
      '--format',
      'junit',
      '--out',
      xml,
      '--fail-on',
      'asr>0.005,vprr>0.05',
      '--json',
    );
    expect(fail.code).toBe(1);
    const summary = JSON.parse(fail.stdout);
    expect(summary.passed).toBe(false);
    expect(summary.criteria.map((c: { pass: boolean }) => c.pass)).toEqual([false, true]);
    const text = readFileSync(xml, 'utf8');
    expect((text.match(/<testcase /g) ?? []).length).toBe(2);
    expect((text.match(/<failure /g) ?? []).length).toBe(1);
  });

  it('the config criteria gate by default', async () => {
    const strict = join(cwd, 'strict.yaml');
    writeFileSync(strict, 'cycle:\n  criteria:\n    asr: 0.001\n');
    const r = await report('--format', 'md', '--config', strict);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/criteria failed/);
    expect(r.stderr).toMatch(/criterion failed: asr>0.001/);
  });

  it("an HTML report gated on --fail-on goes beside the run's own report, not over it", async () => {
    const own = await report();
    expect(own.code, own.stderr).toBe(0);
    const ownFile = join(dirname(fx.storePath), 'reports', `${RUN_ID}.html`);
    const before = readFileSync(ownFile, 'utf8');
    const gated = await report('--fail-on', 'asr>0');
    expect(gated.code).toBe(1);
    const gateFile = join(dirname(fx.storePath), 'reports', `${RUN_ID}.gate.html`);
    expect(gated.stdout).toContain(gateFile);
    expect(readFileSync(gateFile, 'utf8')).toContain('asr&gt;0');
    expect(readFileSync(ownFile, 'utf8')).toBe(before);
  });

  it('exit 2 with a clear message on bad rules, formats and runs', async () => {
    const bad = await report('--fail-on', 'asr=0.02');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--fail-on: cannot read criterion "asr=0.02"/);
    const unknown = await report('--fail-on', 'nonsense>1');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown metric "nonsense"/);
    expect(unknown.stderr).not.toMatch(/did you mean/);
    // A typo of a metric, or of an interval end, names the one meant.
    const typo = await report('--fail-on', 'asr>0.02,vpr>0.05');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown metric "vpr" in criterion "vpr>0.05"; did you mean "vprr"\?/);
    const end = await report('--fail-on', 'asr_uper>0.02');
    expect(end.stderr).toMatch(/did you mean "asr_upper"\?/);
    const fmt = await report('--format', 'pdf');
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toMatch(/--format must be one of html, md, json, junit/);
    const run = await report('--run', 'run_missing', '--format', 'md');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no run run_missing/);
  });
});

describe('breakfix view', () => {
  it('serves the store on 127.0.0.1 and prints its URL as JSON', async () => {
    const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
    const child = spawn(tsx, [MAIN, 'view', '--store', fx.storePath, '--port', '0', '--json'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const info = await new Promise<{ url: string; host: string }>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          try {
            resolve(JSON.parse(out));
          } catch {
            // not the whole object yet
          }
        });
        child.on('exit', (code) => reject(new Error(`view exited ${code}`)));
      });
      expect(info.host).toBe('127.0.0.1');
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const runs = (await (await fetch(`${info.url}api/runs`)).json()) as { id: string }[];
      expect(runs.map((r) => r.id)).toEqual([RUN_ID]);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
