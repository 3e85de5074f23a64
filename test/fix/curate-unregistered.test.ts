// `breakfix curate` on a round whose model the store does not know (a store copied without its
// models, a run from an older version): no on-policy pairs can be made, which is a warning a
// script reading --json must see too. The real CLI in a child process, on a real SQLite store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectSeeds } from '../../src/break/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../cli/run-cli.js';
import { attemptFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-curate-unregistered-'));
const db = join(dir, 'breakfix.db');
const RUN = 'run_unknown_model';
const WARNING = "the round's model gone-model is not registered in the store: no on-policy pairs";

beforeAll(() => {
  const store = openStore(db);
  const train = selectSeeds({ kind: 'harmful', split: 'train', language: 'en' }).slice(0, 6);
  store.createRun({ id: RUN, kind: 'redteam', config: {}, seed: 7 });
  store.saveAttempts(
    train.map((s, i) =>
      attemptFor(s, {
        outcome: 'success',
        techniques: ['role_play_actor'],
        runId: RUN,
        round: 0,
        id: `a${i}`,
      }),
    ),
  );
  store.upsertRound(RUN, 0, { model: 'gone-model', status: 'done' });
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('curate on a round whose model is not registered', () => {
  it('warns on stderr, with -q too', async () => {
    const r = await runCli(['curate', '--store', db, '--run', RUN, '--out', join(dir, 'text'), '-q'], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: ${WARNING}`);
  });

  it('--json carries the warning in its object, and stderr stays free of it', async () => {
    const r = await runCli(
      ['curate', '--store', db, '--run', RUN, '--out', join(dir, 'json'), '--force', '--json'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { warnings: string[]; preference: number };
    expect(out.warnings).toEqual([expect.stringContaining(WARNING)]);
    expect(r.stderr).not.toContain(WARNING);
  });
});
