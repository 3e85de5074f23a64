// Bad input, part 1: the committed corpus (test/reliability/corpus/) plus the cases made at test time
// (invalid UTF-8, BOMs, empty files, multi-megabyte lines, broken Parquet) fed to every loader a user
// can point at a file: the config, seed and template files, bench datasets (JSONL / CSV / Parquet),
// judge calibration labels. Each case must end in an InputError (ConfigError for the config) whose
// message names the file and the line or field, says what is wrong, and stays short (a 3 MB line is
// never echoed back).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/bench/index.js';
import { loadSeedsFile } from '../../src/break/seeds/index.js';
import { loadTemplatesFile } from '../../src/break/templates/index.js';
import { checkTargetSet, loadConfig, unsetTargets } from '../../src/config/index.js';
import { ConfigError, InputError, InputErrors } from '../../src/core/index.js';
import { loadLabels } from '../../src/judge/index.js';
import { writeFigures } from './helpers.js';

const CORPUS = join(import.meta.dirname, 'corpus');
type Loader = 'config' | 'seeds' | 'templates' | 'datasets' | 'labels';

/** What each loader must say: the message pattern, and the line and/or field it must name. */
interface Expect {
  message: RegExp;
  line?: number;
  field?: string;
}

const LOAD: Record<Loader, (file: string) => unknown> = {
  // As `config check` reads it: a target's unset variable, deferred at load, is reported too.
  config: (f) => {
    const config = loadConfig(f);
    for (const name of unsetTargets(config).keys()) checkTargetSet(config, name);
  },
  seeds: (f) => loadSeedsFile(f),
  templates: (f) => loadTemplatesFile(f),
  datasets: (f) => loadDataset(f, f.includes('mapped-column') ? { fields: { text: 'prompt' } } : {}),
  labels: (f) => loadLabels(f),
};

