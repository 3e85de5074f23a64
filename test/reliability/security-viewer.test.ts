// Security: the viewer as a user starts it (`breakfix view --port 0 --json`, a child process) binds
// the loopback interface only, and refuses every path-traversal form over raw HTTP (node's client
// sends the path as written; fetch would normalise `..`): dot segments raw, percent-encoded, double-
// encoded, overlong UTF-8, backslashes, NULs, absolute and scheme-qualified paths, Windows drives.
// None may return a file from outside the viewer's assets; the store's own file is never served.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { MAIN } from '../cli/run-cli.js';
import { makeAttempt } from '../store/fixtures.js';
import { writeFigures } from './helpers.js';

const TSX = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs'),
).href;

const TRAVERSALS = [
  '/../package.json',
  '/../../../../etc/passwd',
  '/assets/../../../package.json',
  '/assets/../server.ts',
  '/assets/%2e%2e/%2e%2e/package.json',
  '/assets/%2E%2E%2F%2E%2E%2Fpackage.json',
  '/assets/.%2e/.%2e/package.json',
  '/assets/%2e./%2e./package.json',
  '/assets/%252e%252e/%252e%252e/package.json',
  '/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/package.json',
  '/assets/..%2f..%2f..%2fpackage.json',
  '/assets/..%5c..%5cpackage.json',
  '/assets/..\\..\\package.json',
  '/assets/%5c..%5c..%5cpackage.json',
  '/assets/....//....//package.json',
  '/assets/..;/..;/package.json',
  '/assets/index.html%00.png',
  '/assets/%00../package.json',
  '//etc/passwd',
  '/assets//etc/passwd',
  '/assets/%2fetc%2fpasswd',
  '/assets/%2Fetc%2Fpasswd',
  '/assets/C:%5cWindows%5cwin.ini',
  '/assets/C:/Windows/win.ini',
  '/assets/file:///etc/passwd',
  'http://127.0.0.1/../../etc/passwd',
  '/etc/passwd',
  '/proc/self/environ',
  '/breakfix.db',
  '/assets/breakfix.db',
  '/api/../../package.json',
  '/api/runs/..%2f..%2fpackage.json',
  '/charts/..%2f..%2f/x.svg',
  '/./../package.json',
  '/%2e%2e/package.json',
  '/assets/%u002e%u002e/package.json',
];

function rawGet(port: number, path: string, host?: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** True when a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 2000 });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

describe('security: the viewer binds loopback and refuses path traversal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'breakfix-viewer-sec-'));
  const storePath = join(dir, 'breakfix.db');
  let child: ReturnType<typeof spawn>;
  let info: { url: string; host: string; port: number };
  const secrets = [
    readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8').slice(0, 40),
    'root:x:0:0',
    'export function startViewer',
    'SQLite format 3',
    '[fonts]',
  ];

  beforeAll(async () => {
    const store = openStore(storePath);
    store.createRun({ id: 'run_v', kind: 'redteam', config: {}, seed: 1 });
    store.saveAttempt(makeAttempt(1, 'run_v'));
    store.close();
    child = spawn(
      process.execPath,
      ['--import', TSX, MAIN, 'view', '--port', '0', '--json', '--store', storePath],
      {
        cwd: dir,
        env: { ...process.env, CI: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    info = await new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      child.stderr?.on('data', (d) => (err += d));
      child.stdout?.on('data', (d) => {
        out += d;
        try {
          resolve(JSON.parse(out));
        } catch {
          /* not the whole object yet */
        }
      });
      child.once('exit', (code) => reject(new Error(`view exited ${code}: ${err}`)));
    });
  });
  afterAll(() => {
    child?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds 127.0.0.1 by default and is not reachable on other interfaces', async () => {
    expect(info.host).toBe('127.0.0.1');
    expect(info.url).toBe(`http://127.0.0.1:${info.port}/`);
    expect((await rawGet(info.port, '/')).status).toBe(200);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && a.family === 'IPv4')
      .map((a) => a!.address);
    for (const ip of others) expect(await accepts(ip, info.port), ip).toBe(false);
    // A page on another origin cannot reach it through a rebound DNS name either.
    expect((await rawGet(info.port, '/api/runs', `evil.example:${info.port}`)).status).toBe(403);
    writeFigures('security-viewer-bind', { host: info.host, otherInterfacesChecked: others.length });
  });

  it(`refuses ${TRAVERSALS.length} traversal forms and never serves a file outside its assets`, async () => {
    const served: string[] = [];
    const statuses: Record<string, number> = {};
    for (const p of TRAVERSALS) {
      const r = await rawGet(info.port, p);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status < 400 && !(r.status === 200 && p === '/')) served.push(`${p} → ${r.status}`);
      for (const s of secrets) if (r.body.includes(s)) served.push(`${p} → body holds "${s}"`);
    }
    expect(served).toEqual([]);
    // The real assets still load by their plain name.
    expect((await rawGet(info.port, '/assets/viewer.css')).status).toBe(200);
    writeFigures('security-viewer-traversal', { traversalForms: TRAVERSALS.length, statuses });
  });
});
