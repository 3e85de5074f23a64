// Bad input, part 2: through the real CLI (src/cli/main.ts in a child process, as a user runs it),
// a representative subset of the corpus ends with exit code 2 and one clear line on stderr naming
// the file and the line or field, and a SQLite store that already holds a run is left exactly as it
// was: same tables, same rows, same schema version, integrity check "ok".
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { type CliResult, runCli } from '../cli/run-cli.js';
import { makeAttempt } from '../store/fixtures.js';
import { writeFigures } from './helpers.js';

const CORPUS = join(import.meta.dirname, 'corpus');
const dir = mkdtempSync(join(tmpdir(), 'breakfix-badinput-cli-'));
const STORE = join(dir, 'store', 'breakfix.db');
const RUN = 'run_before_bad_input';

/** Every table's rows (in rowid order), the schema version and the table list, hashed. */
function fingerprint(path: string): { hash: string; rows: Record<string, number>; integrity: string } {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type IN ('table','index') ORDER BY name")
      .all() as { name: string; sql: string | null }[];
    const h = createHash('sha256');
    h.update(JSON.stringify(tables));
    h.update(String(db.pragma('user_version', { simple: true })));
    const rows: Record<string, number> = {};
    for (const { name } of tables) {
      if (
        name.startsWith('sqlite_') ||
        !db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?").get(name)
      )
        continue;
      const all = db.prepare(`SELECT * FROM "${name}"`).all();
      rows[name] = all.length;
      h.update(name);
      h.update(JSON.stringify(all, (_k, v) => (Buffer.isBuffer(v) ? v.toString('base64') : v)));
    }
    return { hash: h.digest('hex'), rows, integrity: String(db.pragma('integrity_check', { simple: true })) };
  } finally {
    db.close();
  }
}

const file = (name: string, body: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
};

/** [what, args, what stderr must name] — each must exit 2 and leave the store as it was. */
function cases(): { name: string; args: string[]; names: RegExp[] }[] {
  mkdirSync(join(dir, 'data'), { recursive: true });
  copyFileSync(join(CORPUS, 'seeds', 'harmful-no-category.jsonl'), join(dir, 'data', 'seeds.jsonl'));
  copyFileSync(join(CORPUS, 'templates', 'no-slot.yaml'), join(dir, 'data', 'templates.yaml'));
  copyFileSync(join(CORPUS, 'datasets', 'xstest-wrong-fields.csv'), join(dir, 'data', 'xstest.csv'));
  file(
    'data/bad-utf8.jsonl',
    Buffer.concat([
      Buffer.from('{"prompt":"a","label":"safe"}\n{"prompt":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}\n'),
    ]),
  );
  // The judge --in case: the committed bad lines, then one line of invalid UTF-8 (line 6).
  file(
    'data/judge-in.jsonl',
    Buffer.concat([
      readFileSync(join(CORPUS, 'judge-in', 'mixed-bad.jsonl')),
      Buffer.from('{"prompt":"p","response":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}\n'),
    ]),
  );
  const cfg = (name: string, body: string) => file(name, `store: ${STORE}\n${body}`);
  const store = ['--store', STORE];
  return [
    {
      name: 'config: wrong type',
      args: ['bench', '--config', join(CORPUS, 'config', 'wrong-type.yaml'), ...store],
      names: [/wrong-type\.yaml:2/, /seed: expected a number/],
    },
    {
      name: 'config: dataset path leaves the project folder',
      args: ['bench', '--config', join(CORPUS, 'config', 'path-escape-bench.yaml'), ...store],
      names: [/path-escape-bench\.yaml:4/, /bench\.custom\.0\.file/, /leaves the project folder/],
    },
    {
      name: 'config: invalid UTF-8',
      args: [
        'bench',
        '--config',
        file('bad-utf8.yaml', Buffer.from([0x73, 0x65, 0x65, 0x64, 0x3a, 0x20, 0xc3, 0x28, 0x0a])),
        ...store,
      ],
      names: [/bad-utf8\.yaml:1/, /not valid UTF-8/],
    },
    {
      name: 'seeds file: harmful seed without category',
      args: [
        'redteam',
        '--config',
        cfg('seeds.yaml', 'seeds:\n  files: [data/seeds.jsonl]\n'),
        ...store,
        '--budget',
        '2',
      ],
      names: [/seeds\.jsonl:3/, /category: harmful seeds need a category/],
    },
    {
      name: 'templates file: no {prompt} slot',
      args: [
        'redteam',
        '--config',
        cfg('templates.yaml', 'templates:\n  files: [data/templates.yaml]\n'),
        ...store,
        '--budget',
        '2',
      ],
      names: [/templates\.yaml:2/, /templates\.text/],
    },
    {
      name: 'bench dataset: wrong number of CSV fields',
      args: [
        'bench',
        '--config',
        cfg(
          'custom.yaml',
          'bench:\n  suites: []\n  custom:\n    - name: xstest\n      file: data/xstest.csv\n      kind: overrefusal\n',
        ),
        ...store,
        '--suite',
        'xstest',
      ],
      names: [/xstest\.csv:3/, /expected 4 fields/],
    },
    {
      name: 'bench dataset: invalid UTF-8',
      args: [
        'bench',
        '--config',
        cfg(
          'custom-utf8.yaml',
          'bench:\n  suites: []\n  custom:\n    - name: mine\n      file: data/bad-utf8.jsonl\n',
        ),
        ...store,
      ],
      names: [/bad-utf8\.jsonl:2/, /not valid UTF-8/],
    },
    {
      name: 'bench: unknown suite name',
      args: ['bench', '--config', cfg('plain.yaml', 'seed: 3\n'), ...store, '--suite', 'no-such-suite'],
      names: [/unknown suite "no-such-suite"/],
    },
    {
      name: 'judge calibrate: label file missing a field',
      args: ['judge', 'calibrate', '--labels', join(CORPUS, 'labels', 'missing-prompt.jsonl'), ...store],
      names: [/missing-prompt\.jsonl:2/, /prompt: missing "prompt"/],
    },
    {
      name: 'judge refusal --in: bad lines are named and skipped',
      args: [
        'judge',
        'refusal',
        '--in',
        join(dir, 'data', 'judge-in.jsonl'),
        '--out',
        join(dir, 'judged.jsonl'),
        '--judge',
        'offline',
        ...store,
      ],
      names: [
        /judge-in\.jsonl:2: skipped: not valid JSON/,
        /judge-in\.jsonl:3: skipped/,
        /judge-in\.jsonl:4: skipped: expected a JSON object/,
        /judge-in\.jsonl:5: skipped/,
        /judge-in\.jsonl:6: skipped: not valid UTF-8/,
      ],
    },
    {
      name: 'curate: seeds file not valid',
      args: [
        'curate',
        '--config',
        cfg('curate.yaml', 'seeds:\n  files: [data/seeds.jsonl]\n'),
        ...store,
        '--run',
        RUN,
        '--round',
        '0',
      ],
      names: [/seeds\.jsonl:3/, /harmful seeds need a category/],
    },
  ];
}

