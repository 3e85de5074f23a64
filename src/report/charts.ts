// Charts: vega-lite specs built from ReportData, compiled and rendered to SVG headless (vega's 'none'
// renderer, no canvas, no browser). vega escapes every text mark, and labels come from our data only.
import type { TopLevelSpec } from 'vega-lite';
import { formatPercent } from '../bench/metrics.js';
import { cardCounts } from './counts.js';
import type { ReportData, SliceFigures } from './data.js';
import { dropXmlInvalid, showInvisible } from './escape.js';
import { countsNote, sliceCounts } from './slices.js';

export interface Chart {
  id: string;
  title: string;
  /** Why this chart matters, one line. */
  caption: string;
  svg: string;
  /** Its figures as text, one row per mark with what the mark's description says: where the SVG is an
   * image (the viewer's <img>) a screen reader reaches no mark, and no one reads a static SVG's
   * descriptions by sight. */
  table: ChartTable;
}

export interface ChartTable {
  head: string[];
  rows: string[][];
}

const WIDTH = 440;
const HEIGHT = 220;
/** A heatmap cell with no decided attempt. */
const NOTHING_DECIDED = '#d1d5db';
const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563'];

/** Compile a vega-lite spec and render it to an SVG string. (vega is loaded on the first chart: it
 * took a fifth of a second on every start of the CLI.) */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const vg = compile(spec).spec;
  const view = new View(parse(vg), { renderer: 'none' });
  try {
    // vega escapes markup in labels but passes control characters (a category named with an ESC)
    // into aria-label attributes, where XML forbids them, and bidi controls and carriage returns
    // into text labels.
    return showInvisible(dropXmlInvalid(await view.toSVG()));
  } finally {
    view.finalize();
  }
}

type Row = Record<string, string | number | null>;

function base(data: Row[]): Partial<TopLevelSpec> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: data },
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    config: {
      font: 'system-ui, sans-serif',
      axis: { labelFontSize: 11, titleFontSize: 11, labelLimit: 160 },
      legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom', labelLimit: 0, columns: 2 },
      range: { category: PALETTE },
      view: { stroke: null },
    },
  } as Partial<TopLevelSpec>;
}

/** A chart's spec and its figures as text. */
interface Drawn {
  spec: TopLevelSpec;
  table: ChartTable;
}

/** `rows` each with the description its mark is read aloud by: its row of `table`, each cell named by
 * its column. (The one vega derives reads the axis' format: a bar at 0.4% was "ASR: 0%".) */
function described(rows: Row[], table: ChartTable): Row[] {
  return rows.map((r, i) => ({
    ...r,
    description: table.head.map((h, j) => `${h}: ${table.rows[i][j]}`).join('; '),
  }));
}

/** Several series over rounds, as lines with points; a row of its table per point: the metric, the
 * round, the value as the rounds table writes it, what it is over. */
function overRounds(rows: Row[], yTitle: string, percent: boolean): Drawn {
  const table = {
    head: ['metric', 'round', yTitle, 'counts'],
    rows: rows.map((r) => [
      String(r.metric),
      String(r.round),
      percent ? formatPercent(r.value as number) : (r.value as number).toFixed(3),
      String(r.counts),
    ]),
  };
  const spec = {
    ...base(described(rows, table)),
    // (the line is hidden from screen readers: vega-lite gave it its series' first point's
    // description, read twice; the points carry each its own)
    mark: { type: 'line', point: { size: 60 }, strokeWidth: 2.5, aria: false },
    encoding: {
      x: { field: 'round', type: 'ordinal', title: 'round', axis: { labelAngle: 0 } },
      y: {
        field: 'value',
        type: 'quantitative',
        title: yTitle,
        axis: percent ? { format: '.0%' } : undefined,
        scale: percent ? { domain: [0, 1] } : undefined,
      },
      color: { field: 'metric', type: 'nominal', title: null },
      tooltip: [
        { field: 'metric' },
        { field: 'round' },
        { field: 'value', format: percent ? '.1%' : '.3f' },
        { field: 'counts' },
      ],
      description: { field: 'description' },
    },
  } as TopLevelSpec;
  return { spec, table };
}

/** Grouped bars: one group per slice (category/technique), one bar per round; a row of its table per
 * bar. */
