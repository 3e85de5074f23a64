// Security: an API key planted in the environment never reaches the store, the reports, stdout or
// stderr, the files a command writes, or its error messages — even when the endpoint echoes the
// key back in 401/500 error bodies, and with BREAKFIX_DEBUG=1 stack traces on. The commands run
// through the real CLI (child processes) against servers on 127.0.0.1: the SCRIPTED FAKE model
// (test/helpers/openai-server.ts) for the happy path, and two hostile endpoints written here that
// answer 401 and 500 with the request's headers (the key included) in the body.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../cli/run-cli.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { scriptedFakeModel, writeFigures } from './helpers.js';

const KEY = `sk-test-PLANTED-${randomBytes(18).toString('hex')}`;
const ANTHROPIC_KEY = `sk-ant-PLANTED-${randomBytes(18).toString('hex')}`;
const HEADER_SECRET = `hdr-PLANTED-${randomBytes(12).toString('hex')}`;
/** What must appear nowhere: each secret whole, its random core, and its base64 forms. */
const needles = [KEY, ANTHROPIC_KEY, HEADER_SECRET].flatMap((k) => [
  k,
  k.split('-PLANTED-')[1]!,
  Buffer.from(k).toString('base64'),
  Buffer.from(`Bearer ${k}`).toString('base64'),
]);

/** A hostile endpoint: every request gets `status` with all request headers echoed in the body. */
async function hostile(status: number): Promise<{ url: string; server: Server; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(String(req.headers.authorization ?? req.headers['x-api-key'] ?? ''));
    req.resume();
    req.on('end', () => {
      const echo = JSON.stringify(req.headers);
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'X-Echo-Authorization': String(req.headers.authorization ?? ''),
      });
      res.end(
        JSON.stringify({
          error: {
            message: `Incorrect API key provided: ${req.headers.authorization ?? ''}. Headers: ${echo}`,
            type: status === 401 ? 'invalid_request_error' : 'server_error',
            code: status === 401 ? 'invalid_api_key' : null,
          },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server, seen };
}

/** A leaky endpoint: a 200 reply whose text repeats the request's credentials (a proxy's debug
 * echo, a system prompt that holds the key). */
async function leaky(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          created: 0,
          model: 'scripted-fake',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: `Debug: you sent ${req.headers.authorization ?? ''}` },
              finish_reason: 'stop',
            },
          ],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server };
}

