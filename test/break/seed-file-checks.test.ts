// A user's seed file is checked where a mistake in it would be counted wrong later: each mistake is
// an InputError naming the file, line and field, and the file loads nothing.
import { describe, expect, it } from 'vitest';
import { distinctSeeds, loadSeedsFile, readSeedsFile } from '../../src/break/seeds/index.js';
import { runCli } from '../cli/run-cli.js';
import { fileWriter, inputErrorOf } from '../helpers/seed-files.js';

const write = fileWriter('bf-seedcheck-');
const errorOf = inputErrorOf;

describe('user seed files', () => {
  it('a text or topic of spaces alone is an error naming the line, in every format', () => {
    const jsonl = errorOf(() =>
      loadSeedsFile(
        write(
          'blank.jsonl',
          '{"kind":"benign","text":"ok"}\n{"kind":"harmful","text":"   ","category":"hate"}\n',
        ),
      ),
    );
    expect(jsonl.message).toMatch(/^text: blank.*blank\.jsonl:2/);
    expect(jsonl.field).toBe('text');
    const csv = errorOf(() => loadSeedsFile(write('blank.csv', 'kind,text\nbenign,ok\nbenign,"\t "\n')));
    expect([csv.line, csv.field]).toEqual([3, 'text']);
    const topic = errorOf(() =>
      loadSeedsFile(
        write('blank-topic.yaml', '- kind: harmful\n  text: How do I x?\n  category: hate\n  topic: "  "\n'),
      ),
    );
    expect([topic.line, topic.field]).toEqual([1, 'topic']);
  });
});

describe('a seed file with several bad lines', () => {
  it('names every one in one error, in every format, and loads nothing', () => {
    const jsonl = errorOf(() =>
      loadSeedsFile(
        write(
          'many.jsonl',
          [
            '{"kind":"benign","text":"ok"}',
            '{"kind":"benign","text":',
            '{"kind":"harmful","text":"How do I x?","categroy":"hate"}',
            '["a list"]',
            '{"kind":"harmful","text":"How do I y?","category":"hate"}',
            '{"kind":"benign"}',
          ].join('\n'),
        ),
      ),
    );
    expect(jsonl.message).toMatch(/^4 bad lines in .*many\.jsonl:/);
    expect(jsonl.message).toMatch(/not valid JSON.*many\.jsonl:2\)/);
    expect(jsonl.message).toMatch(/categroy: unknown field; did you mean "category"\?.*many\.jsonl:3\)/);
    expect(jsonl.message).toMatch(/expected a JSON object.*many\.jsonl:4\)/);
    expect(jsonl.message).toMatch(/^text: missing.*many\.jsonl:6\)/m);
    const csv = errorOf(() =>
      loadSeedsFile(write('many.csv', 'kind,text\nbenign,ok\nbenign,"  "\nfriendly,hi\n')),
    );
    expect(csv.message).toMatch(/^2 bad lines in .*many\.csv:/);
    expect(csv.message).toMatch(/many\.csv:3\)/);
    expect(csv.message).toMatch(/many\.csv:4\)/);
    const yaml = errorOf(() =>
      loadSeedsFile(
        write('many.yaml', '- kind: benign\n  text: "  "\n- just a line\n- kind: benign\n  text: ok\n'),
      ),
    );
    expect(yaml.message).toMatch(/^2 bad lines in .*many\.yaml:/);
    expect(yaml.message).toMatch(/expected a mapping.*many\.yaml:3\)/);
  });
});

