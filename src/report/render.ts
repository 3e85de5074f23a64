// One entry point for every format.
import type { CriterionResult } from './criteria.js';
import type { ReportData } from './data.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';

export const REPORT_FORMATS = ['html', 'md', 'json', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export async function renderReport(
  data: ReportData,
  format: ReportFormat,
  criteria: CriterionResult[],
): Promise<string> {
  switch (format) {
    case 'html':
      return renderHtml(data, { criteria });
    case 'md':
      return renderMarkdown(data, criteria);
    case 'json':
      return renderJson(data, criteria);
    case 'junit':
      return renderJunit(data, criteria);
  }
}
