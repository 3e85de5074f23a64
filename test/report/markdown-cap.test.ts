// The Markdown report is posted as a pull request comment, and GitHub refuses a body over 65,536
// characters whole (422 "Body is too long"; `gh pr comment` fails): a real store with many
// techniques, suites and vulnerabilities wrote one longer. `breakfix report --format md` now fits
// it (--max-chars, by default that limit) by leaving out whole table rows, least needed first, each
// shortened table saying how many; the verdict, the criteria and the rounds table stay whole.
// A real SQLite store written as the cycle writes it; the real CLI in a child process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vulnerability } from '../../src/core/index.js';
import { collectReportData, renderMarkdown } from '../../src/report/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../cli/run-cli.js';
import { benchRate } from './fixture.js';

const RUN = 'run_big_report';
const ROUNDS = 4;
const LIMIT = 65_536;
const dir = mkdtempSync(join(tmpdir(), 'markdown-cap-'));
const storePath = join(dir, 'breakfix.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A red-team slice as break/redteam.ts stores it. */
const slice = (i: number, round: number) => {
  const [success, failure, error, undetermined] = [(i + round) % 5, 6 + (i % 3), i % 2, (i + 1) % 3];
  return {
    attempts: success + failure + error + undetermined,
    success,
    failure,
    error,
    undetermined,
    asr: success / (success + failure),
  };
};
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}_${i}`);
const slices = (keys: string[], round: number) =>
  Object.fromEntries(keys.map((k, i) => [k, slice(i, round)]));

beforeAll(() => {
  const store = openStore(storePath);
  store.createRun({ id: RUN, kind: 'cycle', config: {}, seed: 3, target: 'embedded:base' });
  const techniques = names('base64+roleplay+leetspeak', 160);
  for (let round = 0; round < ROUNDS; round++) {
    store.upsertRound(RUN, round, {
      model: `round-${round}`,
      status: 'done',
      metrics: {
        asr: 0.5 / (round + 1),
        dr1: 0.3,
        dr3: 0.2,
        iprr: 0.6,
        vprr: 0.05,
        helpfulness: 0.8,
        attempts: 4000,
        errors: 12,
        undetermined: 30,
        error_rate: 0.003,
        by_category: slices(names('category', 14), round),
        by_technique: slices(techniques, round),
        by_language: slices(names('lang', 12), round),
        by_turns: slices(['1', '2', '3'], round),
        dataset: { sft: 40 + round, preference: 20 },
      },
    });
    for (const suite of names('suite', 6))
      store.saveBenchResult({
        runId: RUN,
        round,
        suite,
        model: `round-${round}`,
        metrics: {
          split: 'attack',
          kind: 'harmful',
          metrics: { dr1: benchRate(0.3), dr3: benchRate(0.2), refusal: benchRate(0.6) },
          slices: Object.fromEntries(
            ['dr3_by_category', 'dr3_by_language', 'refusal_by_category'].map((family) => [
              family,
              Object.fromEntries(names('key', 25).map((k) => [k, benchRate(0.25)])),
            ]),
          ),
        },
      });
    for (const stage of ['bench', 'break', 'retest', 'curate'])
      store.addSpend(
        { runId: RUN, round, stage, role: 'target', model: `round-${round}` },
        { requests: 500, promptTokens: 40_000, completionTokens: 20_000 },
      );
  }
  store.saveVulnerabilities(
    RUN,
    ROUNDS - 1,
    techniques.map(
      (t, i): Vulnerability => ({
        id: `category_${i % 14}|${t}|en|1`,
        category: `category_${i % 14}`,
        techniques: t.split('+'),
        language: 'en',
        turns: 1,
        attempts: 6,
        successes: 3,
        rate: 0.5,
        severity: 3,
        score: 1 - i / 1000,
        exampleAttemptIds: [],
        firstSeenRound: 0,
        status: 'persisting',
      }),
    ),
  );
  store.updateRun(RUN, { status: 'done' });
  store.close();
});

const report = (...args: string[]) => runCli(['report', '--store', storePath, '--format', 'md', ...args]);

/** Each table of a Markdown text: its lines, from a header row to the last row. */
function tables(md: string): string[][] {
  const out: string[][] = [];
  let cur: string[] | undefined;
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) {
      cur ??= [];
      cur.push(line);
    } else if (cur) {
      out.push(cur);
      cur = undefined;
    }
  }
  return out;
}
/** Unescaped pipes: a row's columns. */
const pipes = (row: string) => row.replace(/\\\|/g, '').split('|').length;
const section = (md: string, from: RegExp, to: string) => {
  const start = md.search(from);
  return md.slice(start, md.indexOf(to, start));
};

describe('the Markdown report within a size limit', () => {
  let whole: string;
  beforeAll(async () => {
    const r = await report('--max-chars', '0');
    expect(r.stderr).not.toMatch(/shortened/);
    whole = r.stdout;
  });

  it('is cut to a GitHub comment by default, whole rows only, the verdict and rounds table kept', async () => {
    expect(whole.length).toBeGreaterThan(LIMIT);
    const r = await report();
    expect([0, 1]).toContain(r.code);
    const md = r.stdout;
    expect(md.length).toBeLessThanOrEqual(LIMIT);
    expect(r.stderr).toContain(`was shortened to fit ${LIMIT}`);
    expect(md).toContain(`> **Shortened to fit ${LIMIT} characters:**`);
    // Nothing but the banner and the notes is new: every other line is one of the whole report's,
    // in its order (no row, escape or <details> cut in two). (Blank lines aside: each note has one.)
    const added =
      /^(> \*\*Shortened to fit|_(\d+ (more )?rows? left out|This table \(\d+ rows?\) is left out))/;
    const content = (text: string) =>
      text.split('\n').filter((line) => line && !line.startsWith('<sub>generated'));
    const lines = content(whole);
    let at = 0;
    for (const line of content(md)) {
      if (added.test(line)) continue;
      const found = lines.indexOf(line, at);
      expect(found, line).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
    expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/details>/g)?.length);
    for (const t of tables(md)) for (const row of t) expect(pipes(row), row).toBe(pipes(t[0]));
    // What the verdict rests on is whole: the criteria and the rounds table with their counts.
    const verdict = (text: string) => section(text, /### (❌|✅)/, '### ASR by');
    expect(verdict(md)).toBe(verdict(whole));
    expect(verdict(md)).toMatch(/\| ASR \| 50\.0% \\\(n=3958 err 12 und 30\\\) \|/);
    // The least needed went first: the suites' slice tables (the last suites' first), which were
    // enough here; the technique table and the vulnerabilities (the top 10) are whole.
    const suite5 = section(md, /<summary>suite_5/, '</details>');
    expect(suite5.match(/_This table \(25 rows\) is left out/g)).toHaveLength(3);
    expect(suite5).toContain('| refusal |');
    expect(tables(md).find((t) => t[0].startsWith('| technique |'))).toHaveLength(162);
    expect(section(md, /### Vulnerabilities/, '### Spend')).toBe(
      section(whole, /### Vulnerabilities/, '### Spend'),
    );
    // A shortened table's note counts what it left out.
    for (const m of md.matchAll(/\n((?:\|[^\n]*\n)+)\n_(\d+) more rows? left out/g)) {
      const kept = m[1].trim().split('\n').length - 2;
      const title = m[1].split('\n')[0];
      const all = tables(whole).find((t) => t[0] === title && t.length - 2 > kept);
      expect(all, title).toBeDefined();
      expect(kept + Number(m[2])).toBe((all as string[]).length - 2);
    }
  });

  it('fits a smaller --max-chars, and says so when even the summary does not fit', async () => {
    // With --json, the summary says the report was cut, and how long it was whole.
    const json = JSON.parse((await report('--max-chars', '9000', '--json')).stdout);
    expect(json.shortened).toEqual({ tables: expect.any(Number), fullChars: whole.length });
    expect(json.report.length).toBeLessThanOrEqual(9000);
    const small = await report('--max-chars', '9000');
    expect(small.stdout.length).toBeLessThanOrEqual(9000);
    expect(small.stdout).toContain('### Rounds');
    expect(small.stdout).toMatch(
      /<summary>ASR by technique \(160\)[^\n]*\n\n_This table \(160 rows\) is left out/,
    );
    // The spend table's lines went, its total stays.
    expect(small.stdout).toMatch(/\| \*\*total\*\* \|[^\n]*\n\n_20 rows left out here/);
    const tiny = await report('--max-chars', '500');
    expect(tiny.code).toBe(2);
    expect(tiny.stdout).toBe('');
    expect(tiny.stderr).toMatch(/cannot be shortened to 500 characters[^\n]*still take \d+/);
    const html = await report('--max-chars', '500', '--format', 'html', '--out', join(dir, 'r.html'));
    expect(html.code).toBe(2);
    expect(html.stderr).toContain('--max-chars applies to the Markdown report');
  });

  it('leaves a report within the limit as it was', () => {
    const store = openStore(storePath, { readOnly: true });
    const data = collectReportData(store, RUN);
    store.close();
    const text = renderMarkdown(data);
    expect(renderMarkdown(data, [], { maxChars: text.length })).toBe(text);
    expect(renderMarkdown(data, [], { maxChars: text.length - 1 }).length).toBeLessThan(text.length);
  });
});
