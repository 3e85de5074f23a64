// Decontamination: no curated record may share an n-gram of `n` word tokens with a held-out text
// (benchmark items, held-back seeds). A held-out text shorter than n counts as one n-gram of its
// own length (as in GPT-3's decontamination), so short benchmark prompts are protected too; texts
// under MIN_TOKENS are too generic to match on.
import { tokens } from '../identify/minhash.js';

const MIN_TOKENS = 4;

export interface ContaminationIndex {
  /** The first held-out n-gram found in `text`, or undefined when it is clean. */
  match(text: string): string | undefined;
  readonly size: number;
}

export function buildContaminationIndex(heldOut: readonly string[], n: number): ContaminationIndex {
  const grams = new Set<string>();
  const lengths = new Set<number>();
  for (const text of heldOut) {
    const t = tokens(text);
    if (t.length < MIN_TOKENS) continue;
    const k = Math.min(n, t.length);
    lengths.add(k);
    for (let i = 0; i + k <= t.length; i++) grams.add(t.slice(i, i + k).join(' '));
  }
  const sizes = [...lengths].sort((a, b) => a - b);
  return {
    size: grams.size,
    match(text) {
      const t = tokens(text);
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
