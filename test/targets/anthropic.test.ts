// The Anthropic target against a SCRIPTED FAKE of the Messages API (a real node:http server on
// 127.0.0.1): request shape, replies, the `refusal` stop reason, and error mapping.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { splitReasoning, TargetError } from '../../src/core/index.js';
import { openStore } from '../../src/store/index.js';
import { createTarget } from '../../src/targets/index.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function fakeAnthropic(respond: (body: Record<string, unknown>) => [number, unknown]) {
  const bodies: Record<string, unknown>[] = [];
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      bodies.push({
        ...body,
        _path: req.url,
        _key: req.headers['x-api-key'] ?? req.headers.authorization?.replace(/^Bearer /, ''),
      });
      const [status, data] = respond(body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, bodies };
}

const message = (text: string, stop = 'end_turn') => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-fake',
  content: text ? [{ type: 'text', text }] : [],
  stop_reason: stop,
  usage: { input_tokens: 7, output_tokens: 3 },
});

const target = (url: string, extra: { thinkingTokens?: number; temperature?: number } = {}) =>
  createTarget(
    {
      type: 'anthropic',
      model: 'claude-fake',
      baseURL: url,
      apiKey: 'sk-ant-test-12345678',
      concurrency: 2,
      timeoutMs: 2_000,
      retries: 0,
      cache: false,
      ...extra,
    },
    {},
  );

