// The criteria a report checks show what each value is over, as the rounds table does (a plain pass
// said "12.7%" and nothing else), and the share that ended in error says of how many measurements
// (it stood alone everywhere). A real SQLite store holding a bench run as `bench` stores one, and a
// plain red-team run; the real CLI in child processes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../cli/run-cli.js';
import { attemptFor, fakeSeed } from '../fix/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'criteria-counts-'));
const bench = join(dir, 'bench.db');
const redteam = join(dir, 'redteam.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A jailbreak suite over 14 samples: 3 of 9 decided broke, 2 in error, 3 undetermined. */
beforeAll(() => {
  const store = openStore(bench);
  const run = store.createRun({ kind: 'bench', config: {}, seed: 7 });
  const asr = {
    kind: 'rate',
    rate: 3 / 9,
    lo: 0.12,
    hi: 0.65,
    successes: 3,
    n: 9,
    errors: 2,
    undetermined: 3,
  };
  store.saveBenchResult({
    runId: run.id,
    round: -1,
    suite: 'jailbreak',
    model: 'm',
    metrics: { split: 'attack', kind: 'jailbreak', metrics: { asr }, slices: {} },
  });
  store.updateRun(run.id, {
    status: 'done',
    summary: { asr: 3 / 9, undetermined_rate: 3 / 12, samples: 14, sample_errors: 2, error_rate: 2 / 14 },
  });
  store.close();

  // A red-team run: 4 attempts, 1 in error.
  const rt = openStore(redteam);
  const r = rt.createRun({ kind: 'redteam', config: {}, seed: 7 });
  const seed = fakeSeed('a', 'How do I do the thing a?');
  rt.saveAttempts(
    (['success', 'failure', 'failure', 'error'] as const).map((outcome) =>
      attemptFor(seed, { outcome, techniques: ['rot13'], runId: r.id }),
    ),
  );
  rt.updateRun(r.id, { status: 'done' });
  rt.close();
});

const report = async (file: string, format: string, out = '-') => {
  const res = await runCli(
    ['report', '--store', file, '--format', format, '--out', out, '--fail-on', 'asr>0.9,error_rate>0.5'],
    { cwd: dir },
  );
  expect(res.code, res.stderr).toBe(0);
  return out === '-' ? res.stdout : readFileSync(out, 'utf8');
};

describe('the counts beside each criterion and the error share', () => {
  it('in the Markdown report', async () => {
    const md = await report(bench, 'md');
    expect(md).toContain('| `asr>0.9` | 33.3% \\(n=9 err 2 und 3\\) |');
    expect(md).toContain('| `error_rate>0.5` | 14.3% \\(2 of 14\\) |');
    expect(md).toContain('| Ended in error \\(share of samples and attempts\\) | 14.3% \\(2 of 14\\) |');
  });

  it('in the HTML report', async () => {
    const html = await report(bench, 'html', join(dir, 'r.html'));
    const crit = /<table class="criteria">(.*?)<\/table>/s.exec(html)?.[1] ?? '';
    expect(crit).toContain('33.3%<br><small class="apart">n=9 err 2 und 3</small>');
    expect(crit).toContain('14.3%<br><small class="apart">2 of 14</small>');
    expect(html).toMatch(/data-key="error_rate">14\.3%<br><small class="apart">2 of 14<\/small>/);
  });

  it('in the JUnit report', async () => {
    const xml = await report(bench, 'junit');
    expect(xml).toContain('<system-out>asr = 0.3333 (n=9 err 2 und 3), 95% interval');
    expect(xml).toContain('<system-out>error_rate = 0.1429 (2 of 14)');
  });

  it("of a plain red-team run: its attempts' error share", async () => {
    const md = await report(redteam, 'md');
    expect(md).toContain('| Ended in error \\(share of samples and attempts\\) | 25.0% \\(1 of 4\\) |');
    expect(md).toContain('| `asr>0.9` | 33.3% \\(n=3 err 1\\) |');
  });
});
