// The seed kind a dataset's label names: the spellings public sets use (XSTest's safe / unsafe,
// WildGuard's harmful / unharmful), in any case, spaces around. One reading for the seeds loader and
// the benchmark loader alike.
import type { SeedKind } from './types.js';

// (a Map: a label is file text, and "constructor" must not find Object.prototype's)
const KIND_OF_LABEL = new Map<string, SeedKind>([
  ['unsafe', 'harmful'],
  ['harmful', 'harmful'],
  ['safe', 'benign'],
  ['benign', 'benign'],
  ['unharmful', 'benign'],
  ['harmless', 'benign'],
  ['helpful', 'helpful'],
]);

/** The kind `label` names, or undefined when it names none. */
export function kindOfLabel(label: string): SeedKind | undefined {
  return KIND_OF_LABEL.get(label.trim().toLowerCase());
}

/** What is said of a label that names no kind (`shown`: the label as the file has it, cut short). */
export function badLabelMessage(shown: string): string {
  return `label must be "safe" or "unsafe", got "${shown}" (also read: benign, harmful, unharmful, harmless, helpful, in any case)`;
}
