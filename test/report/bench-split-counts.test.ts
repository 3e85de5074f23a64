// A `bench --split all` run stores its suites under split "all", and its summary figures are theirs.
// The report read the counts behind a figure from the attack split only: such a run's criteria had
// no 95% interval (a VPRR of 0 of 5, whose interval reaches 43%, passed as if the evidence showed
// ≤ 5%) and its rates no counts beside them. The real CLI on the embedded model, into a real store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-bench-split-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a bench run on the whole split in the report', () => {
  it('has the counts, and so the 95% interval, behind each figure', async () => {
    const store = join(dir, 'all.db');
    const bench = await runCli(
      ['bench', '--split', 'all', '--suite', 'overrefusal', '--limit', '10', '--store', store, '-q'],
      { cwd: dir },
    );
    expect(bench.code, bench.stderr).toBe(0);
    const report = await runCli(['report', '--store', store, '--format', 'json', '--out', '-'], { cwd: dir });
    const json = JSON.parse(report.stdout);
    const suite = json.rounds[0].bench.find((b: { suite: string }) => b.suite.endsWith('overrefusal'));
    expect(suite.metrics.split).toBe('all');
    const { successes, n } = suite.metrics.metrics.vprr;
    expect(n).toBeGreaterThan(0);
    const vprr = json.criteria.find((c: { metric: string }) => c.metric === 'vprr');
    expect(vprr.interval).toMatchObject({ basis: `${successes} of ${n}` });
    // (five look-alikes cannot show a VPRR under 5%: the interval reaches far above it)
    expect(vprr.interval.hi).toBeGreaterThan(0.05);
    expect(vprr.passes_on_estimate_only || !vprr.pass).toBe(true);
    const md = await runCli(['report', '--store', store, '--format', 'md', '--out', '-'], { cwd: dir });
    expect(md.stdout).toMatch(new RegExp(`\\| VPRR \\| [^|]+ \\\\\\(n=${n}\\\\\\) \\|`));
  });
});
