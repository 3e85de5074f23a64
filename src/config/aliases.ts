// YAML aliases that refer to a node containing themselves (`x: &a [*a]`, `a: &a {b: *a}`). The yaml
// library resolves such an alias to a circular JS object, which nothing downstream (interpolation,
// validation, redaction) can walk: found on the parsed document, before `toJS`, so the error can name
// the alias's line and field. (Alias *expansion* — "billion laughs" — is capped by `toJS`'s
// maxAliasCount.)
import { type Alias, type Document, isAlias, isNode, isPair, isScalar, isSeq, type Node, visit } from 'yaml';

export interface RecursiveAlias {
  /** The alias's name, without the `*`. */
  name: string;
  /** Offset of the alias in the source text. */
  offset: number;
  /** Where the alias sits, as keys and list indexes (`a.b.0`). */
  path: (string | number)[];
}

/** The first alias that lies inside the node its anchor names, or undefined when there is none. */
export function findRecursiveAlias(doc: Document): RecursiveAlias | undefined {
  // Anchors as the library resolves them: the last node with that anchor before the alias, in
  // document order (a collection comes before its items, so it is known inside itself).
  const anchors = new Map<string, Node>();
  let found: RecursiveAlias | undefined;
  visit(doc, {
    Node(_key, node, ancestors) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target && ancestors.includes(target)) {
          found = describe(node, ancestors);
          return visit.BREAK;
        }
        return undefined;
      }
      if (node.anchor) anchors.set(node.anchor, node);
      return undefined;
    },
  });
  return found;
}

function describe(alias: Alias, ancestors: readonly unknown[]): RecursiveAlias {
  const path: (string | number)[] = [];
  const chain = [...ancestors, alias];
  for (let i = 0; i < chain.length - 1; i++) {
    const here = chain[i];
    const next = chain[i + 1];
    if (isPair(here)) {
      if (next === here.key) break; // inside a key: the enclosing mapping is as close as a path gets
      path.push(isScalar(here.key) ? String(here.key.value) : '?');
    } else if (isSeq(here) && isNode(next)) path.push(here.items.indexOf(next));
  }
  return { name: alias.source, offset: alias.range?.[0] ?? 0, path };
}
