// `serve --truncate` answers a prompt longer than the context from its latest tokens. Its reply said
// nothing of it (the OpenAI reply has no field for it), so breakfix as a client of the served model
// counted none of what the embedded target counts. The reply now carries `truncated` (llama.cpp's
// name), `truncated_tokens` and `n_ctx`, on a streamed reply's last chunk too, and the openai target
// reads them into the reply's promptTruncated. A real server over HTTP on 127.0.0.1, a real model.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiTargetSchema } from '../../src/config/index.js';
import { createLM, type RunningServer, saveLM, startServer, Tokenizer } from '../../src/lm/index.js';
import { createTarget } from '../../src/targets/index.js';

let server: RunningServer;
const long = [{ role: 'user' as const, content: 'say hi '.repeat(40) }];
const short = [{ role: 'user' as const, content: 'say hi' }];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lm-serve-trunc-'));
  const tok = Tokenizer.train(['say hi', 'hi there!'], 280);
  await saveLM(
    createLM({ vocabSize: tok.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 40 }, tok, 1),
    dir,
  );
  server = await startServer({ modelDir: dir, port: 0, modelName: 'tiny', truncate: true });
});
afterAll(async () => {
  await server?.close();
});

const post = (messages: typeof long, stream = false) =>
  fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'tiny', messages, max_tokens: 4, stream }),
  });

describe('serve --truncate says in its reply that it read a prompt cut short', () => {
  it('a reply: truncated, the tokens dropped and the window; a prompt that fit: truncated false', async () => {
    const res = await post(long);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown> & { usage: { prompt_tokens: number } };
    expect(body.truncated).toBe(true);
    expect(body.n_ctx).toBe(40);
    expect(body.truncated_tokens).toBeGreaterThan(40);
    expect(body.usage.prompt_tokens).toBeLessThan(40);
    const fit = (await (await post(short)).json()) as Record<string, unknown>;
    expect(fit.truncated).toBe(false);
    expect(fit).not.toHaveProperty('truncated_tokens');
  });

  it('a streamed reply: on the chunk that ends it', async () => {
    const text = await (await post(long, true)).text();
    const chunks = text
      .split('\n\n')
      .filter((l) => l.startsWith('data: {'))
      .map(
        (l) => JSON.parse(l.slice(6)) as Record<string, unknown> & { choices: { finish_reason: unknown }[] },
      );
    const last = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(last).toMatchObject({ truncated: true, n_ctx: 40 });
    expect(last?.truncated_tokens).toBeGreaterThan(40);
  });

  for (const stream of [false, true]) {
    it(`breakfix's openai target counts it as the embedded target does${stream ? ' (streaming)' : ''}`, async () => {
      const cfg = openaiTargetSchema.parse({
        type: 'openai',
        model: 'tiny',
        baseURL: server.url,
        stream,
        cache: false,
        maxTokens: 4,
      });
      const target = createTarget(cfg, {});
      const cut = await target.chat(long);
      expect(cut.promptTruncated?.context).toBe(40);
      expect(cut.promptTruncated?.dropped).toBeGreaterThan(40);
      expect(cut.usage.promptTokens + (cut.promptTruncated?.dropped ?? 0)).toBeGreaterThan(80);
      expect((await target.chat(short)).promptTruncated).toBeUndefined();
      await target.close?.();
    });
  }
});