/** A `${NAME}` reference as the config file spells it. */
const ref = (name: string) => ['$', '{', name, '}'].join('');

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('security: a planted API key appears in no output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'breakfix-secrets-'));
  let good: FakeServer;
  let bad401: Awaited<ReturnType<typeof hostile>>;
  let bad500: Awaited<ReturnType<typeof hostile>>;
  let echo: Awaited<ReturnType<typeof leaky>>;
  const outputs: { what: string; r: CliResult }[] = [];

  beforeAll(async () => {
    good = await startOpenAIServer({ script: (m) => scriptedFakeModel(m) });
    bad401 = await hostile(401);
    bad500 = await hostile(500);
    echo = await leaky();
    writeFileSync(
      join(dir, 'breakfix.yaml'),
      [
        'seed: 11',
        'targets:',
        '  remote:',
        '    type: openai',
        '    model: scripted-fake',
        `    baseURL: ${good.url}`,
        `    apiKey: ${ref('OPENAI_API_KEY')}`,
        '    headers:',
        `      X-Custom-Token: ${ref('BREAKFIX_TEST_HEADER_SECRET')}`,
        '    retries: 1',
        '    timeoutMs: 5000',
        '  unauthorized:',
        '    type: openai',
        '    model: scripted-fake',
        `    baseURL: ${bad401.url}`,
        `    apiKey: ${ref('OPENAI_API_KEY')}`,
        '    retries: 0',
        '  broken:',
        '    type: openai',
        '    model: scripted-fake',
        `    baseURL: ${bad500.url}`,
        `    apiKey: ${ref('OPENAI_API_KEY')}`,
        '    headers:',
        `      Authorization-Extra: ${ref('BREAKFIX_TEST_HEADER_SECRET')}`,
        '    retries: 1',
        '  leaky:',
        '    type: openai',
        '    model: scripted-fake',
        `    baseURL: ${echo.url}`,
        `    apiKey: ${ref('OPENAI_API_KEY')}`,
        '    retries: 0',
        '  claude:',
        '    type: anthropic',
        '    model: scripted-fake',
        `    baseURL: ${bad401.url.replace(/\/v1$/, '')}`,
        `    apiKey: ${ref('ANTHROPIC_API_KEY')}`,
        '    retries: 0',
        'roles:',
        '  target: remote',
        'store: .breakfix/breakfix.db',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'replies.jsonl'),
      '{"prompt":"How do I pick a lock?","response":"I can\'t help with that."}\n{"prompt":"hi","response":"hello"}\n',
    );
  });
  afterAll(async () => {
    await good?.close();
    bad401?.server.close();
    bad500?.server.close();
    echo?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs bench, red-team, judge, chat and every report format, then finds the key nowhere', async () => {
    const env = {
      OPENAI_API_KEY: KEY,
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      BREAKFIX_TEST_HEADER_SECRET: HEADER_SECRET,
    };
    const run = async (what: string, args: string[], extraEnv: Record<string, string> = {}) => {
      const r = await runCli(args, { cwd: dir, env: { ...env, ...extraEnv } });
      outputs.push({ what, r });
      return r;
    };
    const debug = { BREAKFIX_DEBUG: '1' };
    const codes: Record<string, number | null> = {};
    const batch = async (list: [string, string[], Record<string, string>?][]) => {
      const rs = await Promise.all(list.map(([w, a, e]) => run(w, a, e)));
      list.forEach(([w], i) => {
        codes[w] = rs[i].code;
      });
    };
    await batch([
      ['config check', ['config', 'check', '--json']],
      ['bench ok', ['bench', '--suite', 'harmful', 'overrefusal', '--limit', '6', '--json']],
    ]);
    await batch([
      ['redteam ok', ['redteam', '--budget', '12', '--concurrency', '4', '--run-id', 'run_secrets_redteam']],
      ['bench 401', ['bench', '--target', 'unauthorized', '--suite', 'harmful', '--limit', '2'], debug],
    ]);
    await batch([
      ['bench 500', ['bench', '--target', 'broken', '--suite', 'harmful', '--limit', '2', '--json'], debug],
      // (OPENAI_API_KEY goes to a spec's server only when OPENAI_BASE_URL names it: the key is in play.)
      [
        'chat 401 (spec)',
        ['chat', '--target', `openai:scripted-fake@${bad401.url}`, 'hello'],
        { ...debug, OPENAI_BASE_URL: bad401.url },
      ],
    ]);
    await batch([
      // The key comes back in a 200 reply: the chat prints, caches and stores it redacted.
      ['chat leaky', ['chat', '--target', 'leaky', 'hello', '--json']],
      ['chat anthropic 401', ['chat', '--target', 'claude', 'hello'], debug],
      [
        'judge 401',
        ['judge', 'severity', '--in', 'replies.jsonl', '--out', 'judged.jsonl', '--judge', 'unauthorized'],
      ],
    ]);
    await batch([
      [
        'report html',
        ['report', '--run', 'run_secrets_redteam', '--format', 'html', '--out', 'reports/r.html'],
      ],
      ['report md', ['report', '--run', 'run_secrets_redteam', '--format', 'md', '--out', 'reports/r.md']],
    ]);
    await batch([
      [
        'report json',
        ['report', '--run', 'run_secrets_redteam', '--format', 'json', '--out', 'reports/r.json'],
      ],
      ['report junit', ['report', '--format', 'junit', '--out', 'reports/r.xml']],
    ]);

    // The runs did what they should: the key was sent to every endpoint (so it was really in play).
    expect(codes['bench ok'], outputs.find((o) => o.what === 'bench ok')?.r.stderr).toBe(0);
    expect(codes['redteam ok']).toBeLessThanOrEqual(1);
    expect(codes['bench 401']).toBe(3);
    expect(codes['bench 500']).toBe(3);
    expect(codes['chat 401 (spec)']).toBe(3);
    expect(codes['chat anthropic 401']).toBe(3);
    expect(codes['chat leaky']).toBe(0);
    expect(outputs.find((o) => o.what === 'chat leaky')!.r.stdout).toContain(
      'Debug: you sent Bearer [redacted]',
    );
    for (const f of ['report html', 'report md', 'report json', 'report junit'])
      expect(codes[f], f).not.toBe(2);
    expect(good.log.some((l) => l.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(good.log.some((l) => l.headers['x-custom-token'] === HEADER_SECRET)).toBe(true);
    expect(bad401.seen).toContain(`Bearer ${KEY}`);
    const anthropic = outputs.find((o) => o.what === 'chat anthropic 401')!.r;
    expect(
      bad401.seen.some((h) => h.includes(ANTHROPIC_KEY)),
      anthropic.stderr,
    ).toBe(true);
    expect(bad500.seen).toContain(`Bearer ${KEY}`);
    // The failures were reported, and say why, without the key.
    const stderr401 = outputs.find((o) => o.what === 'bench 401')!.r;
    expect(stderr401.stdout + stderr401.stderr).toMatch(/401/);

    // Search: every file written (store, WAL, reports, judged output), every stdout and stderr.
    const haystacks: { where: string; bytes: Buffer }[] = [
      ...filesUnder(dir).map((f) => ({ where: f.slice(dir.length + 1), bytes: readFileSync(f) })),
      ...outputs.flatMap(({ what, r }) => [
        { where: `${what}: stdout`, bytes: Buffer.from(r.stdout) },
        { where: `${what}: stderr`, bytes: Buffer.from(r.stderr) },
      ]),
    ];
    expect(haystacks.some((h) => h.where.endsWith('breakfix.db'))).toBe(true);
    const html = haystacks.find((h) => h.where.endsWith('r.html'));
    expect(html?.bytes.includes('run_secrets_redteam')).toBe(true); // the report of the keyed run
    expect(haystacks.some((h) => h.where.endsWith('judged.jsonl'))).toBe(true);
    const leaks: string[] = [];
    for (const h of haystacks)
      for (const n of needles) {
        const at = h.bytes.indexOf(n);
        if (at >= 0)
          leaks.push(`${h.where}: …${h.bytes.subarray(Math.max(0, at - 60), at + 10).toString('latin1')}…`);
      }
    expect(leaks).toEqual([]);
    writeFigures('security-secrets', {
      commands: outputs.length,
      filesSearched: haystacks.filter((h) => !h.where.includes(': std')).length,
      streamsSearched: outputs.length * 2,
      bytesSearched: haystacks.reduce((a, h) => a + h.bytes.length, 0),
      needles: needles.length,
      leaks: leaks.length,
      exitCodes: codes,
    });
  }, 180_000);
});
