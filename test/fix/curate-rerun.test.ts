// `breakfix curate` on a round that already has records, and into a folder that already holds an
// export: the real CLI in a child process, on a real SQLite store.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectSeeds } from '../../src/break/index.js';
import type { TrainingRecord } from '../../src/core/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../cli/run-cli.js';
import { attemptFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-recurate-'));
const db = join(dir, 'breakfix.db');
const CYCLE = 'run_cycle_done';
const UNFINISHED = 'run_cycle_unfinished';
const REDTEAM = 'run_redteam';
const QUIET = 'run_nothing_broke';
const ROUND1_MODEL = `embedded:${CYCLE}:round-1`;

/** What the cycle curated (and trained round 1 on): stand-ins with ids curate never makes. */
const trainedOn: TrainingRecord[] = ['a', 'b'].map((x) => ({
  id: `cycle-sft-${x}`,
  kind: 'sft',
  purpose: 'safety',
  messages: [
    { role: 'user', content: `question ${x}` },
    { role: 'assistant', content: "I can't help with that." },
  ],
  split: 'train',
  provenance: { source: 'attempt', round: 0 },
}));
const trainedOnPair: TrainingRecord = {
  id: 'cycle-pref-a',
  kind: 'preference',
  purpose: 'safety',
  prompt: [{ role: 'user', content: 'question a' }],
  chosen: { role: 'assistant', content: "I can't help with that." },
  rejected: { role: 'assistant', content: 'Sure. Step 1: [redacted].' },
  split: 'train',
  provenance: { source: 'attempt', round: 0 },
};

const ids = (runId: string) => {
  const store = openStore(db);
  try {
    return store.listRecords({ runId, round: 0 }).map((r) => r.id);
  } finally {
    store.close();
  }
};

beforeAll(() => {
  const store = openStore(db);
  const train = selectSeeds({ kind: 'harmful', split: 'train', language: 'en' }).slice(0, 9);
  const attempts = (runId: string, broke: boolean) =>
    train.map((s, i) =>
      attemptFor(s, {
        outcome: broke && i % 3 ? 'success' : 'failure',
        techniques: ['role_play_actor'],
        runId,
        round: 0,
        id: `${runId}-${i}`,
      }),
    );
  for (const [id, kind, broke] of [
    [CYCLE, 'cycle', true],
    [UNFINISHED, 'cycle', true],
    [REDTEAM, 'redteam', true],
    [QUIET, 'redteam', false],
  ] as const) {
    store.createRun({ id, kind, config: {}, seed: 7 });
    store.saveAttempts(attempts(id, broke));
    store.upsertRound(id, 0, { model: 'breakfix-tiny-base', status: 'done' });
  }
  // The finished cycle trained round 1's model on round 0's records; the unfinished one stopped
  // after curating round 0 (a resume trains on them); the red-team run was curated by hand.
  store.upsertRound(CYCLE, 1, { model: ROUND1_MODEL, status: 'done' });
  for (const id of [CYCLE, UNFINISHED, REDTEAM]) {
    store.saveRecords(id, 0, 'sft', trainedOn);
    store.saveRecords(id, 0, 'preference', [trainedOnPair]);
  }
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('curate on a round that already has records', () => {
  it('refuses (exit 2) naming run, round and count, and that the cycle trained on them', async () => {
    const out = join(dir, 'refused');
    const r = await runCli(['curate', '--store', db, '--run', CYCLE, '--round', '0', '--out', out], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      `run ${CYCLE} round 0 already has 3 curated records (2 SFT, 1 preference pair)`,
    );
    expect(r.stderr).toContain(`the cycle trained its round 1 model (${ROUND1_MODEL}) on them`);
    expect(r.stderr).toMatch(/--force/);
    // Nothing touched: the records the cycle trained on, and no export folder.
    expect(ids(CYCLE).sort()).toEqual(['cycle-pref-a', 'cycle-sft-a', 'cycle-sft-b']);
    expect(existsSync(out)).toBe(false);
  });

  it('an unfinished cycle: says a resume would train on them', async () => {
    const r = await runCli(['curate', '--store', db, '--run', UNFINISHED, '--round', '0'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`run ${UNFINISHED} round 0 already has 3 curated records`);
    expect(r.stderr).toMatch(/cycle --resume` would train the next round on them/);
  });

  it('a run that is not a cycle: refuses without talking of a cycle', async () => {
    const r = await runCli(['curate', '--store', db, '--run', REDTEAM, '--round', '0'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`run ${REDTEAM} round 0 already has 3 curated records`);
    expect(r.stderr).not.toMatch(/cycle/);
    expect(ids(REDTEAM)).toHaveLength(3);
  });

  it('--force replaces them, says so, and the export replaces the folder’s previous files', async () => {
    const out = join(dir, 'forced');
    // An earlier export in the same folder: its files must not survive as this round's data.
    mkdirSync(join(out, 'trl'), { recursive: true });
    for (const f of ['sft.train.jsonl', 'preference.train.jsonl', 'preference.validation.jsonl'])
      writeFileSync(join(out, 'trl', f), '{"stale": true}\n');
    writeFileSync(join(out, 'trl', 'notes.txt'), 'mine');
    const r = await runCli(
      ['curate', '--store', db, '--run', CYCLE, '--round', '0', '--out', out, '--force', '--json'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `replaced the 3 curated records (2 SFT, 1 preference pair) of run ${CYCLE} round 0`,
    );
    expect(r.stderr).toContain(`the cycle had trained its round 1 model (${ROUND1_MODEL}) on them`);
    const data = JSON.parse(r.stdout);
    expect(data.replaced).toBe(3);
    const now = ids(CYCLE);
    expect(now).toHaveLength(data.sft + data.preference);
    expect(now).not.toContain('cycle-sft-a');
    for (const f of ['sft.train.jsonl', 'preference.train.jsonl', 'preference.validation.jsonl'])
      expect(readFileSync(join(out, 'trl', f), 'utf8'), f).not.toContain('stale');
    expect(readFileSync(join(out, 'trl', 'notes.txt'), 'utf8')).toBe('mine');
  });
});

describe('curate --force with a file where a format folder goes', () => {
  it('exits 2 naming it before the stored records are replaced', async () => {
    const out = join(dir, 'trap');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'trl'), 'a file, not a folder');
    const before = ids(CYCLE).sort();
    const r = await runCli(
      ['curate', '--store', db, '--run', CYCLE, '--round', '0', '--out', out, '--format', 'trl', '--force'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(join(out, 'trl'));
    expect(r.stderr).not.toMatch(/EEXIST|looks like a bug|replaced the/);
    expect(ids(CYCLE).sort()).toEqual(before);
  });
});

describe('curate into a folder that holds an earlier export', () => {
  it('a round with nothing to curate still replaces the earlier files (with empty ones)', async () => {
    const out = join(dir, 'quiet');
    mkdirSync(join(out, 'trl'), { recursive: true });
    writeFileSync(join(out, 'trl', 'preference.train.jsonl'), '{"stale": true}\n');
    const r = await runCli(
      ['curate', '--store', db, '--run', QUIET, '--round', '0', '--out', out, '--format', 'trl', '--json'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.preference).toBe(0);
    expect(data.files).toContain(join(out, 'trl', 'preference.train.jsonl'));
    expect(readFileSync(join(out, 'trl', 'preference.train.jsonl'), 'utf8')).toBe('');
  });
});

describe('curate and custom benchmark suites', () => {
  it('a prompt a custom suite benchmarks is never curated (decontamination covers bench.custom)', async () => {
    const userTurns = () => {
      const store = openStore(db);
      try {
        return store
          .listRecords({ runId: REDTEAM, round: 0 })
          .flatMap((r) => [...(r.messages ?? []), ...(r.prompt ?? [])])
          .filter((m) => m.role === 'user')
          .map((m) => m.content);
      } finally {
        store.close();
      }
    };
    // Round 0 of the red-team run curated again (--force), into `out`, with `config` when given.
    const curateAgain = (out: string, config: string[] = []) =>
      runCli(
        [
          'curate',
          ...config,
          '--store',
          db,
          '--run',
          REDTEAM,
          '--round',
          '0',
          '--out',
          join(dir, out),
          '--force',
          '--json',
        ],
        { cwd: dir },
      );
    const first = await curateAgain('c1');
    expect(first.code, first.stderr).toBe(0);
    const curated = userTurns().filter((t) => t.split(/\s+/).length >= 6);
    expect(curated.length).toBeGreaterThan(2);
    // A user's own benchmark asks two of the prompts that were just curated.
    const asked = curated.slice(0, 2);
    writeFileSync(
      join(dir, 'mine.jsonl'),
      asked.map((prompt) => JSON.stringify({ prompt, label: 'safe' })).join('\n'),
    );
    writeFileSync(
      join(dir, 'custom.yaml'),
      'bench:\n  custom:\n    - name: mine\n      file: mine.jsonl\n      kind: overrefusal\n',
    );
    const again = await curateAgain('c2', ['-c', 'custom.yaml']);
    expect(again.code, again.stderr).toBe(0);
    const now = userTurns();
    for (const t of asked) expect(now).not.toContain(t);
    expect(now.length).toBeGreaterThan(0);
  });
});
