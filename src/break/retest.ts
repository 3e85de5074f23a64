// A later round's retest: every vulnerability still open is attacked again the way it broke (its
// example attempts' prompts, sent to the new model), so the round's ledger says fixed or persisting
// on evidence. The red team's fresh search draws a new sample each round and re-tests few of the
// earlier findings by chance (17 of 137 in round 1 of the default cycle before this existed).
// Retest attempts are stored with the round's attempts (identification reads them all) and
// summarised apart: the round's ASR stays the fresh search's, comparable across rounds.
import { type Attempt, type Seed, stableId } from '../core/index.js';
import { getAttack } from './attacks/index.js';
import type { ReplayOptions } from './attacks/replay.js';
import type { PlannedItem } from './plan.js';
import { attackJudges, attackPlan, type RedteamOptions, type RedteamSummary } from './redteam.js';

/** What the retest needs of a vulnerability (the fix stage's Vulnerability fits). */
export interface OpenFinding {
  id: string;
  exampleAttemptIds: string[];
}

export interface RetestPlan {
  items: PlannedItem[];
  /** Open vulnerabilities with at least one example to send again. */
  vulnerabilities: number;
  /** Open vulnerabilities with none: no stored example, or its seed is no longer in use. */
  unreplayable: string[];
}

/** One item per example attempt (up to `perVulnerability` each), in the vulnerabilities' order. */
export function planRetest(opts: {
  runId: string;
  round: number;
  open: readonly OpenFinding[];
  /** The stored attempt of an id (store.getAttempt). */
  attempt: (id: string) => Attempt | undefined;
  seeds: readonly Seed[];
  perVulnerability: number;
}): RetestPlan {
  const seeds = new Map(opts.seeds.map((s) => [s.id, s]));
  const items: PlannedItem[] = [];
  const unreplayable: string[] = [];
  let vulnerabilities = 0;
  for (const v of opts.open) {
    let taken = 0;
    for (const id of v.exampleAttemptIds) {
      if (taken >= opts.perVulnerability) break;
      const a = opts.attempt(id);
      const seed = a && seeds.get(a.seedId);
      const last = a?.transcript.findLastIndex((m) => m.role === 'assistant') ?? -1;
      if (!a || !seed || last < 1) continue;
      const prompt = a.transcript.slice(0, last);
      const replay: ReplayOptions = {
        prompt,
        live: getAttack(a.attack)?.multiTurn === true,
        turns: a.turns,
        // A search script (search.ts): a harmless opener the old model answered, then the chain.
        ...(a.attack === 'search' &&
        a.turns > 1 &&
        prompt[0]?.role === 'user' &&
        prompt[1]?.role === 'assistant'
          ? { opener: true }
          : {}),
        // A translate attempt's reply is read back in the seed's language, as it was then.
        ...(a.techniques.includes('translate') && a.language !== seed.language
          ? { backTranslate: true }
          : {}),
      };
      items.push({
        attack: a.attack,
        techniques: a.techniques,
        options: replay as unknown as Record<string, unknown>,
        seed,
        index: items.length,
        retestOf: a.id,
        ...(a.language !== seed.language ? { language: a.language } : {}),
        id: stableId('att', opts.runId, opts.round, 'retest', a.id),
      });
      taken++;
    }
    if (taken) vulnerabilities++;
    else unreplayable.push(v.id);
  }
  return { items, vulnerabilities, unreplayable };
}

export interface RetestSummary extends RedteamSummary {
  /** Open vulnerabilities sent again, and those that could not be. */
  vulnerabilities: number;
  unreplayable: string[];
}

/** Sends the plan's prompts to `opts.target`, stores the attempts under `opts.runId` and round, and
 * summarises them (a resumed retest skips what is stored). */
export async function runRetest(opts: RedteamOptions, plan: RetestPlan): Promise<RetestSummary> {
  const summary = await attackPlan(opts, {
    started: Date.now(),
    persona: opts.persona ?? 'intermediate',
    items: plan.items,
    unavailable: [],
    judges: attackJudges(opts.judges),
    label: `retest ${opts.targetId ?? opts.target.id}`,
  });
  return { ...summary, vulnerabilities: plan.vulnerabilities, unreplayable: plan.unreplayable };
}
