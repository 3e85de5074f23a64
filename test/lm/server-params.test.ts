// Each request parameter of the served model reaches generation, and each reply says how it ended,
// over real HTTP on 127.0.0.1. A parameter dropped between the body and the worker (stop, seed,
// temperature, max_completion_tokens) or a streamed reply cut by max_tokens that says "stop" is
// still a 200 that passes for the model's own answer: a judge reads the cut reply as a whole one.
import { mkdtempSync } from 'node:fs';
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
  startServer,
  Tokenizer,
  trainSFT,
} from '../../src/lm/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const say = [{ role: 'user' as const, content: 'say hi' }];

interface Reply {
  choices: { message: { content: string }; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  error: { param: string | null };
}

const post = async (server: RunningServer, body: Record<string, unknown>) => {
  const res = await fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'tiny', ...body }),
  });
  return { status: res.status, body: (await res.json()) as Reply };
};

describe('serve: stop, max tokens, usage and finish reason (a model that answers "say hi" with "hi there!")', () => {
  let server: RunningServer;
  let tok: Tokenizer;
  beforeAll(async () => {
    tok = Tokenizer.train(['say hi', 'hi there!'], 280);
    const lm = createLM(
      { vocabSize: tok.vocabSize, dModel: 32, nLayers: 1, nHeads: 2, contextLength: 40 },
      tok,
      1,
    );
    await trainSFT(lm, [{ messages: [...say, { role: 'assistant', content: 'hi there!' }] }], {
      steps: 60,
      batchSize: 1,
      lr: 1e-2,
      seed: 1,
    });
    const dir = mkdtempSync(join(tmpdir(), 'lm-serve-params-'));
    await saveLM(lm, dir);
    server = await startServer({ modelDir: dir, port: 0, modelName: 'tiny' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('"stop", a string or a list, ends the reply before the stop text with finish_reason stop', async () => {
    const whole = await post(server, { messages: say, max_tokens: 10 });
    expect(whole.body.choices[0]).toMatchObject({ message: { content: 'hi there!' }, finish_reason: 'stop' });
    for (const [stop, content] of [
      ['there', 'hi '],
      [['zz', ' '], 'hi'],
    ] as const) {
      const r = await post(server, { messages: say, max_tokens: 10, stop });
      expect(r.status).toBe(200);
      expect(r.body.choices[0], JSON.stringify(stop)).toMatchObject({
        message: { content },
        finish_reason: 'stop',
      });
    }
  });

  it('max_completion_tokens caps the reply as max_tokens does, and usage adds up', async () => {
    // The prompt as the model reads it: the chat template's tokens, then the assistant's turn opened.
    const promptTokens = tok.encodeChat(say, true).ids.length;
    for (const cap of [{ max_completion_tokens: 2 }, { max_tokens: 2 }]) {
      const r = await post(server, { messages: say, ...cap });
      expect(r.body.choices[0].finish_reason, JSON.stringify(cap)).toBe('length');
      expect(r.body.usage).toEqual({
        prompt_tokens: promptTokens,
        completion_tokens: 2,
        total_tokens: promptTokens + 2,
      });
    }
  });

  it('a streamed reply cut by max_tokens ends with finish_reason length, not stop', async () => {
    const res = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny', messages: say, max_tokens: 2, stream: true }),
    });
    const finishes = (await res.text())
      .split('\n\n')
      .filter((l) => l.startsWith('data: {'))
      .flatMap((l) => (JSON.parse(l.slice(6)) as Reply).choices.map((c) => c.finish_reason))
      .filter((f) => f !== null);
    expect(finishes).toEqual(['length']);
  });

  it('what it cannot honour is a 400 naming the field: n other than 1, a token cap below 1', async () => {
    for (const [extra, param] of [
      [{ n: 2 }, 'n'],
      [{ max_tokens: 0 }, 'max_tokens'],
      [{ max_completion_tokens: 0 }, 'max_completion_tokens'],
      [{ max_tokens: 2.5 }, 'max_tokens'],
    ] as const) {
      const r = await post(server, { messages: say, ...extra });
      expect(r.status, JSON.stringify(extra)).toBe(400);
      expect(r.body.error.param).toBe(param);
    }
  });
});

describe('serve: temperature and seed', () => {
  // The base model's shape, freshly initialised: nearly flat next-token distributions, so a sampled
  // reply differs from the greedy one and from another seed's (checked below, or this proves nothing).
  let server: RunningServer;
  let lm: LM;
  beforeAll(async () => {
    const base = await loadLM(join(root, 'models/breakfix-tiny-base'));
    lm = createLM(base.config, base.tokenizer, 7);
    const dir = mkdtempSync(join(tmpdir(), 'lm-serve-params-'));
    await saveLM(lm, dir);
    server = await startServer({ modelDir: dir, port: 0, modelName: 'tiny' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a seeded sampled reply is the one generation gives for that seed; temperature 0 is greedy', async () => {
    const messages = [{ role: 'user' as const, content: 'Tell me about chess.' }];
    const expected = async (extra: { temperature: number; seed?: number }) =>
      (await generateBatch(lm, [{ messages, maxTokens: 24, ...extra }]))[0].text;
    const served = async (extra: { temperature: number; seed?: number }) =>
      (await post(server, { messages, max_tokens: 24, ...extra })).body.choices[0].message.content;
    const seed1 = await expected({ temperature: 1, seed: 1 });
    const seed2 = await expected({ temperature: 1, seed: 2 });
    const greedy = await expected({ temperature: 0 });
    expect(new Set([seed1, seed2, greedy]).size).toBe(3);
    expect(await served({ temperature: 1, seed: 1 })).toBe(seed1);
    expect(await served({ temperature: 1, seed: 2 })).toBe(seed2);
    expect(await served({ temperature: 0 })).toBe(greedy);
    expect(await served({ temperature: 0, seed: 5 })).toBe(greedy);
  });
});
