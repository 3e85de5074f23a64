// A file whose lines end in a lone CR (classic Mac OS, and some exports still write it) is read line by
// line, as an editor shows it. The CSV reader always ended a record there; the JSONL reader split at
// \n only, so such a file was one line: every object "not valid JSON" at line 1, while the same rows
// as CSV named their own line. Invalid UTF-8 in such a file was said at line 1 too. A lone CR ends a
// JSONL line only in a file whose first line ends at one: in a file of LF or CRLF ends a CR between two
// members of an object is JSON whitespace, and splitting there made one good object two bad lines.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/bench/index.js';
import { loadSeedsFile } from '../../src/break/index.js';
import { InputError, readUtf8File } from '../../src/core/index.js';
import { loadLabels } from '../../src/judge/index.js';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-cr-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, lines: string[], end: string) => {
  const file = join(dir, name);
  writeFileSync(file, lines.join(end) + end);
  return file;
};
const refusedBy = (read: () => unknown): InputError => {
  try {
    read();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('read');
};

const good = { prompt: 'How do I bake bread?', response: 'Mix flour and water.', label: 'full_compliance' };
const other = { prompt: 'Say hi', response: 'hi', label: 'full_compliance' };

describe('lone-CR line ends', () => {
  it('a labels file: CSV and JSONL name the same line, the one an editor shows', () => {
    for (const end of ['\r', '\n', '\r\n']) {
      const csv = write('l.csv', ['prompt,response,label', 'a,b,full_compliance', '', 'c,d'], end);
      const jsonl = write(
        'l.jsonl',
        [JSON.stringify(good), '', JSON.stringify({ prompt: 'c', response: 'd' })],
        end,
      );
      expect(refusedBy(() => loadLabels(csv)).line, JSON.stringify(end)).toBe(4);
      expect(refusedBy(() => loadLabels(jsonl)).line, JSON.stringify(end)).toBe(3);
      expect(refusedBy(() => loadLabels(jsonl)).message).toContain(`${jsonl}:3`);
    }
  });

  it('a CSV field quoted over several lines counts them as an editor does, whatever ends them', () => {
    for (const end of ['\r', '\n', '\r\n']) {
      const csv = write('q.csv', ['prompt,response,label', '"two', 'lines",b,full_compliance', 'c,d'], end);
      const err = refusedBy(() => loadLabels(csv));
      expect(err.line, JSON.stringify(end)).toBe(4);
      expect(err.message).toContain(`${csv}:4`);
    }
  });

  it('a good JSONL file with lone CRs reads every row, each at its own line', async () => {
    const file = write('d.jsonl', [JSON.stringify(good), JSON.stringify(other)], '\r');
    expect(loadLabels(file).map((e) => [e.prompt, e.line])).toEqual([
      [good.prompt, 1],
      [other.prompt, 2],
    ]);
    const dataset = write(
      'd2.jsonl',
      [good, other].map((r) => JSON.stringify({ prompt: r.prompt, label: 'safe' })),
      '\r',
    );
    const rows = await loadDataset(dataset);
    expect(rows.map((r) => [r.text, r.line])).toEqual([
      [good.prompt, 1],
      [other.prompt, 2],
    ]);
  });

  it('several bad JSONL lines are each named at their own line', async () => {
    const file = write('bad.jsonl', [JSON.stringify(good), '{oops', JSON.stringify(other), 'nope'], '\r');
    const err = refusedBy(() => loadLabels(file));
    expect(err.message).toContain('2 bad lines');
    expect(err.message).toContain(`(${file}:2)`);
    expect(err.message).toContain(`(${file}:4)`);
    await expect(loadDataset(file)).rejects.toThrow(`(${file}:4)`);
  });

  it('invalid UTF-8 is said at its own line', () => {
    const file = join(dir, 'u.jsonl');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`${JSON.stringify(good)}\r${JSON.stringify(other)}\r{"prompt": "`),
        Buffer.from([0xff]),
        Buffer.from('"}\r'),
      ]),
    );
    expect(refusedBy(() => readUtf8File(file, 'labels file')).line).toBe(3);
  });

  it("invalid UTF-8 in an LF or CRLF JSONL file is said at the JSONL reader's line, a CR before it being whitespace", async () => {
    const spaced = `{"prompt": "Say hi",\r"response": "hi",\r"label": "full_compliance"}`;
    for (const end of ['\n', '\r\n']) {
      const bytes = Buffer.concat([
        Buffer.from(`${JSON.stringify(good)}${end}${spaced}${end}{"prompt": "`),
        Buffer.from([0xff]),
        Buffer.from(`", "response": "b", "label": "full_compliance"}${end}`),
      ]);
      const labels = join(dir, 'u-ws.jsonl');
      const seeds = join(dir, 'u-ws-seeds.jsonl');
      writeFileSync(labels, bytes);
      writeFileSync(seeds, bytes);
      expect(refusedBy(() => loadLabels(labels)).line, JSON.stringify(end)).toBe(3);
      expect(refusedBy(() => loadSeedsFile(seeds)).line, JSON.stringify(end)).toBe(3);
      await expect(loadDataset(labels)).rejects.toThrow(`${labels}:3`);
      // as CSV (and YAML) a lone CR ends a line wherever it is: the same bytes' byte is at line 5 there
      expect(refusedBy(() => readUtf8File(labels, 'labels file')).line, JSON.stringify(end)).toBe(5);
    }
  });

  it('judge refusal --in reads each line of a CR-only file and names the bad one at its own line', async () => {
    const file = write('in.jsonl', [JSON.stringify(good), '{oops', JSON.stringify(other)], '\r');
    const out = join(dir, 'out.jsonl');
    const r = await runCli(['judge', 'refusal', '--in', file, '--out', out, '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${file}:2: skipped: not valid JSON`);
    expect(JSON.parse(r.stdout)).toMatchObject({ judged: 2 });
  });

  it('in an LF or CRLF JSONL file a lone CR between members is whitespace: every object reads, at its line', async () => {
    // (the second object written with a CR where a space could be, as a hand-edited file may have it)
    const spaced = `{"prompt": "Say hi",\r"response": "hi",\r"label": "full_compliance"}`;
    for (const end of ['\n', '\r\n']) {
      const labels = write('ws.jsonl', [JSON.stringify(good), spaced, JSON.stringify(good)], end);
      expect(
        loadLabels(labels).map((e) => [e.prompt, e.line]),
        JSON.stringify(end),
      ).toEqual([
        [good.prompt, 1],
        [other.prompt, 2],
        [good.prompt, 3],
      ]);
      const dataset = write(
        'ws-d.jsonl',
        [JSON.stringify({ prompt: good.prompt, label: 'safe' }), `{"prompt": "Say hi",\r"label": "safe"}`],
        end,
      );
      const rows = await loadDataset(dataset);
      expect(rows.map((r) => [r.text, r.line])).toEqual([
        [good.prompt, 1],
        [other.prompt, 2],
      ]);
      const out = join(dir, 'ws-out.jsonl');
      const r = await runCli(['judge', 'refusal', '--in', labels, '--out', out, '--json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ judged: 3 });
      const written = readFileSync(out, 'utf8').trimEnd().split('\n');
      expect(written.map((l) => (JSON.parse(l) as { prompt: string }).prompt)).toEqual([
        good.prompt,
        other.prompt,
        good.prompt,
      ]);
    }
  });

  it('judge calibrate names the same line for the CSV and the JSONL file (exit 2)', async () => {
    const csv = write('c.csv', ['prompt,response,label', 'a,b,full_compliance', 'c,d,'], '\r');
    const jsonl = write(
      'c.jsonl',
      [JSON.stringify(good), JSON.stringify({ prompt: 'c', response: 'd' })],
      '\r',
    );
    for (const [file, line] of [
      [csv, 3],
      [jsonl, 2],
    ] as const) {
      const r = await runCli(
        ['judge', 'calibrate', '--labels', file, '--judge', 'offline', '--store', join(dir, 's.db')],
        {
          cwd: dir,
        },
      );
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`missing "label"`);
      expect(r.stderr).toContain(`(${file}:${line})`);
    }
  });
});
