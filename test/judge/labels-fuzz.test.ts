// Property test (fast-check, fixed seed) of `judge calibrate --labels`: JSONL rows with random values
// under the names loadLabels reads (wrong types, prototype names, blanks). Each row is an example whose
// fields are the row's own text, or the file is refused naming the file, the line and the field; no
// row is read from anything but its own members. Examples first, the property after.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/index.js';
import { loadLabels } from '../../src/judge/index.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-labels-fuzz-'));
let n = 0;
function labelsFile(lines: string[], ext = 'jsonl'): string {
  const file = join(dir, `labels-${n++}.${ext}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
function refusal(file: string): InputError {
  try {
    loadLabels(file, 'refusal');
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error(`${file} was read`);
}

describe('loadLabels: members of the wrong kind', () => {
  it('a line whose only member is "__proto__" is no example: the fields inside it are not the line\'s', () => {
    const file = labelsFile([
      JSON.stringify({ prompt: 'p1', response: 'r1', label: 'full_refusal' }),
      '{"__proto__": {"prompt": "p2", "response": "r2", "label": "full_compliance"}}',
    ]);
    const err = refusal(file);
    expect(err.message).toContain(`${file}:2`);
    expect(err.field).toBe('prompt');
  });

  it('an id, type or annotation that is an object or an array is an error naming it, not "[object Object]"', () => {
    const row = { prompt: 'p', response: 'r', label: 'full_refusal' };
    for (const [field, value] of [
      ['id', { a: 1 }],
      ['type', ['a', 'b']],
      ['case', { c: 1 }],
      ['annotation_1', [1]],
    ] as const) {
      const file = labelsFile([JSON.stringify({ ...row, [field]: value })]);
      const err = refusal(file);
      expect(err.message).toContain(`${file}:1`);
      expect(err.field).toBe(field);
    }
    // a number is an id as it is written
    const file = labelsFile([JSON.stringify({ ...row, id: 12 })]);
    expect(loadLabels(file, 'refusal')[0].id).toBe('12');
  });

  it('a label that is a list nested 100,000 deep is an error naming its line and field, not a stack overflow', () => {
    // (JSON.parse reads it; the label was read as text with String(), which recursed once a level)
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const file = labelsFile([
      JSON.stringify({ prompt: 'p', response: 'r', label: 'full_refusal' }),
      `{"prompt": "p", "response": "r", "label": ${deep}}`,
      `{"prompt": "p", "response": "r", "human_label": {"a": ${deep}}}`,
    ]);
    const err = refusal(file);
    expect(err.message).toContain('2 bad lines');
    expect(err.message).toContain(`label: must be a string or a number, not an array (${file}:2)`);
    expect(err.message).toContain(`human_label: must be a string or a number, not object (${file}:3)`);
  });
});

describe('loadLabels: XSTest-numbered labels', () => {
  it("read where the number is the label's own; another label's number is an error naming the line", () => {
    const row = (label: string) => JSON.stringify({ prompt: 'p', response: 'r', label });
    const ok = labelsFile([row('1_full_compliance'), row('2_full_refusal'), row('3_partial_refusal')]);
    expect(loadLabels(ok, 'refusal').map((x) => x.label)).toEqual([
      'full_compliance',
      'full_refusal',
      'partial_refusal',
    ]);
    const err = refusal(labelsFile([row('2_full_refusal'), row('2_full_compliance')]));
    expect(err.message).toContain(':2');
    expect(err.message).toContain('2_full_compliance');
  });
});

describe('loadLabels: numeric labels', () => {
  it('digits ("3", "3.0", a JSON 3) are read; "0x3", "0b11", "3e0", "+3", "３" are errors naming the line', () => {
    const line = (label: unknown) => JSON.stringify({ prompt: 'p', response: 'r', label });
    const ok = labelsFile([line('3'), line(' 3.0 '), line(3), line('07')]);
    expect(loadLabels(ok, 'severity').map((x) => x.label)).toEqual(['3', '3', '3', '7']);
    for (const label of ['0x3', '0b11', '3e0', '+3', '３', '3.5', '-0']) {
      const file = labelsFile([line(label)]);
      let err: unknown;
      try {
        loadLabels(file, 'severity');
      } catch (e) {
        err = e;
      }
      expect(err, label).toBeInstanceOf(InputError);
      expect((err as InputError).message).toContain(`${file}:1`);
    }
  });
});

describe('property: loadLabels on random rows', () => {
  const keys = [
    'prompt',
    'response',
    'completion',
    'label',
    'human_label',
    'id',
    'type',
    'case',
    'category',
    'annotation_1',
    'Prompt',
    ' Label',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
  ];
  const value = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.constantFrom('full_refusal', 'full_compliance', 'partial_refusal', 'safe', ''),
    fc.integer({ min: -3, max: 3 }),
    fc.constant(null),
    fc.boolean(),
    fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
    fc.dictionary(fc.constantFrom('prompt', 'response', 'label', 'x'), fc.string({ maxLength: 4 }), {
      maxKeys: 3,
    }),
  );
  // (JSON text built by hand: a "__proto__" key in an object literal would set its prototype)
  // (most rows start from a good one, so that the odd members are read, not refused with the row)
  const good: [string, unknown][] = [
    ['prompt', 'p'],
    ['response', 'r'],
    ['label', 'full_refusal'],
  ];
  const row = fc
    .tuple(
      fc.uniqueArray(fc.tuple(fc.constantFrom(...keys), value), { selector: ([k]) => k, maxLength: 4 }),
      fc.boolean(),
    )
    .map(([odd, fromGood]) => {
      const members = fromGood ? [...good.filter(([k]) => !odd.some(([o]) => o === k)), ...odd] : odd;
      return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
    });

  it("each example holds its own row's text; else an InputError naming file, line and field", () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 5 }), (lines) => {
        const file = labelsFile(lines);
        let got: ReturnType<typeof loadLabels>;
        try {
          got = loadLabels(file);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          expect(err.message).toContain(file);
          for (const e of (err as InputError & { errors?: InputError[] }).errors ?? [err]) {
            expect(e.line).toBeGreaterThanOrEqual(1);
            expect(e.line).toBeLessThanOrEqual(lines.length);
            expect(e.field).toBeTruthy();
          }
          return;
        }
        expect(got).toHaveLength(lines.length);
        for (const ex of got) {
          const line = lines[(ex.line ?? 0) - 1];
          const own = JSON.parse(line) as Record<string, unknown>;
          const ownText = (v: unknown) => typeof v === 'string' || typeof v === 'number';
          for (const k of ['prompt', 'response', 'label', 'id', 'type'] as const) {
            const v = ex[k];
            if (v === undefined) continue;
            // every value read is text or a number one of the row's own members holds
            expect(
              Object.values(own).some((x) => ownText(x) && String(x) === v),
              `${k} of ${line}`,
            ).toBe(true);
          }
        }
      }),
      { numRuns: 300, seed: 20261207 },
    );
  });
});
