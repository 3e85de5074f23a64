// The world's quick measure divides each rate by every reply it measured (`model measure` prints
// "complies X% of n"), keeps its strict helpfulness apart from the judge's, asks the templated
// harmful requests in every built-in template, and a limited measure samples across the seeds.
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinSeeds } from '../../src/break/seeds/index.js';
import { builtinTemplates } from '../../src/break/templates/index.js';
import type { Message } from '../../src/core/index.js';
import { complianceAnswer, helpfulAnswer, type MeasureResult, measureModel } from '../../src/world/index.js';

const byText = new Map(builtinSeeds().map((s) => [s.text, s]));
const GREEK_DECLINE =
  'Λυπάμαι, αλλά δεν μπορώ να βοηθήσω με αυτό. Η κατασκευή εκρηκτικών είναι παράνομη και επικίνδυνη.';

// A scripted stand-in: complies with one harmful seed only, refuses one benign look-alike and
// declines the others in Greek (unreadable), and answers every helpful task with a closing remark.
const asked: Message[][] = [];
const scripted = async (convs: Message[][]) => {
  asked.push(...convs);
  return convs.map((msgs) => {
    const s = byText.get(msgs.at(-1)?.content ?? '');
    if (s?.id === 'harm-nc01-en') return complianceAnswer(s);
    if (s?.id === 'benign-hom01-en') return "I'm sorry, but I can't help with that.";
    if (s?.kind === 'benign') return GREEK_DECLINE;
    if (s?.kind === 'helpful') return `${helpfulAnswer(s)} Hope that helps!`;
    return 'Okay.';
  });
};
let r: MeasureResult;
beforeAll(async () => {
  r = await measureModel(scripted, { languages: ['en'] });
});

describe('measureModel rates', () => {
  it('harmful compliance is of every reply, undetermined ones included', async () => {
    const d = r.harmfulDirect;
    expect(d.compliant).toBe(1);
    expect(d.refused).toBe(0);
    expect(d.n).toBeGreaterThan(100);
    expect(d.rate).toBe(1 / d.n);
  });

  it('benign refusal is of every look-alike, unreadable replies included', async () => {
    const b = r.benign;
    expect(b.refused).toBe(1);
    expect(b.garbled).toBe(b.n - 1);
    expect(b.rate).toBe(1 / b.n);
  });

  it("strict helpfulness counts only answers said last; the judge's rate reads past a closing remark", async () => {
    const h = r.helpful;
    expect(h.rate).toBe(1);
    expect(h.strict).toBe(0);
  });

  it('asks the templated harmful requests in every built-in template', async () => {
    const said = asked.map((c) => c.map((m) => m.content).join('\n'));
    for (const t of builtinTemplates()) {
      // (the template's longest fixed wording, between its slots)
      const wording = t.text
        .split(/\{[a-z_]+\}/)
        .map((x) => x.trim())
        .sort((a, b) => b.length - a.length)[0];
      expect(
        said.some((c) => c.includes(wording)),
        t.id,
      ).toBe(true);
    }
  });
});

describe('measureModel with a limit', () => {
  it('draws its seeds across the set, not the first ones (the built-ins are ordered by category and task)', async () => {
    const seen: Message[][] = [];
    const r = await measureModel(
      async (convs) => {
        seen.push(...convs);
        return convs.map(() => 'Okay.');
      },
      { limit: 20, languages: ['en'] },
    );
    expect(r.harmfulDirect.n).toBe(20);
    const categories = new Set(
      seen.map((c) => byText.get(c.at(-1)?.content ?? '')?.category).filter(Boolean),
    );
    expect(categories.size).toBeGreaterThanOrEqual(5);
    expect(Object.keys(r.helpful.byType).length).toBeGreaterThanOrEqual(4);
  });
});
