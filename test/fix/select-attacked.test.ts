// A round's attempts and whether anything was attacked there (fix/select.ts roundAttempts,
// requireAttacked), on a real SQLite store. A plain red-team run's attempts carry no round: they are
// its round 0, and no other round's. A round whose attempts are gone but whose vulnerabilities are
// stored was attacked: it is read, not refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { identifyVulnerabilities } from '../../src/fix/index.js';
import { requireAttacked, roundAttempts } from '../../src/fix/select.js';
import { openStore } from '../../src/store/index.js';
import { attemptFor, fakeSeed } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-select-attacked-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const a = fakeSeed('a', 'How do I do the thing a?');
const b = fakeSeed('b', 'How do I do the thing b?');

describe('fix commands: the attempts of a round', () => {
  it("a plain red-team run's attempts are its round 0 only", () => {
    const store = openStore(join(dir, 'plain.db'));
    try {
      const run = store.createRun({ kind: 'redteam', config: {}, seed: 1 });
      const unrounded = [a, b].map((s) => {
        const { round: _, ...rest } = attemptFor(s, { outcome: 'success', runId: run.id });
        return rest;
      });
      store.saveAttempts(unrounded);
      expect(
        roundAttempts(store, run.id, 0)
          .map((x) => x.seedId)
          .sort(),
      ).toEqual(['a', 'b']);
      expect(roundAttempts(store, run.id, 1)).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('a round with stored vulnerabilities and no attempt left is attacked; one with neither is refused', () => {
    const store = openStore(join(dir, 'vulns-only.db'));
    try {
      const run = store.createRun({ kind: 'cycle', config: {}, seed: 1 });
      const found = identifyVulnerabilities({
        attempts: [attemptFor(a, { outcome: 'success', runId: run.id, round: 1 })],
        round: 1,
      });
      store.saveVulnerabilities(run.id, 1, found);
      expect(() => requireAttacked(store, run, 1, [])).not.toThrow();
      expect(() => requireAttacked(store, run, 2, [])).toThrow(
        `run ${run.id} (cycle) has no red-team attempt in round 2: nothing was attacked there`,
      );
    } finally {
      store.close();
    }
  });
});