describe('bad input through the CLI: exit code 2, a clear message, the store untouched', () => {
  let before: ReturnType<typeof fingerprint>;

  beforeAll(() => {
    // A store that already holds results: one red-team run with attempts and a bench result.
    const store = openStore(STORE);
    store.createRun({ id: RUN, kind: 'redteam', config: { seed: 1 }, seed: 1, target: 'embedded:base' });
    for (let i = 0; i < 12; i++) store.saveAttempt(makeAttempt(i, RUN));
    store.saveBenchResult({ runId: RUN, suite: 'harmful', model: 'embedded:base', metrics: { asr: 0.5 } });
    store.updateRun(RUN, { status: 'done', summary: { asr: 0.5 } });
    store.close();
    before = fingerprint(STORE);
    expect(before.integrity).toBe('ok');
    expect(before.rows.attempts).toBe(12);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('each case exits 2 and names the file and line or field; the store is unchanged', async () => {
    const list = cases();
    const results: CliResult[] = [];
    // Two at a time: each child starts tsx (a couple of seconds) on a 2-core machine.
    for (let i = 0; i < list.length; i += 2) {
      results.push(...(await Promise.all(list.slice(i, i + 2).map((c) => runCli(c.args, { cwd: dir })))));
    }
    const failures: string[] = [];
    list.forEach((c, i) => {
      const r = results[i];
      if (r.code !== 2) failures.push(`${c.name}: exit ${r.code}\n${r.stderr.slice(0, 600)}`);
      for (const re of c.names)
        if (!re.test(r.stderr)) failures.push(`${c.name}: stderr lacks ${re}\n${r.stderr.slice(0, 600)}`);
      // One clear message, not a stack trace.
      if (/\n\s+at .+:\d+:\d+/.test(r.stderr)) failures.push(`${c.name}: stack trace on stderr`);
    });
    expect(failures).toEqual([]);
    const after = fingerprint(STORE);
    expect(after.integrity).toBe('ok');
    expect(after.rows).toEqual(before.rows);
    expect(after.hash).toBe(before.hash);
    writeFigures('input-cli', {
      cliCases: list.length,
      exitCode2: results.filter((r) => r.code === 2).length,
      storeRowsBefore: before.rows,
      storeUnchanged: after.hash === before.hash,
    });
  }, 120_000);
});
