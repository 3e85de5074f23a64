// A remote reply is adversarial input: a SCRIPTED FAKE endpoint on 127.0.0.1 whose replies echo the
// key where the JSON path does not look (a non-JSON body, an error message long enough to be cut,
// the model name), send token counts that are strings, and bodies no chat model writes. Whatever the
// path, the key never comes back to breakfix, counts are numbers, and the size is capped.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig, registerSecret } from '../../src/config/index.js';
import { TargetError } from '../../src/core/index.js';
import { createTarget } from '../../src/targets/index.js';

const KEY = 'Tok3nSecret9xQ';
registerSecret(KEY);

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

/** Every request gets `reply()`: status, headers and body. */
async function serve(
  reply: () => { status?: number; headers?: Record<string, string>; body: Buffer | string },
  type: 'openai' | 'anthropic' = 'openai',
) {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const r = reply();
      res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...r.headers });
      // A chunked body (no content-length) is written in pieces: nothing says its size before it comes.
      if (r.headers?.['transfer-encoding'] === 'chunked') {
        const body = Buffer.from(r.body);
        for (let i = 0; i < body.length; i += 2 ** 20) res.write(body.subarray(i, i + 2 ** 20));
        res.end();
      } else res.end(r.body);
    });
  });
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  const root = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  // (the Anthropic client adds /v1 itself)
  const url = type === 'openai' ? `${root}/v1` : root;
  const config = parseConfig(
    `targets:\n  hostile:\n    type: ${type}\n    model: m\n    baseURL: ${url}\n    retries: 0\n    cache: false\n`,
    'hostile.yaml',
  );
  return createTarget('hostile', { config });
}

const completion = (extra: Record<string, unknown>) =>
  JSON.stringify({
    choices: [{ message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
    ...extra,
  });

async function failure(p: Promise<unknown>): Promise<TargetError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TargetError);
  return err as TargetError;
}

const hi = [{ role: 'user' as const, content: 'hi' }];

