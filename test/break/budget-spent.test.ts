// What a resumed red team counts as already spent of its tokens budgets: its own run's, round's and
// stage's target and attacker tokens from the spend table, nothing booked to another stage, round,
// role or run. Rows booked by hand into a real SQLite store.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spentBefore } from '../../src/break/budget-spent.js';
import { openStore } from '../../src/store/index.js';
import { inSpendScope } from '../../src/targets/index.js';

describe('spentBefore', () => {
  it("counts only the run's round's stage, target and attacker roles apart", () => {
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'budget-spent-')), 'b.db'));
    for (const id of ['R', 'OTHER']) store.createRun({ id, kind: 'cycle', config: {}, seed: 1 });
    const book = (
      runId: string,
      round: number,
      stage: string,
      role: string,
      prompt: number,
      completion: number,
    ) =>
      store.addSpend(
        { runId, round, stage, role, model: 'm' },
        { requests: 1, promptTokens: prompt, completionTokens: completion },
      );
    book('R', 1, 'break', 'target', 100, 20); // counted: 120 target tokens
    book('R', 1, 'break', 'attacker', 30, 5); // counted: 35 attacker tokens
    book('R', 1, 'break', 'simulator', 10, 0); // counted: the simulated user is the attacker model
    book('R', 1, 'break', 'judge', 1000, 0); // no budget counts the judges
    book('R', 1, 'bench', 'target', 500, 0); // another stage of the round
    book('R', 0, 'break', 'target', 700, 0); // another round
    book('OTHER', 1, 'break', 'target', 900, 0); // another run
    const scoped = (runId: string) =>
      inSpendScope({ runId, round: 1, stage: 'break' }, () => spentBefore(store, 'R', 1));
    expect(scoped('R')).toEqual({ tokens: 120, attackerTokens: 45 });
    // In another run's scope, or in none, nothing of R is booked there: nothing spent before.
    expect(scoped('OTHER')).toEqual({ tokens: 0, attackerTokens: 0 });
    expect(spentBefore(store, 'R', 1)).toEqual({ tokens: 0, attackerTokens: 0 });
    store.close();
  });
});
