// A resumed cycle compares its new rounds with round 0 (helpfulness fall, VPRR and undetermined
// rise, the item-level changes): only meaningful when the same judges decided both. A breakfix whose
// judge changed between the two (an upgrade with a new offline judge version, another LLM judge)
// would measure the judge's change as the model's.
import { InputError, type Judge } from '../core/index.js';
import type { JudgeSet } from '../judge/index.js';
import type { Store } from '../store/index.js';

/** The ids of the judges in `set`, by the kind of verdict they give. */
export function judgeIdsByKind(set: JudgeSet): Map<string, Set<string>> {
  const ids = new Map<string, Set<string>>();
  const judges: (Judge | undefined)[] = [
    ...set.attack,
    set.refusal,
    set.severity,
    set.groundedness,
    set.jailbreak,
    set.helpfulness,
    set.llamaguard,
  ];
  for (const j of judges) {
    if (!j) continue;
    const kind = ids.get(j.kind) ?? new Set<string>();
    kind.add(j.id);
    ids.set(j.kind, kind);
  }
  return ids;
}

/** The kinds of verdict whose judge in round 0's stored benchmark is not one of `set`'s (nothing
 * when round 0 was not benchmarked yet). */
export function changedJudges(
  store: Store,
  runId: string,
  set: JudgeSet,
): { kind: string; stored: string[]; now: string[] }[] {
  const now = judgeIdsByKind(set);
  const stored = new Map<string, Set<string>>();
  for (const result of store.listBenchResults(runId, 0))
    for (const item of result.items ?? []) {
      const verdicts = (item as { verdicts?: unknown } | null)?.verdicts;
      for (const v of Array.isArray(verdicts) ? verdicts : []) {
        const { kind, judge } = (v ?? {}) as { kind?: unknown; judge?: unknown };
        if (typeof kind !== 'string' || typeof judge !== 'string') continue;
        const ids = stored.get(kind) ?? new Set<string>();
        ids.add(judge);
        stored.set(kind, ids);
      }
    }
  return [...stored.entries()]
    .filter(([kind, ids]) => now.has(kind) && [...ids].some((id) => !now.get(kind)?.has(id)))
    .map(([kind, ids]) => ({ kind, stored: [...ids].sort(), now: [...(now.get(kind) ?? [])].sort() }));
}

/** An InputError (exit 2) when round 0 of `runId` was judged by other judges than `set`. */
export function checkResumedJudges(store: Store, runId: string, set: JudgeSet, flag: string): void {
  const changed = changedJudges(store, runId, set);
  if (changed.length === 0) return;
  throw new InputError(
    `cycle run ${runId}'s round 0 was judged by other judges than this breakfix's (${changed
      .map((c) => `${c.kind}: ${c.stored.join(', ')} → ${c.now.join(', ')}`)
      .join('; ')}): its later rounds would be compared with round 0 across two judges`,
    undefined,
    undefined,
    undefined,
    `finish the run with the breakfix (and judges config) that started it, or start a new cycle without ${flag}`,
  );
}
