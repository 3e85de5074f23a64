// A server that answers streamed requests only (or refuses them) says so with a 400: the hint must
// name the setting that fixes it, the target's `stream` turned the other way from how the request
// went, not "check the model name and request parameters". The real CLI in a child process, over real HTTP on 127.0.0.1: a small server of its
// own here, as the scripted fake answers every request in the mode it was sent.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((done) => s.close(done));
});

/** An OpenAI-compatible server that takes only streamed requests (`needs`) or only plain ones
 * (`refuses`), answering the other kind with a 400 and the message such servers send. */
async function modeServer(mode: 'needs' | 'refuses', message: string): Promise<string> {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const streamed = (JSON.parse(raw) as { stream?: boolean }).stream === true;
      if (streamed !== (mode === 'needs')) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message, type: 'invalid_request_error' } }));
        return;
      }
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      if (streamed) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(
          `${chunk({ role: 'assistant', content: 'streamed hello' }, null)}${chunk({}, 'stop')}data: [DONE]\n\n`,
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'c',
          object: 'chat.completion',
          created: 0,
          model: 'm',
          choices: [
            { index: 0, message: { role: 'assistant', content: 'plain hello' }, finish_reason: 'stop' },
          ],
          usage: { prompt_tokens: 1, completion_tokens: 2 },
        }),
      );
    });
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

function chat(url: string, stream: boolean, model = 'm') {
  const cwd = mkdtempSync(join(tmpdir(), 'bf-stream-hint-'));
  writeFileSync(
    join(cwd, 'breakfix.yaml'),
    `targets:\n  mine:\n    type: openai\n    baseURL: ${url}\n    model: ${model}\n    stream: ${stream}\n    cache: false\n`,
  );
  return runCli(['chat', '--target', 'mine', 'Hello'], { cwd });
}

describe("a 400 about streaming names the target's stream setting", () => {
  it('a server that only streams: set stream: true, which then gets the reply', async () => {
    const url = await modeServer('needs', 'this server only supports stream=true');
    const r = await chat(url, false);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('HTTP 400 this server only supports stream=true');
    expect(r.stderr).toMatch(/^hint: .*this target does not stream.*set `stream: true` on this target/m);
    // (the target knows it sent a plain request: the hint is the one way that fixes it)
    expect(r.stderr).not.toMatch(/remove `stream: true`/);
    expect(r.stderr).not.toMatch(/check the model name and request parameters/);
    const fixed = await chat(url, true);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain('streamed hello');
  });

  it('a server that refuses streaming, to a target that streams: remove stream: true', async () => {
    const url = await modeServer(
      'refuses',
      "Unsupported value: 'stream' does not support true with this model.",
    );
    const r = await chat(url, true);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("HTTP 400 Unsupported value: 'stream' does not support true");
    expect(r.stderr).toMatch(
      /^hint: .*this target streams.*refuses streamed requests.*remove `stream: true`/m,
    );
    expect(r.stderr).not.toMatch(/set `stream: true`/);
    expect(r.stderr).not.toMatch(/check the model name and request parameters/);
    const fixed = await chat(url, false);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain('plain hello');
  });

  it("another 400 keeps the generic hint: a gateway's upstream error, a model named stream-something", async () => {
    const url = await modeServer('refuses', 'upstream model rejected the request');
    const r = await chat(url, true, 'streamline-7b');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('openai:streamline-7b@');
    expect(r.stderr).toMatch(/^hint: check the model name and request parameters for this target$/m);
  });
});
