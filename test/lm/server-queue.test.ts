// How `breakfix serve` feeds its generation worker, over real HTTP on 127.0.0.1: one batch at a time,
// a client that leaves takes its request with it. The worker is a real thread that generates nothing:
// it tells the test what the server sent and answers a batch only when the test says so, so which
// requests are waiting and which are running is decided by the test, not by timing.
import { request } from 'node:http';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/lm/index.js';

const HELD = `
const { parentPort } = require('node:worker_threads');
parentPort.postMessage({ type: 'ready', config: { contextLength: 64 } });
parentPort.on('message', (m) => {
  if (m.type === 'release') return parentPort.postMessage({ type: 'result', id: m.id, results: m.results });
  parentPort.postMessage({
    type: 'seen',
    sent: { type: m.type, id: m.id, index: m.index, asks: m.reqs && m.reqs.map((r) => r.messages[0].content) },
  });
});`;

interface Sent {
  type?: string;
  id: number;
  index?: number;
  asks?: string[];
}

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function heldServer(opts: { maxBatch: number; maxQueue?: number; batchWindowMs?: number }) {
  let worker!: Worker;
  const sent: Sent[] = [];
  const waiters: (() => void)[] = [];
  server = await startServer({
    modelDir: '/nonexistent',
    port: 0,
    modelName: 'tiny',
    batchWindowMs: 0,
    ...opts,
    spawn: () => {
      worker = new Worker(HELD, { eval: true });
      worker.on('message', (m: { type: string; sent?: Sent }) => {
        if (m.type !== 'seen') return;
        sent.push(m.sent!);
        for (const w of waiters.splice(0)) w();
      });
      return worker;
    },
  });
  const s = server;
  /** Resolves once the worker has been sent `n` messages in all. */
  const sentCount = async (n: number) => {
    while (sent.length < n) await new Promise<void>((ok) => waiters.push(ok));
    return sent;
  };
  const release = (id: number, texts: string[]) =>
    worker.postMessage({
      type: 'release',
      id,
      results: texts.map((text) => ({
        text,
        finishReason: 'stop',
        promptTokens: 3,
        completionTokens: 2,
        truncatedTokens: 0,
      })),
    });
  /** A chat request over a connection of its own; `leave()` drops it as a client that gave up. */
  const ask = (content: string) => {
    let leave!: () => Promise<void>;
    const answer = new Promise<{ status: number; body: string; headers: Record<string, unknown> }>(
      (done, fail) => {
        const req = request(
          `${s.url}/chat/completions`,
          { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => {
              body += c;
            });
            res.on('end', () => done({ status: res.statusCode ?? 0, body, headers: res.headers }));
          },
        );
        req.on('error', fail);
        req.end(JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content }] }));
        leave = () =>
          new Promise<void>((closed) => {
            req.once('close', () => closed());
            req.destroy();
          });
      },
    );
    return { answer, leave };
  };
  return { sent, sentCount, release, ask };
}

describe('breakfix serve: the queue before the model', () => {
  it('runs one batch at a time, and a client that leaves is cancelled: in the worker while it runs, before it is sent while it waits', async () => {
    const { sentCount, release, ask } = await heldServer({ maxBatch: 1 });
    const a = ask('A');
    const [first] = await sentCount(1);
    expect(first).toMatchObject({ type: 'generate', asks: ['A'] });
    // B and C wait while A runs (they were all posted at once, each batch run beside the others).
    const b = ask('B');
    const c = ask('C');
    b.answer.catch(() => {});
    a.answer.catch(() => {});
    b.leave();
    a.leave();
    const sent = await sentCount(2);
    expect(sent[1]).toEqual({ type: 'cancel', id: first.id, index: 0 });
    // A's batch ends (cut short by its cancel): the next batch is C's alone, B is never generated.
    release(first.id, ['a']);
    const [, , next] = await sentCount(3);
    expect(next).toMatchObject({ type: 'generate', asks: ['C'] });
    release(next.id, ['the reply to C']);
    const answered = await c.answer;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body).choices[0].message.content).toBe('the reply to C');
  });

  it("a batch of several requests answers each client with its own reply, never another's", async () => {
    // A window no test waits out: the second request fills the batch (maxBatch 2), which goes at once.
    const { sentCount, release, ask } = await heldServer({ maxBatch: 2, batchWindowMs: 600_000 });
    const a = ask('A');
    const b = ask('B');
    const [batch] = await sentCount(1);
    expect(batch.type).toBe('generate');
    expect([...batch.asks!].sort()).toEqual(['A', 'B']);
    // (in whichever order they arrived: each result answers the request at its place in the batch)
    release(
      batch.id,
      batch.asks!.map((x) => `the reply to ${x}`),
    );
    for (const [r, text] of [
      [await a.answer, 'the reply to A'],
      [await b.answer, 'the reply to B'],
    ] as const) {
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body).choices[0].message.content).toBe(text);
    }
  });

  it('a client that leaves while its request waits is never sent to the model', async () => {
    // (The test above leaves B at once, before its request reaches the server: that B never waited.)
    const { sent, sentCount, release, ask } = await heldServer({ maxBatch: 1, maxQueue: 1 });
    const a = ask('A');
    const [first] = await sentCount(1);
    // One place to wait while A runs: of B and C, the one that takes it waits, the other is a 503.
    const b = ask('B');
    const c = ask('C');
    const { turnedAway, waiting } = await Promise.race([
      b.answer.then((r) => ({ turnedAway: r, waiting: c })),
      c.answer.then((r) => ({ turnedAway: r, waiting: b })),
    ]);
    expect(turnedAway.status).toBe(503);
    waiting.answer.catch(() => {});
    await waiting.leave();
    // A round trip after the waiting client has gone: the server has read its connection's end.
    expect((await fetch(`${server!.url}/models`)).status).toBe(200);
    release(first.id, ['to A']);
    expect((await a.answer).status).toBe(200);
    const d = ask('D');
    const [, next] = await sentCount(2);
    expect(next).toMatchObject({ type: 'generate', asks: ['D'] });
    expect(sent).toHaveLength(2);
    release(next.id, ['to D']);
    expect((await d.answer).status).toBe(200);
  });

  it('past maxQueue waiting, a request is a 503 with Retry-After in the OpenAI error form; those admitted are all answered', async () => {
    const { sentCount, release, ask } = await heldServer({ maxBatch: 1, maxQueue: 1 });
    const a = ask('A');
    const [first] = await sentCount(1);
    const b = ask('B'); // waits
    // One too many. (Held instead, it would wait for a release that never comes: the test's timeout.)
    const c = await ask('C').answer;
    expect(c.status).toBe(503);
    expect(c.headers['retry-after']).toBe('1');
    expect(JSON.parse(c.body)).toEqual({
      error: {
        message: expect.stringMatching(/busy: 1 requests are waiting/),
        type: 'server_error',
        param: null,
        code: null,
      },
    });
    release(first.id, ['to A']);
    const [, next] = await sentCount(2);
    expect(next).toMatchObject({ type: 'generate', asks: ['B'] });
    release(next.id, ['to B']);
    for (const [r, text] of [
      [await a.answer, 'to A'],
      [await b.answer, 'to B'],
    ] as const) {
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body).choices[0].message.content).toBe(text);
    }
  });
});
