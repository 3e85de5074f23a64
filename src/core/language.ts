// Language tags as files write them ("EN", "pt-br", "en "): one spelling per language, so that a
// slice by language or a seed's language never splits one language in two.

/** The BCP 47 canonical form of a tag ("EN" → "en", "pt-br" → "pt-BR"); a string that is no
 * well-formed tag is kept as written, trimmed. */
export function languageTag(raw: string): string {
  const tag = raw.trim();
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? tag;
  } catch {
    return tag;
  }
}

/** Whether `raw` is one well-formed BCP 47 tag (spaces around it aside). */
export function isLanguageTag(raw: string): boolean {
  try {
    return Intl.getCanonicalLocales(raw.trim()).length === 1;
  } catch {
    return false;
  }
}

/** What is said of a language to translate into that is no tag, and of languages to translate into
 * without a model to translate with: the config's redteam.translateTo and redteam's --translate-to
 * say the same. */
export const TRANSLATE_TO_ERRORS = {
  notATag: 'is not a BCP 47 language tag (e.g. zu, gd, hmn)',
  noAttacker: 'needs an attacker model to translate with: set roles.attacker',
} as const;
