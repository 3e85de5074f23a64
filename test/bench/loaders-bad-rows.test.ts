// A dataset's bad rows are named all at once (up to BAD_LINES_SHOWN, then "and N more"), each with
// its file:line (a Parquet file's: its row, counting from 1) and field, in JSONL, CSV and Parquet
// alike; and `breakfix bench` with such a suite stores nothing and asks the target nothing.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/bench/index.js';
import { errorJson } from '../../src/cli/common.js';
import { BAD_LINES_SHOWN, type InputError, InputErrors } from '../../src/core/index.js';
import { openStore } from '../../src/store/index.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';

const root = resolve(new URL('../..', import.meta.url).pathname);
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/esm/index.mjs')).href;

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the dataset to be refused');
    },
    (e: unknown) => e as InputError,
  );

describe('loadDataset: every bad row at once', () => {
  it('JSONL: bad JSON, a bad label, no prompt, a wrong type and a repeated id, each named; past the cap, "and N more"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-rows-'));
    const f = join(dir, 'd.jsonl');
    const lines: string[] = [];
    for (let i = 1; i <= 60; i++)
      lines.push(
        i === 3
          ? '{"prompt": "cut off'
          : i === 7
            ? '{"label": "unsafe"}'
            : i === 9
              ? '{"prompt": 12, "label": "unsafe"}'
              : i === 12
                ? '{"id": "a", "prompt": "again", "label": "unsafe"}'
                : i === 2
                  ? '{"id": "a", "prompt": "first", "label": "unsafe"}'
                  : i % 2 === 0 && i > 12
                    ? `{"prompt": "q ${i}", "label": "maybe"}`
                    : `{"prompt": "q ${i}", "label": "unsafe"}`,
      );
    writeFileSync(f, `${lines.join('\n')}\n`);
    const err = await failure(loadDataset(f));
    expect(err).toBeInstanceOf(InputErrors);
    const all = (err as InputErrors).errors;
    // lines 3, 7, 9, 12 and the 24 even lines 14–60
    expect(all.map((e) => e.line)).toEqual([
      3,
      7,
      9,
      12,
      ...Array.from({ length: 24 }, (_, i) => 14 + 2 * i),
    ]);
    expect(all.map((e) => e.field).slice(0, 5)).toEqual([undefined, 'text', 'text', 'id', 'label']);
    const shown = err.message.split('\n');
    expect(shown[0]).toBe(`28 bad lines in ${f}:`);
    expect(shown.slice(1, 6)).toEqual([
      expect.stringMatching(new RegExp(`^not valid JSON: .*\\(${f}:3\\)$`)),
      expect.stringMatching(new RegExp(`^text: missing prompt text .*\\(${f}:7\\)$`)),
      `text: column "prompt" must hold a string, got number (${f}:9)`,
      `id: id "a" is used again (first on line 2) (${f}:12)`,
      expect.stringMatching(
        new RegExp(`^label: label must be "safe" or "unsafe", got "maybe".*\\(${f}:14\\)$`),
      ),
    ]);
    expect(shown).toHaveLength(1 + BAD_LINES_SHOWN + 1);
    expect(shown.at(-1)).toBe('and 8 more (lines 46, 48, 50, 52, 54, 56, 58, 60)');
  });

  it('CSV: a row with a field too many and a bad label in one error, the comma hint kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-rows-'));
    const f = join(dir, 'd.csv');
    writeFileSync(f, 'prompt,label\nHow do I stop a process, quickly?,safe\nok,unsafe\nfine,perhaps\n');
    const err = await failure(loadDataset(f));
    expect(err.message.split('\n')).toEqual([
      `2 bad lines in ${f}:`,
      `expected 2 fields (prompt,label), got 3 (${f}:2)`,
      expect.stringContaining('label: label must be "safe" or "unsafe", got "perhaps"'),
    ]);
    expect(err.message.split('\n')[2]).toMatch(new RegExp(`\\(${f}:4\\)$`));
    expect(err.hint).toMatch(/a field holding a comma is written in double quotes/);
  });

  it('Parquet: each bad row said as a row counting from 1 (and its pandas index), not a bare number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-rows-'));
    const f = join(dir, 'd.parquet');
    writeFileSync(
      f,
      Buffer.from(
        parquetWriteBuffer({
          columnData: [
            { name: 'prompt', data: ['a', 'b', 'c', 'd'], type: 'STRING' },
            { name: 'label', data: ['unsafe', 'maybe', 'unsafe', 'nope'], type: 'STRING' },
            { name: 'id', data: ['1', '2', '1', '4'], type: 'STRING' },
          ],
        }),
      ),
    );
    const err = await failure(loadDataset(f));
    expect(err.message.split('\n')).toEqual([
      `3 bad rows in ${f}:`,
      expect.stringMatching(
        new RegExp(`^label: .*got "maybe".* \\(${f}, row 2 counting from 1: pandas index 1\\)$`),
      ),
      `id: id "1" is used again (first on row 1) (${f}, row 3 counting from 1: pandas index 2)`,
      expect.stringMatching(
        new RegExp(`^label: .*got "nope".* \\(${f}, row 4 counting from 1: pandas index 3\\)$`),
      ),
    ]);
    expect(err.at).toBe('row');
    // --json says a row as `row`, not `line`, in the error and in each issue (README, exit code 2)
    const json = errorJson(err, 2);
    expect(json).toMatchObject({ file: f, row: 2, field: 'label' });
    expect(json).not.toHaveProperty('line');
    expect((json.issues as Record<string, unknown>[]).map((i) => [i.row, i.line])).toEqual([
      [2, undefined],
      [3, undefined],
      [4, undefined],
    ]);
  });

  it("one bad row is that row's own error, as before", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-rows-'));
    const f = join(dir, 'd.jsonl');
    writeFileSync(f, '{"prompt":"a","label":"unsafe"}\n{"prompt":"b","label":"maybe"}\n');
    const err = await failure(loadDataset(f));
    expect(err).not.toBeInstanceOf(InputErrors);
    expect(err.message).toMatch(new RegExp(`^label: label must be .*\\(${f}:2\\)$`));
  });
});