/** The committed corpus: every file under corpus/<loader>/ has an entry here (checked below). */
const CORPUS_CASES: Record<Loader, Record<string, Expect>> = {
  config: {
    'bad-indent.yaml': { message: /invalid YAML: .*same column/, line: 5 },
    'unclosed-quote.yaml': { message: /invalid YAML: Missing closing "quote/, line: 5 },
    'duplicate-key.yaml': { message: /invalid YAML: Map keys must be unique/, line: 4 },
    'tab-indent.yaml': { message: /invalid YAML: Tabs are not allowed/, line: 3 },
    'wrong-type.yaml': { message: /expected a number, got a string/, line: 2, field: 'seed' },
    'unknown-field.yaml': { message: /unknown field; did you mean "targets"/, line: 2, field: 'targts' },
    'missing-field.yaml': { message: /missing; expected a string/, line: 3, field: 'targets.remote.model' },
    'top-level-list.yaml': {
      message: /expected a mapping of sections at the top level, got a list/,
      line: 1,
    },
    'top-level-scalar.yaml': { message: /expected a mapping .* got a string/, line: 1 },
    'negative-number.yaml': { message: /≥ 1, got -3/, line: 5, field: 'targets.remote.concurrency' },
    'bad-url.yaml': {
      message: /expected an http:\/\/ or https:\/\/ URL/,
      line: 5,
      field: 'targets.remote.baseURL',
    },
    'missing-env.yaml': {
      message: /environment variable BREAKFIX_CORPUS_UNSET_KEY is not set/,
      line: 5,
      field: 'targets.remote.apiKey',
    },
    'path-escape.yaml': { message: /leaves the project folder/, line: 3, field: 'seeds.files.0' },
    'path-escape-bench.yaml': { message: /leaves the project folder/, line: 4, field: 'bench.custom.0.file' },
    'unknown-role-target.yaml': { message: /unknown target "nosuchtarget"/, line: 2, field: 'roles.target' },
    'unknown-target-type.yaml': { message: /one of "openai", "anthropic", "embedded"/, line: 3 },
    'list-expected.yaml': { message: /expected a list, got a string/, line: 2, field: 'bench.suites' },
    'alias-bomb.yaml': { message: /invalid YAML: Excessive alias count/, line: 1 },
    'unresolved-alias.yaml': { message: /invalid YAML: Unresolved alias/, line: 1 },
  },
  seeds: {
    'invalid-json.jsonl': { message: /not valid JSON/, line: 2 },
    'not-object.jsonl': { message: /expected a JSON object/, line: 3 },
    'missing-text.jsonl': { message: /text: missing/, line: 2, field: 'text' },
    'bad-kind.jsonl': { message: /expected one of "harmful"\|"benign"\|"helpful"/, line: 1, field: 'kind' },
    'harmful-no-category.jsonl': { message: /harmful seeds need a category/, line: 3, field: 'category' },
    'wrong-type.jsonl': { message: /expected string, received number/, line: 1, field: 'text' },
    'duplicate-id.jsonl': { message: /duplicate seed id "s1"/, line: 2, field: 'id' },
    'wrong-columns.csv': { message: /expected 3 fields \(kind,text,category\), got 4/, line: 3 },
    'unterminated-quote.csv': { message: /unterminated quoted field/, line: 2 },
    'csv-missing-category.csv': { message: /harmful seeds need a category/, line: 2, field: 'category' },
    'not-a-list.yaml': { message: /expected a list of seeds/, line: 1 },
    'invalid.yaml': { message: /Missing closing "quote/, line: 4 },
    'duplicate-key.yaml': { message: /Map keys must be unique/, line: 4 },
    'item-not-mapping.yaml': { message: /expected a mapping/, line: 4 },
    'unknown-extension.tsv': { message: /unknown seed file format "\.tsv"/ },
  },
  templates: {
    'invalid.yaml': { message: /Missing closing "quote/, line: 4 },
    'no-list.yaml': { message: /expected a `templates` list/, line: 1, field: 'templates' },
    'duplicate-id.yaml': { message: /duplicate template id "t1"/, line: 6, field: 'id' },
    'wrong-type.yaml': { message: /expected string, received number/, line: 2, field: 'templates.text' },
    'missing-id.yaml': { message: /expected string, received undefined/, line: 2, field: 'templates.id' },
    'no-slot.yaml': { message: /needs a \{prompt\} slot/, line: 2, field: 'templates.text' },
    'shots-not-list.yaml': { message: /`shots` must be a list/, line: 6, field: 'shots' },
    'shots-unused.yaml': { message: /1 shot that nothing would use/, line: 7, field: 'shots' },
  },
  datasets: {
    'invalid-json.jsonl': { message: /not valid JSON/, line: 2 },
    'not-object.jsonl': { message: /expected a JSON object/, line: 2 },
    'missing-text.jsonl': { message: /missing prompt text/, line: 2, field: 'text' },
    'null-text.jsonl': { message: /missing prompt text/, line: 2, field: 'text' },
    'bad-label.jsonl': { message: /label must be "safe" or "unsafe", got "maybe"/, line: 1, field: 'label' },
    'bad-kind.jsonl': { message: /kind must be harmful, benign or helpful/, line: 1, field: 'kind' },
    'bad-split.jsonl': { message: /split must be train, attack or heldback/, line: 1, field: 'split' },
    'xstest-wrong-fields.csv': { message: /expected 4 fields \(id,prompt,type,label\), got 5/, line: 3 },
    'stray-quote.csv': { message: /stray quote/, line: 2 },
    'unterminated-quote.csv': { message: /unterminated quoted field/, line: 2 },
    'empty-prompt.csv': { message: /missing prompt text/, line: 2, field: 'text' },
    'unknown-format.tsv': { message: /cannot tell the dataset format from "\.tsv"/ },
    'mapped-column-missing.jsonl': {
      message: /mapped column "prompt" is not in the dataset/,
      field: 'fields.text',
    },
  },
  labels: {
    'missing-prompt.jsonl': { message: /missing "prompt"/, line: 2, field: 'prompt' },
    'missing-response.jsonl': { message: /missing "response"/, line: 1, field: 'response' },
    'missing-label.csv': { message: /missing "label"/, line: 3, field: 'label' },
    'invalid-json.jsonl': { message: /not valid JSON/, line: 2 },
    'wrong-columns.csv': { message: /expected 3 fields .* got 2/, line: 2 },
  },
};

const tmp = mkdtempSync(join(tmpdir(), 'breakfix-badinput-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, body: string | Uint8Array) => {
  const p = join(tmp, name);
  writeFileSync(p, body);
  return p;
};

const BAD_UTF8 = Buffer.from([0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22]); // overlong/invalid sequences
const HUGE = 3_000_000; // a 3 MB line, made here, never committed
const withBad = (before: string, after: string) =>
  Buffer.concat([Buffer.from(before), BAD_UTF8, Buffer.from(after)]);
const parquet = (columns: { name: string; data: unknown[]; type: 'STRING' | 'INT32' }[]) =>
  Buffer.from(parquetWriteBuffer({ columnData: columns }));

/** Cases made at test time: [loader, file name, bytes, expectation]. */
function generatedCases(): [Loader, string, string | Uint8Array, Expect][] {
  const goodParquet = parquet([{ name: 'prompt', data: ['a', 'b', 'c'], type: 'STRING' }]);
  return [
    ['config', 'bad-utf8.yaml', withBad('seed: 3\nstore: ', '\n'), { message: /not valid UTF-8/, line: 2 }],
    // UTF-16, as Windows PowerShell's `>` writes it (with a byte-order mark) and without one
    [
      'config',
      'utf16.yaml',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('seed: 3\n', 'utf16le')]),
      { message: /the config file is UTF-16, not UTF-8/, line: 1 },
    ],
    [
      'seeds',
      'utf16.jsonl',
      Buffer.from('{"kind":"benign","text":"ok"}\n', 'utf16le'),
      { message: /the seed file is UTF-16, not UTF-8/, line: 1 },
    ],
    [
      'config',
      'huge-line.yaml',
      `seed: "${'x'.repeat(HUGE)}"\n`,
      { message: /expected a number/, line: 1, field: 'seed' },
    ],
    [
      'config',
      'huge-key.yaml',
      `seed: 3\n${'k'.repeat(HUGE)}: 1\n`,
      { message: /invalid YAML: .*1024 chars/, line: 2 },
    ],
    [
      'config',
      'huge-explicit-key.yaml',
      `seed: 3\n? ${'k'.repeat(HUGE)}\n: 1\n`,
      { message: /unknown field/, line: 2 },
    ],
    ['seeds', 'empty.jsonl', '', { message: /no seeds: the file is empty/ }],
    ['seeds', 'header-only.csv', 'kind,text,category\n', { message: /no seeds/ }],
    [
      'seeds',
      'bad-utf8.jsonl',
      withBad('{"kind":"benign","text":"ok"}\n{"kind":"benign","text":', '}\n'),
      { message: /not valid UTF-8/, line: 2 },
    ],
    [
      'seeds',
      'huge-line.jsonl',
      `{"kind":"benign","text":"ok"}\n{"kind":"benign","text":"${'y'.repeat(HUGE)}\n`,
      { message: /not valid JSON/, line: 2 },
    ],
    [
      'seeds',
      'huge-no-kind.jsonl',
      `{"text":"${'y'.repeat(HUGE)}"}\n`,
      { message: /kind: missing \(one of harmful, benign, helpful\)/, line: 1, field: 'kind' },
    ],
    [
      'seeds',
      'huge-duplicate-id.jsonl',
      `{"id":"${'i'.repeat(HUGE)}","kind":"benign","text":"a"}\n{"id":"${'i'.repeat(HUGE)}","kind":"benign","text":"b"}\n`,
      { message: /duplicate seed id/, line: 2, field: 'id' },
    ],
    [
      'seeds',
      'nul-bytes.jsonl',
      '{"kind":"benign","text":"a"}\n\u0000\u0000\u0000\n',
      { message: /not valid JSON/, line: 2 },
    ],
    ['templates', 'empty.yaml', '', { message: /expected a `templates` list/, field: 'templates' }],
    [
      'templates',
      'bad-utf8.yaml',
      withBad('templates:\n  - id: t\n    text: ', '\n'),
      { message: /not valid UTF-8/, line: 3 },
    ],
    ['datasets', 'empty.jsonl', '', { message: /no rows: the file is empty/ }],
    ['datasets', 'empty.csv', '', { message: /no rows/ }],
    ['datasets', 'whitespace.jsonl', '\n  \n\t\n', { message: /no rows/ }],
    ['datasets', 'header-only.csv', 'id,prompt,type,label\n', { message: /no rows/ }],
    [
      'datasets',
      'bad-utf8.csv',
      withBad('prompt,label\nok,safe\n', ',safe\n'),
      { message: /not valid UTF-8/, line: 3 },
    ],
    ['datasets', 'bad-utf8.jsonl', withBad('{"prompt":', '}\n'), { message: /not valid UTF-8/, line: 1 }],
    [
      'datasets',
      'huge-line.jsonl',
      `{"prompt":"ok"}\n{"prompt":"${'z'.repeat(HUGE)}\n`,
      { message: /not valid JSON/, line: 2 },
    ],
    [
      'datasets',
      'huge-field.csv',
      `prompt,label\nok,safe\n"${'q'.repeat(HUGE)}",maybe\n`,
      { message: /label must be/, line: 3, field: 'label' },
    ],
    [
      'datasets',
      'huge-label.jsonl',
      `{"prompt":"a","label":"${'u'.repeat(HUGE)}"}\n`,
      { message: /label must be/, line: 1, field: 'label' },
    ],
    [
      'datasets',
      'huge-kind.jsonl',
      `{"prompt":"a","kind":"${'u'.repeat(HUGE)}"}\n`,
      { message: /kind must be/, line: 1, field: 'kind' },
    ],
    [
      'datasets',
      'huge-split.jsonl',
      `{"prompt":"a","split":"${'u'.repeat(HUGE)}"}\n`,
      { message: /split must be/, line: 1, field: 'split' },
    ],
    [
      'datasets',
      'garbage.parquet',
      'PAR1 this is not a parquet file PAR1',
      { message: /cannot read Parquet/ },
    ],
    ['datasets', 'empty.parquet', '', { message: /cannot read Parquet/ }],
    [
      'datasets',
      'truncated.parquet',
      goodParquet.subarray(0, goodParquet.length - 20),
      { message: /cannot read Parquet/ },
    ],
    [
      'datasets',
      'no-text-column.parquet',
      parquet([{ name: 'other', data: ['a'], type: 'STRING' }]),
      { message: /missing prompt text/, line: 1, field: 'text' },
    ],
    [
      'datasets',
      'int-label.parquet',
      parquet([
        { name: 'prompt', data: ['a', 'b'], type: 'STRING' },
        { name: 'label', data: [1, 2], type: 'INT32' },
      ]),
      { message: /column "label" must hold a string, got number/, line: 1, field: 'label' },
    ],
    ['labels', 'empty.jsonl', '', { message: /no labelled examples/ }],
    [
      'labels',
      'bad-utf8.jsonl',
      withBad('{"prompt":', ',"response":"r","label":"x"}\n'),
      { message: /not valid UTF-8/, line: 1 },
    ],
    [
      'labels',
      'huge-line.jsonl',
      `{"prompt":"p","response":"${'r'.repeat(HUGE)}"}\n`,
      { message: /missing "label"/, line: 1, field: 'label' },
    ],
  ];
}

/** Runs a loader and returns the error it raised (a loader that accepts bad input fails the test). */
async function errorOf(loader: Loader, file: string): Promise<InputError> {
  let result: unknown;
  try {
    result = await LOAD[loader](file);
  } catch (err) {
    return err as InputError;
  }
  throw new Error(`${loader} accepted ${file}: ${JSON.stringify(result).slice(0, 200)}`);
}

function check(err: InputError, loader: Loader, file: string, want: Expect): void {
  expect(err, `${file}: ${err.message}`).toBeInstanceOf(loader === 'config' ? ConfigError : InputError);
  expect(err.message).toMatch(want.message);
  // The message names the file (and the line, as file:line; a Parquet row as one), whatever the caller prints.
  expect(err.message).toContain(
    want.line === undefined
      ? file
      : err.at === 'row'
        ? `${file}, row ${want.line} counting from 1`
        : `${file}:${want.line}`,
  );
  if (want.line !== undefined) expect(err.line).toBe(want.line);
  if (want.field !== undefined) {
    expect(err.field).toBe(want.field);
    // (a file of several bad rows names each: the first is this one)
    const first = err instanceof InputErrors ? err.errors[0] : err;
    expect(first.message.startsWith(`${want.field}: `), err.message).toBe(true);
  }
  // Bad input is never echoed back whole: a 3 MB line gives a one-line message (each bad row one line).
  for (const line of err.message.split('\n')) expect(line.length).toBeLessThan(400);
}

const counted = { corpus: 0, generated: 0, byLoader: {} as Record<string, number> };

describe('bad input: every loader names the file and the line or field', () => {
  it('the corpus folder and the expectations list the same files', () => {
    for (const loader of Object.keys(CORPUS_CASES) as Loader[]) {
      const files = readdirSync(join(CORPUS, loader)).sort();
      expect(files, loader).toEqual(Object.keys(CORPUS_CASES[loader]).sort());
    }
  });

  for (const [loader, cases] of Object.entries(CORPUS_CASES) as [Loader, Record<string, Expect>][]) {
    it(`${loader}: ${Object.keys(cases).length} committed cases`, async () => {
      for (const [name, want] of Object.entries(cases)) {
        const file = join(CORPUS, loader, name);
        check(await errorOf(loader, file), loader, file, want);
        counted.corpus++;
        counted.byLoader[loader] = (counted.byLoader[loader] ?? 0) + 1;
      }
    });
  }

  it('cases made at test time: invalid UTF-8, empty files, 3 MB lines, broken Parquet', async () => {
    for (const [loader, name, body, want] of generatedCases()) {
      const file = write(`${loader}-${name}`, body);
      check(await errorOf(loader, file), loader, file, want);
      counted.generated++;
      counted.byLoader[loader] = (counted.byLoader[loader] ?? 0) + 1;
    }
  });

  it('a byte-order mark is not an error in any format', async () => {
    const bom = '\uFEFF';
    expect((loadConfig(write('bom.yaml', `${bom}seed: 3\n`)) as { seed: number }).seed).toBe(3);
    expect(loadSeedsFile(write('bom-seeds.jsonl', `${bom}{"kind":"benign","text":"hi"}\n`))[0].text).toBe(
      'hi',
    );
    expect(loadSeedsFile(write('bom-seeds.csv', `${bom}kind,text\nbenign,hi\n`))[0].kind).toBe('benign');
    expect((await loadDataset(write('bom-ds.jsonl', `${bom}{"prompt":"hi","label":"safe"}\n`)))[0].kind).toBe(
      'benign',
    );
    expect((await loadDataset(write('bom-ds.csv', `${bom}prompt,label\nhi,unsafe\n`)))[0].kind).toBe(
      'harmful',
    );
    expect(
      loadLabels(write('bom-labels.csv', `${bom}prompt,response,label\np,r,full_refusal\n`))[0].label,
    ).toBe('full_refusal');
    expect(
      loadTemplatesFile(
        write(
          'bom-t.yaml',
          `${bom}templates:\n  - id: t1\n    family: f\n    description: d\n    text: "x {prompt}"\n`,
        ),
      )[0].id,
    ).toBe('t1');
  });

  it('calibration columns match without case or padding; a missing one lists the columns there are', () => {
    expect(loadLabels(write('cased.csv', 'Prompt, Response ,LABEL\np,r,full_refusal\n'))[0]).toMatchObject({
      prompt: 'p',
      response: 'r',
      label: 'full_refusal',
    });
    expect(() => loadLabels(write('nocol.csv', 'question,answer,label\np,r,full_refusal\n'))).toThrow(
      /missing "prompt" \(columns here: question, answer, label\).*nocol\.csv:2/,
    );
  });

  it('an empty config file means the defaults (YAML: an empty document), not an error', () => {
    expect(loadConfig(write('empty.yaml', '')).seed).toBe(
      loadConfig(write('comment.yaml', '# nothing\n')).seed,
    );
  });

  afterAll(() => {
    writeFigures('input-corpus', {
      committedCases: counted.corpus,
      generatedCases: counted.generated,
      totalCases: counted.corpus + counted.generated,
      byLoader: counted.byLoader,
      hugeLineBytes: HUGE,
    });
  });
});
