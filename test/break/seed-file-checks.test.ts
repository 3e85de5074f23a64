// A user's seed file is checked where a mistake in it would be counted wrong later: each mistake is
// an InputError naming the file, line and field, and the file loads nothing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSeedsFile } from '../../src/break/seeds/index.js';
import { InputError } from '../../src/core/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-seedcheck-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const errorOf = (fn: () => unknown): InputError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
};

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
});
