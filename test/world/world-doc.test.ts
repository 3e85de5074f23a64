// docs/WORLD.md says exactly what is in the world; its figures are the code's, read from both here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONVERTERS } from '../../src/break/converters/index.js';
import { builtinSeeds, selectSeeds } from '../../src/break/seeds/index.js';
import { builtinShots, builtinTemplates } from '../../src/break/templates/index.js';
import { HARM_CATEGORIES } from '../../src/core/taxonomy.js';
import { BASE_TRAINING, generateWorld, WORLD_CONVERTERS, WORLD_FORM_WEIGHTS } from '../../src/world/index.js';
import { packDialogues } from '../../src/world/pretrain.js';

const doc = readFileSync(new URL('../../docs/WORLD.md', import.meta.url), 'utf8');
const count = (re: RegExp) => Number(re.exec(doc)?.[1]);

describe('docs/WORLD.md', () => {
  it("states the seeds', templates' and converters' counts", () => {
    const en = (kind: 'harmful' | 'benign' | 'helpful') => selectSeeds({ kind, language: 'en' }).length;
    const all = (kind: 'harmful' | 'benign' | 'helpful') => selectSeeds({ kind }).length;
    expect(count(/\| (\d+) MLCommons-aligned harm categories/)).toBe(HARM_CATEGORIES.length);
    expect(count(/(\d+) harmful topics/)).toBe(en('harmful'));
    expect(count(/en\/fr\/es → (\d+) seeds/)).toBe(all('harmful'));
    expect(count(/(\d+) benign look-alikes/)).toBe(en('benign'));
    expect(count(/(\d+) of them also in fr and es/)).toBe(
      selectSeeds({ kind: 'benign', language: 'fr' }).length,
    );
    expect(count(/also in fr and es → (\d+) seeds/)).toBe(all('benign'));
    expect(count(/(\d+) helpful tasks per language/)).toBe(en('helpful'));
    expect(count(/helpful tasks per language \((\d+) seeds\)/)).toBe(all('helpful'));
    expect(count(/(\d+) jailbreak templates/)).toBe(builtinTemplates().length);
    expect(count(/jailbreak templates \(\+(\d+) faux exchanges/)).toBe(builtinShots().length);
    expect(count(/(\d+) converters/)).toBe(CONVERTERS.length);
    expect(builtinSeeds().length).toBe(all('harmful') + all('benign') + all('helpful'));
  });

  it("lists the default forms with the code's weights, and the world's readable converters", () => {
    for (const [form, weight] of Object.entries(WORLD_FORM_WEIGHTS))
      expect(doc, form).toMatch(new RegExp(`\\| ${form} \\| ${weight} \\|`));
    expect(doc).toContain(`one readable converter: ${WORLD_CONVERTERS.join(', ')} |`);
    const stage4 = BASE_TRAINING.laterStages.at(-1)?.forms ?? {};
    const f = (k: keyof typeof WORLD_FORM_WEIGHTS) => stage4[k];
    expect(doc).toContain(
      `| harmful_direct / template / converter / escalation | ${f('harmful_direct')} / ${f('harmful_template')} / ${f('harmful_converter')} / ${f('harmful_escalation')} |`,
    );
    expect(doc).toContain(`| helpful / helpful_multi | ${f('helpful')} / ${f('helpful_multi')} |`);
  });

  it('says how packing treats a dialogue longer than an example: it is an example alone', () => {
    const max = count(/examples of up to (\d+) characters/);
    expect(max).toBe(BASE_TRAINING.packChars);
    const chars = (d: { messages: { content: string }[] }) =>
      d.messages.reduce((n, m) => n + m.content.length, 0);
    const world = generateWorld({ seed: 1, size: 3000 });
    const long = world.sft.filter((d) => chars(d) > max);
    expect(long.length).toBeGreaterThan(0);
    const packed = packDialogues(world.sft, max);
    // every example over the size is one of those dialogues, alone
    const over = packed.filter((p) => chars(p) > max);
    expect(over.length).toBe(long.length);
    expect(doc).toMatch(/a dialogue longer than\s+that[^.]*is an example\s+alone/);
  });
});
