// `breakfix chat` is one request, and a server that does not answer is given every attempt's timeout
// (5 minutes by default): each retry is said on stderr as it comes, and nothing with --json or -q.
// The real CLI in a child process, the SCRIPTED FAKE model over real HTTP on 127.0.0.1.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { runCli } from './run-cli.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('chat says each retry as it comes', () => {
  it('a request with no reply in time, then a 500: two retries said, then the reply', async () => {
    const server = await startOpenAIServer({
      faults: { schedule: ['stall', 'server_500', null, 'stall', null, 'server_500', null], stallMs: 10_000 },
    });
    servers.push(server);
    const cwd = mkdtempSync(join(tmpdir(), 'bf-chat-retry-'));
    writeFileSync(
      join(cwd, 'breakfix.yaml'),
      `targets:\n  mine:\n    type: openai\n    baseURL: ${server.url}\n    model: m\n    timeoutMs: 1000\n    retries: 3\n    cache: false\n`,
    );
    const r = await runCli(['chat', '--target', 'mine', 'Hello'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('You said: Hello');
    const id = `openai:m@${server.url}`;
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^${id.replace(/[.:/]/g, '\\$&')}: no reply within 1000 ms; retrying in \\d+\\.\\d s \\(attempt 2 of 4\\)$`,
      ),
    );
    expect(lines[1]).toMatch(/: HTTP 500 internal error; retrying in \d+\.\d s \(attempt 3 of 4\)$/);

    for (const flag of ['--json', '-q']) {
      const quiet = await runCli(['chat', '--target', 'mine', flag, 'Hello'], { cwd });
      expect(quiet.code, quiet.stderr).toBe(0);
      expect(quiet.stderr).toBe('');
    }
    expect(server.requests).toBe(7);
  });
});
