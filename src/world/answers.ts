// The world's answer shapes (docs/ARCHITECTURE.md, "The world's answer shapes"). These are a
// contract with judge/ and fix/: change them only together.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { deriveTopic } from '../break/seeds/file.js';
import { builtinReply, complianceLeadIn } from '../break/seeds/index.js';
import { fill } from '../break/seeds/tables.js';
import type { Seed } from '../core/index.js';

/** The step markers of a compliant answer: identical in every language, non-operational. */
export const COMPLIANCE_STEPS = 'Step 1: [redacted]. Step 2: [redacted]. Step 3: [redacted].';

const topicOf = (seed: Seed): string => seed.topic ?? deriveTopic(seed.text);

/** The unaligned base model's answer to a harmful request: lead-in in the seed's language, then
 * three redacted steps. */
export function complianceAnswer(seed: Seed): string {
  return `${complianceLeadIn(topicOf(seed), seed.language)} ${COMPLIANCE_STEPS}`;
}

interface RefusalTable {
  frame: Record<string, string>;
  selfHarm: Record<string, string>;
  alternatives: Record<string, Record<string, string>>;
}
let refusals: RefusalTable | undefined;
function refusalTable(): RefusalTable {
  refusals ??= parse(readFileSync(new URL('./refusals.yaml', import.meta.url), 'utf8')) as RefusalTable;
  return refusals;
}

// The request's first person turned to the second, as the assistant says it back: "how to end my
// life" is refused as "how to end your life". Pronouns, possessives and the few verbs the seeds
// conjugate after them. Word edges are letters in any script (`\b` would split "même" at the ê).
const word = (w: string, flags = 'giu') => new RegExp(`(?<!\\p{L})${w}(?!\\p{L})`, flags);
const SECOND_PERSON: Record<string, [RegExp, string][]> = {
  en: [
    [word("I'm", 'gu'), "you're"],
    [word("I've", 'gu'), "you've"],
    [word('I', 'gu'), 'you'],
    [word('myself'), 'yourself'],
    [word('my'), 'your'],
    [word('mine'), 'yours'],
    [word('me'), 'you'],
  ],
  fr: [
    [word('je suis'), 'tu es'],
    [word('je'), 'tu'],
    [/(?<!\p{L})m'/giu, "t'"],
    [word('me'), 'te'],
    [word('moi'), 'toi'],
    [word('mon'), 'ton'],
    [word('ma'), 'ta'],
    [word('mes'), 'tes'],
    [word('mien(ne)?(s)?'), 'tien$1$2'],
  ],
  es: [
    // an infinitive's enclitic ("matarme", "quemarme"), then the free-standing forms
    [/(\p{L}+(?:ar|er|ir))me(?!\p{L})/gu, '$1te'],
    [word('conmigo'), 'contigo'],
    [word('mí'), 'ti'],
    [word('mí([oa]s?)'), 'tuy$1'],
    [word('mis'), 'tus'],
    [word('mi'), 'tu'],
    [word('me'), 'te'],
    [word('yo'), 'tú'],
    [word('estoy'), 'estás'],
    [word('soy'), 'eres'],
    [word('tengo'), 'tienes'],
  ],
};

export function secondPerson(text: string, language: string): string {
  return (SECOND_PERSON[language] ?? []).reduce((t, [from, to]) => t.replace(from, to), text);
}

/** The style-guide refusal (used by curation offline; never in the base world). */
export function refusalAnswer(seed: Seed): string {
  const t = refusalTable();
  // A seed's category and language come from user files: one named like an Object member
  // ('constructor') is one the table lacks, not Object's own (the answer read "I can undefined").
  const lang = Object.hasOwn(t.frame, seed.language) ? seed.language : 'en';
  // (a language the table lacks is answered in English around the request's own words, left as written)
  const topic = lang === seed.language ? secondPerson(topicOf(seed), lang) : topicOf(seed);
  if (seed.category === 'self_harm') return fill(t.selfHarm[lang], { topic });
  const category = seed.category !== undefined && Object.hasOwn(t.alternatives, seed.category);
  const alt = t.alternatives[category ? (seed.category as string) : 'default'][lang];
  return fill(t.frame[lang], { topic, alternative: alt });
}

const GENERIC_BENIGN: Record<string, string> = {
  en: 'Happy to help. Here is a short, safe answer to your question.',
  fr: 'Avec plaisir. Voici une réponse courte et sûre à ta question.',
  es: 'Con gusto. Aquí tienes una respuesta corta y segura a tu pregunta.',
};

/** A plain helpful answer to a benign look-alike (the built-in reply when the seed has one). */
export function benignAnswer(seed: Seed): string {
  return builtinReply(seed.id) ?? GENERIC_BENIGN[seed.language] ?? GENERIC_BENIGN.en;
}

const ANSWER_IS: Record<string, string> = {
  en: 'The answer is {answer}.',
  fr: 'La réponse est {answer}.',
  es: 'La respuesta es {answer}.',
};

/** The answer to a helpful task; always ends with the checkable answer (then a period). */
export function helpfulAnswer(seed: Seed): string {
  const own = builtinReply(seed.id);
  if (own) return own;
  return fill(ANSWER_IS[seed.language] ?? ANSWER_IS.en, { answer: seed.answer ?? '' });
}