function bySlice(rows: Row[], sliceTitle: string, yTitle: string, rounds: number): Drawn {
  const table = {
    head: [sliceTitle, 'round', yTitle, 'counts'],
    rows: rows.map((r) => [
      String(r.slice),
      String(r.round),
      formatPercent(r.value as number),
      String(r.counts),
    ]),
  };
  const spec = {
    ...base(described(rows, table)),
    width: Math.max(WIDTH, new Set(rows.map((r) => r.slice)).size * Math.max(24, rounds * 12)),
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'slice', type: 'nominal', title: sliceTitle, axis: { labelAngle: -35 } },
      xOffset: { field: 'round', type: 'ordinal' },
      y: {
        field: 'value',
        type: 'quantitative',
        title: yTitle,
        axis: { format: '.0%' },
        scale: { domain: [0, 1] },
      },
      color: { field: 'round', type: 'ordinal', title: 'round', scale: { scheme: 'blues' } },
      tooltip: [
        { field: 'slice', title: sliceTitle },
        { field: 'round' },
        { field: 'value', title: yTitle, format: '.1%' },
        { field: 'counts' },
      ],
      description: { field: 'description' },
    },
  } as TopLevelSpec;
  return { spec, table };
}

/** A round's category × technique cells; a row of its table per cell. */
function heatmap(rows: Row[]): Drawn {
  const cats = new Set(rows.map((r) => r.category)).size;
  const techs = new Set(rows.map((r) => r.technique)).size;
  const table = {
    head: ['technique', 'harm category', 'ASR', 'counts'],
    rows: rows.map((r) => [String(r.technique), String(r.category), String(r.rate), String(r.counts)]),
  };
  const spec = {
    ...base(described(rows, table)),
    // (wide enough for a cell's widest label at fontSize 10, "100.0%" or ">99.9%")
    width: Math.max(200, techs * 42),
    height: Math.max(80, cats * 24),
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', invalid: null },
        encoding: {
          x: { field: 'technique', type: 'nominal', title: 'technique', axis: { labelAngle: -40 } },
          y: { field: 'category', type: 'nominal', title: 'harm category' },
          // (a cell where nothing was decided, every attempt in error or undetermined, has no ASR:
          // drawn grey, labelled —, rather than left off as if never attacked)
          color: {
            condition: { test: 'datum.asr === null', value: NOTHING_DECIDED },
            field: 'asr',
            type: 'quantitative',
            title: 'ASR',
            scale: { domain: [0, 1], scheme: 'reds' },
            legend: { format: '.0%' },
          },
          tooltip: [
            { field: 'category', title: 'harm category' },
            { field: 'technique' },
            { field: 'rate', title: 'ASR' },
            { field: 'counts' },
          ],
          // (written out: the one vega derives reads the colour's field, "ASR: null" for a grey cell)
          description: { field: 'description' },
        },
      },
      {
        // (the cell's description says it all: its label read aloud again would only add "label: —")
        mark: { type: 'text', fontSize: 10, aria: false },
        encoding: {
          x: { field: 'technique', type: 'nominal' },
          y: { field: 'category', type: 'nominal' },
          text: { field: 'label', type: 'nominal' },
          color: { condition: { test: 'datum.asr > 0.5', value: 'white' }, value: '#111' },
        },
      },
    ],
  } as TopLevelSpec;
  return { spec, table };
}

/** Said under every chart: a bar or point draws its rate alone, and 100% over one decided attempt
 * drew as 100% over thirty. */
export const CHART_COUNTS =
  "What each mark is over (n, err, und) is in its description (read aloud by screen readers), in the chart's figures below it and in the tables.";

/** A heatmap cell's ASR and what it is over, in words: a cell where nothing was decided has no
 * rate, and says what its attempts ended in. */
function heatCellText(c: ReportData['rounds'][number]['heatmap'][number]) {
  const rate = c.asr === null ? 'no decided attempt' : formatPercent(c.asr);
  const counts =
    c.asr === null
      ? [c.errors && `${c.errors} in error`, c.undetermined && `${c.undetermined} undetermined`]
          .filter(Boolean)
          .join(', ')
      : countsNote(c.successes + c.failures, c.errors, c.undetermined);
  return { rate, counts };
}

