// One process at a time on a run: a second `redteam --run-id` or `cycle --resume` on a run another
// live process is working on would send every request again (and the store keep only the first
// of each), or train a round twice. A process that was killed holds nothing: its run resumes at once.
import { BreakfixError } from '../core/index.js';
import type { Store } from './types.js';

export function claimRunOrRefuse(store: Store, runId: string): void {
  const { heldBy } = store.claimRun(runId);
  if (heldBy)
    throw new BreakfixError(
      `run ${runId} is being worked on by process ${heldBy.pid} (since ${heldBy.since}): a second process would send its requests again`,
      'input',
      `wait for it to finish, or stop it (kill ${heldBy.pid}) and run this again: a stopped run resumes where it was`,
    );
}
