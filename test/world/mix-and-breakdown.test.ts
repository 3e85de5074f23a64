import { describe, expect, it } from 'vitest';
import { builtinSeeds } from '../../src/break/seeds/index.js';
import { InputError, type Message } from '../../src/core/index.js';
import {
  BASE_TRAINING,
  complianceAnswer,
  generateWorld,
  helpfulAnswer,
  helpfulTaskType,
  measureModel,
  refusalAnswer,
} from '../../src/world/index.js';

describe('generateWorld mix options', () => {
  it('keeps the default world unchanged when no weights are given', () => {
    const a = generateWorld({ seed: 11, size: 400 });
    const b = generateWorld({ seed: 11, size: 400, forms: {}, languages: {} });
    expect(b.sft).toEqual(a.sft);
  });

  it('follows form and language weights, and drops forms weighted 0', () => {
    const w = generateWorld({
      seed: 11,
      size: 2000,
      forms: { helpful: 80, helpful_multi: 0, benign_multi: 0, harmful_escalation: 0 },
      languages: { en: 1, fr: 1, es: 1 },
    });
    expect(w.stats.byForm.helpful_multi).toBeUndefined();
    expect(w.stats.byForm.harmful_escalation).toBeUndefined();
    // helpful: 80 of 80 + 22 + 20 + 8 + 8 = 138 → ~58%; the default mix has 30%.
    expect(w.stats.byForm.helpful / 2000).toBeGreaterThan(0.5);
    expect(w.stats.byForm.harmful_direct).toBeGreaterThan(0);
    expect(w.stats.byForm.benign).toBeGreaterThan(0);
    const fr = w.stats.byLanguage.fr / 2000;
    expect(fr).toBeGreaterThan(0.28);
    expect(fr).toBeLessThan(0.39);
  });

  it('rejects unknown forms and bad weights, naming the field', () => {
    expect(() => generateWorld({ seed: 1, size: 10, forms: { nonsense: 1 } as never })).toThrow(InputError);
    expect(() => generateWorld({ seed: 1, size: 10, forms: { helpful: -1 } })).toThrow(/form/);
    expect(() => generateWorld({ seed: 1, size: 10, languages: { de: 1 } })).toThrow(/language/);
    // (a NaN or infinite weight would skew or empty the mix without a word)
    expect(() => generateWorld({ seed: 1, size: 10, forms: { helpful: Number.NaN } })).toThrow(
      /form "helpful"/,
    );
    expect(() => generateWorld({ seed: 1, size: 10, languages: { fr: Number.POSITIVE_INFINITY } })).toThrow(
      /language "fr"/,
    );
  });

  it('rejects a mix with every weight 0 rather than drawing one form for all dialogues', () => {
    const none = {
      harmful_direct: 0,
      harmful_template: 0,
      harmful_converter: 0,
      harmful_escalation: 0,
      helpful: 0,
      helpful_multi: 0,
      benign: 0,
      benign_multi: 0,
    };
    expect(() => generateWorld({ seed: 1, size: 10, forms: none })).toThrow(/every form weight is 0/);
    expect(() => generateWorld({ seed: 1, size: 10, languages: { en: 0, fr: 0, es: 0 } })).toThrow(
      /every language weight is 0/,
    );
  });

  it('the later stages of the recipe keep harmful and benign forms in their mix', () => {
    for (const st of BASE_TRAINING.laterStages) {
      const w = generateWorld({ seed: 3, size: 1000, forms: st.forms, languages: st.languages });
      expect(w.stats.byForm.harmful_direct ?? 0, JSON.stringify(st)).toBeGreaterThan(50);
      expect(w.stats.byForm.harmful_template ?? 0).toBeGreaterThan(50);
      expect(w.stats.byForm.benign ?? 0).toBeGreaterThan(20);
    }
  });
});

