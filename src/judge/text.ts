// Text helpers shared by the offline judges: normalisation, tokens, sentences, overlap. Pure.

/** Lower-case, fold typographic quotes and dashes, collapse whitespace. Accents are kept (they
 * matter for fr/es/de patterns); `stripAccents` removes them where a comparison wants that. */
export function normalise(text: string): string {
  return text
    .replace(/[\u2018\u2019\u02bc\u0060\u00b4]/g, "'")
    .replace(/[\u201c\u201d\u00ab\u00bb\u201e]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\u00a0/g, ' ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** NFD without combining marks: Latin accents, Arabic harakat and hamza marks (أ → ا), Hebrew niqqud.
 * Korean syllables come out as jamo; fold a pattern the same way before matching them. */
export function stripAccents(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f\u064b-\u065f\u0670\u0591-\u05c7]/g, '');
}

/** Word tokens (letters and digits, any script). */
export function words(text: string): string[] {
  return stripAccents(normalise(text)).match(/[\p{L}\p{N}]+/gu) ?? [];
}

// Function words in the four languages of the world; content overlap ignores them.
const STOP = new Set(
  (
    'a an the and or but if of to in on at by for with from into about as is are was were be been being it its ' +
    'this that these those i you he she we they me my your our their do does did how what why when where which who ' +
    'can could would should will shall may might must not no yes so than then there here some any all ' +
    'le la les un une des de du et ou en au aux pour par sur avec dans est sont ce cette ces je tu il elle nous vous ils comment quoi ' +
    'el los las unos unas del y o en al por para con es son este esta estos yo tu como que ' +
    'der die das ein eine einen dem den des und oder in im am zu zum zur fur mit von ist sind ich du er sie wir ihr wie was'
  ).split(' '),
);

/** Content tokens: words minus stop words and one-letter tokens. */
export function contentTokens(text: string): string[] {
  return words(text).filter((w) => w.length > 1 && !STOP.has(w));
}

/** Share of `needle`'s content tokens that occur in `hay` (0 when needle has none). A cheap
 * prefix match (first 5 letters) absorbs inflection: "stealing" ~ "steal", "explosives" ~ "explosive"
 * (not a stem shorter than five: "picking" is no "pick"). */
export function tokenOverlap(needle: string, hay: string): number {
  const need = [...new Set(contentTokens(needle))];
  if (need.length === 0) return 0;
  const have = new Set<string>();
  for (const w of contentTokens(hay)) {
    have.add(w);
    have.add(stem(w));
  }
  let hit = 0;
  for (const w of need) if (have.has(w) || have.has(stem(w))) hit++;
  return hit / need.length;
}

function stem(w: string): string {
  return w.length > 5 ? w.slice(0, 5) : w;
}

/** Split into sentences and list items. Keeps list items and headings as their own units, since
 * a refusal usually sits in its own sentence while compliance sits in lists and paragraphs. */
export function sentences(text: string): string[] {
  const out: string[] = [];
  for (const rawLine of text.split(/\n+/)) {
    const line = rawLine.trim();
    if (!line) continue;
    // (scripts without case — Arabic, Hangul, Devanagari, Hebrew — start a sentence with any letter)
    const parts = line.split(/(?<=[.!?。！？؟।])\s+(?=[\p{Lu}\p{Lo}\p{N}"'¿¡(*\-[])/u);
    let carry = '';
    for (const p of parts) {
      const s = p.trim();
      // "1." or "a)" alone is a list marker that belongs to the text after it.
      if (/^(?:\d{1,3}|[a-z])[.)]$/i.test(s)) {
        carry = `${carry}${s} `;
        continue;
      }
      // "Mrs. Linda Haverford", "e.g. a shredder": a title or an abbreviation does not end the sentence.
      if (/(?:^|\s)(?:mr|mrs|ms|dr|prof|st|sr|jr|mt|gen|capt|lt|sgt|rev|hon|vs|e\.g|i\.e)\.$/i.test(s)) {
        carry = `${carry}${s} `;
        continue;
      }
      if (s) out.push(carry + s);
      carry = '';
    }
    if (carry.trim()) out.push(carry.trim());
  }
  return out;
}

/** Parse a number in text ("1,234.5", "-3", "1/2", "0.50") for numeric comparison. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim().replace(/,(?=\d{3}\b)/g, '');
  const frac = /^(-?\d+)\s*\/\s*(\d+)$/.exec(t);
  if (frac) return Number(frac[1]) / Number(frac[2]);
  if (/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(t)) return Number(t);
  return undefined;
}
