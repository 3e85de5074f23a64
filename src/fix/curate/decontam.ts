// Decontamination: no curated record may share an n-gram of `n` word tokens with a held-out text
// (benchmark items, held-back seeds). A held-out text shorter than n counts as one n-gram of its
// own length (as in GPT-3's decontamination), so short benchmark prompts are protected too; texts
// under MIN_TOKENS are too generic to match on.
//
// An n-gram that occurs in TEMPLATE_TEXTS or more distinct held-out texts is the frame of a family
// of items ("combien de mots y a-t-il dans …", a jailbreak template's wording), not the identity of
// any one of them: it is not evidence of contamination, and each item's own words still are.
// Counting frames as contamination had dropped every French unit-conversion and word-count task from
// the helpful mix of the default cycle (8-word frames), and the fine-tune lost those tasks.
// Arithmetic operators are tokens here, so "6 + 4" and "6 - 4" are different items. In a script
// written without spaces (Chinese, Japanese, Thai) each character is a token: a whole sentence of
// it was one token, under MIN_TOKENS, and such a benchmark item was protected by nothing.
import { UNSPACED } from '../identify/minhash.js';

const MIN_TOKENS = 4;
const TEMPLATE_TEXTS = 3;

// An operator stands between spaces or digits; a hyphen inside a word ("a-t-il") is not one.
const DECONTAM_TOKEN = new RegExp(
  `[${UNSPACED}]|[[\\p{L}\\p{N}\\p{M}]--[${UNSPACED}]]+|(?<![\\p{L}])[+\\-×÷*\\/=%<>](?![\\p{L}])`,
  'gv',
);

// Characters a reader does not see, which split a word into letters for the tokenizer: zero-width
// space, non-joiner and joiner, word joiner, byte-order mark, soft hyphen.
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;

/** Lower-cased word tokens (letters and digits in any script, a character where words are not
 * spaced) and arithmetic operators, of the text as a reader sees it: compatibility forms folded
 * (NFKC: a decomposed accent, fullwidth letters, a ligature) and invisible characters dropped. A
 * benchmark item copied with decomposed accents (as macOS file names and some editors write them),
 * in fullwidth letters or with zero-width spaces between its letters had shared no token with the
 * item, and was curated. */
export function decontamTokens(text: string): string[] {
  return text.normalize('NFKC').replace(INVISIBLE, '').toLowerCase().match(DECONTAM_TOKEN) ?? [];
}

export interface ContaminationIndex {
  /** The first held-out n-gram found in `text`, or undefined when it is clean. */
  match(text: string): string | undefined;
  readonly size: number;
}

export function buildContaminationIndex(heldOut: readonly string[], n: number): ContaminationIndex {
  // n-gram → how many distinct held-out texts contain it.
  const texts = new Map<string, number>();
  const lengths = new Set<number>();
  for (const text of new Set(heldOut)) {
    const t = decontamTokens(text);
    if (t.length < MIN_TOKENS) continue;
    const k = Math.min(n, t.length);
    lengths.add(k);
    const own = new Set<string>();
    for (let i = 0; i + k <= t.length; i++) own.add(t.slice(i, i + k).join(' '));
    for (const g of own) texts.set(g, (texts.get(g) ?? 0) + 1);
  }
  const grams = new Set([...texts].filter(([, count]) => count < TEMPLATE_TEXTS).map(([g]) => g));
  const sizes = [...lengths].sort((a, b) => a - b);
  return {
    size: grams.size,
    match(text) {
      const t = decontamTokens(text);
      for (const k of sizes) {
        for (let i = 0; i + k <= t.length; i++) {
          const g = t.slice(i, i + k).join(' ');
          if (grams.has(g)) return g;
        }
      }
      return undefined;
    },
  };
}
