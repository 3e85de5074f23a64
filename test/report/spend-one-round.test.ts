// The spend table of a run with one round (report/spend.ts spendTableRows): its lines and the run's
// total, no "round total" row repeating the total. A real SQLite store; spend.test.ts had two rounds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectReportData } from '../../src/report/index.js';
import { spendTableRows } from '../../src/report/spend.js';
import { openStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-spend-one-round-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the spend table of one round', () => {
  it('has no round subtotal', () => {
    const s = openStore(join(dir, 'breakfix.db'));
    try {
      s.createRun({ id: 'run_one', kind: 'cycle', config: {}, seed: 1 });
      const add = (stage: string, role: string, n: number) =>
        s.addSpend(
          { runId: 'run_one', round: 0, stage, role, model: 'openai:m@http://127.0.0.1:9/v1' },
          { requests: n, cached: 0, errors: 1, retries: 0, promptTokens: 10 * n, completionTokens: n },
        );
      add('bench', 'target', 4);
      add('break', 'judge', 3);
      const rows = spendTableRows(collectReportData(s, 'run_one').spend);
      expect(rows.map((r) => r.kind)).toEqual(['line', 'line', 'total']);
      // 4 + 3 requests, 1 + 1 errors, 40 + 30 prompt tokens, 4 + 3 completion tokens.
      expect(rows[2].cells).toEqual(['total', '', '', '', '7', '0', '2', '0', '70', '7']);
    } finally {
      s.close();
    }
  });
});
