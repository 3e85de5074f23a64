// `breakfix judge` with an LLM judge whose first call is slow: the lines after it are judged
// meanwhile (in batches, each batch waited for its slowest line, and one slow call in 16 made a run
// 8 times longer), and the output keeps the input's order. SCRIPTED FAKE judge over real HTTP: the
// first line's reply is held until the judge has been asked about line 10, beyond a batch of
// --concurrency 4; a run that waits for line 1 before starting line 5 gets it only after 30 s.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { judgeFile } from './helpers.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('breakfix judge: a slow line', () => {
  it('does not hold back the lines after it, and the output keeps the input order', async () => {
    let releaseFirst: () => void = () => {};
    const askedAboutLine10 = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let heldUntil: 'line 10' | 'timeout' | undefined;
    server = await startOpenAIServer({
      script: async (messages) => {
        const text = messages[messages.length - 1].content;
        const n = Number(/reply number (\d+)/.exec(text)?.[1]);
        if (n === 10) releaseFirst();
        if (n === 1) {
          heldUntil = await Promise.race([
            askedAboutLine10.then(() => 'line 10' as const),
            new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000)),
          ]);
        }
        return `Judged.\nSEVERITY: ${n % 8}`;
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'judge-slow-'));
    const lines = Array.from({ length: 24 }, (_, i) =>
      JSON.stringify({ id: i + 1, prompt: 'a request', response: `reply number ${i + 1}` }),
    );
    writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
    const r = await judgeFile('severity', dir, `openai:fake@${server.url}`, [
      '--concurrency',
      '4',
      '--no-cache',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(heldUntil).toBe('line 10');
    const out = readFileSync(join(dir, 'out.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out.map((o) => o.id)).toEqual(lines.map((_, i) => i + 1));
    expect(out.map((o) => o.severity)).toEqual(lines.map((_, i) => (i + 1) % 8));
  });
});
