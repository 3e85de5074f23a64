// Maps a config path (['targets', 'judge', 'model']) to a line in the YAML source, using the yaml
// package's node ranges, so every error can say `breakfix.yaml:14`.
import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

/** The line (1-based) of the node at `path`, or of its deepest existing ancestor. With `key`, the
 * line of that key inside the map at `path` (for unknown fields). */
export function lineOf(
  doc: Document,
  counter: LineCounter,
  path: readonly PropertyKey[],
  key?: string,
): number | undefined {
  let node: unknown = doc.contents;
  let best: unknown = node;
  const segments = key === undefined ? path : [...path, key];
  for (const seg of segments) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
      );
      // For a key, point at the key itself; a missing value (`model:`) still has a key line.
      next = pair ? (pair.value ?? pair.key) : undefined;
      if (pair && seg === segments[segments.length - 1] && key !== undefined) next = pair.key;
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
    }
    if (next === undefined || next === null) break;
    node = next;
    best = next;
  }
  const range = (best as Node | undefined)?.range;
  if (!range) return undefined;
  return counter.linePos(range[0]).line;
}
