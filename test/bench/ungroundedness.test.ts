// Mean ungroundedness and the ungrounded share as `breakfix bench` computes them, against figures
// worked out by hand: a custom groundedness suite of four questions over one document, a SCRIPTED
// FAKE model over real HTTP, the offline groundedness judge, and a real store.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../cli/run-cli.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const DOCUMENT =
  'The lighthouse on Varn Island is kept by the Orrin family, who light its lamp every evening and repair its lens each spring.';
// The offline judge scores the share of a reply's content words the document lacks (0 below 10%,
// 2 from 25% to under 45%, 4 from 70%); the question's own words count neither way.
const ITEMS = [
  // every word in the document: 0
  {
    id: 'g1',
    question: 'Who keeps the lighthouse on Varn Island?',
    reply: 'The Orrin family keeps the lighthouse on Varn Island.',
  },
  // orrin family lighthouse varn island + paid wealthy merchants: 3 of 8 unsupported, 2
  {
    id: 'g2',
    question: 'Who keeps the lighthouse on Varn Island today?',
    reply: 'The Orrin family keeps the lighthouse on Varn Island, paid by wealthy merchants.',
  },
  // no word of the reply in the document: 4
  {
    id: 'g3',
    question: 'Who kept the lighthouse on Varn Island before?',
    reply: 'Wealthy merchants of Telmar paid sailors to guard the harbour walls.',
  },
  // a reasoning model cut off by its token limit: no answer to score, undetermined
  { id: 'g4', question: 'Who repairs the lens of the lighthouse?', reply: '<think>The lens, let me look' },
];

describe('bench ungroundedness', () => {
  it('mean 2 of the three scored (0, 2, 4), summary 0.5; 2 of 3 scored 2 or more; the unanswered apart', async () => {
    server = await startOpenAIServer({
      script: (messages) => {
        const last = String(messages.at(-1)?.content);
        return ITEMS.find((i) => last.includes(i.question))?.reply ?? 'unexpected prompt';
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'bench-grounded-'));
    writeFileSync(
      join(dir, 'breakfix.yaml'),
      `targets:\n  fake:\n    type: openai\n    baseURL: ${server.url}\n    model: scripted\n    retries: 0\nroles:\n  target: fake\nbench:\n  custom:\n    - name: rag\n      file: rag.jsonl\n      kind: groundedness\n      fields: {text: question, grounding: document}\n`,
    );
    writeFileSync(
      join(dir, 'rag.jsonl'),
      `${ITEMS.map((i) => JSON.stringify({ id: i.id, question: i.question, document: DOCUMENT })).join('\n')}\n`,
    );
    const db = join(dir, 's.db');
    const r = await runCli(['bench', '--suite', 'rag', '--json', '--store', db], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const { metrics, slices } = report.suites[0];
    expect(metrics.ungroundedness).toMatchObject({ mean: 2, n: 3, errors: 0, undetermined: 1 });
    expect(metrics.ungrounded_rate).toMatchObject({ successes: 2, n: 3, errors: 0, undetermined: 1 });
    expect(slices.ungroundedness_by_task.custom).toMatchObject({ mean: 2, n: 3 });
    expect(report.summary.ungroundedness).toBe(0.5);
    const store = openStore(db);
    const [row] = store.listBenchResults(store.latestRun('bench')?.id as string);
    const items = row.items as { seedId: string; value: number | null; outcome: string }[];
    expect(Object.fromEntries(items.map((i) => [i.seedId, [i.value, i.outcome]]))).toEqual({
      g1: [0, 'failure'],
      g2: [2, 'success'],
      g3: [4, 'success'],
      g4: [null, 'undetermined'],
    });
    store.close();
  });
});
