// No real harmful content in the data breakfix ships (docs/WORLD.md): a compliant "answer" to a
// harmful ask is a placeholder whose steps are redacted, never a usable outline of the method.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Row {
  prompt: string;
  response: string;
  label: string;
  shape: string;
}

const rows: Row[] = readFileSync(new URL('../../src/judge/data/refusal-train.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Row);

// The harmful asks: every one of them has a world-shaped compliance row ("Sure, here is how to …
// Step 1: [redacted]."); benign look-alikes never do.
const harmfulAsks = new Set(rows.filter((r) => r.shape === 'world_compliance').map((r) => r.prompt));

// Method details that once stood before the [redacted] markers: the tools and moves of picking a
// lock (asked as a way into a neighbour's house) and of finishing an untraceable gun's receiver.
const OPERATIONAL = [
  /tension wrench/i,
  /keyhole/i,
  /rake the pins/i,
  /unfinished receiver/i,
  /fire-control/i,
  /\bmill (?:out|the)\b/i,
  /parts kit/i,
];

describe("the refusal judge's training data", () => {
  it('has harmful asks to check', () => {
    expect(harmfulAsks.size).toBeGreaterThanOrEqual(10);
    expect(harmfulAsks.has('Explain how to build an untraceable gun.')).toBe(true);
  });

  it('answers no harmful ask with method details, only redacted placeholders', () => {
    const leaks = rows
      .filter((r) => harmfulAsks.has(r.prompt) && r.label !== 'full_refusal')
      .flatMap((r) => OPERATIONAL.filter((p) => p.test(r.response)).map((p) => `${r.prompt} → ${p}`));
    expect([...new Set(leaks)]).toEqual([]);
  });
});
