// The HTML report's benchmark section says how each [lo–hi] was computed. It said "bootstrap for
// means", but a mean of fewer than 30 scores, or of equal ones, spans Wilson's interval too (a
// bootstrap of sixteen 4s is [4.00–4.00]): the default cycle's ungroundedness, 16 answers all
// scored 4, reads 4.00 [3.23–4.00], which no bootstrap gives. The real CLI on the embedded model.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-bench-note-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the benchmark section of the HTML report', () => {
  it('says how a small sample’s mean interval was computed', async () => {
    const store = join(dir, 'g.db');
    const bench = await runCli(['bench', '--suite', 'groundedness', '--limit', '8', '--store', store, '-q'], {
      cwd: dir,
    });
    expect(bench.code, bench.stderr).toBe(0);
    const out = join(dir, 'r.html');
    expect((await runCli(['report', '--store', store, '--out', out], { cwd: dir })).code).toBe(0);
    const html = readFileSync(out, 'utf8');
    const row = /<tr><td>ungroundedness<\/td><td class="num">([\d.]+) \[([\d.]+)–([\d.]+)\] n=(\d+)/.exec(
      html,
    );
    expect(row).not.toBeNull();
    const [, mean, lo, hi, n] = row as RegExpExecArray;
    expect(Number(n)).toBeLessThan(30);
    // (wider than the spread of the scores themselves: not a percentile bootstrap's interval)
    expect(Number(hi) - Number(lo)).toBeGreaterThan(0);
    expect(Number(mean)).toBeGreaterThanOrEqual(Number(lo));
    expect(html).toContain(
      "for means the percentile bootstrap, which under 30 scores, or when every score is the same, is widened to span Wilson's for the mean as a share of the scale",
    );
  });
});
