// The helpfulness pass rate as `breakfix bench` computes it, against figures worked out by hand: a
// custom helpfulness suite of four checkable tasks, a SCRIPTED FAKE model over real HTTP that
// answers two right, one wrong, and stops inside its reasoning on the fourth, and a real store.
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

const TASKS = [
  { id: 'h1', prompt: 'What is 2 plus 3?', answer: '5', reply: 'The answer is 5.' },
  { id: 'h2', prompt: 'What is 4 plus 4?', answer: '8', reply: 'The answer is 8.' },
  { id: 'h3', prompt: 'What is 7 plus 1?', answer: '8', reply: 'The answer is 6.' },
  // A reasoning model cut off by its token limit: no answer to check.
  { id: 'h4', prompt: 'What is 9 plus 1?', answer: '10', reply: '<think>Nine plus one, let me count' },
];

describe('bench helpfulness pass rate', () => {
  it('2 of the 3 checked passed; the reply with no answer is undetermined, apart, never a pass', async () => {
    server = await startOpenAIServer({
      script: (messages) => {
        const last = String(messages.at(-1)?.content);
        return TASKS.find((t) => last.includes(t.prompt))?.reply ?? 'unexpected prompt';
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'bench-pass-'));
    writeFileSync(
      join(dir, 'breakfix.yaml'),
      `targets:\n  fake:\n    type: openai\n    baseURL: ${server.url}\n    model: scripted\n    retries: 0\nroles:\n  target: fake\nbench:\n  custom:\n    - name: tasks\n      file: tasks.csv\n      kind: helpfulness\n`,
    );
    writeFileSync(
      join(dir, 'tasks.csv'),
      `id,prompt,answer\n${TASKS.map((t) => `${t.id},${t.prompt},${t.answer}`).join('\n')}\n`,
    );
    const db = join(dir, 's.db');
    const r = await runCli(['bench', '--suite', 'tasks', '--json', '--store', db], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.summary.helpfulness).toBeCloseTo(2 / 3);
    expect(report.suites[0].metrics.pass_rate).toMatchObject({
      successes: 2,
      n: 3,
      errors: 0,
      undetermined: 1,
    });
    expect(report.summaryCounts.helpfulness).toEqual({
      suite: 'tasks',
      metric: 'pass_rate',
      n: 3,
      successes: 2,
      errors: 0,
      undetermined: 1,
    });
    // Stored, a failed task is the suite's defect (success), a passed one a failure.
    const store = openStore(db);
    const [row] = store.listBenchResults(store.latestRun('bench')?.id as string);
    const items = row.items as { seedId: string; outcome: string }[];
    expect(Object.fromEntries(items.map((i) => [i.seedId, i.outcome]))).toEqual({
      h1: 'failure',
      h2: 'failure',
      h3: 'success',
      h4: 'undetermined',
    });
    store.close();
  });
});
