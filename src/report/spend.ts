// What a run spent on models: requests and tokens per round, stage, role and model, as the store's
// spend table counted them while the run made them (targets/usage.ts), and their total. Tokens
// only: a price table would need keeping true.
import type { SpendRow, Store } from '../store/index.js';
import { shownTarget } from './paths.js';

export interface SpendLine {
  /** The round (a run without rounds: 0, as the report shows its one measurement). */
  round: number;
  stage: string;
  role: string;
  model: string;
  requests: number;
  cached: number;
  errors: number;
  retries: number;
  promptTokens: number;
  completionTokens: number;
}

export type SpendTotal = Omit<SpendLine, 'round' | 'stage' | 'role' | 'model'>;

export interface SpendData {
  /** `all`: every request of the run was counted; `since`: those from `since` on (the run was
   * started by a breakfix that counted nothing); `none`: nothing was counted. */
  recorded: 'all' | 'since' | 'none';
  since?: string;
  lines: SpendLine[];
  total: SpendTotal;
}

const COUNTS = ['requests', 'cached', 'errors', 'retries', 'promptTokens', 'completionTokens'] as const;

function sum(lines: readonly SpendTotal[]): SpendTotal {
  const t: SpendTotal = {
    requests: 0,
    cached: 0,
    errors: 0,
    retries: 0,
    promptTokens: 0,
    completionTokens: 0,
  };
  for (const l of lines) for (const k of COUNTS) t[k] += l[k];
  return t;
}

export function collectSpend(
  store: Store,
  run: { id: string; createdAt: string; spendSince?: string },
): SpendData {
  const rows: SpendRow[] = store.listSpend(run.id);
  const lines = rows
    .map((r): SpendLine => ({ ...r, round: r.round ?? 0 }))
    // (stages in the order the run made their first request: the table's order; rounds first)
    .sort((a, b) => a.round - b.round);
  const total = sum(lines);
  const recorded = !run.spendSince ? 'none' : run.spendSince > run.createdAt ? 'since' : 'all';
  return { recorded, ...(recorded === 'since' && { since: run.spendSince }), lines, total };
}

/** The sentence beside the table, or in its place where there is none: what it leaves out, or
 * that the run made no request. */
export function spendNote(s: SpendData): string {
  if (s.recorded !== 'none' && !s.lines.length) return 'No model request was made.';
  if (s.recorded === 'none')
    return 'Not recorded: this run was made by a breakfix that did not count model requests.';
  const head =
    'Requests: calls of each model (cached: of them, answered from the response cache, which sends nothing); errors: requests that ended in error after their retries; retries: requests sent again. Tokens are those of fresh replies, as the provider reported them.';
  return s.recorded === 'since'
    ? `${head} Counted from ${s.since} on: this run was started by a breakfix that did not count model requests, and those it made before are not here.`
    : head;
}

export const SPEND_COLUMNS: readonly [keyof SpendTotal, string][] = [
  ['requests', 'requests'],
  ['cached', 'cached'],
  ['errors', 'errors'],
  ['retries', 'retries'],
  ['promptTokens', 'prompt tokens'],
  ['completionTokens', 'completion tokens'],
];

/** The spend table as rows of text cells (round, stage, role, model, then SPEND_COLUMNS), for every
 * renderer: its lines, a subtotal per round where there are several rounds, and the run's total. A
 * trained model's checkpoint under the current directory is shown relative to it (paths.ts). */
export function spendTableRows(s: SpendData): { kind: 'line' | 'round' | 'total'; cells: string[] }[] {
  const figures = (t: SpendTotal) => SPEND_COLUMNS.map(([k]) => String(t[k]));
  const rounds = [...new Set(s.lines.map((l) => l.round))];
  const out: { kind: 'line' | 'round' | 'total'; cells: string[] }[] = [];
  for (const round of rounds) {
    const lines = s.lines.filter((l) => l.round === round);
    for (const l of lines)
      out.push({
        kind: 'line',
        cells: [String(round), l.stage, l.role, shownTarget(l.model), ...figures(l)],
      });
    if (rounds.length > 1) {
      out.push({ kind: 'round', cells: [String(round), 'round total', '', '', ...figures(sum(lines))] });
    }
  }
  out.push({ kind: 'total', cells: ['total', '', '', '', ...figures(s.total)] });
  return out;
}

export const SPEND_HEADERS: readonly string[] = [
  'round',
  'stage',
  'role',
  'model',
  ...SPEND_COLUMNS.map(([, h]) => h),
];
