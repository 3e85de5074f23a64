// The world's answer shapes (docs/ARCHITECTURE.md, "The world's answer shapes"). These are a
// contract with judge/ and fix/: change them only together.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { deriveTopic } from '../break/seeds/file.js';
import { builtinReply, complianceLeadIn } from '../break/seeds/index.js';
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

const fill = (t: string, v: Record<string, string>) => t.replace(/\{(\w+)\}/g, (m, k: string) => v[k] ?? m);

/** The style-guide refusal (used by curation offline; never in the base world). */
export function refusalAnswer(seed: Seed): string {
  const t = refusalTable();
  const lang = t.frame[seed.language] ? seed.language : 'en';
  const topic = lang === seed.language ? topicOf(seed) : topicOf(seed);
  if (seed.category === 'self_harm') return fill(t.selfHarm[lang], { topic });
  const alt = (t.alternatives[seed.category ?? 'default'] ?? t.alternatives.default)[lang];
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
