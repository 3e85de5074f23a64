// One entry point for every format.
import type { CriterionResult } from './criteria.js';
import type { ReportData } from './data.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { fitMarkdownReport } from './markdown.js';

export const REPORT_FORMATS = ['html', 'md', 'json', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export async function renderReport(
  data: ReportData,
  format: ReportFormat,
  criteria: CriterionResult[],
  opts: {
    /** Markdown only: most characters, tables shortened to fit (default: none). */
    maxChars?: number;
    /** Told when the Markdown lost rows to fit: how many tables, and its length whole. */
    onCut?: (tables: number, fullChars: number) => void;
  } = {},
): Promise<string> {
  switch (format) {
    case 'html':
      return renderHtml(data, { criteria });
    case 'md': {
      const { text, cut, fullChars } = fitMarkdownReport(data, criteria, { maxChars: opts.maxChars });
      if (cut) opts.onCut?.(cut, fullChars);
      return text;
    }
    case 'json':
      return renderJson(data, criteria);
    case 'junit':
      return renderJunit(data, criteria);
  }
}
