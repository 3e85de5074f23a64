// Fitting the Markdown report into a size limit. It is posted as a pull request comment, and GitHub
// refuses a comment body over 65,536 characters whole (the REST API answers 422 "Body is too long",
// `gh pr comment` fails on GraphQL's addComment): nothing is posted. So whole table rows are left
// out, the least needed tables first, each shortened table saying how many rows it lost; what the
// verdict rests on (the criteria, the rounds table with the counts beside each rate) is never cut.
import { BreakfixError } from '../core/index.js';

/** GitHub's limit on a comment body, as its error names it. Lengths here are UTF-16 code units
 * (String#length), never fewer than characters: 65,536 of them are at most 196,608 bytes of UTF-8,
 * inside the 262,144 bytes measured as the byte limit behind the message. */
export const GITHUB_COMMENT_MAX = 65_536;

/** A table the fitting may shorten: rows are left out from the end (each table lists its most
 * needed rows first), `last` rows (a total) stay whatever. `rank`: lower is cut first. */
export interface CuttableTable {
  rank: number;
  head: string[];
  rows: string[];
  last?: string[];
}

/** Where the line saying the report was shortened goes (only when it was). */
export const CUT_BANNER = Symbol('cut banner');

/** The report as fixed lines, tables the fitting may shorten, and the place of the banner. */
export type MarkdownPart = readonly string[] | CuttableTable | typeof CUT_BANNER;

const EVERY_ROW = 'the HTML report and `--format json` have every row';

const banner = (max: number) =>
  `> **Shortened to fit ${max} characters:** the tables marked below lost rows, least needed first; the verdict, the criteria and the rounds table are whole. The HTML report and \`--format json\` have every row.`;

const rows = (n: number) => `${n} ${n === 1 ? 'row' : 'rows'}`;
const LEFT_OUT = `left out here to fit the size limit: ${EVERY_ROW}`;

const isTable = (p: MarkdownPart): p is CuttableTable => typeof p === 'object' && 'rows' in p;

/** The parts as text, each table with `kept.get(table)` of its rows (all where unset). */
function render(parts: readonly MarkdownPart[], kept: Map<CuttableTable, number>, max: number): string {
  const lines: string[] = [];
  for (const p of parts) {
    if (p === CUT_BANNER) {
      if (kept.size) lines.push(banner(max), '');
    } else if (!isTable(p)) lines.push(...p);
    else {
      const k = kept.get(p) ?? p.rows.length;
      const last = p.last ?? [];
      if (k === p.rows.length) lines.push(...p.head, ...p.rows, ...last);
      // (a table that keeps nothing but its header would read as one that had no rows)
      else if (k === 0 && !last.length)
        lines.push(`_This table (${rows(p.rows.length)}) is left out to fit the size limit: ${EVERY_ROW}._`);
      // (the blank line ends the table: a line of text right under it would be read as a row)
      else
        lines.push(
          ...p.head,
          ...p.rows.slice(0, k),
          ...last,
          '',
          `_${k ? `${p.rows.length - k} more ${p.rows.length - k === 1 ? 'row' : 'rows'}` : rows(p.rows.length)} ${LEFT_OUT}._`,
        );
    }
  }
  return lines.join('\n');
}

/** The report within `maxChars` (no limit: Infinity). Tables are shortened lowest rank first, later
 * ones first within a rank, each by as few rows as will do; `cut` counts the tables shortened. A
 * report whose uncuttable parts alone are over the limit is refused (a usage error), not cut
 * mid-table. */
export function fitMarkdown(
  parts: readonly MarkdownPart[],
  maxChars: number,
): { text: string; cut: number; fullChars: number } {
  const kept = new Map<CuttableTable, number>();
  const full = render(parts, kept, maxChars);
  if (full.length <= maxChars) return { text: full, cut: 0, fullChars: full.length };
  const order = parts
    .filter(isTable)
    .map((t, i) => ({ t, i }))
    .filter(({ t }) => t.rows.length)
    .sort((a, b) => a.t.rank - b.t.rank || b.i - a.i);
  for (const { t } of order) {
    kept.set(t, 0);
    if (render(parts, kept, maxChars).length > maxChars) continue;
    // The most rows of this table that fit (all of them did not: the tables before it are empty).
    let lo = 0;
    let hi = t.rows.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      kept.set(t, mid);
      if (render(parts, kept, maxChars).length <= maxChars) lo = mid;
      else hi = mid - 1;
    }
    kept.set(t, lo);
    return { text: render(parts, kept, maxChars), cut: kept.size, fullChars: full.length };
  }
  const least = render(parts, kept, maxChars).length;
  throw new BreakfixError(
    `the Markdown report cannot be shortened to ${maxChars} characters: with every table that may be cut left out, the verdict, the criteria and the rounds table still take ${least}`,
    'usage',
    `raise --max-chars to ${least} or more, or pass --max-chars 0 for no limit`,
  );
}
