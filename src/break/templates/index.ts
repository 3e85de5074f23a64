// Jailbreak templates: built-ins from templates.yaml, user files in the same format, rendering to
// messages (multi-turn templates put faux exchanges before the request: as turns, or written out in
// the request's message).
import { readFileSync } from 'node:fs';
import { isMap, isSeq } from 'yaml';
import { z } from 'zod';
import {
  createRng,
  InputError,
  type Message,
  type Rng,
  readUtf8File,
  type ShotsAs,
  type Template,
} from '../../core/index.js';
import { fill } from '../seeds/tables.js';
import { parseItemsYaml, yamlItemValue } from '../yaml-items.js';

/** A faux exchange for few-/many-shot templates: [user, assistant]. */
export type Shot = [string, string];

const templateSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_.-]+$/i, 'ids use letters, digits, _ . -'),
    family: z.string().min(1),
    description: z.string().min(1),
    text: z.string().min(1),
    split: z.enum(['train', 'attack', 'heldback']).optional(),
    multiTurn: z.boolean().optional(),
    shotsAs: z.enum(['turns', 'message']).optional(),
  })
  .refine(
    (t) => t.text.includes('{prompt}') || (t.text.includes('{prompt_a}') && t.text.includes('{prompt_b}')),
    {
      message: 'text needs a {prompt} slot (or both {prompt_a} and {prompt_b})',
      path: ['text'],
    },
  )
  // (a template without faux exchanges would send its request alone, shotsAs read by nothing)
  .refine((t) => t.shotsAs === undefined || t.multiTurn === true, {
    message: 'shotsAs says where faux exchanges go: it needs multiTurn: true',
    path: ['shotsAs'],
  });

const shotSchema = z.tuple([z.string().min(1), z.string().min(1)]);

interface ParsedTemplates {
  templates: Template[];
  shots: Shot[];
  /** Where `shots` starts in the file, for error messages. */
  shotsLine?: number;
}

/** Parses template YAML (a map with `templates` and optional `shots`, or a bare list). */
export function parseTemplates(text: string, file: string): ParsedTemplates {
  const { doc, lines: lc } = parseItemsYaml(text, file);
  const root = doc.contents;
  const list = isMap(root) ? root.get('templates', true) : root;
  if (!isSeq(list)) throw new InputError('expected a `templates` list', file, 1, 'templates');
  const lineOf = (node: unknown) => {
    const r = (node as { range?: [number, number] })?.range;
    return r ? lc.linePos(r[0]).line : undefined;
  };
  const seen = new Set<string>();
  const templates: Template[] = list.items.map((item) => {
    const raw = yamlItemValue(doc, item, file, lineOf(item));
    const r = templateSchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new InputError(issue.message, file, lineOf(item), `templates.${issue.path.join('.')}`);
    }
    if (seen.has(r.data.id))
      throw new InputError(`duplicate template id "${r.data.id}"`, file, lineOf(item), 'id');
    seen.add(r.data.id);
    return r.data as Template;
  });
  const shotsNode = isMap(root) ? root.get('shots', true) : undefined;
  const shots: Shot[] = [];
  if (shotsNode !== undefined) {
    if (!isSeq(shotsNode))
      throw new InputError(
        '`shots` must be a list of [user, assistant] pairs',
        file,
        lineOf(shotsNode),
        'shots',
      );
    for (const item of shotsNode.items) {
      const r = shotSchema.safeParse(yamlItemValue(doc, item, file, lineOf(item)));
      if (!r.success)
        throw new InputError('a shot is a [user, assistant] pair of strings', file, lineOf(item), 'shots');
      shots.push(r.data);
    }
  }
  return { templates, shots, shotsLine: shotsNode === undefined ? undefined : lineOf(shotsNode) };
}

let builtin: ParsedTemplates | undefined;
function builtins(): ParsedTemplates {
  if (!builtin) {
    const url = new URL('./templates.yaml', import.meta.url);
    builtin = parseTemplates(readFileSync(url, 'utf8'), url.pathname);
  }
  return builtin;
}