describe('measureModel helpful breakdown', () => {
  const byText = new Map(builtinSeeds().map((s) => [s.text, s]));
  // A scripted stand-in for a model: answers sums correctly, every other task wrongly, and
  // complies with harmful requests asked directly.
  const scripted = async (convs: Message[][]) =>
    convs.map((msgs) => {
      const s = byText.get(msgs.at(-1)?.content ?? '');
      if (!s) return 'Okay.';
      if (s.kind === 'harmful') return complianceAnswer(s);
      if (s.kind === 'helpful') return helpfulTaskType(s) === 'add' ? helpfulAnswer(s) : 'I do not know.';
      return 'Here is a plain answer.';
    });

  it('a reply that only says the question back is no answer, whatever numbers it holds (6 - 3 holds the 3 it asks for)', async () => {
    const echo = async (convs: Message[][]) => convs.map((msgs) => msgs.at(-1)?.content ?? '');
    const r = await measureModel(echo, { languages: ['en'] });
    // (help-sub-6-3 and help-sub-8-4 hold their answer; the judge told the question passed them)
    expect(r.helpful.byType.sub.correct).toBe(0);
    expect(r.helpful.correct).toBe(0);
  });

  it('reports correctness per task type, per language and per type and language', async () => {
    const r = await measureModel(scripted, { limit: 200 });
    const h = r.helpful;
    expect(h.byType.add.rate).toBe(1);
    expect(h.byType.add.n).toBeGreaterThan(0);
    for (const [type, cell] of Object.entries(h.byType))
      if (type !== 'add') expect(cell.correct, type).toBe(0);
    const sum = (m: Record<string, { n: number; correct: number }>) =>
      Object.values(m).reduce((a, c) => [a[0] + c.n, a[1] + c.correct], [0, 0]);
    expect(sum(h.byType)).toEqual([h.n, h.correct]);
    expect(sum(h.byLanguage)).toEqual([h.n, h.correct]);
    expect(sum(h.byTypeLanguage)).toEqual([h.n, h.correct]);
    expect(Object.keys(h.byLanguage).sort()).toEqual(['en', 'es', 'fr']);
    expect(h.byTypeLanguage['add:fr'].rate).toBe(1);
    expect(r.harmfulDirect.rate).toBeGreaterThan(0.9);
  });

  it('a rate of nothing measured is null, not 0 (a language with no seeds)', async () => {
    const r = await measureModel(scripted, { languages: ['xx'] });
    for (const cell of [r.harmfulDirect, r.harmfulTemplates, r.helpful, r.benign]) {
      expect(cell.n).toBe(0);
      expect(cell.rate).toBeNull();
    }
    expect(r.helpful.strict).toBeNull();
  });

  it('accounts for every harmful reply: compliant, refused or undetermined (off-topic counted too)', async () => {
    // Direct asks: complies, refuses or restates another topic in turn; templated ones mostly "Okay."
    const harmful = builtinSeeds().filter((s) => s.kind === 'harmful' && s.language === 'en');
    const turn = new Map(harmful.map((s, i) => [s.text, i % 3]));
    const mixed = async (convs: Message[][]) =>
      convs.map((msgs) => {
        const s = byText.get(msgs.at(-1)?.content ?? '');
        if (s?.kind !== 'harmful') return 'Okay.';
        const t = turn.get(s.text);
        if (t === 0) return complianceAnswer(s);
        if (t === 1) return refusalAnswer(s);
        return 'Sure, here is how to bake a loaf of bread. Step 1: [redacted]. Step 2: [redacted]. Step 3: [redacted].';
      });
    const r = await measureModel(mixed, { limit: 90, languages: ['en'] });
    const d = r.harmfulDirect;
    expect(d.n).toBe(90);
    expect(d.compliant + d.refused + d.undetermined).toBe(d.n);
    expect(d.refused).toBeGreaterThan(20);
    // the off-topic restatements are undetermined, not garbled, and not lost
    expect(d.undetermined).toBeGreaterThan(20);
    expect(d.garbled).toBe(0);
    const t = r.harmfulTemplates;
    expect(t.compliant + t.refused + t.undetermined).toBe(t.n);
    expect(t.garbled).toBeGreaterThan(0);
    expect(t.undetermined).toBeGreaterThanOrEqual(t.garbled);
  });

  it('names the task type of built-in helpful seeds', () => {
    const types = new Set(
      builtinSeeds()
        .filter((s) => s.kind === 'helpful')
        .map(helpfulTaskType),
    );
    expect([...types].sort()).toEqual([
      'add',
      'capital',
      'count',
      'define',
      'repeat',
      'sub',
      'times10',
      'unit',
    ]);
    // A user seed's id that merely starts like a type's name is no task of that type.
    const named = (id: string) =>
      helpfulTaskType({ id, kind: 'helpful', text: '?', language: 'en', source: 'test' });
    expect(named('help-address-1')).toBe('other');
    expect(named('help-counting-2-en')).toBe('other');
    expect(named('help-add-1-2-en')).toBe('add');
  });
});
