// The OpenAI-compatible server over real HTTP on 127.0.0.1, talked to by the official client.
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLM,
  type RunningServer,
  saveLM,
  spawnWorker,
  startServer,
  Tokenizer,
  trainSFT,
} from '../../src/lm/index.js';

let server: RunningServer;
const convs = [
  {
    messages: [
      { role: 'user' as const, content: 'say hi' },
      { role: 'assistant' as const, content: 'hi there!' },
    ],
  },
];

beforeAll(async () => {
  const tok = Tokenizer.train(['say hi', 'hi there!'], 280);
  const lm = createLM(
    { vocabSize: tok.vocabSize, dModel: 32, nLayers: 1, nHeads: 2, contextLength: 40 },
    tok,
    1,
  );
  await trainSFT(lm, convs, { steps: 60, batchSize: 1, lr: 1e-2, seed: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'lm-serve-'));
  await saveLM(lm, dir);
  server = await startServer({ modelDir: dir, port: 0, modelName: 'tiny' });
});
afterAll(async () => {
  await server?.close();
});

describe('breakfix serve', () => {
  it('answers the OpenAI client: models and chat completions, concurrently', async () => {
    const client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['tiny']);
    const replies = await Promise.all(
      [0, 1, 2].map(() =>
        client.chat.completions.create({
          model: 'tiny',
          messages: [{ role: 'user', content: 'say hi' }],
          max_tokens: 10,
          temperature: 0,
        }),
      ),
    );
    for (const r of replies) {
      expect(r.choices[0].message.content).toBe('hi there!');
      expect(r.choices[0].finish_reason).toBe('stop');
      expect(r.usage!.completion_tokens).toBeGreaterThan(0);
    }
    const cut = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'say hi' }],
      max_tokens: 2,
    });
    expect(cut.choices[0].finish_reason).toBe('length');
  });

  it('streams in the OpenAI chunk format: the same text as the plain reply, usage on request', async () => {
    const client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
    const ask = {
      model: 'tiny',
      messages: [{ role: 'user' as const, content: 'say hi' }],
      max_tokens: 10,
      temperature: 0,
    };
    const plain = await client.chat.completions.create(ask);
    const stream = await client.chat.completions.create({
      ...ask,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishes: (string | null)[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      for (const c of chunk.choices) {
        text += c.delta.content ?? '';
        finishes.push(c.finish_reason);
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(plain.choices[0].message.content);
    expect(chunks).toBeGreaterThan(3);
    expect(finishes.filter((f) => f !== null)).toEqual(['stop']);
    expect(usage).toEqual(plain.usage);
    // Without stream_options no usage field is sent.
    const bare = await client.chat.completions.create({ ...ask, stream: true });
    for await (const chunk of bare) expect(chunk.usage).toBeUndefined();
  });

  it('rejects malformed requests with a 400 and a message naming the field', async () => {
    const post = async (body: string) => {
      const res = await fetch(`${server.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      return { status: res.status, body: (await res.json()) as { error: { message: string } } };
    };
    const bad = await post('{not json');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/not valid JSON/);
    const noMsgs = await post(JSON.stringify({ model: 'tiny' }));
    expect(noMsgs.status).toBe(400);
    expect(noMsgs.body.error.message).toMatch(/messages/);
    const badRole = await post(JSON.stringify({ messages: [{ role: 'robot', content: 'x' }] }));
    expect(badRole.body.error.message).toMatch(/messages\[0\]\.role/);
    const badTemp = await post(
      JSON.stringify({ messages: [{ role: 'user', content: 'x' }], temperature: 'hot' }),
    );
    expect(badTemp.status).toBe(400);
    expect(badTemp.body.error.message).toMatch(/temperature/);
    const badStream = await post(
      JSON.stringify({ messages: [{ role: 'user', content: 'x' }], stream: 'yes' }),
    );
    expect(badStream.status).toBe(400);
    expect(badStream.body.error.message).toMatch(/"stream"/);
    const strayOpts = await post(
      JSON.stringify({ messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } }),
    );
    expect(strayOpts.status).toBe(400);
    expect(strayOpts.body.error.message).toMatch(/stream_options/);
    const missing = await fetch(`${server.url}/nothing`);
    expect(missing.status).toBe(404);
    const getChat = await fetch(`${server.url}/chat/completions`);
    expect(getChat.status).toBe(405);
    expect(getChat.headers.get('allow')).toBe('POST');
    const postModels = await fetch(`${server.url}/models`, { method: 'POST' });
    expect(postModels.status).toBe(405);
    expect(postModels.headers.get('allow')).toBe('GET');
    const developer = await post(
      JSON.stringify({ model: 'tiny', messages: [{ role: 'tool', content: 'x' }] }),
    );
    expect(developer.body.error.message).toMatch(/system, developer, user, assistant/);
  });

  it('a body that is not UTF-8 is a 400, never answered as the replacement characters it decodes to', async () => {
    // "café" in Latin-1: decoded leniently, the model was asked "caf\uFFFD" and the client got a 200.
    const latin1 = Buffer.concat([
      Buffer.from('{"model":"tiny","max_tokens":2,"messages":[{"role":"user","content":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}]}'),
    ]);
    const res = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: latin1,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/not valid UTF-8/);
  });

  it('a body over 1 MB is a 413 and its connection stays usable: the next request on it is answered', async () => {
    // An OpenAI client keeps its connection alive: the server stopped reading at the limit, and the
    // rest of the body was left on the connection, so the client's next request got a second 413 or
    // nothing (the official client saw 'Connection error.' for half its requests of 2 MB).
    const body = `{"model":"tiny","messages":[{"role":"user","content":"${'a'.repeat(2_000_000)}"}]}`;
    const socket = connect(server.port, '127.0.0.1');
    const statuses: string[] = [];
    let seen = '';
    await new Promise<void>((done, fail) => {
      socket.on('error', fail);
      socket.on('close', () => done());
      socket.on('data', (d: Buffer) => {
        seen += d.toString('latin1');
        statuses.splice(0, statuses.length, ...(seen.match(/HTTP\/1\.1 \d+/g) ?? []));
        if (statuses.length === 2) socket.end();
      });
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      socket.write(body);
      socket.write(`GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`);
    });
    expect(statuses).toEqual(['HTTP/1.1 413', 'HTTP/1.1 200']);
    expect(seen).toMatch(/larger than 1048576 bytes/);
    expect(seen).toMatch(/"object":"list"/);
  });

  it('refuses what it cannot give (tools, JSON output, log-probabilities, logit bias, penalties, over 4 stop strings) with a 400 naming the field', async () => {
    const ask = { model: 'tiny', messages: [{ role: 'user', content: 'x' }] };
    const post = async (extra: Record<string, unknown>) => {
      const res = await fetch(`${server.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...ask, ...extra }),
      });
      return { status: res.status, body: (await res.json()) as { error: { param: string } } };
    };
    const tool = { type: 'function', function: { name: 'f', parameters: { type: 'object' } } };
    for (const [extra, param] of [
      [{ tools: [tool] }, 'tools'],
      [{ tool_choice: 'required' }, 'tool_choice'],
      [{ functions: [{ name: 'f' }] }, 'functions'],
      [{ response_format: { type: 'json_object' } }, 'response_format'],
      [{ logprobs: true }, 'logprobs'],
      [{ top_logprobs: 3 }, 'top_logprobs'],
      [{ stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
      [{ logit_bias: { '50256': -100 } }, 'logit_bias'],
      [{ frequency_penalty: 0.5 }, 'frequency_penalty'],
      [{ presence_penalty: -1 }, 'presence_penalty'],
    ] as const) {
      const r = await post(extra);
      expect(r.status, JSON.stringify(extra)).toBe(400);
      expect(r.body.error.param).toBe(param);
    }
    // What asks for nothing it lacks is answered (clients often send these defaults).
    const plain = await post({
      tools: [],
      tool_choice: 'none',
      response_format: { type: 'text' },
      logprobs: false,
      logit_bias: {},
      n: null, // OpenAI's schema: "integer or null", null meaning unset as for every other field here
      frequency_penalty: 0,
      presence_penalty: 0,
      stop: ['a', 'b', 'c', 'd'],
      max_tokens: 4,
    });
    expect(plain.status).toBe(200);
  });

  it('refuses a foreign Host (DNS rebinding) and a body not declared JSON (a cross-site form post)', async () => {
    const send = (headers: Record<string, string>, path = '/v1/chat/completions', method = 'POST') =>
      new Promise<number>((done, fail) => {
        const body = JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'say hi' }] });
        const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
          res.resume();
          done(res.statusCode ?? 0);
        });
        req.on('error', fail);
        req.end(method === 'POST' ? body : undefined);
      });
    const local = `127.0.0.1:${server.port}`;
    expect(await send({ host: local, 'content-type': 'application/json' })).toBe(200);
    expect(
      await send({ host: `localhost:${server.port}`, 'content-type': 'application/json; charset=utf-8' }),
    ).toBe(200);
    expect(await send({ host: `attacker.example:${server.port}`, 'content-type': 'application/json' })).toBe(
      403,
    );
    expect(await send({ host: `attacker.example:${server.port}` }, '/v1/models', 'GET')).toBe(403);
    expect(await send({ host: local, 'content-type': 'text/plain' })).toBe(415);
    expect(await send({ host: local })).toBe(415);
  });

  it('a request must name the served model: missing is a 400, another one a 404 model_not_found', async () => {
    const client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
    const other = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'say hi' }] })
      .catch((e: unknown) => e);
    expect(other).toBeInstanceOf(OpenAI.NotFoundError);
    expect((other as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    expect((other as Error).message).toMatch(/"gpt-4o" does not exist: this server serves "tiny"/);
    const res = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'say hi' }] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe('model');
  });

  it('a prompt longer than the context is a 400 context_length_exceeded, never an answer to its tail', async () => {
    const client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
    const long = { model: 'tiny', messages: [{ role: 'user' as const, content: 'say hi '.repeat(40) }] };
    const err = await client.chat.completions.create(long).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
    expect((err as Error).message).toMatch(
      /^400 messages of \d+ tokens do not fit: start the server with --truncate.*context is 40 tokens, at most 35 of them for the prompt, keeping 5 for the reply/,
    );
    // Started with --truncate, the server answers from the latest tokens, as the embedded target does.
    const dir = mkdtempSync(join(tmpdir(), 'lm-serve-'));
    const tok = Tokenizer.train(['say hi', 'hi there!'], 280);
    await saveLM(
      createLM({ vocabSize: tok.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 40 }, tok, 1),
      dir,
    );
    const lenient = await startServer({ modelDir: dir, port: 0, modelName: 'tiny', truncate: true });
    try {
      const c2 = new OpenAI({ baseURL: lenient.url, apiKey: 'unused', maxRetries: 0 });
      const r = await c2.chat.completions.create({ ...long, max_tokens: 4 });
      expect(r.usage!.prompt_tokens).toBeLessThan(40);
    } finally {
      await lenient.close();
    }
  });

  it('a generation worker that stops is reported: 503 to every request from then on, never a hang', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lm-serve-'));
    const tok = Tokenizer.train(['say hi', 'hi there!'], 280);
    await saveLM(
      createLM({ vocabSize: tok.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 40 }, tok, 1),
      dir,
    );
    let worker: Worker | undefined;
    const s = await startServer({
      modelDir: dir,
      port: 0,
      modelName: 'tiny',
      spawn: (d) => {
        worker = spawnWorker(d);
        return worker;
      },
    });
    try {
      const ask = () =>
        fetch(`${s.url}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'tiny',
            messages: [{ role: 'user', content: 'say hi' }],
            max_tokens: 4,
          }),
        });
      expect((await ask()).status).toBe(200);
      // The real worker thread, stopped as an out-of-memory abort would stop it.
      await worker!.terminate();
      const stopped = await s.workerStopped;
      expect(stopped.message).toMatch(/generation worker stopped \(exit code 1\)/);
      const res = await ask();
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe('server_error');
    } finally {
      await s.close();
    }
  });
});
