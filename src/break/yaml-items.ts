// The entries of a seed or template YAML file as values, each read in its document: an alias
// (`- *common`, `text: *shared`) is the value of its anchor and a merge key (`<<: *base`) merges,
// as in the config file. Read entry by entry without its document, an alias was an object
// ({source: …}) and a merge key an unknown field, so valid YAML failed with a wrong message.
import { type Document, isNode, LineCounter, parseDocument } from 'yaml';
import { InputError, MAX_YAML_DEPTH, yamlLineEnds, yamlTooDeep } from '../core/index.js';

/** A seed or template YAML file's document and line counter, or an InputError naming the line: its
 * first syntax error, or where it nests deeper than a hand-written file does (yaml composes by
 * recursion: 10,000 `[` ran it out of stack, as parseConfig says). */
export function parseItemsYaml(source: string, file: string): { doc: Document.Parsed; lines: LineCounter } {
  const text = yamlLineEnds(source);
  const deep = yamlTooDeep(text);
  if (deep)
    throw new InputError(
      `invalid YAML: nested deeper than ${MAX_YAML_DEPTH} levels (maps and lists inside each other)`,
      file,
      deep.line,
    );
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new InputError(e.message.split('\n')[0], file, e.linePos?.[0].line);
  }
  return { doc, lines };
}

/** As many nodes as alias expansion may add (the config loader's cap): an alias bomb is refused. */
const MAX_ALIAS_COUNT = 100;

/** The value of `item`, an entry of a list in `doc`; an unknown anchor or an alias bomb is an
 * InputError naming the entry's line. */
export function yamlItemValue(doc: Document, item: unknown, file: string, line?: number): unknown {
  if (!isNode(item)) return item;
  try {
    return item.toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw new InputError(`invalid YAML: ${(err as Error).message.split('\n')[0]}`, file, line);
  }
}
