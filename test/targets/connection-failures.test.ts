// A connection that never carried a request says why, on both HTTP paths (node:http for plain replies,
// the SDK's fetch for `stream: true`), and a target that has never answered halts the run on it: a
// refused port, an https:// baseURL on a plain-HTTP server, a certificate Node does not trust. Real
// sockets on 127.0.0.1: the SCRIPTED FAKE model for the plain-HTTP server, a node:https server with
// a self-signed certificate (tls/) for the untrusted one.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/index.js';
import { createTarget, RunHalt, UNREACHABLE_AFTER, withHalt } from '../../src/targets/index.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';

const hi: Message[] = [{ role: 'user', content: 'hi' }];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function plainServer(): Promise<FakeServer> {
  const s = await startOpenAIServer({ script: () => 'unused', log: false });
  closers.push(() => s.close());
  return s;
}

const target = (baseURL: string, stream: boolean) =>
  createTarget({
    type: 'openai',
    baseURL,
    model: 'm',
    retries: 0,
    cache: false,
    concurrency: 1,
    timeoutMs: 10_000,
    stream,
  });

// A self-signed certificate for 127.0.0.1 that nothing trusts, kept in tls/ (see its README).
const TLS = new URL('./tls/', import.meta.url);

async function selfSignedServer(): Promise<string> {
  const key = new URL('untrusted-key.pem', TLS);
  const cert = new URL('untrusted-cert.pem', TLS);
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) =>
    res.writeHead(500).end(),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

describe.each([false, true])('a connection that never carried a request (stream: %s)', (stream) => {
  it('an https:// baseURL on a plain-HTTP server says to write http://, and halts the run', async () => {
    const s = await plainServer();
    const halt = new RunHalt();
    const t = withHalt(target(s.url.replace('http://', 'https://'), stream), halt);
    for (let i = 0; i < UNREACHABLE_AFTER; i++)
      await expect(t.chat(hi)).rejects.toMatchObject({
        kind: 'network',
        message:
          /connection failed: TLS handshake failed: the server does not speak HTTPS at this address; a plain-HTTP server needs an http:\/\/ baseURL$/,
      });
    expect(halt.cause?.message).toMatch(/unreachable: its first 3 requests could not connect/);
    expect(s.requests).toBe(0);
  });

  it('a port with nothing listening names the refusal, and halts the run', async () => {
    const s = await startOpenAIServer({ script: () => 'unused', log: false });
    await s.close();
    const halt = new RunHalt();
    const t = withHalt(target(s.url, stream), halt);
    for (let i = 0; i < UNREACHABLE_AFTER; i++)
      await expect(t.chat(hi)).rejects.toMatchObject({
        kind: 'network',
        message: /connection failed: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
      });
    expect(halt.cause?.message).toMatch(/unreachable: its first 3 requests could not connect/);
  });

  it('a certificate Node does not trust is named, with the variable that trusts its CA', async () => {
    const url = await selfSignedServer();
    const halt = new RunHalt();
    const t = withHalt(target(url, stream), halt);
    for (let i = 0; i < UNREACHABLE_AFTER; i++)
      await expect(t.chat(hi)).rejects.toMatchObject({
        kind: 'network',
        message:
          /connection failed: TLS handshake failed: self[- ]signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\); for a certificate of your own CA, export NODE_EXTRA_CA_CERTS=/,
      });
    expect(halt.cause?.message).toMatch(/unreachable: its first 3 requests could not connect/);
  });
});
