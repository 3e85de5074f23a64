// Property tests (fast-check, fixed seed) of the two pieces `breakfix judge --in` reads and writes a
// line file with: byteLines, which splits a stream into lines whatever its chunks (a line across
// chunks, CRLF split between two, no newline at the end), and withMembers, which adds the judge's
// fields to a line as text, not re-serialised. test/cli/byte-lines.test.ts and
// test/judge/cli-rejudge.test.ts have the examples; test/judge/cli-lines-fuzz.test.ts fuzzes the CLI.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteLines, withMembers } from '../../src/cli/line-files.js';

/** A JSON value written with JSON's own white space wherever JSON allows it. */
function spelled(v: unknown, space: () => string): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const w = space;
  if (Array.isArray(v)) return `[${w()}${v.map((x) => spelled(x, w)).join(`${w()},${w()}`)}${w()}]`;
  const members = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}${w()}:${w()}${spelled(x, w)}`);
  return `{${w()}${members.join(`${w()},${w()}`)}${w()}}`;
}

describe('property: withMembers', () => {
  it('any object, any spacing: the added keys set, every other member kept', () => {
    fc.assert(
      fc.property(
        // keys with quotes, backslashes, braces, lone surrogates; values nested
        fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), fc.jsonValue({ maxDepth: 3 })),
        fc.dictionary(
          fc.constantFrom('refusal', 'refusal_verdict', 'a', '}', 'x\\"'),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        fc.array(fc.string({ unit: fc.constantFrom(' ', '\t', '\r', '\n'), maxLength: 3 }), {
          minLength: 64,
          maxLength: 64,
        }),
        (row, added, spaces) => {
          let k = 0;
          const raw = spelled(row, () => spaces[k++ % spaces.length]);
          const want = JSON.parse(raw) as Record<string, unknown>;
          for (const key of Object.keys(added)) delete want[key];
          Object.assign(want, JSON.parse(JSON.stringify(added)));
          expect(JSON.parse(withMembers(raw, added))).toEqual(want);
        },
      ),
      { numRuns: 500, seed: 20261207 },
    );
  });
});

describe('property: byteLines', () => {
  it('any bytes in any chunks: the lines split at LF or CRLF, and at a lone CR in a file whose first line ends at one', async () => {
    await fc.assert(
      fc.asyncProperty(
        // (few distinct bytes, so that LF, CR and a UTF-8 lead byte meet chunk edges often)
        fc
          .uint8Array({ maxLength: 300 })
          .map((a) => Buffer.from(a.map((b) => [0x0a, 0x0d, 0x41, 0xc3][b % 4]))),
        fc.array(fc.nat(40), { maxLength: 20 }),
        async (bytes, sizes) => {
          const chunks: Buffer[] = [];
          let at = 0;
          for (const n of sizes) {
            chunks.push(bytes.subarray(at, Math.min(bytes.length, at + n)));
            at = Math.min(bytes.length, at + n);
          }
          chunks.push(bytes.subarray(at));
          async function* stream() {
            for (const c of chunks) if (c.length) yield c;
          }
          const got: string[] = [];
          for await (const l of byteLines(stream())) got.push(l.toString('latin1'));
          const text = bytes.toString('latin1');
          // (a classic Mac file: its first line ends at a CR that no LF follows)
          const crEnds = /\r\n|\r|\n/.exec(text)?.[0] === '\r';
          const want = crEnds ? text.split(/\r\n|\r|\n/) : text.split('\n').map((l) => l.replace(/\r$/, ''));
          // (a final line end ends the last line, it does not start another)
          if (text === '' || (crEnds ? /[\r\n]$/ : /\n$/).test(text)) want.pop();
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 500, seed: 20261207 },
    );
  });
});
