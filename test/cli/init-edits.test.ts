// `breakfix init`, then the edits a new user makes to the starter config: uncomment the
// OpenAI-compatible endpoint, point it at their local server and make it the model under test. The
// real CLI in child processes, the SCRIPTED FAKE model over real HTTP on 127.0.0.1.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { runCli } from './run-cli.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** The starter's commented endpoint block with one level of comment taken off (an editor's
 * toggle-comment), pointed at `url`, and made roles.target. */
function uncommentEndpoint(starter: string, url: string): string {
  const lines = starter.split('\n');
  const from = lines.findIndex((l) => /^ {2}# judge:/.test(l));
  let to = from;
  while (/^ {2}# {3}/.test(lines[to + 1] ?? '')) to++;
  expect(to - from, 'the block spans its fields').toBeGreaterThan(2);
  for (let i = from; i <= to; i++) lines[i] = lines[i].replace(/^ {2}# ?/, '  ');
  const edited = lines.join('\n').replace('http://localhost:8000/v1', url);
  expect(edited).toContain(`baseURL: ${url}`);
  return edited.replace(/^ {2}target: candidate/m, '  target: judge');
}

describe('init, then the starter config edited to test your own model', () => {
  it('the uncommented endpoint needs no OPENAI_API_KEY, and a key in the environment never reaches it', async () => {
    const server = await startOpenAIServer({ model: 'meta-llama/Llama-3.1-8B-Instruct' });
    servers.push(server);
    const cwd = mkdtempSync(join(tmpdir(), 'bf-init-edit-'));
    expect((await runCli(['init'], { cwd })).code).toBe(0);
    const file = join(cwd, 'breakfix.yaml');
    writeFileSync(file, uncommentEndpoint(readFileSync(file, 'utf8'), server.url));

    const noKey = await runCli(['config', 'check', '--json'], { cwd, env: { OPENAI_API_KEY: undefined } });
    expect(noKey.code, noKey.stderr).toBe(0);
    expect(JSON.parse(noKey.stdout).config.roles.target).toBe('judge');

    const key = 'sk-users-own-openai-key-0123456789abcdef';
    const chat = await runCli(['chat', '--no-cache', 'Hello'], {
      cwd,
      env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: undefined },
    });
    expect(chat.code, chat.stderr).toBe(0);
    expect(chat.stdout).toContain('You said: Hello');
    expect(server.log).toHaveLength(1);
    expect(server.log[0]?.headers.authorization).not.toContain(key);
  });
});

describe('init says how to check what it wrote', () => {
  it('as a command that runs as pasted, a path with a space included', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bf-init-say-'));
    const r = await runCli(['init', 'my project.yaml'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const said = /check it with: breakfix (.+)$/m.exec(r.stdout)?.[1];
    expect(said).toBe("config check --config 'my project.yaml'");
    // The words a shell makes of it, run.
    const words = (said ?? '').match(/'[^']*'|\S+/g)?.map((w) => w.replace(/^'|'$/g, '')) ?? [];
    const check = await runCli(words, { cwd });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('my project.yaml: ok');
  });
});
