// A request's deadline counts time this process could read the reply in (src/targets/deadline.ts).
// The SCRIPTED FAKE server runs in the test's own process, so a script that holds the event loop
// holds the client too, as offline judges or the embedded model do in a run on a busy machine: the
// reply is in the socket the moment the loop is free, but Node runs due timers before it reads
// sockets, and a wall-clock deadline failed it (the test/bench/run.test.ts flake under load).
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openaiTargetSchema } from '../../src/config/index.js';
import { TargetError } from '../../src/core/index.js';
import { createOpenAITarget, createTarget } from '../../src/targets/index.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';

/** Holds this process's event loop, as a long synchronous computation does. */
function holdLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* busy */
  }
}

let server: FakeServer | undefined;
let plain: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  plain?.closeAllConnections();
  await new Promise((r) => (plain ? plain.close(r) : r(undefined)));
  plain = undefined;
});

const hi = [{ role: 'user' as const, content: 'hello' }];
const config = (url: string, timeoutMs: number) =>
  openaiTargetSchema.parse({ type: 'openai', baseURL: url, model: 'm', timeoutMs, retries: 0, cache: false });

describe('a deadline counts the time the process could read the reply', () => {
  it('a reply that waited while this process held its event loop is read, not failed as a timeout (withTimeout)', async () => {
    server = await startOpenAIServer({
      script: () => {
        holdLoop(1_500);
        return 'answered';
      },
    });
    const reply = await createTarget(config(server.url, 300), {}).chat(hi);
    expect(reply.text).toBe('answered');
  });

  it('the same without withTimeout: the plain client backstop (a target made bare, as tests and library callers do)', async () => {
    server = await startOpenAIServer({
      script: () => {
        // (the backstop is timeoutMs + 5 s)
        holdLoop(7_000);
        return 'answered';
      },
    });
    const reply = await createOpenAITarget(config(server.url, 1_000)).chat(hi);
    expect(reply.text).toBe('answered');
  });

  it('a server slow while this process runs freely still times out', async () => {
    server = await startOpenAIServer({ latencyMs: 60_000 });
    const err = await createTarget(config(server.url, 200), {})
      .chat(hi)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect((err as TargetError).kind).toBe('timeout');
    expect((err as TargetError).message).toMatch(/no reply within 200 ms/);
    const bare = await createOpenAITarget(config(server.url, 200))
      .chat(hi)
      .catch((e: unknown) => e);
    expect(bare).toBeInstanceOf(TargetError);
    expect((bare as TargetError).kind).toBe('timeout');
    expect((bare as TargetError).message).toMatch(/request timed out/);
  });
});

describe('a keep-alive connection the server closed while it sat idle', () => {
  it('resets a request the server never read: it is sent again on a new connection, once', async () => {
    // (what a held loop leads to: the server's keep-alive timeout comes due before it reads the
    // request sent on the idle connection; here every connection's second request is reset unread)
    const asked = new WeakMap<Socket, number>();
    let resets = 0;
    plain = createServer((req, res) => {
      const n = (asked.get(req.socket) ?? 0) + 1;
      asked.set(req.socket, n);
      if (n === 2) {
        resets++;
        req.socket.resetAndDestroy();
        return;
      }
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            choices: [
              { index: 0, message: { role: 'assistant', content: `reply ${n}` }, finish_reason: 'stop' },
            ],
          }),
        );
      });
    });
    await new Promise<void>((r) => plain?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/v1`;
    const t = createOpenAITarget(config(url, 5_000));
    expect((await t.chat(hi)).text).toBe('reply 1');
    expect((await t.chat(hi)).text).toBe('reply 1');
    expect(resets).toBe(1);
  });

  it('a reset of a request on a new connection is the server refusing it: a network error, not sent again', async () => {
    let requests = 0;
    plain = createServer((req) => {
      requests++;
      req.socket.resetAndDestroy();
    });
    await new Promise<void>((r) => plain?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/v1`;
    const err = await createOpenAITarget(config(url, 5_000))
      .chat(hi)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect((err as TargetError).kind).toBe('network');
    expect(requests).toBe(1);
  });
});
