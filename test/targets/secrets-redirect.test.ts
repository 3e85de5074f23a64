// A target's credentials stay with its endpoint: a redirect to another host is not followed (with
// every header of the request, a secret one included), on the official clients' path (a streamed
// OpenAI-compatible reply, the Anthropic client) as on the node:http one; and what a server quotes
// of them back is scrubbed. Against SCRIPTED FAKE hostile servers on 127.0.0.1 written here.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { type Message, TargetError } from '../../src/core/index.js';
import { createTarget } from '../../src/targets/index.js';

const SECRET = 'PLANTEDheaderSecret0123456789';
const hi: Message[] = [{ role: 'user', content: 'hi' }];

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe('a redirect to another host', () => {
  it('is an HTTP error, and the other host gets no request and no secret header', async () => {
    const seen: Record<string, unknown>[] = [];
    // The other host answers as a model would: a followed redirect would succeed there.
    const other = await listen((req, res) => {
      seen.push(req.headers);
      req.resume().on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(
          'data: {"id":"x","object":"chat.completion.chunk","created":0,"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n',
        );
      });
    });
    const redirecting = await listen((req, res) => {
      req.resume().on('end', () => {
        res.writeHead(307, { location: `${other}${req.url}` });
        res.end();
      });
    });
    const config = parseConfig(
      [
        'targets:',
        '  azure:',
        '    type: openai',
        '    model: m',
        `    baseURL: ${redirecting}/v1`,
        '    stream: true',
        '    retries: 0',
        '    headers:',
        `      api-key: ${SECRET}`,
        '  claude:',
        '    type: anthropic',
        '    model: m',
        `    baseURL: ${redirecting}`,
        `    apiKey: ${SECRET}`,
        '    retries: 0',
      ].join('\n'),
      'x.yaml',
    );
    for (const name of ['azure', 'claude']) {
      const err = await failure(createTarget(name, { config }).chat(hi));
      expect(err, name).toBeInstanceOf(TargetError);
      expect((err as TargetError).status, name).toBe(307);
    }
    expect(seen).toEqual([]);
  });
});

describe("a base URL's user and password", () => {
  it("are scrubbed when a server's 401 quotes the Basic token alone", async () => {
    const url = await listen((req, res) => {
      const token = String(req.headers.authorization ?? '').replace(/^Basic /, '');
      req.resume().on('end', () => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `invalid credentials ${token}` } }));
      });
    });
    const withUser = url.replace('http://', `http://alice:${SECRET}@`);
    const err = await failure(createTarget(`openai:m@${withUser}/v1`).chat(hi));
    expect(err).toBeInstanceOf(TargetError);
    expect(err?.message).toMatch(/HTTP 401 invalid credentials \[redacted\]/);
    expect(err?.message).not.toContain(Buffer.from(`alice:${SECRET}`).toString('base64'));
  });
});
