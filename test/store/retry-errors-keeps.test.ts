// A resume told to retry errors (saveAttempts with replaceErrors) replaces only the attempts stored
// as errors: a verdict already stored stays as it was, verdicts included, in a real SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { makeAttempt } from './fixtures.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('saveAttempts with replaceErrors', () => {
  it('replaces the stored error, keeps the stored verdict, and counts only the one replaced', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-retry-errors-'));
    dirs.push(dir);
    const store = openStore(join(dir, 'store.db'));
    try {
      store.createRun({ id: 'r', kind: 'redteam', config: {}, seed: 1 });
      store.saveAttempts([
        makeAttempt(1, 'r', { outcome: 'error', error: 'timeout', verdicts: [] }),
        makeAttempt(2, 'r', { outcome: 'failure' }),
      ]);
      const before = store.getAttempt('att_r_2');
      // the resume's second try of both: attempt 1 now answered, attempt 2 judged otherwise
      const saved = store.saveAttempts(
        [makeAttempt(1, 'r', { outcome: 'success' }), makeAttempt(2, 'r', { outcome: 'success', turns: 9 })],
        { replaceErrors: true },
      );
      expect(saved).toBe(1);
      expect(store.getAttempt('att_r_1')).toMatchObject({ outcome: 'success' });
      expect(store.getAttempt('att_r_1')?.error).toBeUndefined();
      expect(store.getAttempt('att_r_2')).toEqual(before);
      expect(store.getAttempt('att_r_2')).toMatchObject({ outcome: 'failure' });
      expect(store.countAttempts({ runId: 'r' })).toBe(2);
    } finally {
      store.close();
    }
  });
});
