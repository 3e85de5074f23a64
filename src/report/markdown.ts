// The Markdown summary, for a pull request comment: figures per round, criteria, top vulnerabilities.
// No transcripts (a PR comment is public); every cell is escaped.
import { techniquesLabel } from '../core/index.js';
import { type CriterionResult, releaseOf } from './criteria.js';
import { FIGURE_KEYS, type ReportData } from './data.js';
import { escapeHtml, escapeMarkdownCell as m } from './escape.js';
import {
  cardCounts,
  changeRows,
  criterionCounts,
  figureLabel,
  formatCheckFigure,
  formatFigure,
  formatInterval,
  VULN_NOTE,
} from './html.js';
import { CUT_BANNER, type CuttableTable, fitMarkdown, type MarkdownPart } from './markdown-fit.js';
import { COUNTS_LEGEND, SLICE_DIMENSIONS, sliceRows, vulnerabilityRate } from './slices.js';
import { SPEND_HEADERS, spendNote, spendTableRows } from './spend.js';
import { suiteFigureCells, suiteSliceTables } from './suites.js';

/** A figure with what it is over beside it, in brackets, as the slices' cells have it. */
const withCounts = (figure: string, counts: string | undefined) =>
  counts ? `${figure} (${counts})` : figure;

/** Which tables a size limit shortens first (lowest first): the detail under the headline figures
 * before the figures, the vulnerabilities last. The criteria and rounds tables are never cut. */
const CUT_RANK = {
  suiteSlices: 1,
  techniques: 2,
  spend: 3,
  slices: 4,
  suiteFigures: 5,
  fixData: 6,
  vulnerabilities: 7,
} as const;

export interface MarkdownOptions {
  /** Most vulnerabilities listed (default 10). */
  topVulns?: number;
  /** Most characters (UTF-16 code units) in the report: tables lose rows to fit (default: none). */
  maxChars?: number;
}

export function renderMarkdown(
  data: ReportData,
  criteria: CriterionResult[] = [],
  opts: MarkdownOptions = {},
): string {
  return fitMarkdownReport(data, criteria, opts).text;
}

/** The report and how many of its tables a size limit shortened (with the length it had whole). */
export function fitMarkdownReport(
  data: ReportData,
  criteria: CriterionResult[] = [],
  opts: MarkdownOptions = {},
): { text: string; cut: number; fullChars: number } {
  return fitMarkdown(markdownParts(data, criteria, opts.topVulns ?? 10), opts.maxChars ?? Infinity);
}

