// `breakfix serve` as a user runs it (a child process on 127.0.0.1): Ctrl-C stops it even while
// clients hold connections, a host or port it cannot bind is a usage error that exits (the generation
// worker must not keep it alive), and the config in its help passes `config check`.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../cli/run-cli.js';
import { exitWithin, startListening } from '../report/spawn-cli.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('breakfix serve (CLI)', () => {
  it('stops on SIGINT at once while clients hold keep-alive and half-sent requests', async () => {
    const { child, url } = await startListening(['serve', '--model', 'base', '--port', '0', '--json']);
    children.push(child);
    const { port } = new URL(url);
    // An OpenAI client keeps its connection open between requests.
    const agent = new Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      request(`${url}/models`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(200);
    // A client halfway through a request: server.close() alone waits for it (up to headersTimeout).
    const half: Socket = connect(Number(port), '127.0.0.1');
    half.on('error', () => undefined);
    await new Promise((r) => half.once('connect', r));
    half.write('POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"me');
    await new Promise((r) => setTimeout(r, 200));
    try {
      child.kill('SIGINT');
      expect(await exitWithin(child, 3000)).toBe(0);
    } finally {
      agent.destroy();
      half.destroy();
    }
  });

  it('a prompt past the context is a 400 context_length_exceeded; with --truncate it is answered from its latest tokens', async () => {
    const ask = async (url: string) => {
      const res = await fetch(`${url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'breakfix-tiny-base',
          max_tokens: 4,
          // The base model's context is 192 tokens.
          messages: [{ role: 'user', content: 'Tell me about the weather today. '.repeat(60) }],
        }),
      });
      return {
        status: res.status,
        body: (await res.json()) as {
          usage: { prompt_tokens: number };
          choices: { message: { content: unknown } }[];
          error: { code: string; message: string };
        },
      };
    };
    for (const truncate of [false, true]) {
      const args = ['serve', '--model', 'base', '--port', '0', '--json', ...(truncate ? ['--truncate'] : [])];
      const { child, url } = await startListening(args);
      children.push(child);
      try {
        const r = await ask(url);
        if (truncate) {
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          expect(r.body.usage.prompt_tokens).toBeLessThan(192);
          expect(typeof r.body.choices[0].message.content).toBe('string');
        } else {
          expect(r.status).toBe(400);
          expect(r.body.error.code).toBe('context_length_exceeded');
          expect(r.body.error.message).toMatch(
            /^messages of \d+ tokens do not fit: start the server with --truncate.*context is 192 tokens/,
          );
        }
      } finally {
        child.kill('SIGINT');
        expect(await exitWithin(child, 10_000)).toBe(0);
      }
    }
  });

  it('--name is the model id it reports and the one a request must name', async () => {
    const { child, url } = await startListening([
      'serve',
      '--model',
      'base',
      '--name',
      'local-tiny',
      '--port',
      '0',
      '--json',
    ]);
    children.push(child);
    try {
      const models = (await (await fetch(`${url}/models`)).json()) as { data: { id: string }[] };
      expect(models.data.map((m) => m.id)).toEqual(['local-tiny']);
      const ask = (model: string) =>
        fetch(`${url}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model, max_tokens: 2, messages: [{ role: 'user', content: 'Hello' }] }),
        });
      expect((await ask('local-tiny')).status).toBe(200);
      expect((await ask('breakfix-tiny-base')).status).toBe(404);
    } finally {
      child.kill('SIGINT');
      expect(await exitWithin(child, 10_000)).toBe(0);
    }
  });

  it('a generation worker that dies while it serves: the server stops, and exits 3 saying why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-serve-died-'));
    const trigger = join(dir, 'exit-now');
    const preload = fileURLToPath(new URL('../helpers/serve-worker-exit.cjs', import.meta.url));
    const { child, url, done } = await startListening(['serve', '--model', 'base', '--port', '0', '--json'], {
      env: {
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(preload)}`.trim(),
        BREAKFIX_TEST_WORKER_EXIT: trigger,
      },
    });
    children.push(child);
    const ask = () =>
      fetch(`${url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'breakfix-tiny-base',
          max_tokens: 2,
          messages: [{ role: 'user', content: 'Hello' }],
        }),
      });
    expect((await ask()).status).toBe(200);
    writeFileSync(trigger, '');
    const { code, stderr } = await done;
    expect(code, stderr).toBe(3);
    expect(stderr).toContain('breakfix: the generation worker stopped (exit code 9); restart the server');
    expect(stderr).not.toContain('looks like a bug');
    rmSync(dir, { recursive: true, force: true });
  });

  it('bound beyond the loopback it warns that other machines reach the model; on 127.0.0.1 it does not', async () => {
    for (const [host, warned] of [
      ['0.0.0.0', true],
      ['127.0.0.1', false],
    ] as const) {
      const { child, done } = await startListening([
        'serve',
        '--model',
        'base',
        '--host',
        host,
        '--port',
        '0',
        '--json',
      ]);
      children.push(child);
      child.kill('SIGINT');
      const { code, stderr } = await done;
      expect(code).toBe(0);
      expect(stderr.includes(`warning: the model is reachable from other machines on ${host}`), stderr).toBe(
        warned,
      );
    }
  });

  it('a host it cannot bind is a usage error, and the process exits', async () => {
    const { child, done } = spawnCli(['serve', '--model', 'base', '--host', '999.1.1.1', '--port', '0']);
    children.push(child);
    expect(await exitWithin(child, 30_000)).toBe(2);
    const { stderr } = await done;
    expect(stderr).toContain('cannot bind to 999.1.1.1');
    expect(stderr).toContain('hint: use --host 127.0.0.1');
    expect(stderr).not.toContain('looks like a bug');
  });

  it('a model that is no checkpoint folder: exit 2, without offering a round name serve cannot read', async () => {
    const r = await runCli(['serve', '--model', 'round-1', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'breakfix: no checkpoint "round-1": not base, nor a folder with config.json (serve reads no store',
    );
    expect(r.stderr).not.toContain('not a registered model');
    expect(r.stderr).toContain('hint: pass base or a checkpoint folder');
  });

  it('a port in use is a usage error, and the process exits', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const { child, done } = spawnCli(['serve', '--model', 'base', '--port', String(port)]);
      children.push(child);
      expect(await exitWithin(child, 30_000)).toBe(2);
      const { stderr } = await done;
      expect(stderr).toContain(`port ${port} is in use`);
      expect(stderr).toContain('--port 0');
    } finally {
      taken.close();
    }
  });

  it('the config in its help passes `config check`', async () => {
    const help = await runCli(['serve', '--help']);
    expect(help.code).toBe(0);
    const lines = help.stdout.split('\n');
    const start = lines.findIndex((l) => /in breakfix\.yaml/.test(l));
    expect(start).toBeGreaterThan(-1);
    const block: string[] = [];
    for (const l of lines.slice(start + 1)) {
      if (!l.trim()) break;
      block.push(l);
    }
    const indent = Math.min(...block.map((l) => /^ */.exec(l)![0].length));
    const yaml = block.map((l) => l.slice(indent)).join('\n');
    expect(yaml).toMatch(/type: openai/);
    const dir = mkdtempSync(join(tmpdir(), 'bf-serve-help-'));
    writeFileSync(join(dir, 'breakfix.yaml'), `${yaml}\n`);
    const check = await runCli(['config', 'check', '--config', join(dir, 'breakfix.yaml'), '--json'], {
      cwd: dir,
    });
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    const cfg = JSON.parse(check.stdout);
    expect(cfg.config.targets.local).toMatchObject({
      type: 'openai',
      baseURL: 'http://127.0.0.1:8080/v1',
      model: 'breakfix-tiny-base',
    });
  });
});
