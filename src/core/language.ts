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