describe('anthropic target', () => {
  it('sends system apart, returns text and usage', async () => {
    const fake = await fakeAnthropic(() => [200, message('Hello!')]);
    const r = await target(fake.url).chat([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ]);
    expect(r).toMatchObject({
      text: 'Hello!',
      finishReason: 'stop',
      usage: { promptTokens: 7, completionTokens: 3 },
    });
    expect(fake.bodies[0]).toMatchObject({
      _path: '/v1/messages',
      _key: 'sk-ant-test-12345678',
      system: 'be brief',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 1024,
    });
  });

  it("a call's stop sequences, temperature and top_p are sent as the Messages API names them", async () => {
    const fake = await fakeAnthropic(() => [200, message('Hello!', 'stop_sequence')]);
    const r = await target(fake.url).chat([{ role: 'user', content: 'hi' }], {
      stop: ['END'],
      temperature: 0.3,
      topP: 0.9,
    });
    expect(r.finishReason).toBe('stop');
    expect(fake.bodies[0]).toMatchObject({ stop_sequences: ['END'], temperature: 0.3, top_p: 0.9 });
  });

  it('extended thinking: the budget is asked for, the thinking comes back as a trace, past thinking is not sent', async () => {
    const fake = await fakeAnthropic(() => [
      200,
      {
        ...message(''),
        content: [
          { type: 'thinking', thinking: 'The user asks for X. Let me weigh it.', signature: 'sig' },
          { type: 'redacted_thinking', data: 'ENCRYPTED' },
          { type: 'text', text: 'Here is my answer.' },
        ],
      },
    ]);
    const claude = target(fake.url, { thinkingTokens: 2048, temperature: 0.2 });
    const r = await claude.chat([{ role: 'user', content: 'hi' }], { maxTokens: 500, temperature: 0 });
    expect(r.text).toBe(
      '<think>\nThe user asks for X. Let me weigh it.\n\n[thinking redacted by the provider]\n</think>\n\nHere is my answer.',
    );
    expect(splitReasoning(r.text).answer).toBe('Here is my answer.');
    // The budget counts against max_tokens; the API takes no sampling temperature while thinking.
    expect(fake.bodies[0]).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 2048 },
      max_tokens: 2548,
    });
    expect(fake.bodies[0]).not.toHaveProperty('temperature');
    await claude.chat([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: r.text },
      { role: 'user', content: 'and?' },
    ]);
    expect((fake.bodies[1].messages as unknown[])[1]).toEqual({
      role: 'assistant',
      content: 'Here is my answer.',
    });
  });

  it('the response cache keeps replies with and without thinking apart', async () => {
    const fake = await fakeAnthropic(() => [200, message('Hello!')]);
    const store = openStore(':memory:');
    const config = (thinking: string) =>
      parseConfig(
        `targets:\n  claude:\n    type: anthropic\n    model: claude-fake\n    baseURL: ${fake.url}\n    apiKey: k\n    retries: 0\n${thinking}`,
        'x.yaml',
      );
    const plain = createTarget('claude', { config: config(''), store: () => store });
    const thinking = createTarget('claude', {
      config: config('    thinkingTokens: 1024\n'),
      store: () => store,
    });
    await plain.chat([{ role: 'user', content: 'hi' }]);
    expect((await plain.chat([{ role: 'user', content: 'hi' }])).cached).toBe(true);
    expect((await thinking.chat([{ role: 'user', content: 'hi' }])).cached).toBeUndefined();
    expect(fake.bodies).toHaveLength(2);
    store.close();
  });

  it('thinking with no answer is an empty reply that says so', async () => {
    const fake = await fakeAnthropic(() => [
      200,
      {
        ...message('', 'max_tokens'),
        content: [{ type: 'thinking', thinking: 'Long deliberation…', signature: 's' }],
      },
    ]);
    const err = await target(fake.url, { thinkingTokens: 1024 })
      .chat([{ role: 'user', content: 'x' }])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect((err as TargetError).kind).toBe('empty');
    expect((err as Error).message).toMatch(/no answer after \d+ characters of thinking .*raise maxTokens/);
  });

  it('a refusal stop reason is a content_filter reply, not an error', async () => {
    const fake = await fakeAnthropic(() => [200, message('', 'refusal')]);
    expect(await target(fake.url).chat([{ role: 'user', content: 'x' }])).toMatchObject({
      finishReason: 'content_filter',
    });
  });

  it.each([
    [429, 'rate_limit'],
    [529, 'server'],
    [401, 'auth'],
    [400, 'client'],
  ])('HTTP %i → %s', async (status, kind) => {
    const fake = await fakeAnthropic(() => [
      status,
      { type: 'error', error: { type: 'x', message: 'nope' } },
    ]);
    const err = await target(fake.url)
      .chat([{ role: 'user', content: 'x' }])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect((err as TargetError).kind).toBe(kind);
  });

  it('a text or thinking block that holds no string is a malformed reply, never its String() kept as the answer', async () => {
    // (found by fuzzing: `text: 12345` came back as the answer "12345", `text: {}` as "[object Object]")
    const bodies: unknown[] = [
      [{ type: 'text', text: 12345 }],
      [{ type: 'text', text: { a: 1 } }],
      [
        { type: 'text', text: 'ok' },
        { type: 'thinking', thinking: 777 },
      ],
      [null],
      'just a string',
    ];
    for (const content of bodies) {
      const fake = await fakeAnthropic(() => [200, { ...message('x'), content }]);
      const err = await target(fake.url)
        .chat([{ role: 'user', content: 'x' }])
        .catch((e: unknown) => e);
      expect(err, JSON.stringify(content)).toBeInstanceOf(TargetError);
      expect((err as TargetError).kind).toBe('malformed');
      expect((err as TargetError).message).toMatch(/reply content/);
      await new Promise<void>((r) => server!.close(() => r()));
      server = undefined;
    }
  });

  it('empty content is an empty error', async () => {
    const fake = await fakeAnthropic(() => [200, message('')]);
    await expect(target(fake.url).chat([{ role: 'user', content: 'x' }])).rejects.toMatchObject({
      kind: 'empty',
    });
  });

  it("an error body with no message is said once, without the SDK's status in front of it", async () => {
    const fake = await fakeAnthropic(() => [400, { type: 'error' }]);
    const t = target(fake.url);
    const err = (await t.chat([{ role: 'user', content: 'x' }]).catch((e: unknown) => e)) as TargetError;
    expect(err).toBeInstanceOf(TargetError);
    expect(err.kind).toBe('client');
    const said = `${t.id}: HTTP 400 `;
    expect(err.message.startsWith(said)).toBe(true);
    expect(err.message.slice(said.length)).not.toMatch(/^\d/);
  });
});
