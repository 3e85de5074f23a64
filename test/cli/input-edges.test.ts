// Bad input found by an audit of the CLI as a new user runs it: each is exit 2 with a message that
// names the problem, and nothing is sent, written or stored.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { csvObjects } from '../../src/core/tabular.js';
import { KNOWN_METRICS } from '../../src/report/index.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-input-edges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('config', () => {
  for (const url of ['ftp://host/v1', 'javascript:alert(1)', 'file:///etc/passwd'])
    it(`a target baseURL of another scheme than http(s) is refused at load: ${url}`, () => {
      const yaml = `targets:\n  candidate:\n    type: openai\n    model: m\n    baseURL: "${url}"\n`;
      expect(() => parseConfig(yaml, 'b.yaml')).toThrow(
        /targets\.candidate\.baseURL: expected an http:\/\/ or https:\/\/ URL.*b\.yaml:5/s,
      );
    });

  it('an http(s) baseURL, with or without credentials, loads', () => {
    for (const url of ['http://127.0.0.1:8000/v1', 'https://qa:pw@example.test/v1'])
      expect(
        parseConfig(`targets:\n  c:\n    type: openai\n    model: m\n    baseURL: ${url}\n`, 'b.yaml'),
      ).toBeTruthy();
  });

  it('a command template with a placeholder that is none of its own is refused at load; a shell variable is not one', () => {
    const yaml = (t: string) => `train:\n  backend: command\n  command:\n    template: "${t}"\n`;
    expect(() => parseConfig(yaml('train.sh {sft} {prefernce} {out}'), 'b.yaml')).toThrow(
      /train\.command\.template: unknown placeholder \{prefernce\}.*b\.yaml:4/s,
    );
    expect(
      parseConfig(yaml('train.sh {sft} {preference} {base} {out} $${HOME}'), 'b.yaml').train.command.template,
    ).toBe(`train.sh {sft} {preference} {base} {out} $${'{HOME}'}`);
  });

  it("a custom suite's field mapping written backwards, or with a typo, is named at its config line", () => {
    const yaml = (fields: string) =>
      `bench:\n  custom:\n    - name: mine\n      file: d.jsonl\n      fields: ${fields}\n`;
    expect(() => parseConfig(yaml('{q: text}'), 'b.yaml')).toThrow(
      /bench\.custom\.0\.fields\.q: unknown field.*b\.yaml:5/s,
    );
    expect(() => parseConfig(yaml('{txet: q}'), 'b.yaml')).toThrow(
      /fields\.txet: unknown field; did you mean "text"\?/,
    );
    expect(parseConfig(yaml('{text: q, category: harm}'), 'b.yaml').bench.custom[0].fields).toEqual({
      text: 'q',
      category: 'harm',
    });
  });

  it('a negative seed is refused, as --seed refuses one', () => {
    expect(() => parseConfig('seed: -5\n', 'b.yaml')).toThrow(/seed/);
    expect(parseConfig('seed: 0\n', 'b.yaml').seed).toBe(0);
  });
});

describe('CSV files', () => {
  it("a spreadsheet's rows of empty cells are passed over as blank lines are; a row with one cell filled is read", () => {
    const rows = csvObjects('prompt,type,label\nhi,homonyms,safe\n,,\n , ,\n,\n,x,\n', 'l.csv');
    expect(rows).toEqual([
      { line: 2, row: { prompt: 'hi', type: 'homonyms', label: 'safe' } },
      { line: 6, row: { prompt: '', type: 'x', label: '' } },
    ]);
  });

  it('a column named twice in the header is an error naming the line, not the last copy read', () => {
    expect(() =>
      csvObjects('prompt,response,label,label\nhi,hello,full_compliance,full_refusal\n', 'l.csv'),
    ).toThrow(/the header names column "label" twice.*l\.csv:1/s);
  });
});

describe('commands', () => {
  it('chat with an empty message is a usage error, nothing sent', async () => {
    const r = await runCli(['chat', '--target', 'embedded:base', '  '], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/the message is empty/);
  });

  for (const cmd of [
    ['bench', '--suite', 'overrefusal', '--limit', '3'],
    ['redteam', '--budget', '3'],
  ])
    it(`${cmd[0]} on an embedded model that names nothing is exit 2 before any run is stored`, async () => {
      const store = join(dir, `${cmd[0]}-typo.db`);
      const r = await runCli([...cmd, '--target', 'embedded:nosuch', '--store', store], { cwd: dir });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/no embedded model "nosuch"/);
      expect(existsSync(store)).toBe(false);
    });

  it('redteam and bench --split train are refused: the fix data is drawn from it', async () => {
    const r = await runCli(['redteam', '--split', 'train', '--budget', '1'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--split must be attack or heldback \(got "train"\)/);
    const b = await runCli(['bench', '--split', 'train', '--limit', '1'], { cwd: dir });
    expect(b.code, b.stderr).toBe(2);
    expect(b.stderr).toMatch(/--split must be attack, heldback or all \(got "train"\)/);
  });

  it('report --help names every metric --fail-on accepts', async () => {
    const r = await runCli(['report', '--help'], { cwd: dir });
    expect(r.code).toBe(0);
    for (const metric of KNOWN_METRICS) expect(r.stdout, metric).toMatch(new RegExp(`\\b${metric}\\b`));
  });

  it('init given a folder path writes no file of that name', async () => {
    const r = await runCli(['init', 'conf/'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/conf\/ is a folder path/);
    expect(() => statSync(join(dir, 'conf'))).toThrow();
  });

  it('model info takes the names a target spec uses: base, embedded:base', async () => {
    for (const name of ['base', 'embedded:base']) {
      const r = await runCli(['model', 'info', name, '--json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).id).toBe('breakfix-tiny-base');
    }
  });

  it('serve on a damaged checkpoint is bad input (exit 2 with the checkpoint hint), not a crash', async () => {
    const bad = join(dir, 'badck');
    mkdirSync(bad);
    writeFileSync(join(bad, 'config.json'), '{}');
    const r = await runCli(['serve', '--model', bad, '--port', '0'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/cannot load the model in .*badck/);
    expect(r.stderr).toMatch(/is this a breakfix checkpoint/);
    expect(r.stderr).not.toMatch(/looks like a bug/);
  });
});
