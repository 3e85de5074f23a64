// A streamed OpenAI-compatible reply read over real HTTP on 127.0.0.1, as servers send it and as it
// breaks: events split across writes at any byte, LF, CRLF or CR line ends, comment lines, and the
// body cut at any byte. A reply is the whole answer or a TargetError, never part of one taken for
// an answer. And a server that does not stream (its JSON, an HTML page) is said to be that: the
// error read "stream ended without a finish reason", as if a stream had been cut.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { TargetError } from '../../src/core/index.js';
import { createTarget } from '../../src/targets/index.js';

let server: Server;
let reply: { type: string; pieces: Buffer[] } = { type: '', pieces: [] };
let root = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      res.writeHead(200, { 'content-type': reply.type });
      // each piece its own write, a turn of the event loop apart, so the reader sees the splits
      for (const p of reply.pieces) {
        res.write(p);
        await new Promise((r) => setImmediate(r));
      }
      res.end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const target = () =>
  createTarget('s', {
    config: parseConfig(
      `targets:\n  s:\n    type: openai\n    model: m\n    baseURL: ${root}\n    retries: 0\n    cache: false\n    stream: true\n`,
      'stream.yaml',
    ),
  });
const hi = [{ role: 'user' as const, content: 'hi' }];

async function outcome(type: string, body: Buffer, cuts: number[] = []) {
  const at = [...new Set(cuts.map((c) => c % (body.length + 1)))].sort((a, b) => a - b);
  reply = { type, pieces: [0, ...at].map((a, i) => body.subarray(a, [...at, body.length][i])) };
  try {
    return await target().chat(hi);
  } catch (err) {
    if (err instanceof TargetError) return err;
    throw err;
  }
}

const WORDS = ['Paris', ' is', ' the', ' capital', ' of', ' France', '.'];
const chunk = (content: string, finish: string | null) =>
  JSON.stringify({
    id: 'c',
    object: 'chat.completion.chunk',
    model: 'm',
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  });

describe('a streamed reply', () => {
  it("is choice 0's text alone: a chunk's other choices (a faulty server's n > 1) are not joined in", async () => {
    const two = (a: string, b: string, finish: string | null) =>
      JSON.stringify({
        id: 'c',
        object: 'chat.completion.chunk',
        model: 'm',
        choices: [
          { index: 1, delta: { content: a }, finish_reason: finish },
          { index: 0, delta: { content: b }, finish_reason: finish },
        ],
      });
    const body = `data: ${two('Other', 'Hello', null)}\n\ndata: ${two(' text', ' there', 'stop')}\n\ndata: [DONE]\n\n`;
    const r = await outcome('text/event-stream', Buffer.from(body));
    expect(r).not.toBeInstanceOf(TargetError);
    expect((r as { text: string }).text).toBe('Hello there');
  });

  it('from a server that does not stream: an error that says so, not a stream cut short', async () => {
    const json = JSON.stringify({
      choices: [{ message: { role: 'assistant', content: 'Paris.' }, finish_reason: 'stop' }],
    });
    for (const [type, body] of [
      ['application/json', json],
      ['text/html; charset=utf-8', '<html><body>Sign in</body></html>'],
    ]) {
      const r = await outcome(type, Buffer.from(body));
      expect(r).toBeInstanceOf(TargetError);
      const err = r as TargetError;
      expect(err.kind).toBe('malformed');
      expect(err.message).toContain(`the reply is ${type.split(';')[0]}, not an event stream`);
      expect(err.message).toContain('stream: false');
    }
    // (an event stream cut before its finish reason is still said as that)
    const cut = await outcome('text/event-stream', Buffer.from(`data: ${chunk('Paris', null)}\n\n`));
    expect((cut as TargetError).message).toMatch(/stream ended without a finish reason/);
  });

  it("an error event mid-stream (a server failing mid-answer) is a retryable error with the server's message, not the text so far", async () => {
    const body = `data: ${chunk('Paris', null)}\n\ndata: ${JSON.stringify({ error: { message: 'model overloaded' } })}\n\n`;
    const r = await outcome('text/event-stream', Buffer.from(body));
    expect(r).toBeInstanceOf(TargetError);
    const err = r as TargetError;
    // (the SDK's APIError with no HTTP status: the exchange broke after the 200, as a cut connection does)
    expect(err.kind).toBe('network');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('model overloaded');
  });

  it('property: split, spelled and cut at random, it is the whole answer or a TargetError', async () => {
    let whole = 0;
    let failed = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (eol, comments, done, cuts, cutAt) => {
          const events = WORDS.map((w, i) => chunk(w, i === WORDS.length - 1 ? 'stop' : null));
          const body = Buffer.from(
            `${comments ? `: keep-alive${eol}${eol}` : ''}${events
              .map((e) => `${comments ? `: ping${eol}` : ''}data: ${e}${eol}${eol}`)
              .join('')}${done ? `data: [DONE]${eol}${eol}` : ''}`,
          );
          const r = await outcome(
            'text/event-stream',
            cutAt === undefined ? body : body.subarray(0, cutAt % body.length),
            cuts,
          );
          if (r instanceof TargetError) {
            failed++;
            // only a body cut short fails
            expect(cutAt, r.message).toBeDefined();
            return;
          }
          whole++;
          expect(r.text).toBe(WORDS.join(''));
          expect(r.finishReason).toBe('stop');
        },
      ),
      { numRuns: 150, seed: 20261207 },
    );
    // (both halves of the property were met)
    expect(whole).toBeGreaterThan(10);
    expect(failed).toBeGreaterThan(10);
  });
});
