// Language tags as files write them ("EN", "pt-br", "en "): one spelling per language, so that a
// slice by language or a seed's language never splits one language in two.

/** The BCP 47 canonical form of a tag ("EN" → "en", "pt-br" → "pt-BR"), or the tag of a language
 * written by its English name ("English", "french" → "en", "fr": datasets often carry a name
 * column); anything else is kept as written, trimmed. */
export function languageTag(raw: string): string {
  const tag = raw.trim();
  let canonical: string | undefined;
  try {
    canonical = Intl.getCanonicalLocales(tag)[0];
  } catch {}
  // A primary subtag of 4–8 letters is well-formed but no language in use ("english" is one): a
  // name, when it is one.
  if (canonical && /^[a-z]{2,3}(-|$)/.test(canonical)) return canonical;
  return languageNames().get(tag.toLowerCase()) ?? canonical ?? tag;
}

let names: Map<string, string> | undefined;

/** Lower-case English names of languages → their two-letter tag (ISO 639-1, as ICU names them).
 * Three-letter codes are left out: their names overlap ("Hmong" names more than one). */
function languageNames(): Map<string, string> {
  if (names) return names;
  names = new Map();
  const display = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
  const letters = [...'abcdefghijklmnopqrstuvwxyz'];
  for (const code of letters.flatMap((a) => letters.map((b) => a + b))) {
    const name = display.of(code)?.toLowerCase();
    if (name && name !== code && !names.has(name)) names.set(name, code);
  }
  return names;
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
