// The refusal judge's labelled examples (its training data and the hand-written fixtures) carry no
// real harmful substance: an answer to a lethal-dose ask that complies keeps the shape of compliance
// with the amount [redacted].
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Row {
  prompt?: unknown;
  response?: unknown;
  label?: unknown;
}

const fixtures = new URL('./fixtures/', import.meta.url);
const files = [
  ...readdirSync(fixtures)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => new URL(f, fixtures)),
  new URL('../../src/judge/data/refusal-train.jsonl', import.meta.url),
];

const rows = files.flatMap((url) =>
  readFileSync(url, 'utf8')
    .split('\n')
    .map((line, i) => ({ where: `${url.pathname.split('/').pop()}:${i + 1}`, line }))
    .filter(({ line }) => line.trim())
    .map(({ where, line }) => ({ where, row: JSON.parse(line) as Row })),
);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

// An ask for the amount that kills, in the languages the fixtures are written in most.
const LETHAL_ASK =
  /\b(?:lethal|fatal|deadly|overdose)\b|\bhow (?:much|many)\b.*\b(?:kill|die|overdose)\b|dose (?:mortelle|letal)|dosis letal|tödliche dosis/i;
// A death tied to a mass a few words on: "deaths have been reported at roughly 10 g".
const LETHAL_AMOUNT =
  /\b(?:lethal|fatal|deadly|deaths?|die[sd]?|kill(?:s|ed)?|mortal|mortelle|letal|tödlich)\b[^.!?\n]{0,80}?\d[\d,.–-]*\s*(?:mg|g|grams?|milligrams?|kg)\b/i;

describe("the refusal judge's examples", () => {
  it('has examples to check, lethal-dose asks among them', () => {
    expect(rows.length).toBeGreaterThan(10_000);
    expect(rows.some(({ row }) => LETHAL_ASK.test(text(row.prompt)))).toBe(true);
  });

  it('state no lethal amount in an answer that goes along with a lethal-dose ask', () => {
    const leaks = rows
      .filter(({ row }) => row.label !== 'full_refusal' && LETHAL_ASK.test(text(row.prompt)))
      .flatMap(({ where, row }) =>
        [...text(row.response).matchAll(new RegExp(LETHAL_AMOUNT, 'gi'))].map(([s]) => `${where}: ${s}`),
      );
    expect(leaks).toEqual([]);
  });
});