function markdownParts(data: ReportData, criteria: CriterionResult[], topVulns: number): MarkdownPart[] {
  const parts: MarkdownPart[] = [];
  let out: string[] = [];
  /** Ends the fixed lines so far and adds a table the size limit may shorten. */
  const table = (t: CuttableTable) => {
    parts.push(out, t);
    out = [];
  };
  // (a code span shows its text as it is, markup and all; only a backtick or a line ending, which a
  // run id from a store older than its checks may hold, could end it or the heading early)
  out.push(`## breakfix report — run \`${data.run.id.replace(/[`\p{Cc}\u2028\u2029]/gu, '')}\``, '');
  out.push(
    `${m(data.run.kind)} · status **${m(data.run.status)}** · ${data.rounds.length} round(s) · seed ${m(data.run.seed)}`,
    '',
    `_${m(COUNTS_LEGEND)}_`,
    '',
  );
  parts.push(out, CUT_BANNER);
  out = [];
  const release = releaseOf(data);
  if (release)
    out.push(
      `Release candidate: **round ${m(release.round)}** (${release.criteriaMet ? 'meets every criterion' : 'closest to the criteria; none met them'}); the criteria below are checked on it.`,
      '',
    );
  if (criteria.length) {
    const failed = criteria.filter((c) => !c.pass).length;
    // (a headline "all pass" over checks whose interval reaches past their threshold overstated what
    // the evidence shows: the PR reader sees the heading first, often alone)
    const estimateOnly = criteria.filter((c) => c.pass && c.passes_on_estimate_only).length;
    out.push(
      failed
        ? `### ❌ ${failed} of ${criteria.length} criteria failed`
        : `### ✅ all ${criteria.length} criteria pass${estimateOnly ? `, ${estimateOnly} of them on the estimate only (the 95% interval reaches past the threshold)` : ''}`,
      '',
    );
    out.push(
      '| criterion (fails when) | value | 95% interval | round | result |',
      '|---|---:|---:|---:|---|',
    );
    for (const c of criteria)
      out.push(
        `| \`${c.rule}\` | ${m(withCounts(formatCheckFigure(c.metric, c.value, c.threshold), criterionCounts(data, c)))} | ${m(formatInterval(c))} | ${m(c.round ?? '—')} | ${c.pass ? (c.passes_on_estimate_only ? `pass on the estimate only: ${m(c.message)}` : 'pass') : `**fail**: ${m(c.message)}`} |`,
      );
    out.push('');
  }
  const keys = FIGURE_KEYS.filter((k) => data.rounds.some((r) => r.figures[k] !== undefined));
  if (keys.length) {
    out.push('### Rounds', '');
    out.push(`| figure | ${data.rounds.map((r) => `round ${m(r.round)}`).join(' | ')} |`);
    out.push(`|---|${data.rounds.map(() => '---:').join('|')}|`);
    // (a rate with what it is over and, beside it, what ended in error or undetermined, where stored)
    const cell = (r: ReportData['rounds'][number], k: (typeof keys)[number]) => {
      return m(
        withCounts(formatFigure(k, r.figures[k]), r.figures[k] === undefined ? undefined : cardCounts(r, k)),
      );
    };
    for (const k of keys)
      out.push(`| ${m(figureLabel(k))} | ${data.rounds.map((r) => cell(r, k)).join(' | ')} |`);
    for (const c of changeRows(data)) out.push(`| ${m(c.label)} | ${c.cells.map(m).join(' | ')} |`);
    // The retest ASR is over the retest's decided attempts: its errors and undetermined beside it.
    if (data.rounds.some((r) => Object.values(r.retestOutcomes).some((n) => n > 0)))
      out.push(
        `| Retest attempts: success / failure / error / undetermined | ${data.rounds
          .map((r) => {
            const o = r.retestOutcomes;
            return o.success + o.failure + o.error + o.undetermined
              ? `${o.success} / ${o.failure} / ${o.error} / ${o.undetermined}`
              : '—';
          })
          .join(' | ')} |`,
      );
    out.push('');
  } else out.push('_No round has been measured yet._', '');
  // The slices: categories in the open, the (longer) technique list folded.
  for (const { key, title } of SLICE_DIMENSIONS) {
    const rows = sliceRows(data, key);
    if (!rows.length) continue;
    const folded = key === 'byTechnique';
    const heading = `ASR by ${title}${folded ? ` (${rows.length})` : ''}, over decided attempts; err and und counted apart`;
    if (folded) out.push('<details>', `<summary>${heading}</summary>`, '');
    else out.push(`### ${heading}`, '');
    table({
      rank: folded ? CUT_RANK.techniques : CUT_RANK.slices,
      head: [
        `| ${m(title)} | ${data.rounds.map((r) => `round ${m(r.round)}`).join(' | ')} |`,
        `|---|${data.rounds.map(() => '---:').join('|')}|`,
      ],
      rows: rows.map((row) => `| ${m(row.slice)} | ${row.cells.map(m).join(' | ')} |`),
    });
    out.push('', ...(folded ? ['</details>', ''] : []));
  }
  for (const p of benchParts(data))
    if (Array.isArray(p)) out.push(...p);
    else table(p);
  const last = [...data.rounds].reverse().find((r) => r.vulnerabilities.length);
  if (last) {
    const open = last.vulnerabilities.filter((v) => v.status !== 'fixed');
    const fixed = last.vulnerabilities.length - open.length;
    const untested = open.filter((v) => v.status === 'untested').length;
    out.push(
      `### Vulnerabilities, round ${m(last.round)} (${open.length} open${untested ? `, ${untested} of them untested this round` : ''}, ${fixed} fixed)`,
      '',
    );
    table({
      rank: CUT_RANK.vulnerabilities,
      head: [
        '| status | category | techniques | lang | turns | rate | severity | score |',
        '|---|---|---|---|---:|---:|---:|---:|',
      ],
      rows: last.vulnerabilities
        .slice(0, topVulns)
        .map(
          (v) =>
            `| ${m(v.status)} | ${m(v.category)} | ${m(techniquesLabel(v.techniques))} | ${m(v.language)} | ${m(v.turns)} | ${m(vulnerabilityRate(v))} | ${m(v.severity)} | ${m(v.score.toFixed(3))} |`,
        ),
    });
    if (last.vulnerabilities.length > topVulns)
      out.push('', `_…and ${last.vulnerabilities.length - topVulns} more._`);
    // (the criteria above are checked on the release candidate: a later round's list is not its own)
    const candidate = release && data.rounds.find((r) => r.round === release.round);
    if (candidate && candidate.round !== last.round) {
      const openThen = candidate.vulnerabilities.filter((v) => v.status !== 'fixed').length;
      out.push(
        '',
        `_These are round ${m(last.round)}'s. The release candidate, round ${m(candidate.round)}, listed ${candidate.vulnerabilities.length} \\(${openThen} open\\): the HTML report or \`breakfix vulns --round ${m(candidate.round)}\` has them._`,
      );
    }
    out.push('', `_${m(VULN_NOTE)}_`, '');
  }
  const ds = data.rounds.filter((r) => r.dataset.total);
  if (ds.length) {
    out.push('### Fix data', '');
    table({
      rank: CUT_RANK.fixData,
      head: ['| round | records | sft | preference |', '|---:|---:|---:|---:|'],
      rows: ds.map(
        (r) =>
          `| ${m(r.round)} | ${r.dataset.total} | ${r.dataset.byKind.sft ?? 0} | ${r.dataset.byKind.preference ?? 0} |`,
      ),
    });
    out.push('');
  }
  out.push('### Spend (model requests and tokens)', '');
  if (data.spend.lines.length) {
    const rows = spendTableRows(data.spend).map((row) => {
      const cells = row.cells.map(m);
      return {
        kind: row.kind,
        text: `| ${row.kind === 'line' ? cells.join(' | ') : cells.map((c) => (c ? `**${c}**` : c)).join(' | ')} |`,
      };
    });
    // (the run's total stays whatever is cut: it is the last row)
    table({
      rank: CUT_RANK.spend,
      head: [
        `| ${SPEND_HEADERS.join(' | ')} |`,
        `|---:|---|---|---|${SPEND_HEADERS.slice(4)
          .map(() => '---:')
          .join('|')}|`,
      ],
      rows: rows.filter((r) => r.kind !== 'total').map((r) => r.text),
      last: rows.filter((r) => r.kind === 'total').map((r) => r.text),
    });
    out.push('');
  }
  out.push(`_${m(spendNote(data.spend))}_`, '');
  out.push(`<sub>generated ${m(data.generatedAt)} by breakfix</sub>`, '');
  parts.push(out);
  return parts;
}

