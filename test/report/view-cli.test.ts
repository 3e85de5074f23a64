// `breakfix view` as a user runs it (a child process on 127.0.0.1): Ctrl-C stops it even while an
// open page's keep-alive connection, or a client halfway through a request, is still connected.
import type { ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFixtureStore } from './fixture.js';
import { exitWithin, startListening } from './spawn-cli.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('breakfix view (CLI)', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`stops on ${signal} at once while clients hold keep-alive and half-sent requests`, async () => {
      const fx = buildFixtureStore();
      fx.store.close();
      const { child, url, done } = await startListening([
        'view',
        '--store',
        fx.storePath,
        '--port',
        '0',
        '--json',
      ]);
      children.push(child);
      const agent = new Agent({ keepAlive: true });
      const get = (path: string) =>
        new Promise<number>((resolve, reject) => {
          request(new URL(path, url), { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
            .on('error', reject)
            .end();
        });
      expect(await get('/')).toBe(200);
      expect(await get('/api/runs')).toBe(200);
      const half: Socket = connect(Number(new URL(url).port), '127.0.0.1');
      half.on('error', () => undefined);
      await new Promise((r) => half.once('connect', r));
      half.write(`GET /api/runs HTTP/1.1\r\nHost: ${new URL(url).host}\r\n`);
      await new Promise((r) => setTimeout(r, 200));
      try {
        child.kill(signal);
        expect(await exitWithin(child, 3000)).toBe(0);
        expect((await done).stderr).toBe('');
      } finally {
        agent.destroy();
        half.destroy();
      }
    });
  }
});
