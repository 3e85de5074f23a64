// `breakfix curate` killed outright (SIGKILL) while it writes its export: the same command run again
// must curate and export the round, as after any other crash. The real CLI in a child process (one
// node process, so the SIGKILL lands on it), killed by the crash hook at an exact file write, on a
// real SQLite store.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectSeeds } from '../../src/break/index.js';
import { openStore } from '../../src/store/index.js';
import { runBreakfix } from '../reliability/helpers-cycle.js';
import { attemptFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-curate-kill-'));
const db = join(dir, 'breakfix.db');
const RUN = 'run_redteam_killed_curate';

const ids = () => {
  const store = openStore(db);
  try {
    return store.listRecords({ runId: RUN, round: 0 }).map((r) => r.id);
  } finally {
    store.close();
  }
};

beforeAll(() => {
  const store = openStore(db);
  const train = selectSeeds({ kind: 'harmful', split: 'train', language: 'en' }).slice(0, 9);
  store.createRun({ id: RUN, kind: 'redteam', config: {}, seed: 7 });
  store.saveAttempts(
    train.map((s, i) =>
      attemptFor(s, {
        outcome: i % 3 ? 'success' : 'failure',
        techniques: ['role_play_actor'],
        runId: RUN,
        round: 0,
        id: `${RUN}-${i}`,
      }),
    ),
  );
  store.upsertRound(RUN, 0, { model: 'breakfix-tiny-base', status: 'done' });
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('curate killed while writing its export', () => {
  it('stores nothing, so the same command again curates and exports the round (not exit 2, "already has")', async () => {
    const out = join(dir, 'out');
    const args = [
      'curate',
      '--store',
      db,
      '--run',
      RUN,
      '--round',
      '0',
      '--out',
      out,
      '--format',
      'trl',
      '--json',
    ];
    // Killed after the second of the export's four staged files is written.
    const killed = await runBreakfix(args, {
      hook: true,
      env: { BF_CRASH_FILE: '\\.partial-\\d+$', BF_CRASH_FILE_N: '2' },
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(killed.stderr).toContain('crash-hook: SIGKILL after file write 2');
    // Before, the records were stored before the export was written: the run kept them with no
    // export, and the same command again refused (exit 2) as if the round had been curated.
    expect(ids()).toEqual([]);

    const again = await runBreakfix(args);
    expect(again.code, again.stderr).toBe(0);
    const data = JSON.parse(again.stdout) as { sft: number; preference: number; files: string[] };
    expect(data.sft + data.preference).toBeGreaterThan(0);
    expect(ids()).toHaveLength(data.sft + data.preference);
    const lines = (name: string) =>
      readFileSync(join(out, 'trl', name), 'utf8')
        .split('\n')
        .filter(Boolean).length;
    expect(lines('sft.train.jsonl') + lines('sft.validation.jsonl')).toBe(data.sft);
    expect(lines('preference.train.jsonl') + lines('preference.validation.jsonl')).toBe(data.preference);
    // (the killed run's staged files stay beside the export, named as such; every export file is whole)
    expect(
      readdirSync(join(out, 'trl'))
        .filter((f) => !f.includes('.partial-'))
        .sort(),
    ).toEqual([
      'preference.train.jsonl',
      'preference.validation.jsonl',
      'sft.train.jsonl',
      'sft.validation.jsonl',
    ]);
  });
});