/** Each benchmark suite folded: its figures down and rounds across, then its slices, one table per
 * metric and dimension, each cell as `breakfix bench` prints it (interval, n, err and und). */
function benchParts(data: ReportData): (string[] | CuttableTable)[] {
  const suites = [...new Set(data.rounds.flatMap((r) => r.bench.map((b) => b.suite)))];
  if (!suites.length) return [];
  const parts: (string[] | CuttableTable)[] = [];
  let out = [
    '### Benchmark suites',
    '',
    '_Each rate excludes its error (err) and undetermined (und) samples, shown beside it; [lo–hi] is the 95% interval._',
    '',
  ];
  for (const suite of suites) {
    const cols = data.rounds.filter((r) => r.bench.some((b) => b.suite === suite));
    const head = (title: string) => [
      `| ${m(title)} | ${cols.map((r) => `round ${m(r.round)}`).join(' | ')} |`,
      `|---|${cols.map(() => '---:').join('|')}|`,
    ];
    const figures = cols.map((r) => suiteFigureCells(r.bench.find((b) => b.suite === suite)?.metrics));
    const keys = [...new Set(figures.flatMap((f) => [...f.keys()]))];
    const slices = suiteSliceTables(cols, suite);
    out.push(
      '<details>',
      // (raw HTML, where a Markdown escape shows as written: escaped as HTML, on one line)
      `<summary>${escapeHtml(`${suite}: ${keys.length} figures, ${slices.length} slice tables`).replace(/\n/g, ' ')}</summary>`,
      '',
    );
    parts.push(out, {
      rank: CUT_RANK.suiteFigures,
      head: head('figure'),
      rows: keys.map((k) => `| ${m(k)} | ${figures.map((f) => m(f.get(k) ?? '—')).join(' | ')} |`),
    });
    out = [''];
    for (const t of slices) {
      parts.push(out, {
        rank: CUT_RANK.suiteSlices,
        head: head(t.title),
        rows: t.rows.map((row) => `| ${m(row.slice)} | ${row.cells.map(m).join(' | ')} |`),
      });
      out = [''];
    }
    out.push('</details>', '');
  }
  parts.push(out);
  return parts;
}
