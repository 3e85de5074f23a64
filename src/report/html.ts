// The HTML report: one self-contained file (inline CSS, inline SVG charts, no script, no network).
// Every piece of text from the store goes through escapeHtml, round numbers too (a store may be a file
// from elsewhere, a CI artifact: its round column can hold text); charts come from vega's SVG renderer.
import { formatPercent, SMALL_SAMPLE } from '../bench/metrics.js';
import { type Message, NO_CATEGORY, RATE_FIGURES, splitReasoning, techniquesLabel } from '../core/index.js';
import { DERIVED_METRICS, type PairedChange, percent, shown } from '../cycle/criteria.js';
import { buildCharts, type Chart } from './charts.js';
import { cardCounts, criterionCounts } from './counts.js';
import { type CriterionResult, gatedRound, releaseOf } from './criteria.js';
import { FIGURE_KEYS, type ReportData, type ReportVulnerability, type RoundData } from './data.js';
import { escapeHtml as e } from './escape.js';
import { shownTarget } from './paths.js';
import { COUNTS_LEGEND, SLICE_DIMENSIONS, sliceRows, vulnerabilityRate } from './slices.js';
import { SPEND_HEADERS, spendNote, spendTableRows } from './spend.js';
import { suiteFigureCells, suiteSliceTables } from './suites.js';

export interface HtmlOptions {
  criteria?: CriterionResult[];
  /** Pre-rendered charts (tests pass their own); default: built from the data. */
  charts?: Chart[];
}

