// An attempt without a harm category has one name wherever it is shown: the red team's slices (which
// a cycle stores as its round's by_category), the report's slices and heatmap, and the viewer's
// facets. Against a SCRIPTED FAKE target over real HTTP, on a real SQLite store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runRedteam } from '../../src/break/index.js';
import { NO_CATEGORY, type Seed } from '../../src/core/index.js';
import { complianceJudge } from '../../src/judge/index.js';
import { collectReportData } from '../../src/report/data.js';
import { openStore } from '../../src/store/index.js';
import { attackSeeds, comply, scripted } from '../break/redteam-fakes.js';

const dir = mkdtempSync(join(tmpdir(), 'no-category-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a missing category', () => {
  it('is NO_CATEGORY in the red team slices and in the report slices and heatmap alike', async () => {
    const seeds: Seed[] = attackSeeds(2).map(({ category: _, ...s }, i) => ({ ...s, id: `nocat-${i}` }));
    const { target } = await scripted(() => comply(seeds[0]));
    const store = openStore(join(dir, 's.db'));
    try {
      const sum = await runRedteam({
        target,
        seeds,
        judges: [complianceJudge()],
        techniques: ['direct'],
        store,
        runId: 'run_nocat',
        seed: 1,
        concurrency: 1,
      });
      expect(sum.attempts).toBeGreaterThanOrEqual(2);
      expect(Object.keys(sum.slices.category)).toEqual([NO_CATEGORY]);
      const [round] = collectReportData(store, 'run_nocat').rounds;
      expect(Object.keys(round.rawMetrics.by_category as object)).toEqual([NO_CATEGORY]);
      expect([...new Set(round.heatmap.map((c) => c.category))]).toEqual([NO_CATEGORY]);
      // The viewer's category filter finds them under the same name.
      const found = store.searchAttempts(
        { runId: 'run_nocat', category: NO_CATEGORY },
        { offset: 0, limit: 10 },
      );
      expect(found.total).toBe(sum.attempts);
    } finally {
      store.close();
    }
  });
});