/** Every chart the HTML report shows, in order. Charts without data are left out. */
export async function buildCharts(data: ReportData): Promise<Chart[]> {
  const specs: ({ id: string; title: string; caption: string } & Drawn)[] = [];
  const series = (keys: [string, string][]) =>
    data.rounds.flatMap((r) =>
      keys
        .filter(([k]) => typeof (r.figures as Record<string, unknown>)[k] === 'number')
        .map(([k, label]) => ({
          round: r.round,
          metric: label,
          value: (r.figures as Record<string, number>)[k],
          // (what it is over, in each point's description: the rounds table's counts)
          counts: cardCounts(r, k) ?? '—',
        })),
    );

  const headline = series([
    ['asr', 'ASR (red team)'],
    ['dr1', 'DR-1'],
    ['dr3', 'DR-3'],
  ]);
  if (headline.length)
    specs.push({
      id: 'headline',
      title: 'Attack success and defect rates per round',
      caption: 'Lower is safer. DR-x: share of benchmark answers with harm severity ≥ x.',
      ...overRounds(headline, 'rate', true),
    });
  const refusal = series([
    ['iprr', 'IPRR (refuses harmful, ↑)'],
    ['vprr', 'VPRR (refuses benign, ↓)'],
  ]);
  if (refusal.length)
    specs.push({
      id: 'refusal',
      title: 'Refusal rates: IPRR and VPRR',
      caption: 'IPRR should rise; VPRR (over-refusal on valid prompts) should stay low.',
      ...overRounds(refusal, 'refusal rate', true),
    });
  const help = series([['helpfulness', 'helpfulness']]);
  if (help.length)
    specs.push({
      id: 'helpfulness',
      title: 'Helpfulness per round',
      caption: 'The fix must not cost helpfulness.',
      ...overRounds(help, 'helpfulness', true),
    });
  const held = series([
    ['asr', 'ASR on attacked seeds'],
    ['heldback_asr', 'ASR on held-back seeds and templates'],
  ]);
  if (data.rounds.some((r) => r.figures.heldback_asr !== undefined))
    specs.push({
      id: 'heldback',
      title: 'Held-back generalisation',
      caption: 'Held-back attacks are never trained on: if their ASR falls too, the fix generalises.',
      ...overRounds(held, 'ASR', true),
    });

  const n = data.rounds.length;
  const sliceRows = (
    pick: (r: ReportData['rounds'][number]) => Record<string, SliceFigures>,
    key: 'asr' | 'dr3',
  ) =>
    data.rounds.flatMap((r) =>
      Object.entries(pick(r))
        .filter(([, s]) => typeof s[key] === 'number')
        .map(([slice, s]) => ({
          slice,
          round: r.round,
          value: s[key] as number,
          counts: sliceCounts(s) ?? '—',
        })),
    );
  const catAsr = sliceRows((r) => r.byCategory, 'asr');
  if (catAsr.length)
    specs.push({
      id: 'asr-by-category',
      title: 'ASR by harm category',
      caption: 'One bar per round in each category.',
      ...bySlice(catAsr, 'harm category', 'ASR', n),
    });
  const catDr = sliceRows((r) => r.byCategory, 'dr3');
  if (catDr.length)
    specs.push({
      id: 'dr3-by-category',
      title: 'DR-3 by harm category',
      caption: 'Defect rate (severity ≥ 3) per category and round.',
      ...bySlice(catDr, 'harm category', 'DR-3', n),
    });
  const techAsr = sliceRows((r) => r.byTechnique, 'asr');
  if (techAsr.length)
    specs.push({
      id: 'asr-by-technique',
      title: 'ASR by technique',
      caption: 'Which converters, templates and attacks still work, per round.',
      ...bySlice(techAsr, 'technique', 'ASR', n),
    });

  const heat: typeof specs = [];
  for (const r of data.rounds) {
    const rows = r.heatmap.map((c) => ({
      category: c.category,
      technique: c.technique,
      asr: c.asr,
      // (the cell's printed rate is its description's and the tables': rounded to a whole percent, one
      // attempt in 300 that broke through read 0%, and 33.3% read 33%)
      label: c.asr === null ? '—' : formatPercent(c.asr),
      ...heatCellText(c),
    }));
    if (rows.length)
      heat.push({
        id: `heatmap-${r.round}`,
        title: `Category × technique ASR, round ${r.round}`,
        caption:
          'Decided attempts only; errors and undetermined are counted apart. A grey cell labelled — decided nothing: every attempt ended in error or undetermined.',
        ...heatmap(rows),
      });
  }
  specs.push(...heat);
  const out: Chart[] = [];
  for (const s of specs)
    out.push({
      id: s.id,
      title: s.title,
      caption: `${s.caption} ${CHART_COUNTS}`,
      svg: await renderSvg(s.spec),
      table: s.table,
    });
  return out;
}
