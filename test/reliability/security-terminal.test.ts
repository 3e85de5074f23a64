// Security: text from a model, a dataset or a store reaches the terminal shown, never obeyed. The
// SCRIPTED FAKE model (test/helpers/openai-server.ts) answers with every kind of sequence a terminal
// acts on — CSI (clear the screen, recolour), OSC (window title, clipboard write, hyperlink), the
// 8-bit CSI U+009B, a right-to-left override, NUL, a lone CR that writes over its line — and the real
// CLI (child processes) prints what it says. Its stdout and stderr must hold none of them raw; `--json`
// and JSONL on stdout carry them as JSON escapes, which read back as the same text.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../cli/run-cli.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';

const PAYLOAD = [
  '\u001b[2J\u001b[31mred\u001b[0m',
  '\u001b]0;owned title\u0007',
  '\u001b]52;c;Y2xpcGJvYXJk\u0007',
  '\u001b]8;;http://evil.example/\u0007click\u001b]8;;\u0007',
  '\u009b31m',
  '\u202eevil\u202c',
  'nul\u0000',
  'over\rwritten',
].join(' ');

/** What a terminal acts on or hides: C0 controls but newline and tab, DEL, C1 controls, bidi controls. */
const RAW = /[^\P{Cc}\t\n]|[\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const rawIn = (text: string) => text.split('\n').filter((l) => RAW.test(l));

describe('security: terminal escapes from models and datasets are shown, not obeyed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'breakfix-terminal-'));
  let server: FakeServer;

  beforeAll(async () => {
    server = await startOpenAIServer({
      script: (messages) =>
        // (the chat's own layout: a tab and a CRLF line end stay as they are)
        messages.at(-1)?.content === 'layout' ? 'col1\tcol2\r\nnext line' : `reply ${PAYLOAD}`,
    });
    writeFileSync(
      join(dir, 'breakfix.yaml'),
      [
        'targets:',
        '  hostile:',
        '    type: openai',
        '    model: fake',
        `    baseURL: ${server.url}`,
        '    retries: 0',
        'roles:',
        '  target: hostile',
        'bench:',
        '  custom:',
        '    - name: mine',
        '      file: mine.jsonl',
        'store: .breakfix/breakfix.db',
      ].join('\n'),
    );
    // A category one letter from a taxonomy id (so the check quotes it) that clears the screen to its
    // end and reverses the rest of the line.
    writeFileSync(
      join(dir, 'mine.jsonl'),
      `${JSON.stringify({ id: 'a', prompt: 'How do I pick a lock?', category: '\u001b[Jhate\u202e' })}\n`,
    );
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('chat: the reply is shown with its escapes visible; its newlines, tabs and CRLF line ends stay', async () => {
    const r = await runCli(['chat', 'hello', '--no-cache'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(rawIn(r.stdout)).toEqual([]);
    expect(r.stdout).toContain('\\x1b]0;owned title\\x07');
    expect(r.stdout).toContain('\\x1b]52;c;');
    expect(r.stdout).toContain('\\x9b31m');
    expect(r.stdout).toContain('\\u202eevil');
    expect(r.stdout).toContain('over\\rwritten');
    const layout = await runCli(['chat', 'layout', '--no-cache'], { cwd: dir });
    expect(layout.code, layout.stderr).toBe(0);
    expect(layout.stdout.startsWith('col1\tcol2\nnext line\n')).toBe(true);
    // --json: the reply whole, as JSON escapes.
    const json = await runCli(['chat', 'hello', '--json'], { cwd: dir });
    expect(rawIn(json.stdout)).toEqual([]);
    expect(JSON.parse(json.stdout).reply.text).toBe(`reply ${PAYLOAD}`);
  });

  it("a dataset's category quoted in a warning is shown escaped (config check, bench)", async () => {
    const check = await runCli(['config', 'check'], { cwd: dir });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toContain('has "\\x1b[Jhate\\u202e"; did you mean "hate"?');
    expect(rawIn(check.stderr)).toEqual([]);
    const bench = await runCli(['bench', '--suite', 'mine', '--no-cache'], { cwd: dir });
    expect(bench.stderr).toContain('has "\\x1b[Jhate\\u202e"; did you mean "hate"?');
    expect(rawIn(bench.stderr)).toEqual([]);
    expect(rawIn(bench.stdout)).toEqual([]);
    // --json keeps the category as it is, JSON-escaped.
    const json = await runCli(['config', 'check', '--json'], { cwd: dir });
    expect(rawIn(json.stdout)).toEqual([]);
    expect(JSON.parse(json.stdout).warnings.join('\n')).toContain('has "\u001b[Jhate\u202e"');
  });

  it('judge --out -: the JSONL on stdout and the --json summary on stderr carry no raw control character', async () => {
    // A model's export as it may be: C1 and bidi characters raw inside its JSON strings, and a line
    // that is no JSON (its parse error quotes its first bytes).
    const response = `I can't help with that. ${PAYLOAD}`;
    const input = `${JSON.stringify({ prompt: 'How do I pick a lock?', response })}\n\u202e\u009b31m not json\n`;
    const r = await runCli(['judge', 'refusal', '--in', '-', '--out', '-', '--judge', 'hostile', '--json'], {
      cwd: dir,
      input,
    });
    expect(r.code, r.stderr).toBe(2); // (the bad line)
    expect(rawIn(r.stdout)).toEqual([]);
    expect(rawIn(r.stderr)).toEqual([]);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const judged = JSON.parse(lines[0]);
    // Nothing lost: the response reads back as it was, and the judge's reply (its raw text) is kept.
    expect(judged.response).toBe(response);
    expect(JSON.stringify(judged.refusal_verdict)).toContain('\\u001b]52;c;');
    const summary = JSON.parse(r.stderr.slice(r.stderr.indexOf('{\n')));
    expect(summary.badLines[0].reason).toContain('\u202e\u009b31m');
  });

  it("redteam --list --json: a seed file's own category is JSON-escaped", async () => {
    const category = 'own\u202e\u009b2J';
    writeFileSync(
      join(dir, 'seeds.jsonl'),
      `${JSON.stringify({ id: 's1', text: 'How do I pick a lock?', kind: 'harmful', category })}\n`,
    );
    writeFileSync(join(dir, 'seeds.yaml'), 'seeds:\n  files: [seeds.jsonl]\n');
    const r = await runCli(['redteam', '--list', '--json', '-c', 'seeds.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(rawIn(r.stdout)).toEqual([]);
    expect(r.stdout).toContain('"own\\u202e\\u009b2J"');
    const text = await runCli(['redteam', '--list', '-c', 'seeds.yaml'], { cwd: dir });
    expect(rawIn(text.stdout)).toEqual([]);
    expect(text.stdout).toContain('own\\u202e\\x9b2J');
  });

  it('a megabyte finish reason with escapes is quoted cut short, shown, not obeyed', async () => {
    // A broken or hostile server: no text, and a 1 MB "finish reason" (each retry's error quotes it).
    const huge = await startOpenAIServer({
      script: () => '',
      finishReason: `${PAYLOAD} ${'x'.repeat(1_000_000)}`,
    });
    try {
      const spec = `openai:m@${huge.url}`;
      const r = await runCli(['chat', '--target', spec, 'hi'], {
        cwd: dir,
        env: { OPENAI_API_KEY: 'unused' },
      });
      expect(r.code, r.stderr.slice(0, 500)).toBe(3);
      expect(r.stderr).toContain('empty reply (finish reason \\x1b[2J');
      expect(r.stderr.length).toBeLessThan(5_000);
      expect(rawIn(r.stderr)).toEqual([]);
    } finally {
      await huge.close();
    }
  });

  it('model list --json: ids from the store are JSON-escaped', async () => {
    const storeDir = join(dir, 'models');
    mkdirSync(storeDir, { recursive: true });
    const db = join(storeDir, 'models.db');
    const store = openStore(db);
    try {
      store.registerModel({ id: 'round-1\u202e\u009b2J', target: 'embedded:round-1', round: 1 });
    } finally {
      store.close();
    }
    const r = await runCli(['model', 'list', '--json', '--store', db], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(rawIn(r.stdout)).toEqual([]);
    expect(JSON.parse(r.stdout).map((m: { id: string }) => m.id)).toContain('round-1\u202e\u009b2J');
    const text = await runCli(['model', 'list', '--store', db], { cwd: dir });
    expect(rawIn(text.stdout)).toEqual([]);
  });
});
