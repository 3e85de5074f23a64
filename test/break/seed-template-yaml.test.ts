// A user's seed and template files are read as the config file is: YAML nested thousands of levels
// deep is one error naming the line (yaml's composer recurses and ran out of stack), and a classic Mac
// file (lone CR line ends) is read line by line, in YAML and JSONL alike.
import { describe, expect, it } from 'vitest';
import { loadSeedsFile } from '../../src/break/seeds/index.js';
import { loadTemplatesFile } from '../../src/break/templates/index.js';
import { fileWriter, inputErrorOf } from '../helpers/seed-files.js';

const write = fileWriter('bf-seedyaml-');

describe('deeply nested seed and template YAML', () => {
  it('is one error naming the line where it nests too deep, not a stack overflow', () => {
    const brackets = `- kind: benign\n  text: ok\n- kind: benign\n  text: ${'['.repeat(10_000)}\n`;
    const seeds = inputErrorOf(() => loadSeedsFile(write('deep.yaml', brackets)));
    expect(seeds.message).toMatch(/nested deeper than 100 levels/);
    expect(seeds.message).not.toMatch(/call stack/);
    expect(seeds.line).toBe(4);
    const indented = Array.from({ length: 3_000 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n');
    const templates = inputErrorOf(() =>
      loadTemplatesFile(write('deep-t.yaml', `templates:\n${indented}\n`)),
    );
    expect(templates.message).toMatch(/nested deeper than 100 levels/);
    // (k0, unindented, is a key of the top map beside templates: level 1; k_i is level i + 1, so the
    // 101st level is k100's map, on line 102)
    expect(templates.line).toBe(102);
  });

  it('a file nested as deep as a hand-written one reads as before', () => {
    const seeds = loadSeedsFile(write('flat.yaml', '- {kind: benign, text: "a [b] c", tags: [[x]]}\n'));
    expect(seeds.map((s) => s.text)).toEqual(['a [b] c']);
  });
});

describe('seed and template files with classic Mac line ends (lone CR)', () => {
  it('YAML seeds read line by line: a first comment line hides nothing, errors name the editor line', () => {
    const seeds = loadSeedsFile(
      write('mac.yaml', '# my seeds\r- kind: benign\r  text: first\r- kind: benign\r  text: second\r'),
    );
    expect(seeds.map((s) => s.text)).toEqual(['first', 'second']);
    const bad = inputErrorOf(() =>
      loadSeedsFile(
        write('mac-bad.yaml', '# my seeds\r- kind: benign\r  text: ok\r- kind: friendly\r  text: hi\r'),
      ),
    );
    expect([bad.line, bad.field]).toEqual([4, 'kind']);
  });

  it('JSONL seeds end a line at a lone CR, as the dataset and label readers do', () => {
    const seeds = loadSeedsFile(
      write('mac.jsonl', '{"kind":"benign","text":"one"}\r{"kind":"benign","text":"two"}\r'),
    );
    expect(seeds.map((s) => s.text)).toEqual(['one', 'two']);
    const bad = inputErrorOf(() =>
      loadSeedsFile(write('mac-bad.jsonl', '{"kind":"benign","text":"one"}\r{"kind":"benign","text":\r')),
    );
    expect(bad.message).toMatch(/not valid JSON/);
    expect(bad.line).toBe(2);
  });

  it('templates read line by line', () => {
    const t = loadTemplatesFile(
      write(
        'mac-t.yaml',
        '# mine\rtemplates:\r  - id: t1\r    family: f\r    description: d\r    text: "x {prompt}"\r',
      ),
    );
    expect(t.map((x) => x.id)).toEqual(['t1']);
  });
});