describe('hostile remote replies', () => {
  it('a non-JSON body that holds the key: the parse error quoting it is redacted', async () => {
    const t = await serve(() => ({ body: `ok ${KEY}` }));
    const err = await failure(t.chat(hi));
    expect(err.kind).toBe('malformed');
    expect(err.message).toMatch(/not valid JSON/);
    expect(err.message).not.toContain(KEY);
    expect(err.message).not.toContain(KEY.slice(0, 8));
  });

  it('an error message whose key straddles the 200-character cut: redacted before it is cut', async () => {
    for (const pad of [187, 190, 195]) {
      const t = await serve(() => ({
        status: 400,
        body: JSON.stringify({ error: { message: 'x'.repeat(pad) + KEY } }),
      }));
      const err = await failure(t.chat(hi));
      expect(err.message).toMatch(/HTTP 400 x+/);
      expect(err.message, `pad ${pad}`).not.toContain(KEY.slice(0, 6));
      server?.close();
    }
  });

  it('token counts that are not numbers count as 0; a key in the model name is redacted', async () => {
    const t = await serve(() => ({
      body: completion({
        model: `hostile-${KEY}`,
        usage: { prompt_tokens: '\u001b]0;title\u0007', completion_tokens: -3 },
      }),
    }));
    const reply = await t.chat(hi);
    expect(reply.text).toBe('hello');
    expect(reply.usage).toEqual({ promptTokens: 0, completionTokens: 0 });
    expect(reply.model).toBe('hostile-[redacted]');
  });

  it('a token count past any context (an unsigned counter underflowed, 1e300) counts as 0, not as spent', async () => {
    for (const huge of [1e300, 2 ** 64, 4294967295, 2 ** 31]) {
      const t = await serve(() => ({
        body: completion({ usage: { prompt_tokens: huge, completion_tokens: 7 } }),
      }));
      const reply = await t.chat(hi);
      expect(reply.text).toBe('hello');
      expect(reply.usage, String(huge)).toEqual({ promptTokens: 0, completionTokens: 7 });
      server?.close();
    }
    // (the largest count taken as one)
    const t = await serve(() => ({
      body: completion({ usage: { prompt_tokens: 2 ** 31 - 1, completion_tokens: 7 } }),
    }));
    expect((await t.chat(hi)).usage).toEqual({ promptTokens: 2 ** 31 - 1, completionTokens: 7 });
  });

  it('a model name that is no string is dropped, not shown as "[object Object]" or "null"', async () => {
    for (const model of [{ id: 'm' }, null, 7, ['m']]) {
      const t = await serve(() => ({ body: completion({ model }) }));
      const reply = await t.chat(hi);
      expect(reply.text).toBe('hello');
      expect(reply.model, JSON.stringify(model)).toBeUndefined();
      server?.close();
    }
  });

  it('a body past 16 MiB, plain or as a small gzip that expands past it, is a malformed reply', async () => {
    const huge = completion({ pad: 'x'.repeat(17 * 2 ** 20) });
    let t = await serve(() => ({ body: huge }));
    expect((await failure(t.chat(hi))).message).toMatch(/reply larger than 16 MiB/);
    server?.close();
    const bomb = gzipSync(huge);
    expect(bomb.length).toBeLessThan(2 ** 20);
    t = await serve(() => ({ headers: { 'content-encoding': 'gzip' }, body: bomb }));
    expect((await failure(t.chat(hi))).message).toMatch(/reply larger than 16 MiB/);
  });

  it('the Anthropic client reads no more than 16 MiB either: declared, chunked, or gzip-expanded', async () => {
    const huge = JSON.stringify({
      type: 'message',
      role: 'assistant',
      model: 'm',
      content: [{ type: 'text', text: 'x'.repeat(17 * 2 ** 20) }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 1, output_tokens: 1 },
    });
    const cases: Record<string, string>[] = [
      {},
      { 'transfer-encoding': 'chunked' },
      { 'content-encoding': 'gzip' },
    ];
    for (const headers of cases) {
      const body = 'content-encoding' in headers ? gzipSync(huge) : huge;
      const t = await serve(() => ({ headers, body }), 'anthropic');
      const err = await failure(t.chat(hi));
      expect(err.message).toMatch(/reply larger than 16 MiB/);
      expect(err.kind).toBe('malformed');
      server?.close();
    }
  });

  it('a body declared past 16 MiB is refused on its Content-Length, unread (the SDK path)', async () => {
    // The server declares 17 MiB, sends a few bytes and holds the rest: a reply read on would wait
    // for the body and end in the request's timeout, not in the cap.
    const held: ServerResponse[] = [];
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(17 * 2 ** 20) });
        res.write('{"type":"message",');
        held.push(res);
      });
    });
    await new Promise<void>((ok) => server?.listen(0, '127.0.0.1', ok));
    const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = parseConfig(
      `targets:\n  hostile:\n    type: anthropic\n    model: m\n    baseURL: ${root}\n    retries: 0\n    cache: false\n    timeoutMs: 5000\n`,
      'hostile.yaml',
    );
    try {
      const err = await failure(createTarget('hostile', { config }).chat(hi));
      expect(err.message).toBe(`${createTarget('hostile', { config }).id}: reply larger than 16 MiB`);
      expect(err.kind).toBe('malformed');
    } finally {
      for (const res of held) res.destroy();
    }
  });

  it('a body cut short (the connection closed part way) on the SDK path is a network error', async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"type":"message",', () => res.socket?.destroy());
      });
    });
    await new Promise<void>((ok) => server?.listen(0, '127.0.0.1', ok));
    const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = parseConfig(
      `targets:\n  hostile:\n    type: anthropic\n    model: m\n    baseURL: ${root}\n    retries: 0\n    cache: false\n`,
      'hostile.yaml',
    );
    const err = await failure(createTarget('hostile', { config }).chat(hi));
    expect(err.kind).toBe('network');
    expect(err.message).toMatch(/connection failed/);
  });
});
