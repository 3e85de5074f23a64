// What a red-team run's round spent before this process: the tokens a killed and resumed round, or
// one run again, already sent, so that its tokens budgets hold for the round across processes and
// not for each process. Read from the store's spend table (targets/usage.ts), which books each
// request as it ends, with the tokens of fresh replies only (a cached reply was not sent): the same
// count as the budget's own and the report's spend table.
import type { Store } from '../store/index.js';
import { currentSpendScope } from '../targets/index.js';

/** The roles the budgets count, as the CLI and the cycle book their models' requests (asRole): the
 * model under test, and the attacker model, which the simulated user books apart. */
const TARGET_ROLES = new Set(['target']);
const ATTACKER_ROLES = new Set(['attacker', 'simulator']);

export interface SpentBefore {
  tokens: number;
  attackerTokens: number;
}

/** The tokens the spend table holds for `runId`'s `round` in the stage this red team runs in (the
 * spend scope around it); none outside a scope of that run (nothing of it is booked there). */
export function spentBefore(store: Store, runId: string, round: number | undefined): SpentBefore {
  const spent = { tokens: 0, attackerTokens: 0 };
  const scope = currentSpendScope();
  if (scope?.runId !== runId || scope.stage === undefined || scope.round !== round) return spent;
  for (const row of store.listSpend(runId)) {
    if (row.round !== round || row.stage !== scope.stage) continue;
    const tokens = row.promptTokens + row.completionTokens;
    if (TARGET_ROLES.has(row.role)) spent.tokens += tokens;
    else if (ATTACKER_ROLES.has(row.role)) spent.attackerTokens += tokens;
  }
  return spent;
}
