// The generation worker cancels the request whose client left, and only that one: the reply of the
// client beside it in the batch is whole. A cancel that reached another place in the batch cut a
// staying client's reply short, answered 200 with finish_reason "length" as if max_tokens had.
// A real server and a real worker thread over HTTP on 127.0.0.1.
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLM,
  generateBatch,
  type LM,
  loadLM,
  type RunningServer,
  saveLM,
  spawnWorker,
  startServer,
} from '../../src/lm/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MAX_TOKENS = 150;

let server: RunningServer;
let lm: LM;
/** Resolves with each batch the server sends its worker, as it sends it. */
const batches: ((asks: string[]) => void)[] = [];

beforeAll(async () => {
  // The base model's shape, freshly initialised: a greedy reply that runs to max_tokens (checked).
  const base = await loadLM(join(root, 'models/breakfix-tiny-base'));
  lm = createLM(base.config, base.tokenizer, 7);
  const dir = mkdtempSync(join(tmpdir(), 'lm-serve-cancel-'));
  await saveLM(lm, dir);
  server = await startServer({
    modelDir: dir,
    port: 0,
    modelName: 'tiny',
    // A window no test waits out: the second request fills the batch (maxBatch 2), which goes at once.
    batchWindowMs: 600_000,
    maxBatch: 2,
    spawn: (d) => {
      const worker = spawnWorker(d);
      const post = worker.postMessage.bind(worker);
      worker.postMessage = (m: { type: string; reqs?: { messages: { content: string }[] }[] }) => {
        post(m);
        if (m.type === 'generate') batches.shift()?.(m.reqs!.map((r) => r.messages[0].content));
      };
      return worker;
    },
  });
});
afterAll(async () => {
  await server?.close();
});

const ask = (content: string) => {
  const req = request(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    agent: false,
  });
  const answer = new Promise<{ status: number; body: string }>((done, fail) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
  });
  req.end(JSON.stringify({ model: 'tiny', max_tokens: MAX_TOKENS, messages: [{ role: 'user', content }] }));
  return { answer, leave: () => req.destroy() };
};

describe('serve: a client that leaves mid-batch', () => {
  it('cancels its own request in the worker, and the reply beside it is whole', async () => {
    const stays = 'Tell me about chess.';
    const [alone] = await generateBatch(lm, [
      { messages: [{ role: 'user', content: stays }], maxTokens: MAX_TOKENS },
    ]);
    expect(alone.completionTokens).toBe(MAX_TOKENS);
    const sent = new Promise<string[]>((r) => batches.push(r));
    const a = ask(stays);
    const b = ask('How do I bake bread?');
    b.answer.catch(() => {});
    expect([...(await sent)].sort()).toEqual(['How do I bake bread?', stays]);
    // B leaves while the batch generates: its cancel goes to its own place in the batch.
    b.leave();
    const r = await a.answer;
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body) as {
      choices: { message: { content: string }; finish_reason: string }[];
      usage: { completion_tokens: number };
    };
    expect(body.choices[0].message.content).toBe(alone.text);
    expect(body.usage.completion_tokens).toBe(MAX_TOKENS);
  });
});
