// Property test (fast-check, fixed seed) of the remote targets' reply parsing: random JSON bodies
// in the shape of an OpenAI chat completion (plain and streamed) and of an Anthropic message, with
// any field replaced by a wrong type, served over real HTTP on 127.0.0.1. Each reply is a
// TargetError, or an answer made only of the body's strings (never "12345" or "[object Object]"
// from a value that was not text) with a known finish reason and whole-number token counts.
// test/targets/hostile-replies.test.ts has the examples; this file checks the property.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { TargetError } from '../../src/core/index.js';
import { createTarget } from '../../src/targets/index.js';

let server: Server;
let root = '';
let reply = { body: '', sse: false };
/** Replies read as answers (so a property that only ever saw errors does not pass unnoticed). */
let answered = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': reply.sse ? 'text/event-stream' : 'application/json' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const target = (type: 'openai' | 'anthropic', stream = false) =>
  createTarget('t', {
    config: parseConfig(
      `targets:\n  t:\n    type: ${type}\n    model: m\n    baseURL: ${type === 'openai' ? `${root}/v1` : root}\n    retries: 0\n    cache: false\n${type === 'openai' ? `    stream: ${stream}\n` : ''}`,
      'fuzz.yaml',
    ),
  });

const junk = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constantFrom(null, {}, [], { a: 1 }, ['x'], 12345, 1e300, 2 ** 64, 4294967295),
);
const text = fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), junk);
const anthropicBody = fc.record(
  {
    type: fc.constant('message'),
    content: fc.oneof(
      fc.array(
        fc.oneof(
          fc.record({ type: fc.constant('text'), text }),
          fc.record({ type: fc.constant('thinking'), thinking: text }),
          fc.record(
            { type: fc.oneof(fc.constantFrom('redacted_thinking', 'tool_use'), junk), text },
            { requiredKeys: [] },
          ),
          junk,
        ),
        { maxLength: 3 },
      ),
      junk,
    ),
    stop_reason: fc.oneof(fc.constantFrom('end_turn', 'max_tokens', 'refusal'), junk),
    model: fc.oneof(fc.constant('m'), junk),
    usage: fc.oneof(fc.record({ input_tokens: junk, output_tokens: junk }), junk),
  },
  { requiredKeys: [] },
);
const openaiMessage = fc.record(
  {
    role: fc.constant('assistant'),
    content: fc.oneof(
      text,
      fc.array(fc.oneof(fc.record({ type: fc.oneof(fc.constant('text'), junk), text }), junk), {
        maxLength: 2,
      }),
    ),
    refusal: text,
    reasoning_content: text,
  },
  { requiredKeys: [] },
);
const openaiBody = fc.record(
  {
    choices: fc.oneof(
      fc.array(
        fc.oneof(
          fc.record(
            {
              message: fc.oneof(openaiMessage, junk),
              finish_reason: fc.oneof(fc.constantFrom('stop', 'length', 'content_filter'), junk),
            },
            { requiredKeys: [] },
          ),
          junk,
        ),
        { maxLength: 2 },
      ),
      junk,
    ),
    usage: fc.oneof(fc.record({ prompt_tokens: junk, completion_tokens: junk }), junk),
    model: fc.oneof(fc.constant('m'), junk),
  },
  { requiredKeys: [] },
);
const openaiChunk = fc.record(
  {
    object: fc.constant('chat.completion.chunk'),
    choices: fc.oneof(
      fc.array(
        fc.record(
          {
            index: fc.constant(0),
            delta: fc.oneof(
              fc.record({ content: text, reasoning_content: text }, { requiredKeys: [] }),
              junk,
            ),
            finish_reason: fc.oneof(fc.constantFrom('stop', 'length'), junk),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 1 },
      ),
      junk,
    ),
    usage: fc.oneof(fc.constant(null), junk),
  },
  { requiredKeys: [] },
);

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}

/** The reply is a TargetError, or text every character of which came from the body's strings. */
async function check(t: ReturnType<typeof target>, parsed: unknown, body: string, sse = false) {
  reply = { body, sse };
  let r: Awaited<ReturnType<typeof t.chat>>;
  try {
    r = await t.chat([{ role: 'user', content: 'hi' }]);
  } catch (err) {
    expect(err).toBeInstanceOf(TargetError);
    return;
  }
  const answer = r.text
    .replace(/<think>[\s\S]*?<\/think>\s*/, '')
    .replace(/\[thinking redacted by the provider\]/g, '')
    .trim();
  // The answer, blanks aside, is the body's strings end to end (a DP over where each may start).
  const pieces = strings(parsed)
    .map((x) => x.replace(/\s+/g, ''))
    .filter(Boolean);
  const want = answer.replace(/\s+/g, '');
  const reach = [true, ...Array(want.length).fill(false)];
  for (let i = 0; i < want.length; i++)
    if (reach[i]) for (const p of pieces) if (want.startsWith(p, i)) reach[i + p.length] = true;
  expect(reach[want.length], `answer ${JSON.stringify(r.text)} is not made of the body's strings`).toBe(true);
  expect(['stop', 'length', 'content_filter', 'other']).toContain(r.finishReason);
  answered++;
  // (whole numbers a reply can hold: 2^31 is no count, an unsigned counter's underflow or garbage)
  for (const n of [r.usage.promptTokens, r.usage.completionTokens])
    expect(Number.isInteger(n) && n >= 0 && n < 2 ** 31, `token count ${n}`).toBe(true);
}

describe('property: remote replies over HTTP', () => {
  const opts = { seed: 20261205, numRuns: 250 };
  it('Anthropic: random message bodies', async () => {
    answered = 0;
    const t = target('anthropic');
    await fc.assert(
      fc.asyncProperty(anthropicBody, (b) => check(t, b, JSON.stringify(b))),
      opts,
    );
    expect(answered).toBeGreaterThan(5);
  });
  it('OpenAI: random chat completion bodies', async () => {
    answered = 0;
    const t = target('openai');
    await fc.assert(
      fc.asyncProperty(openaiBody, (b) => check(t, b, JSON.stringify(b))),
      opts,
    );
    expect(answered).toBeGreaterThan(5);
  });
  it('OpenAI, streamed: random chunks', async () => {
    answered = 0;
    const t = target('openai', true);
    await fc.assert(
      fc.asyncProperty(fc.array(openaiChunk, { minLength: 1, maxLength: 3 }), (cs) =>
        check(t, cs, `${cs.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`, true),
      ),
      opts,
    );
    expect(answered).toBeGreaterThan(5);
  });
});
