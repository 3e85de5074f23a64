// Helpers shared by the fix commands and the cycle: which run and round, which texts are held out,
// which records a round curates against and trains on.
import type { Attempt, Seed, TrainingRecord, Vulnerability } from '../core/index.js';
import { BreakfixError, terminalText } from '../core/index.js';
import type { RunRow, Store } from '../store/index.js';
import { identifyVulnerabilities } from './identify/vulnerabilities.js';

/** Texts nothing curated may overlap: every benchmark item (the attack split), every held-back
 * seed, and a user's harmful seed that names no split (the cycle attacks it as attack material, so
 * a record of it would teach the model the very request the next round measures). Train-split
 * seeds are what fix data is made of, so they are not held out. */
export function heldOutTexts(seeds: readonly Seed[]): string[] {
  return seeds.filter((s) => isHeldOut(s)).map((s) => s.text);
}

/** Whether a seed is measured, never trained on (see heldOutTexts). */
export function isHeldOut(s: Seed): boolean {
  return s.split === 'attack' || s.split === 'heldback' || (s.split === undefined && s.kind === 'harmful');
}

/** The run named, or the latest cycle run, or the latest red-team run, or the latest run of any
 * kind: a bench run attacks nothing, so one run after a red team is passed over for it (taking it,
 * `vulns` and `curate` refused it as a run with nothing attacked). */
export function resolveRun(store: Store, runId?: string): RunRow {
  const run = runId
    ? store.getRun(runId)
    : (store.latestRun('cycle') ?? store.latestRun('redteam') ?? store.latestRun());
  if (!run)
    throw new BreakfixError(
      runId ? `no run ${runId} in ${store.path}` : `no runs in ${store.path}`,
      'input',
      'run breakfix redteam or breakfix cycle first, or pass --store',
    );
  return run;
}

/** The round asked for, else the latest round of the run that has attempts (0 when none). */
export function resolveRound(store: Store, runId: string, round?: number): number {
  if (round !== undefined) {
    // A round the run never had is a typo, not a round with nothing wrong in it.
    const rounds = store.getRounds(runId).map((r) => r.round);
    const plainRedteam = round === 0 && store.countAttempts({ runId }) > 0;
    if (!rounds.includes(round) && !plainRedteam && store.countAttempts({ runId, round }) === 0)
      throw new BreakfixError(
        `run ${runId} has no round ${round}${rounds.length ? ` (its rounds: ${rounds.join(', ')})` : ''}`,
        'usage',
      );
    return round;
  }
  const rounds = store
    .getRounds(runId)
    .map((r) => r.round)
    .sort((a, b) => b - a);
  for (const r of rounds) if (store.countAttempts({ runId, round: r }) > 0) return r;
  return rounds[0] ?? 0;
}

/** Refuses a round with neither attempts nor stored vulnerabilities: nothing was attacked there (a
 * bench run, a cycle stopped before its red team), and read as a round with no vulnerability it
 * passed as safe (`vulns` exit 0) and was curated from nothing but the over-refusal probe. */
export function requireAttacked(
  store: Store,
  run: RunRow,
  round: number,
  attempts: readonly Attempt[],
): void {
  if (attempts.length > 0 || store.listVulnerabilities(run.id, round).length > 0) return;
  throw new BreakfixError(
    `run ${terminalText(run.id)} (${terminalText(run.kind)}) has no red-team attempt in round ${round}: nothing was attacked there, so nothing is known to be safe or broken`,
    'usage',
    'name a red-team or cycle run (--run) and a round it attacked (--round), or run breakfix redteam first',
  );
}

/** A round's attempts (the red team's and the retest's). Attempts of a plain red-team run carry no
 * round: they are that run's round 0. */
export function roundAttempts(store: Store, runId: string, round: number): Attempt[] {
  const attempts = store.listAttempts({ runId, round });
  if (attempts.length === 0 && round === 0)
    return store.listAttempts({ runId }).filter((a) => a.round === undefined);
  return attempts;
}

/** A round's vulnerabilities, identified from its attempts against the stored earlier rounds and
 * saved when they differ from the stored set: a red-team run resumed with a larger budget has more
 * attempts than when its vulnerabilities were first listed, and a stale set would hide what the new
 * attempts broke (identification is deterministic, so a finished round's set never changes). */
export function vulnerabilitiesOf(
  store: Store,
  runId: string,
  round: number,
  attempts: Attempt[] = roundAttempts(store, runId, round),
): Vulnerability[] {
  const stored = store.listVulnerabilities(runId, round);
  if (attempts.length === 0) return stored;
  const history: Vulnerability[][] = [];
  for (let r = 0; r < round; r++) history.push(store.listVulnerabilities(runId, r));
  const found = identifyVulnerabilities({
    attempts,
    round,
    previous: round > 0 ? history[round - 1] : undefined,
    history,
  });
  const key = (vs: Vulnerability[]) => JSON.stringify([...vs].sort((a, b) => (a.id < b.id ? -1 : 1)));
  if (key(found) === key(stored)) return stored;
  // A store opened read-only (another user's, a read-only mount) keeps what it holds: the set is
  // shown as identified now, in the order the store lists it (score, then id), and not saved.
  if (store.readOnly)
    return [...found].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  store.saveVulnerabilities(runId, round, found);
  return store.listVulnerabilities(runId, round);
}

/** The records of the rounds before `round`: what its curation must not repeat. */
export function curatedBefore(store: Store, runId: string, round: number): TrainingRecord[] {
  if (round <= 0) return [];
  const { sft, preference } = fixDataThrough(store, runId, round - 1);
  return [...sft, ...preference];
}

/** The fix data a round's candidate trains on: the curated records of every round up to `round`,
 * each id once (a record curated again in a later round is the same record). A later round adds to
 * the dataset rather than replacing it: a round that repairs over-refusal must not unlearn the
 * safety of the rounds before it. The cycle and `breakfix train` both train on this. */
export function fixDataThrough(
  store: Store,
  runId: string,
  round: number,
): { sft: TrainingRecord[]; preference: TrainingRecord[] } {
  const upTo = (dataset: 'sft' | 'preference') => {
    const seen = new Set<string>();
    return Array.from({ length: round + 1 }, (_, r) => store.listRecords({ runId, round: r, dataset }))
      .flat()
      .filter((rec) => !seen.has(rec.id) && seen.add(rec.id) !== undefined);
  };
  return { sft: upTo('sft'), preference: upTo('preference') };
}
