// The entries of a seed or template YAML file as values, each read in its document: an alias
// (`- *common`, `text: *shared`) is the value of its anchor and a merge key (`<<: *base`) merges,
// as in the config file. Read entry by entry without its document, an alias was an object
// ({source: …}) and a merge key an unknown field, so valid YAML failed with a wrong message.
import { type Document, isNode } from 'yaml';
import { InputError } from '../core/index.js';

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
