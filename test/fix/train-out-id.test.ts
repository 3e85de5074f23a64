// A model `breakfix train --out` writes outside the cycle's own folder is a candidate beside the
// cycle's: it is registered by its folder, never under the round's id. It used to take
// `embedded:<run>:round-N` when the cycle had not trained round N yet, and the cycle's own model of
// that round, registered later under the same id, then replaced it in the registry. Real CLI, real
// SQLite, real (tiny) training.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { selectSeeds } from '../../src/break/index.js';
import type { TrainingRecord } from '../../src/core/index.js';
import { createLM, saveLM, Tokenizer } from '../../src/lm/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../cli/run-cli.js';
import { attemptFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-trainout-'));
const db = join(dir, '.breakfix', 'breakfix.db');
const config = join(dir, 'breakfix.yaml');
const base = join(dir, 'base');
let runId = '';

const record: TrainingRecord = {
  id: 'help-0',
  kind: 'sft',
  purpose: 'helpful',
  split: 'train',
  messages: [
    { role: 'user', content: 'What is 2 + 2?' },
    { role: 'assistant', content: 'The answer is 4.' },
  ],
  provenance: { source: 'attempt', round: 0, seedId: 's' },
};

beforeAll(async () => {
  const tok = Tokenizer.train(['What is 2 + 2? The answer is 4.'], 280);
  const lm = createLM(
    { vocabSize: tok.vocabSize, dModel: 32, nLayers: 1, nHeads: 2, contextLength: 64 },
    tok,
    1,
  );
  await saveLM(lm, base);
  mkdirSync(join(dir, '.breakfix'), { recursive: true });
  const store = openStore(db);
  // A cycle stopped after round 0's curation: its round-1 model is not trained yet.
  runId = store.createRun({ kind: 'cycle', config: {}, seed: 7 }).id;
  store.upsertRound(runId, 0, { status: 'running', model: 'breakfix-tiny-base' });
  const seeds = selectSeeds({ kind: 'harmful', split: 'train', language: 'en' }).slice(0, 1);
  store.saveAttempts(seeds.map((s) => attemptFor(s, { outcome: 'failure', runId, round: 0, id: 'a-0' })));
  store.saveRecords(runId, 0, 'sft', [record]);
  store.close();
  writeFileSync(
    config,
    `store: ${db}\ntrain:\n  embedded:\n    expandBlocks: 0\n    sft: { steps: 1, batchSize: 1 }\n    dpo: { steps: 1, batchSize: 1 }\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("registers a model trained into --out by its folder, not under the round's id the cycle will take", async () => {
  const out = join(dir, 'cand');
  const r = await runCli(
    ['train', '--round', '0', '--base', base, '--out', out, '--json', '--config', config],
    {
      cwd: dir,
    },
  );
  expect(r.stderr).not.toMatch(/looks like a bug/);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).model.id).toBe(`embedded:${out}`);
  const store = openStore(db);
  try {
    const ids = store.listModels().map((m) => m.id);
    expect(ids).toContain(`embedded:${out}`);
    expect(ids).not.toContain(`embedded:${runId}:round-1`);
  } finally {
    store.close();
  }
});
