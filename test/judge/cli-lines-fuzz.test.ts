// Property test (fast-check, fixed seed) of `breakfix judge refusal --in FILE`, the real CLI in one
// child process per generated file: lines that are good JSON objects (odd spacing, escapes, lone
// surrogate escapes, duplicate keys, CRLF) among broken ones (invalid UTF-8, a NUL, truncated JSON,
// arrays, numbers, prompts of the wrong type). Every good line is judged into OUT, in order, its own
// text kept; every bad line is named as skipped with its line number; blank lines are passed over;
// nothing else is printed but the summary, and the exit is 2 when a line was skipped, else 0.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeFile } from './helpers.js';

/** A line, and whether it is one a judge reads (decided here, not by the code under test). */
function classify(bytes: Buffer, first: boolean): 'good' | 'bad' | 'blank' {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return 'bad';
  }
  if (first && text.startsWith('\uFEFF')) text = text.slice(1);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (!text.trim()) return 'blank';
  try {
    const v = JSON.parse(text);
    return v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      typeof v.prompt === 'string' &&
      typeof v.response === 'string'
      ? 'good'
      : 'bad';
  } catch {
    return 'bad';
  }
}

const text = fc.string({ unit: fc.constantFrom(...'ab "\\\t\u00e9\u{1F600}\u2028<'), maxLength: 10 });
/** A good line, in one of several spellings. */
const goodLine = (id: number) =>
  fc
    .tuple(text, text, fc.constantFrom('plain', 'spaced', 'dupkey', 'surrogate', 'crlf', 'extra'))
    .map(([p, r, how]) => {
      const o = { id, prompt: `p ${p}`, response: r };
      const s =
        how === 'spaced'
          ? ` {  "id" : ${id} ,\t"prompt" : ${JSON.stringify(o.prompt)} , "response":${JSON.stringify(r)} }  `
          : how === 'dupkey'
            ? `{"id":${id},"prompt":5,"prompt":${JSON.stringify(o.prompt)},"response":${JSON.stringify(r)}}`
            : how === 'surrogate'
              ? `{"id":${id},"prompt":"p \\ud800 ${p.replace(/["\\]/g, '')}","response":${JSON.stringify(r)}}`
              : how === 'crlf'
                ? `${JSON.stringify(o)}\r`
                : how === 'extra'
                  ? JSON.stringify({ ...o, refusal_verdict: 1, nested: { a: [1, { b: '}' }] } })
                  : JSON.stringify(o);
      return Buffer.from(s);
    });
/** A broken line. */
const badLine = (id: number) =>
  fc
    .tuple(
      text,
      fc.nat(60),
      fc.constantFrom('utf8', 'nul', 'cut', 'array', 'number', 'typed', 'null', 'missing'),
    )
    .map(([p, at, how]) => {
      const s = JSON.stringify({ id, prompt: `p ${p}`, response: 'r' });
      const b = Buffer.from(s);
      const cutAt = 1 + (at % (b.length - 1));
      if (how === 'utf8')
        return Buffer.concat([b.subarray(0, cutAt), Buffer.from([0xc3]), b.subarray(cutAt)]);
      if (how === 'nul') return Buffer.concat([b.subarray(0, cutAt), Buffer.from([0]), b.subarray(cutAt)]);
      if (how === 'cut') return b.subarray(0, cutAt);
      if (how === 'array') return Buffer.from(`[${s}]`);
      if (how === 'number') return Buffer.from(String(id));
      if (how === 'typed') return Buffer.from(JSON.stringify({ id, prompt: [p], response: 'r' }));
      if (how === 'null') return Buffer.from('null');
      return Buffer.from(JSON.stringify({ id, response: 'r' }));
    });
const lineArb = (id: number) =>
  fc.oneof(
    goodLine(id),
    badLine(id),
    fc.constantFrom(Buffer.from(''), Buffer.from('  \t'), Buffer.from('\r')),
  );

describe('property: judge --in over good, broken and blank lines', () => {
  it('good lines judged in order with their text kept, bad lines named, the exit code says which', async () => {
    const files = fc.sample(
      fc
        .integer({ min: 20, max: 50 })
        .chain((n) => fc.tuple(goodLine(1), ...Array.from({ length: n }, (_, i) => lineArb(i + 2)))),
      { numRuns: 3, seed: 20261207 },
    );
    for (const [f, lines] of files.entries()) {
      // (the first file's first line starts with a byte-order mark: what Notepad writes)
      const bom = f === 0;
      const dir = mkdtempSync(join(tmpdir(), 'judge-lines-fuzz-'));
      const body = Buffer.concat(
        lines.flatMap((b, i) => [i ? Buffer.from('\n') : Buffer.from(bom ? '\uFEFF' : ''), b]),
      );
      writeFileSync(join(dir, 'in.jsonl'), Buffer.concat([body, Buffer.from('\n')]));
      const kinds = lines.map((b, i) =>
        classify(i === 0 && bom ? Buffer.concat([Buffer.from('\uFEFF'), b]) : b, i === 0),
      );
      // (each file holds both, so neither half of the property holds for want of lines)
      expect(kinds).toContain('good');
      expect(kinds).toContain('bad');
      const r = await judgeFile('refusal', dir, 'offline');
      const bad = kinds.flatMap((k, i) => (k === 'bad' ? [i + 1] : []));
      const good = kinds.flatMap((k, i) => (k === 'good' ? [i] : []));
      expect(r.code, r.stderr).toBe(bad.length ? 2 : 0);
      const skipped = [...r.stderr.matchAll(/in\.jsonl:(\d+): skipped: /g)].map((m) => Number(m[1]));
      expect(skipped).toEqual(bad);
      expect(r.stderr).not.toMatch(/TypeError|RangeError|looks like a bug|at .*\.ts:\d+/);
      const out = readFileSync(join(dir, 'out.jsonl'), 'utf8').split('\n').filter(Boolean);
      expect(out).toHaveLength(good.length);
      for (const [j, i] of good.entries()) {
        const written = JSON.parse(out[j]) as Record<string, unknown>;
        const own = JSON.parse(lines[i].toString('utf8').replace(/^\uFEFF/, ''));
        for (const k of ['id', 'prompt', 'response']) expect(written[k], out[j]).toEqual(own[k]);
        expect(written.refusal_verdict, out[j]).toMatchObject({
          status: expect.stringMatching(/^(ok|undetermined|error)$/),
        });
      }
    }
  });
});