/** The built-in templates (cached; callers must not mutate). */
export function builtinTemplates(): Template[] {
  return builtins().templates;
}

/** The built-in faux exchanges used by few-/many-shot templates. */
export function builtinShots(): Shot[] {
  return builtins().shots;
}

export function getTemplate(id: string): Template | undefined {
  return builtinTemplates().find((t) => t.id === id);
}

/** Reads a user template file (same format as the built-in templates.yaml). The file's `shots` are
 * the faux exchanges of its own multi-turn templates (without them, those use the built-in shots);
 * shots in a file with no multi-turn template would be used by nothing, and are refused. */
export function loadTemplatesFile(path: string): Template[] {
  const { templates, shots, shotsLine } = parseTemplates(readUtf8File(path, 'template file'), path);
  if (!shots.length) return templates;
  if (!templates.some((t) => t.multiTurn))
    throw new InputError(
      `${shots.length} shot${shots.length === 1 ? '' : 's'} that nothing would use: a file's shots are the faux exchanges of its own multi-turn templates (multiTurn: true, such as a many_shot family template), and this file has none`,
      path,
      shotsLine,
      'shots',
    );
  return templates.map((t) => (t.multiTurn ? { ...t, shots } : t));
}

export interface RenderOptions {
  rng?: Rng;
  /** Faux exchanges for multi-turn templates (default: 2 for few_shot, 8 otherwise). */
  shots?: number;
  /** Overrides the template's own `shotsAs`. */
  shotsAs?: ShotsAs;
}

/** Splits a prompt at a word boundary near its middle (for split-and-recombine). */
export function splitPrompt(prompt: string): [string, string] {
  const mid = Math.floor(prompt.length / 2);
  let cut = prompt.indexOf(' ', mid);
  if (cut < 0) cut = prompt.lastIndexOf(' ', mid);
  if (cut <= 0) return [prompt.slice(0, mid), prompt.slice(mid)];
  return [prompt.slice(0, cut), prompt.slice(cut)];
}

/** Fills the template with the prompt and returns the messages to send (the last is the user's). */
export function renderTemplate(t: Template, prompt: string, opts: RenderOptions = {}): Message[] {
  const [a, b] = splitPrompt(prompt);
  // In one pass (fill): replaceAll read `$&`, `$'` or `$$` in the request as replacement patterns,
  // and its next slot filled a `{prompt_a}` that the request itself held.
  const content = fill(t.text, { prompt, prompt_a: a, prompt_b: b });
  if (!t.multiTurn) return [{ role: 'user', content }];
  const rng = opts.rng ?? createRng(`template:${t.id}`);
  const pool = [...(t.shots ?? builtinShots())];
  const n = opts.shots ?? (t.family === 'few_shot' ? 2 : 8);
  const chosen: Shot[] = [];
  rng.shuffle(pool);
  for (let i = 0; i < n && pool.length > 0; i++) chosen.push(pool[i % pool.length]);
  if ((opts.shotsAs ?? t.shotsAs) === 'message')
    return [{ role: 'user', content: inlineShots(chosen, content) }];
  const messages: Message[] = [];
  for (const [q, ans] of chosen)
    messages.push({ role: 'user', content: q }, { role: 'assistant', content: ans });
  messages.push({ role: 'user', content });
  return messages;
}

/** Faux exchanges written out as a dialogue in one message, the request as its last user line
 * (Anil et al. 2024; PyRIT's many-shot template): a chat API that takes the user's messages only
 * gets the whole attack, and the target's reply is the dialogue's next assistant line. */
function inlineShots(shots: Shot[], request: string): string {
  const lines = shots.map(([q, ans]) => `User: ${q}\nAssistant: ${ans}`);
  return [...lines, `User: ${request}`].join('\n\n');
}
