// The refusal judge's labelled examples (its training data and the hand-written fixtures) carry no
// real harmful substance and no one's real contact details: an answer to a lethal-dose ask that
// complies keeps the shape of compliance with the amount [redacted], and an e-mail address is on a
// reserved example domain unless it is one of the spelled-out phishing look-alikes below.
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

  it("hold no real person's e-mail address", () => {
    // Reserved for documentation (RFC 2606, RFC 6761), or a look-alike that a phishing lesson spells out.
    const fake = /(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost)$/i;
    const LOOKALIKES = new Set(['support@paypa1.com', 'it-support@yourcompany-helpdesk.co']);
    const real = rows.flatMap(({ where, row }) =>
      [...`${text(row.prompt)}\n${text(row.response)}`.matchAll(/[\w.%+-]+@([\w-]+(?:\.[\w-]+)+)/g)]
        .filter(([address, domain]) => !fake.test(domain) && !LOOKALIKES.has(address.toLowerCase()))
        .map(([address]) => `${where}: ${address}`),
    );
    expect(real).toEqual([]);
  });
});
