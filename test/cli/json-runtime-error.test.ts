// A --json result whose command exits 3 (bench, redteam, vulns: a measurement that is not one) says
// why in `.exitError`, the shape of every --json failure document's `error`, so a script reading only
// stdout finds it: redteam and vulns said it on stderr only, bench in a `failure` string of its own.
// A red-team summary's own `error` (its count of attempts in error) stays a count. Real HTTP on
// 127.0.0.1: a server that fails every request.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

let server: Server;
let dir: string;
let config: string;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"down for the test"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  dir = mkdtempSync(join(tmpdir(), 'json-runtime-'));
  config = join(dir, 'breakfix.yaml');
  writeFileSync(
    config,
    `targets:\n  down:\n    type: openai\n    model: m\n    baseURL: http://127.0.0.1:${port}/v1\n    retries: 0\nroles:\n  target: down\n`,
  );
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('--json on exit 3', () => {
  it('bench, redteam and vulns put why in .exitError (code runtime, exit 3), as on stderr', async () => {
    const store = join(dir, 's.db');
    for (const [args, said] of [
      [['bench', '--suite', 'harmful', '--limit', '2'], 'every sample ended in error'],
      [['redteam', '--budget', '2'], 'every attempt ended in error'],
      [['vulns'], 'no attempt of round 0 could be decided (0 undetermined, 2 error)'],
    ] as const) {
      const r = await runCli([...args, '-c', config, '--store', store, '--json'], { cwd: dir });
      expect(r.code, args[0]).toBe(3);
      expect(r.stderr).toContain(`breakfix: ${said}`);
      const out = JSON.parse(r.stdout);
      expect(out.exitError, args[0]).toMatchObject({ code: 'runtime', exitCode: 3 });
      expect(out.exitError.message).toContain(said);
      if (args[0] === 'redteam') expect(out.error).toBe(2);
    }
  }, 120_000);
});
