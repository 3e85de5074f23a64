// runBench stores results under a run the caller created; a store without a run id would store
// nothing and say nothing (a library caller found it that way), so it is refused up front.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBench } from '../../src/bench/index.js';
import { InputError } from '../../src/core/index.js';
import { createJudges } from '../../src/judge/index.js';
import { openStore } from '../../src/store/index.js';

describe('runBench and the store', () => {
  it('a store without a runId is an InputError before any request', async () => {
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'bench-store-')), 'b.db'));
    let calls = 0;
    const target = {
      id: 'x',
      chat: async () => {
        calls++;
        throw new Error('not reached');
      },
    };
    const judges = createJudges({}, { target: () => target });
    try {
      const err = await runBench({ target, judges, suites: ['harmful'], limit: 2, store }).catch((e) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).message).toMatch(/given a store but no runId/);
      expect(calls).toBe(0);
    } finally {
      store.close();
    }
  });
});
