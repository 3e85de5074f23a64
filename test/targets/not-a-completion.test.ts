// A 200 whose body is JSON but no chat completion (a gateway's error sent with 200, a baseURL that
// names some other API) is an error that shows what the body held, redacted. Real HTTP on 127.0.0.1.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/index.js';
import { createTarget } from '../../src/targets/index.js';
import { runCli } from '../cli/run-cli.js';

const hi: Message[] = [{ role: 'user', content: 'hi' }];
const KEY = 'sk-gateway-key-0123456789abcdefXYZ';
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

async function answering(body: unknown): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

const target = (baseURL: string, stream = false) =>
  createTarget({
    type: 'openai',
    baseURL,
    model: 'm',
    apiKey: KEY,
    retries: 0,
    cache: false,
    concurrency: 1,
    timeoutMs: 10_000,
    stream,
  });

describe('a 200 that is no chat completion', () => {
  it("a gateway's error sent with 200 is shown by its message, the key redacted", async () => {
    const url = await answering({ error: { message: `budget exceeded for key ${KEY}`, type: 'budget' } });
    const err = await target(url)
      .chat(hi)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      kind: 'malformed',
      message: `openai:m@${url}: reply has no choices, so it is no chat completion: budget exceeded for key [redacted]`,
    });
  });

  it('some other API is shown by its body', async () => {
    const url = await answering({ status: 'ok', version: '1.2.3' });
    await expect(target(url).chat(hi)).rejects.toMatchObject({
      kind: 'malformed',
      message: `openai:m@${url}: reply has no choices, so it is no chat completion: {"status":"ok","version":"1.2.3"}`,
    });
  });

  it('breakfix chat says what to check: the address of an OpenAI-compatible endpoint', async () => {
    const url = await answering({ id: 'x', object: 'chat.completion', choices: [] });
    const dir = mkdtempSync(join(tmpdir(), 'bf-malformed-'));
    writeFileSync(
      join(dir, 'breakfix.yaml'),
      `targets:\n  t:\n    type: openai\n    baseURL: ${url}\n    model: m\n    retries: 0\n    cache: false\n`,
    );
    const r = await runCli(['chat', '--target', 't', 'hi'], { cwd: dir });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(
      /hint: the server's reply was no chat completion breakfix could read: check that baseURL/,
    );
  });
});
