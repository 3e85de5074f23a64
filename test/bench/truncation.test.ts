// The embedded model reads 192 tokens; most of the multiturn suite's conversations (and the jailbreak
// suite's many-shot items) are longer by their last turn, and it read them cut short with nothing
// said: the red team counted its cut attempts, the benchmark none. Each suite now counts its items
// read cut short (--json `truncated`, the table's footnote, the stored result, the report's row),
// and what is sent and judged is unchanged. The REAL embedded target and the real CLI.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRUNCATED_ROW } from '../../src/report/suites.js';
import { runCli } from '../cli/run-cli.js';

const bench = (dir: string, json: boolean) =>
  runCli(
    [
      'bench',
      '--target',
      'embedded:base',
      '--suite',
      'multiturn,harmful',
      '--limit',
      '4',
      '--store',
      join(dir, 's.db'),
      '-q',
      ...(json ? ['--json'] : []),
    ],
    { cwd: dir, env: { NO_COLOR: '1' } },
  );

describe('bench on a target that reads a prompt cut short', () => {
  it('counts the items per suite, says so under the table, stores it and reports it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-trunc-'));
    const r = await bench(dir, true);
    expect([0, 3], r.stderr).toContain(r.code);
    const out = JSON.parse(r.stdout);
    const [multiturn, harmful] = out.suites;
    expect(multiturn.name).toBe('multiturn');
    expect(multiturn.truncated.items).toBeGreaterThan(0);
    expect(multiturn.truncated.items).toBeLessThanOrEqual(multiturn.items);
    expect(multiturn.truncated.contextTokens).toBe(192);
    expect(multiturn.truncated.mostDropped).toBeGreaterThan(0);
    // A single short question fits: counted as none, not left out.
    expect(harmful.truncated).toEqual({ items: 0, contextTokens: 0, mostDropped: 0 });
    expect(out.truncated).toEqual({
      ...multiturn.truncated,
      suites: { multiturn: multiturn.truncated.items },
    });

    const t = await bench(dir, false);
    expect(t.stdout).toMatch(
      new RegExp(
        `the target's context holds 192 tokens: it read only the end of the prompts of ${multiturn.truncated.items} items \\(multiturn ${multiturn.truncated.items}; up to \\d+ tokens dropped from the start\\)`,
      ),
    );

    // The report (of the last run) reads it from the stored result.
    const md = join(dir, 'r.md');
    const rep = await runCli(['report', '--store', join(dir, 's.db'), '--format', 'md', '--out', md, '-q'], {
      cwd: dir,
    });
    // (exit 1: the base model fails the release criteria, which the report gates on)
    expect([0, 1], rep.stderr).toContain(rep.code);
    expect(readFileSync(md, 'utf8')).toMatch(
      new RegExp(
        // (Markdown escapes the parentheses)
        `\\| ${TRUNCATED_ROW} \\| ${multiturn.truncated.items} items: up to \\d+ tokens unread \\\\\\(192-token context\\\\\\) \\|`,
      ),
    );
  });
});