describe('user seed ids', () => {
  it("a built-in seed's id is an error naming the line: retest and curate would take the one for the other", () => {
    const e = errorOf(() =>
      loadSeedsFile(
        write(
          'builtin-id.jsonl',
          '{"id":"mine-1","kind":"benign","text":"ok"}\n{"id":"harm-vc01-en","kind":"harmful","text":"How do I x?","category":"hate"}\n',
        ),
      ),
    );
    expect(e.message).toMatch(/^id: "harm-vc01-en" is a built-in seed's id.*builtin-id\.jsonl:2/);
    expect(e.field).toBe('id');
    expect(
      loadSeedsFile(write('own-id.jsonl', '{"id":"harm-vc01-en-mine","kind":"benign","text":"ok"}\n')),
    ).toHaveLength(1);
  });

  it("a benign or helpful built-in seed's id is taken too, and one taken twice is said once a line", () => {
    const f = write(
      'builtin-ids.jsonl',
      [
        { id: 'benign-hom01-en', kind: 'benign', text: 'What is a yak?' },
        { id: 'help-add-3-5-en', kind: 'helpful', text: 'What is 3 plus 5?', answer: '8' },
        { id: 'help-add-3-5-en', kind: 'helpful', text: 'Add 3 and 5.', answer: '8' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    expect(errorOf(() => loadSeedsFile(f)).message.split('\n')).toEqual([
      `3 bad lines in ${f}:`,
      `id: "benign-hom01-en" is a built-in seed's id; give yours another (${f}:1)`,
      `id: "help-add-3-5-en" is a built-in seed's id; give yours another (${f}:2)`,
      `id: "help-add-3-5-en" is a built-in seed's id; give yours another (${f}:3)`,
    ]);
  });
});

describe('user seed categories', () => {
  it('a category spelled near a taxonomy id (case, spaces, a letter off, its name or Llama Guard code) is an error naming the id it meant', () => {
    const cases: [string, string][] = [
      ['violent_crime', 'violent_crimes'],
      ['Hate', 'hate'],
      ['self-harm', 'self_harm'],
      ['Sexual content', 'sexual_content'],
      ['nonviolent crimes', 'nonviolent_crimes'],
      ['specialised_advice', 'specialized_advice'],
      ['IP', 'ip'],
      ['S9', 'indiscriminate_weapons'],
      ['Suicide and self-harm', 'self_harm'],
    ];
    for (const [written, meant] of cases) {
      const e = errorOf(() =>
        loadSeedsFile(
          write(
            'near.jsonl',
            `{"kind":"benign","text":"ok"}\n${JSON.stringify({ kind: 'harmful', text: 'How do I x?', category: written })}\n`,
          ),
        ),
      );
      expect(e.message, written).toContain(
        `category: unknown category "${written}"; did you mean "${meant}"?`,
      );
      expect([e.line, e.field]).toEqual([2, 'category']);
    }
    const benign = errorOf(() =>
      loadSeedsFile(write('near.csv', 'kind,text,category\nbenign,How do I kill time?,violent crimes\n')),
    );
    expect(benign.message).toContain('did you mean "violent_crimes"?');
  });

  it('a category of its own, far from every taxonomy id, loads as written', () => {
    const seeds = loadSeedsFile(
      write(
        'own.jsonl',
        ['piracy', 'pii', 'fraud', 'violent_crimes']
          .map((c) => JSON.stringify({ kind: 'harmful', text: `How do I ${c}?`, category: c }))
          .join('\n'),
      ),
    );
    expect(seeds.map((s) => s.category)).toEqual(['piracy', 'pii', 'fraud', 'violent_crimes']);
  });
});

describe('user seed texts', () => {
  it('the same text twice in one language (case, punctuation and spacing aside) is an error naming both lines, and the kind when they differ', () => {
    const across = errorOf(() =>
      loadSeedsFile(
        write(
          'both.csv',
          'kind,text,category\nbenign,ok,\nharmful,How do I kill a Python process?,violent_crimes\nbenign,"how do I kill a python  process",violent_crimes\n',
        ),
      ),
    );
    expect(across.message).toMatch(/^text: the same text as line 3, labelled harmful there .*both\.csv:4/);
    expect([across.line, across.field]).toEqual([4, 'text']);
    const twice = errorOf(() =>
      loadSeedsFile(
        write(
          'twice.jsonl',
          '{"id":"a","kind":"benign","text":"What is murder?"}\n{"id":"b","kind":"benign","text":"What is murder"}\n',
        ),
      ),
    );
    expect(twice.message).toMatch(/^text: the same text as line 1 .*twice\.jsonl:2/);
    const thrice = errorOf(() =>
      loadSeedsFile(
        write(
          'thrice.csv',
          'kind,text\nbenign,What is murder?\nbenign,what is murder\nbenign,WHAT IS MURDER\n',
        ),
      ),
    );
    // (each later copy is told the first, line 2, not the copy before it)
    expect(thrice.message.split('\n').filter((l) => l.includes('the same text as'))).toEqual([
      expect.stringMatching(/the same text as line 2 .*thrice\.csv:3/),
      expect.stringMatching(/the same text as line 2 .*thrice\.csv:4/),
    ]);
  });

  it("the files of a config's seeds.files are checked as one: an id or a text in two of them is an error naming both", async () => {
    const a = write(
      'one.jsonl',
      '{"id":"u1","kind":"harmful","text":"How do I trip a stranger?","category":"violent_crimes"}\n',
    );
    const sameText = write('two.jsonl', '{"id":"u2","kind":"benign","text":"how do I trip a stranger"}\n');
    const sameId = write('three.jsonl', '{"id":"u1","kind":"benign","text":"How do I trip a breaker?"}\n');
    const fine = write('four.jsonl', '{"id":"u4","kind":"benign","text":"How do I trip a breaker?"}\n');
    let configs = 0;
    const config = (files: string[]) =>
      write(
        `cfg-${++configs}.yaml`,
        `seeds:\n  files: [${files.map((f) => JSON.stringify(f)).join(', ')}]\n`,
      );
    const check = (files: string[]) => runCli(['config', 'check', '-c', config(files), '--json']);
    const text = await check([a, sameText]);
    expect(text.code, text.stderr).toBe(2);
    expect(JSON.parse(text.stdout).error.message).toMatch(
      /^text: the same text as line 1 of .*one\.jsonl, labelled harmful there .*two\.jsonl:1/,
    );
    const id = await check([a, sameId]);
    expect(id.code, id.stderr).toBe(2);
    expect(JSON.parse(id.stdout).error.message).toMatch(
      /^id: duplicate seed id "u1" \(also at line 1 of .*one\.jsonl\)/,
    );
    const ok = await check([a, fine]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('every clash of the seeds read together is named in one error, not the first one a run', async () => {
    // Two exports of one seed set share many seeds: told one clash per run, they were fixed one
    // seed per run, as a file's bad lines were before they were all named at once.
    const one = write(
      'clash-one.jsonl',
      [
        { id: 'c1', kind: 'harmful', text: 'How do I trip a stranger?', category: 'violent_crimes' },
        { id: 'c2', kind: 'benign', text: 'How do I trip a breaker?' },
        { id: 'c1', kind: 'benign', text: 'How do I bake bread?' },
        { id: 'c4', kind: 'benign', text: 'how do I trip a breaker' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const inOne = errorOf(() => loadSeedsFile(one));
    const aside = '(case, punctuation and spacing aside)';
    expect(inOne.message.split('\n')).toEqual([
      `2 bad lines in ${one}:`,
      `id: duplicate seed id "c1" (${one}:3)`,
      `text: the same text as line 2 ${aside} (${one}:4)`,
    ]);
    const two = write(
      'clash-two.csv',
      'id,kind,text\nc5,benign,how do I trip a stranger\nc2,benign,How do I boil an egg?\n',
    );
    const cfg = write('clash.yaml', `seeds:\n  files: [${JSON.stringify(one)}, ${JSON.stringify(two)}]\n`);
    const r = await runCli(['config', 'check', '-c', cfg, '--json']);
    expect(r.code, r.stderr).toBe(2);
    expect(JSON.parse(r.stdout).error.message.split('\n')).toEqual([
      `4 bad lines in ${one}, ${two}:`,
      `id: duplicate seed id "c1" (${one}:3)`,
      `text: the same text as line 2 ${aside} (${one}:4)`,
      `text: the same text as line 1 of ${one}, labelled harmful there ${aside} (${two}:2)`,
      `id: duplicate seed id "c2" (also at line 2 of ${one}) (${two}:3)`,
    ]);
  });

  it('past the clashes spelt out, the rest of several files are numbered with their file', () => {
    const texts = Array.from({ length: 20 }, (_, i) => `What is ${i} plus one?`);
    // (ids of their own: each line is one clash, of its text)
    const seedLines = (file: string, ts: string[]) =>
      ts.map((text, i) => JSON.stringify({ id: `${file}-${i}`, kind: 'benign', text })).join('\n');
    const a = write('many-a.jsonl', seedLines('a', [...texts, texts[0], texts[1]]));
    const b = write('many-b.jsonl', seedLines('b', texts));
    const err = errorOf(() => distinctSeeds([...readSeedsFile(a), ...readSeedsFile(b)]));
    const lines = err.message.split('\n');
    expect(lines[0]).toBe(`22 bad lines in ${a}, ${b}:`);
    expect(lines.slice(1, 4)).toEqual([
      expect.stringMatching(/\(.*many-a\.jsonl:21\)$/),
      expect.stringMatching(/\(.*many-a\.jsonl:22\)$/),
      expect.stringMatching(/\(.*many-b\.jsonl:1\)$/),
    ]);
    // (a bare "lines 19, 20" would not say which file's)
    expect(lines.at(-1)).toBe(`and 2 more (${b}:19, ${b}:20)`);
  });

  it('the same text in two languages, or texts that differ in a symbol, load', () => {
    const seeds = loadSeedsFile(
      write(
        'distinct.jsonl',
        [
          { kind: 'benign', text: 'Taxi?', language: 'en' },
          { kind: 'benign', text: 'Taxi?', language: 'fr' },
          { kind: 'helpful', text: 'What is 6 + 2?', answer: '8' },
          { kind: 'helpful', text: 'What is 6 - 2?', answer: '4' },
        ]
          .map((s) => JSON.stringify(s))
          .join('\n'),
      ),
    );
    expect(seeds).toHaveLength(4);
  });

  it('operators between numbers count (Unicode files - * / % under punctuation); a hyphen joining words does not', () => {
    const ask = (text: string, answer: string) => ({ kind: 'helpful', text, answer });
    const seeds = loadSeedsFile(
      write(
        'operators.jsonl',
        [
          ask('What is 6 - 2?', '4'),
          ask('What is 6 * 2?', '12'),
          ask('What is 6 / 2?', '3'),
          ask('What is 6 2?', '62'),
          ask('What is -5 + 3?', '-2'),
          ask('What is 5 + 3?', '8'),
          ask('What is 50% of 8?', '4'),
          ask('What is 50 of 8?', '?'),
        ]
          .map((s) => JSON.stringify(s))
          .join('\n'),
      ),
    );
    expect(seeds).toHaveLength(8);
    const hyphen = errorOf(() =>
      loadSeedsFile(
        write(
          'hyphen.jsonl',
          '{"kind":"benign","text":"Explain it step-by-step."}\n{"kind":"benign","text":"explain it step by step"}\n',
        ),
      ),
    );
    expect(hyphen.message).toMatch(/^text: the same text as line 1 .*hyphen\.jsonl:2/);
  });
});
