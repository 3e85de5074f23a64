export { buildCharts, type Chart, renderSvg } from './charts.js';
export {
  applicableCriteria,
  type CriterionResult,
  evaluateRules,
  type FailRule,
  gatedRound,
  KNOWN_METRICS,
  parseFailOn,
  rulesFromCriteria,
  ruleText,
  runCriteriaRules,
} from './criteria.js';
export {
  type CollectOptions,
  collectReportData,
  type DatasetStats,
  type HeatCell,
  type ReportData,
  type RoundData,
  type RoundFigures,
  type SampleTranscript,
  techniqueKey,
} from './data.js';
export { escapeHtml, escapeMarkdownCell } from './escape.js';
export { formatFigure, type HtmlOptions, renderHtml } from './html.js';
export { renderJson } from './json.js';
export { renderJunit } from './junit.js';
export { fitMarkdownReport, type MarkdownOptions, renderMarkdown } from './markdown.js';
export { GITHUB_COMMENT_MAX } from './markdown-fit.js';
export { REPORT_FORMATS, type ReportFormat, renderReport } from './render.js';
export { countsNote } from './slices.js';
export { startViewer, type Viewer, type ViewerOptions } from './viewer/server.js';
export { defaultReportPath, writeCycleReport } from './write.js';
