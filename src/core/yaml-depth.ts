// How deeply YAML text nests, found before it is composed: yaml's composer (and what walks its result:
// toJS, the config's interpolation, zod) recurses once a level, so 10,000 `[` or maps nested as deep
// ended in "Maximum call stack size exceeded" at whatever line the stack ran out on, and a second
// such text composed in the same process aborted it (V8: "RegExpCompiler Allocation failed", out of
// memory, after the first overflow struck inside a regular expression's compiling). yaml has no
// option for a limit (2.9: none among its parse, document or toJS options); its parser, which builds
// the concrete syntax tree, keeps a stack of its own and reads such text whole, so the tree is walked
// here without recursion.
import { type CST, LineCounter, Parser } from 'yaml';

/** How many collections deep a YAML file may nest. A config nests 4 or 5 (targets.NAME.headers),
 * and JSON readers stop at about as many (serde_json at 128): no file written by hand is refused. */
export const MAX_YAML_DEPTH = 100;

/** Where the first collection (map or list, block or flow) nested more than `max` levels deep in
 * `text` begins (its offset, 1-based line and column), or undefined when none is. */
export function yamlTooDeep(
  text: string,
  max = MAX_YAML_DEPTH,
): { offset: number; line: number; col: number } | undefined {
  const lines = new LineCounter();
  for (const top of new Parser(lines.addNewLine).parse(text)) {
    const todo: [CST.Token, number][] = [[top, 0]];
    for (let next = todo.pop(); next; next = todo.pop()) {
      const [token, outer] = next;
      if (token.type === 'document') {
        if (token.value) todo.push([token.value, outer]);
        continue;
      }
      if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection')
        continue;
      const depth = outer + 1;
      if (depth > max) return { offset: token.offset, ...lines.linePos(token.offset) };
      for (const item of token.items) {
        if (item.key) todo.push([item.key, depth]);
        if (item.value) todo.push([item.value, depth]);
      }
    }
  }
  return undefined;
}

/** YAML text with each lone CR (a classic Mac line end) made an LF, one character for one so offsets
 * and lines stay: YAML 1.2 (5.4) ends a line there, as an editor does, but yaml reads it as text, so a
 * file's first comment line hid all of it and `seed: 1\r…` was "Nested mappings are not allowed" at
 * line 1. Every reader of a user's YAML file takes its text through this before yaml sees it. */
export function yamlLineEnds(source: string): string {
  return source.replace(/\r(?!\n)/g, '\n');
}
