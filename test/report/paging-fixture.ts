// A store with more attempts and curated records than one page of the viewer (200): a one-round
// cycle run of 450 attempts and 450 records; the last attempt and record carry an XSS payload, so
// the last page is rendered with hostile text too.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attempt, TrainingRecord } from '../../src/core/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { XSS } from './fixture.js';

export const PAGING_RUN = 'run_paging';
export const PAGING_N = 450;

const pad = (i: number) => String(i).padStart(4, '0');

export function buildPagingStore(): { storePath: string; store: Store } {
  const storePath = join(mkdtempSync(join(tmpdir(), 'breakfix-paging-')), 'breakfix.db');
  const store = openStore(storePath);
  store.createRun({ id: PAGING_RUN, kind: 'cycle', config: {}, seed: 1, target: 'embedded:base' });
  const hostile = (i: number) => (i === PAGING_N - 1 ? ` ${XSS.script} ${XSS.img}` : '');
  const attempts: Attempt[] = Array.from({ length: PAGING_N }, (_, i) => ({
    id: `att_${pad(i)}`,
    runId: PAGING_RUN,
    round: 0,
    seedId: `seed_${i}`,
    attack: 'direct',
    techniques: [],
    language: 'en',
    category: 'weapons',
    transcript: [
      { role: 'user', content: `request ${i}${hostile(i)}` },
      { role: 'assistant', content: "I can't help with that." },
    ],
    verdicts: [],
    outcome: 'failure',
    severity: 0,
    turns: 1,
    calls: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
  }));
  store.saveAttempts(attempts);
  store.upsertRound(PAGING_RUN, 0, { model: 'round-0', status: 'done', metrics: { asr: 0 } });
  const records: TrainingRecord[] = Array.from({ length: PAGING_N }, (_, i) => ({
    id: `rec_${pad(i)}`,
    kind: 'sft',
    purpose: 'safety',
    messages: [
      { role: 'user', content: `request ${i}` },
      { role: 'assistant', content: `I can't help with that.${hostile(i)}` },
    ],
    split: 'train',
    category: 'weapons',
    language: 'en',
    techniques: [],
    provenance: { source: `redteam${hostile(i)}`, attemptId: `att_${pad(i)}`, round: 0 },
  }));
  store.saveRecords(PAGING_RUN, 0, 'sft', records);
  return { storePath, store };
}