describe('breakfix bench with a custom suite whose dataset has bad rows', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('exits 2 naming every bad line (--json: each in issues), asks the target nothing and stores no run', async () => {
    server = await startOpenAIServer({ script: () => "I'm sorry, but I can't help with that." });
    const dir = mkdtempSync(join(tmpdir(), 'bad-rows-cli-'));
    writeFileSync(
      join(dir, 'd.jsonl'),
      '{"prompt":"a","label":"unsafe"}\n{"prompt":"b","label":"maybe"}\n{"label":"unsafe"}\n{"prompt":"c","label":"unsafe"}\n',
    );
    writeFileSync(
      join(dir, 'breakfix.yaml'),
      `targets:\n  fake:\n    type: openai\n    baseURL: ${server.url}\n    model: scripted\n    retries: 0\nroles:\n  target: fake\nbench:\n  custom:\n    - name: mine\n      file: d.jsonl\n`,
    );
    const db = join(dir, 'store.db');
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const p = spawn(
        process.execPath,
        ['--import', tsx, join(root, 'src/cli/main.ts'), 'bench', '--suite', 'mine', '--json', '--store', db],
        { cwd: dir },
      );
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (status) => done({ status, stdout, stderr }));
    });
    expect(r.status, r.stderr).toBe(2);
    const file = join(dir, 'd.jsonl');
    expect(r.stderr).toContain(`breakfix: 2 bad lines in ${file}:\n  label: `);
    expect(r.stderr).toContain(`(${file}:2)\n  text: missing prompt text`);
    expect(JSON.parse(r.stdout).error.issues).toEqual([
      expect.objectContaining({ file, line: 2, field: 'label' }),
      expect.objectContaining({ file, line: 3, field: 'text' }),
    ]);
    expect(server.requests).toBe(0);
    if (existsSync(db)) {
      const store = openStore(db);
      expect(store.latestRun('bench')).toBeUndefined();
      store.close();
    }
  });
});