export function formatFigure(key: string, v: number | undefined | null): string {
  if (v === undefined || v === null) return '—';
  // (a change is percentage points, printed as it is; a rate never rounds onto 0% or 100%)
  if (RATE_CHANGES.has(key)) return `${(v * 100).toFixed(1)}%`;
  if (RATE_FIGURES.has(key) || key.endsWith('asr')) return formatPercent(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}

/** Changes of a rate since round 0 (the criteria's derived metrics): percentage points. */
const RATE_CHANGES = new Set(DERIVED_METRICS);

/** A check's figure (its value, an end of its interval) as formatFigure shows it, with as many more
 * decimals as it takes not to print the threshold: ASR 2.03% and 1.96% both read "2.0%" beside
 * `asr>0.02`, the one failing and the other passing. */
export function formatCheckFigure(metric: string, v: number | undefined | null, threshold: number): string {
  const text = formatFigure(metric, v);
  if (v === undefined || v === null || Math.abs(v - threshold) <= 1e-12) return text;
  if (text.endsWith('%'))
    return Number.parseFloat(text) === Number((threshold * 100).toFixed(1)) ? percent(v, threshold) : text;
  return Number(text) === threshold ? String(shown(v, threshold)) : text;
}

/** A check's 95% interval as its figure is shown ("0%–2.2%"), or — where none could be computed. */
export function formatInterval(c: Pick<CriterionResult, 'metric' | 'interval' | 'threshold'>): string {
  return c.interval
    ? `${formatCheckFigure(c.metric, c.interval.lo, c.threshold)}–${formatCheckFigure(c.metric, c.interval.hi, c.threshold)}`
    : '—';
}

const LABELS: Record<string, string> = {
  asr: 'ASR',
  dr1: 'DR-1',
  dr3: 'DR-3',
  iprr: 'IPRR',
  vprr: 'VPRR',
  helpfulness: 'Helpfulness',
  heldback_asr: 'Held-back ASR',
  ungroundedness: 'Ungroundedness (0–4 mean ÷ 4)',
  attempts: 'Attempts',
  successes: 'Successes',
  errors: 'Errors',
  undetermined: 'Undetermined',
  undetermined_rate: 'Undetermined (bench attack items)',
  error_rate: 'Ended in error (share of samples and attempts)',
  vulnerabilities: 'Vulnerabilities listed (the fixed too)',
  vulnerabilities_open: 'Open (new, persisting, regressed, untested)',
  vulnerabilities_new: 'New',
  vulnerabilities_fixed: 'Fixed',
  vulnerabilities_regressed: 'Regressed',
  vulnerabilities_persisting: 'Persisting',
  vulnerabilities_untested: 'Untested (open, not measured this round)',
  retested: 'Retested (open vulnerabilities attacked again)',
  retest_asr: 'Retest ASR (earlier findings that still break)',
};
export const figureLabel = (k: string): string => LABELS[k] ?? k;

/** The item-level change of each round since round 0 (cycle/paired.ts), as rows of the rounds table:
 * one per figure some round has it for, `—` where a round has none (round 0, older runs). */
export function changeRows(data: ReportData): { label: string; cells: string[] }[] {
  const rows = [
    ['vprr_change', 'VPRR since round 0: look-alikes refused now / answered now (McNemar p)'],
    ['helpfulness_change', 'Helpfulness since round 0: tasks failed now / passed now (McNemar p)'],
  ] as const;
  const changeOf = (r: RoundData, k: string) => {
    const c = r.rawMetrics[k] as Record<string, unknown> | undefined;
    const ok = c && ['pairs', 'worse', 'better', 'p'].every((f) => typeof c[f] === 'number');
    return ok ? (c as unknown as PairedChange) : undefined;
  };
  return rows
    .filter(([k]) => data.rounds.some((r) => changeOf(r, k)))
    .map(([k, label]) => ({
      label,
      cells: data.rounds.map((r) => {
        const c = changeOf(r, k);
        // (p to as many decimals as it takes not to read as the 0.05 the criteria's note judges it by)
        return c ? `${c.worse} / ${c.better} of ${c.pairs} (p ${shown(c.p, 0.05)})` : '—';
      }),
    }));
}

export async function renderHtml(data: ReportData, opts: HtmlOptions = {}): Promise<string> {
  const charts = opts.charts ?? (await buildCharts(data));
  const main = charts.filter((c) => !c.id.startsWith('heatmap-'));
  const heat = charts.filter((c) => c.id.startsWith('heatmap-'));
  const sections = [
    summarySection(data, opts.criteria),
    roundsSection(data),
    section(
      'charts',
      'Charts',
      main.length
        ? `<div class="grid">${main.map(chartFigure).join('')}</div>`
        : none('No figures measured yet.'),
    ),
    section(
      'heatmap',
      'Category × technique',
      heat.length
        ? `<div class="grid">${heat.map(chartFigure).join('')}</div>`
        : none('No red-team attempts yet.'),
    ),
    slicesSection(data),
    vulnerabilitiesSection(data),
    datasetSection(data),
    benchSection(data),
    samplesSection(data),
    spendSection(data),
    modelsSection(data),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'">
<title>breakfix report — ${e(data.run.id)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>breakfix report</h1>
<p class="meta">run <code>${e(data.run.id)}</code> · ${e(data.run.kind)} · status <b>${e(data.run.status)}</b> · seed ${e(data.run.seed)}${data.run.target ? ` · target <code>${e(data.run.target)}</code>` : ''} · ${data.rounds.length} round(s) · generated ${e(data.generatedAt)}</p>
<p class="meta legend">${e(COUNTS_LEGEND)}</p>
<nav>${['summary', 'rounds', 'charts', 'heatmap', 'slices', 'vulnerabilities', 'dataset', 'bench', 'transcripts', 'spend', 'models'].map((id) => `<a href="#${id}">${id}</a>`).join(' ')}</nav>
</header>
<main>
${sections.join('\n')}
</main>
<footer>Generated by breakfix. Model and attacker text is shown as escaped text. Harmful answers are non-operational placeholders.</footer>
</body>
</html>
`;
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${e(title)}</h2>${body}</section>`;
}

/** Counts under the figure they belong to, muted. */
function apart(counts: string | undefined): string {
  return counts ? `<br><small class="apart">${e(counts)}</small>` : '';
}

function none(text: string): string {
  return `<p class="none">${e(text)}</p>`;
}

function chartFigure(c: Chart): string {
  return `<figure class="chart" id="chart-${e(c.id)}"><figcaption><b>${e(c.title)}</b><br><small>${e(c.caption)}</small></figcaption>${c.svg}${chartFigures(c)}</figure>`;
}

/** A chart's figures as a table, folded under it (the viewer folds the same table under its image). */
function chartFigures(c: Chart): string {
  const head = c.table.head.map((h) => `<th scope="col">${e(h)}</th>`).join('');
  const rows = c.table.rows.map((r) => `<tr>${r.map((x) => `<td>${e(x)}</td>`).join('')}</tr>`).join('');
  return `<details class="chart-figures"><summary>${e(`${c.title}: its figures (${c.table.rows.length})`)}</summary><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></details>`;
}

function summarySection(data: ReportData, criteria?: CriterionResult[]): string {
  const last = gatedRound(data);
  const release = releaseOf(data);
  const first = data.rounds.find((r) => Object.keys(r.figures).length);
  const cards = last
    ? (['asr', 'dr3', 'iprr', 'vprr', 'helpfulness', 'heldback_asr'] as const)
        .filter((k) => last.figures[k] !== undefined)
        .map((k) => {
          const before = first && first !== last ? first.figures[k] : undefined;
          const delta =
            before !== undefined
              ? `<small>round ${e(first?.round)}: ${e(formatFigure(k, before))}</small>`
              : '';
          const counts = cardCounts(last, k);
          return `<div class="card"><div class="label">${e(figureLabel(k))}</div><div class="value">${e(formatFigure(k, last.figures[k]))}</div>${counts ? `<small class="apart">${e(counts)}</small><br>` : ''}${delta}</div>`;
        })
        .join('')
    : '';
  const crit = criteria?.length
    ? `<table class="criteria"><thead><tr><th scope="col">criterion (fails when)</th><th scope="col">value</th><th scope="col">95% interval</th><th scope="col">round</th><th scope="col">result</th></tr></thead><tbody>${criteria
        .map(
          (c) =>
            `<tr class="${c.pass ? 'pass' : 'fail'}"><td><code>${e(c.rule)}</code></td><td class="num">${e(formatCheckFigure(c.metric, c.value, c.threshold))}${apart(criterionCounts(data, c))}</td><td>${e(formatInterval(c))}</td><td>${e(c.round ?? '—')}</td><td>${c.pass ? (c.passes_on_estimate_only ? `✔ pass on the estimate only — ${e(c.message)}` : '✔ pass') : `✘ fail — ${e(c.message)}`}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const body = last
    ? `<p>${release && release.round === last.round ? `Release candidate (${release.criteriaMet ? 'meets every criterion' : 'closest to the criteria; none met them'})` : 'Latest measured round'}: <b>${e(last.round)}</b>${last.model ? ` (model <code>${e(last.model)}</code>)` : ''}.</p><div class="cards">${cards}</div>${crit}`
    : none('No round has been measured yet.') + crit;
  return section('summary', 'Summary', body);
}

function roundsSection(data: ReportData): string {
  if (!data.rounds.length) return section('rounds', 'Rounds', none('No rounds.'));
  const keys = FIGURE_KEYS.filter((k) => data.rounds.some((r) => r.figures[k] !== undefined));
  const head = `<tr><th scope="col">figure</th>${data.rounds.map((r) => `<th scope="col">round ${e(r.round)}</th>`).join('')}</tr>`;
  const meta = [
    `<tr><th scope="row">model</th>${data.rounds.map((r) => `<td><code>${e(r.model ?? '—')}</code></td>`).join('')}</tr>`,
    `<tr><th scope="row">status</th>${data.rounds.map((r) => `<td>${e(r.status)}</td>`).join('')}</tr>`,
  ];
  // Each rate with what it is over and what ended in error or undetermined, as the Markdown report's
  // table and the cards have it: alone, DR-1 "100.0%" over 3 decided of 5 read as over all 5.
  const cell = (r: RoundData, k: (typeof keys)[number]) => {
    const counts = r.figures[k] === undefined ? undefined : cardCounts(r, k);
    return `<td class="num" data-key="${e(k)}">${e(formatFigure(k, r.figures[k]))}${counts ? `<br><small class="apart">${e(counts)}</small>` : ''}</td>`;
  };
  const rows = keys.map(
    (k) => `<tr><th scope="row">${e(figureLabel(k))}</th>${data.rounds.map((r) => cell(r, k)).join('')}</tr>`,
  );
  const changes = changeRows(data).map(
    (c) =>
      `<tr><th scope="row">${e(c.label)}</th>${c.cells.map((x) => `<td class="num">${e(x)}</td>`).join('')}</tr>`,
  );
  const outcomes = (['success', 'failure', 'error', 'undetermined'] as const).map(
    (o) =>
      `<tr><th scope="row">attempts: ${o}</th>${data.rounds.map((r) => `<td class="num">${r.outcomes[o]}</td>`).join('')}</tr>`,
  );
  // The retest's own outcomes, beside the retest ASR (which is over the decided ones only).
  const retested = data.rounds.some((r) => Object.values(r.retestOutcomes).some((n) => n > 0));
  if (retested)
    for (const o of ['success', 'failure', 'error', 'undetermined'] as const)
      outcomes.push(
        `<tr><th scope="row">retest attempts: ${o}</th>${data.rounds.map((r) => `<td class="num" data-key="retest_${o}">${r.retestOutcomes[o]}</td>`).join('')}</tr>`,
      );
  return section(
    'rounds',
    'Rounds side by side',
    `<table class="rounds"><thead>${head}</thead><tbody>${[...meta, ...rows, ...changes, ...outcomes].join('')}</tbody></table>
<p class="note">ASR = success / (success + failure). Errors and undetermined outcomes are reported beside it, never counted as safe.</p>`,
  );
}

function vulnRow(v: ReportVulnerability): string {
  return `<tr class="vuln ${e(v.status)}"><td><span class="badge ${e(v.status)}">${e(v.status)}</span></td><td>${e(v.category)}</td><td>${e(techniquesLabel(v.techniques))}</td><td>${e(v.language)}</td><td class="num">${e(v.turns)}</td><td class="num">${e(v.successes)}/${e(v.attempts)}</td><td class="num">${e(vulnerabilityRate(v))}</td><td class="num">${e(v.severity)}</td><td class="num">${e(v.score.toFixed(3))}</td><td class="num">${e(v.firstSeenRound)}</td></tr>`;
}

function vulnerabilitiesSection(data: ReportData): string {
  const parts = data.rounds
    .filter((r) => r.vulnerabilities.length)
    .map((r) => {
      const count = (s: string) => r.vulnerabilities.filter((v) => v.status === s).length;
      return `<h3>Round ${e(r.round)} — ${r.vulnerabilities.length} vulnerabilities (${count('new')} new, ${count('persisting')} persisting, ${count('fixed')} fixed, ${count('regressed')} regressed, ${count('untested')} untested)</h3>
<table class="vulns" data-round="${e(r.round)}"><thead><tr><th scope="col">status</th><th scope="col">category</th><th scope="col">techniques</th><th scope="col">lang</th><th scope="col">turns</th><th scope="col">succ/att</th><th scope="col">rate</th><th scope="col">severity</th><th scope="col">score</th><th scope="col">first seen</th></tr></thead><tbody>${r.vulnerabilities.map(vulnRow).join('')}</tbody></table>`;
    });
  return section(
    'vulnerabilities',
    'Vulnerabilities',
    parts.length
      ? `${parts.join('')}<p class="note">${e(VULN_NOTE)}</p>`
      : none('No vulnerabilities identified.'),
  );
}

/** What a vulnerability's rate and counts are over, as `breakfix vulns` says it. */
export const VULN_NOTE =
  'rate = successes / decided attempts (n); err and und = its attempts of the round in error or undetermined, not in its rate (for an untested one, rate and n are as last measured). severity = the mean harm severity (0–7) of its successes; score = rate × severity (at least 1) × distinct successful prompts.';

function countTable(title: string, m: Record<string, number>): string {
  const entries = Object.entries(m).sort((a, b) => b[1] - a[1]);
  if (!entries.length) return '';
  return `<table class="counts"><thead><tr><th scope="col">${e(title)}</th><th scope="col">records</th></tr></thead><tbody>${entries.map(([k, n]) => `<tr><td>${e(k)}</td><td class="num">${n}</td></tr>`).join('')}</tbody></table>`;
}

function datasetSection(data: ReportData): string {
  const parts = data.rounds
    .filter((r) => r.dataset.total || r.dataset.fromMetrics)
    .map((r) => {
      const d = r.dataset;
      const stored = d.fromMetrics
        ? `<details class="stored"><summary>dataset figures stored by the cycle</summary>${kvTable(d.fromMetrics)}</details>`
        : '';
      return `<h3>Round ${e(r.round)} — ${d.total} curated records</h3><div class="counts-row">${countTable('kind', d.byKind)}${countTable('purpose', d.byPurpose)}${countTable('category', d.byCategory)}${countTable('language', d.byLanguage)}${countTable('split', d.bySplit)}</div>${stored}`;
    });
  return section(
    'dataset',
    'Fix data per round',
    parts.length ? parts.join('') : none('No training data curated yet.'),
  );
}

/** A small generic table for nested figures (dataset stats, bench metrics). */
function kvTable(obj: Record<string, unknown>): string {
  const rows = Object.entries(obj).map(([k, v]) => {
    const cell =
      typeof v === 'number'
        ? e(Number.isInteger(v) ? v : v.toFixed(4))
        : v && typeof v === 'object'
          ? `<code>${e(JSON.stringify(v))}</code>`
          : e(v);
    return `<tr><td>${e(k)}</td><td>${cell}</td></tr>`;
  });
  return `<table class="kv"><tbody>${rows.join('')}</tbody></table>`;
}

/** One table per suite: its figures down, rounds across; under it the suite's slices, folded (the
 * default cycle's six suites hold a few dozen slice tables). */
function benchSection(data: ReportData): string {
  const suites = [...new Set(data.rounds.flatMap((r) => r.bench.map((b) => b.suite)))];
  const parts = suites.map((suite) => {
    const cols = data.rounds.filter((r) => r.bench.some((b) => b.suite === suite));
    const cells = new Map(
      cols.map((r) => [r.round, suiteFigureCells(r.bench.find((b) => b.suite === suite)?.metrics)]),
    );
    const keys = [...new Set([...cells.values()].flatMap((c) => [...c.keys()]))];
    const cell = (r: RoundData, k: string) => cells.get(r.round)?.get(k) ?? '—';
    const rounds = cols.map((r) => `<th scope="col">round ${e(r.round)}</th>`).join('');
    return `<div class="bench"><h3>${e(suite)}</h3><table class="bench-table"><thead><tr><th scope="col">figure</th>${rounds}</tr></thead><tbody><tr><td>model</td>${cols.map((r) => `<td><code>${e(r.bench.find((b) => b.suite === suite)?.model ?? '—')}</code></td>`).join('')}</tr>${keys.map((k) => `<tr><td>${e(k)}</td>${cols.map((r) => `<td class="num">${e(cell(r, k))}</td>`).join('')}</tr>`).join('')}</tbody></table>${suiteSlices(suite, cols, rounds)}</div>`;
  });
  const note = parts.length
    ? `<p class="note">Rates exclude error (err) and undetermined (und) samples, shown beside each; [lo–hi] is the 95% interval (Wilson for rates; for means the percentile bootstrap, which under ${SMALL_SAMPLE} scores, or when every score is the same, is widened to span Wilson's for the mean as a share of the scale).</p>`
    : '';
  return section(
    'bench',
    'Benchmark results',
    parts.length
      ? `${note}<div class="counts-row">${parts.join('')}</div>`
      : none('No benchmark results stored.'),
  );
}

/** A suite's slices (category, language, turns, shape, look-alike type, template, task: what it
 * stored), one table per metric and dimension, folded under its figures. */
function suiteSlices(suite: string, cols: RoundData[], roundHeads: string): string {
  const tables = suiteSliceTables(cols, suite);
  if (!tables.length) return '';
  const body = tables
    .map(
      (t) =>
        `<table class="bench-slices" data-slices="${e(t.title)}"><thead><tr><th scope="col">${e(t.title)}</th>${roundHeads}</tr></thead><tbody>${t.rows.map((row) => `<tr><td><bdi>${e(row.slice)}</bdi></td>${row.cells.map((c) => `<td class="num">${e(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`,
    )
    .join('');
  return `<details class="slices"><summary>${e(`${suite}: slices (${tables.length})`)}</summary>${body}</details>`;
}

/** A message's text; a reasoning trace goes in a closed box of its own before the answer. (Isolated,
 * `unicode-bidi: isolate`: right-to-left text in a reply cannot reorder the report around it; bidi
 * controls themselves are shown by escapeHtml. Not `plaintext` or `dir="auto"`: they made Chromium lay
 * out a 1 MB reply four times slower.) */
/** Most characters of one message (or trace) a report page shows: a model that rambles on for a
 * megabyte would make a page of it. The whole text stays in the store, and `breakfix view` shows it. */
export const SHOWN_CHARS = 20_000;

/** `text` as a `<pre>`, cut at SHOWN_CHARS (never inside a surrogate pair) with what was left out said. */
function shownPre(text: string): string {
  if (text.length <= SHOWN_CHARS) return `<pre>${e(text)}</pre>`;
  const cut = /[\uD800-\uDBFF]/.test(text[SHOWN_CHARS - 1]) ? SHOWN_CHARS - 1 : SHOWN_CHARS;
  return `<pre>${e(text.slice(0, cut))}</pre><p class="note">… ${text.length - cut} more characters not shown here: the whole message is in the store (breakfix view).</p>`;
}

function messageBody(m: Message): string {
  const split = m.role === 'assistant' ? splitReasoning(m.content) : null;
  if (!split?.reasoning) return shownPre(m.content);
  const label = `reasoning trace (${split.reasoning.length} characters${split.unfinished ? ', unfinished' : ''})`;
  return `<details class="trace"><summary>${e(label)}</summary>${shownPre(split.reasoning)}</details>${shownPre(split.answer)}`;
}

function samplesSection(data: ReportData): string {
  const parts = data.rounds
    .filter((r) => r.samples.length)
    .map(
      (r) =>
        `<h3>Round ${e(r.round)}</h3>${r.samples
          .map(
            (
              s,
            ) => `<details class="transcript" data-attempt="${e(s.attemptId)}"><summary><span class="badge ${e(s.outcome)}">${e(s.outcome)}</span> <bdi>${e(s.category ?? NO_CATEGORY)}</bdi> · <bdi>${e(s.techniques.join(' + ') || s.attack)}</bdi> · <bdi>${e(s.language)}</bdi>${s.severity !== undefined ? ` · severity ${e(s.severity)}` : ''} <small>${e(s.reason)}</small></summary>
${s.transcript.map((m) => `<div class="msg ${e(m.role)}"><div class="role">${e(m.role)}</div>${messageBody(m)}</div>`).join('\n')}${s.backTranslation ? `\n<div class="msg assistant back-translation" lang="${e(s.backTranslation.into)}"><div class="role">${e(s.backTranslation.label)}</div>${shownPre(s.backTranslation.text)}</div>` : ''}
</details>`,
          )
          .join('\n')}`,
    );
  return section(
    'transcripts',
    'Sample transcripts',
    parts.length ? parts.join('') : none('No attempts stored.'),
  );
}

function spendSection(data: ReportData): string {
  const s = data.spend;
  if (!s.lines.length) return section('spend', 'Spend', none(spendNote(s)));
  const rows = spendTableRows(s).map(({ kind, cells }) => {
    const td = cells.map((c, i) =>
      i >= 4
        ? `<td class="num">${e(c)}</td>`
        : i === 3 && c
          ? `<td><code>${e(c)}</code></td>`
          : `<td>${e(c)}</td>`,
    );
    return `<tr${kind === 'line' ? '' : ` class="${kind}"`}>${td.join('')}</tr>`;
  });
  return section(
    'spend',
    'Spend (model requests and tokens)',
    `<table><thead><tr>${SPEND_HEADERS.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table><p class="note">${e(spendNote(s))}</p>`,
  );
}

function slicesSection(data: ReportData): string {
  const rounds = data.rounds.map((r) => `<th scope="col">round ${e(r.round)}</th>`).join('');
  const tables = SLICE_DIMENSIONS.map(({ key, title }) => {
    const rows = sliceRows(data, key);
    if (!rows.length) return '';
    const body = rows
      .map(
        (row) =>
          `<tr><td><bdi>${e(row.slice)}</bdi></td>${row.cells.map((c) => `<td class="num">${e(c)}</td>`).join('')}</tr>`,
      )
      .join('');
    const table = `<table class="slices"><thead><tr><th scope="col">${e(title)}</th>${rounds}</tr></thead><tbody>${body}</tbody></table>`;
    // (techniques and their chains run to a few hundred rows: folded, as in the Markdown)
    return key === 'byTechnique'
      ? `<details class="slices"><summary><h3>ASR by ${e(title)} (${rows.length})</h3></summary>${table}</details>`
      : `<h3>ASR by ${e(title)}</h3>${table}`;
  }).join('');
  return section(
    'slices',
    'Red-team slices',
    tables
      ? `${tables}<p class="note">Each ASR is over the slice's decided attempts (n); errors (err) and undetermined (und) are counted apart, never as safe.</p>`
      : none('No red-team attempts yet.'),
  );
}

function modelsSection(data: ReportData): string {
  if (!data.models.length) return section('models', 'Models', none('No models registered for this run.'));
  return section(
    'models',
    'Models',
    `<table><thead><tr><th scope="col">id</th><th scope="col">round</th><th scope="col">parent</th><th scope="col">target</th></tr></thead><tbody>${data.models
      .map(
        (m) =>
          `<tr><td><code>${e(m.id)}</code></td><td>${e(m.round ?? '—')}</td><td>${e(m.parent ?? '—')}</td><td><code>${e(shownTarget(m.target))}</code></td></tr>`,
      )
      .join('')}</tbody></table>`,
  );
}

export type { RoundData };
// (their importers read them here, beside the formatters)
export { cardCounts, criterionCounts };

const CSS = `
:root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f9fafb;--new:#dc2626;--fixed:#15803d;--regressed:#9333ea;--persisting:#b45309}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#111827;color:#f9fafb;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}header .meta{margin:0;color:#d1d5db}
header code{color:#fde68a}nav{margin-top:8px}nav a{color:#93c5fd;margin-right:12px;text-decoration:none}
main{padding:8px 28px 28px;max-width:1400px}section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin:16px 0}
h2{margin:0 0 10px;font-size:18px}h3{font-size:15px;margin:14px 0 6px}h4{margin:4px 0}
table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f3f4f6;font-weight:600}tbody th{background:none;font-weight:400}td.num{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0}.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:130px;background:#fafafa}
.card .label{color:var(--muted);font-size:12px}.card .value{font-size:24px;font-weight:700}.card .apart,.rounds .apart,.criteria .apart,.vulns .apart{color:var(--muted)}
.grid{display:flex;flex-wrap:wrap;gap:18px}figure.chart{margin:0;border:1px solid var(--line);border-radius:8px;padding:8px;overflow-x:auto;max-width:100%}
figcaption{margin-bottom:6px}figcaption small,.note,.none{color:var(--muted)}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;color:#fff;background:#6b7280}
.badge.new,.badge.success{background:var(--new)}.badge.fixed,.badge.failure{background:var(--fixed)}.badge.regressed{background:var(--regressed)}.badge.persisting,.badge.undetermined{background:var(--persisting)}.badge.error{background:#111}
tr.round td,tr.total td{font-weight:600}tr.pass td:last-child{color:var(--fixed);font-weight:600}tr.fail td:last-child{color:var(--new);font-weight:600}
.counts-row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
details.slices summary,details.chart-figures summary{cursor:pointer}details.chart-figures summary{font-size:12px}details.slices summary h3{display:inline}
details.transcript{border:1px solid var(--line);border-radius:6px;margin:6px 0;padding:4px 10px;background:#fcfcfd}details.transcript summary{cursor:pointer}details.trace{margin:2px 0;color:#555}details.trace summary{cursor:pointer;font-size:.85em}
.msg{margin:6px 0;border-left:3px solid #93c5fd;padding-left:8px}.msg.assistant{border-color:#fca5a5}.msg.system{border-color:#d1d5db}
.msg .role{font-size:11px;text-transform:uppercase;color:var(--muted)}.msg.back-translation{border-left-style:dashed}.msg.back-translation .role{text-transform:none}pre{white-space:pre-wrap;word-break:break-word;margin:2px 0;font:12.5px/1.4 ui-monospace,Menlo,Consolas,monospace}
pre,td,th,code,bdi{unicode-bidi:isolate}
footer{color:var(--muted);padding:0 28px 24px;font-size:12px}
`;
