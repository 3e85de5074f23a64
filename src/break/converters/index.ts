// The converter registry and chains. Converters are deterministic given ctx.rng.

import { ENCODINGS } from '../../core/encodings.js';
import { type Converter, type ConverterContext, InputError } from '../../core/index.js';
import { REWRITES } from './rewrites.js';

export * from '../../core/encodings.js';
export * from './rewrites.js';

export const CONVERTERS: Converter[] = [...ENCODINGS, ...REWRITES];

const byId = new Map(CONVERTERS.map((c) => [c.id, c]));

export function getConverter(id: string): Converter | undefined {
  return byId.get(id);
}

/** Applies converters in order. Each step gets its own rng stream (forked by position and id), so
 * inserting a converter does not change the randomness another one sees. */
export async function applyChain(ids: string[], text: string, ctx: ConverterContext): Promise<string> {
  let out = text;
  for (const [i, id] of ids.entries()) {
    const c = byId.get(id);
    if (!c)
      throw new InputError(
        `unknown converter "${id}" (known: ${[...byId.keys()].join(', ')})`,
        undefined,
        undefined,
        'converters',
      );
    out = await c.apply(out, { ...ctx, rng: ctx.rng.fork(`${i}:${id}`) });
  }
  return out;
}

/** Synchronous chain for converters whose apply is synchronous (all built-ins are). */
export function applyChainSync(ids: string[], text: string, ctx: ConverterContext): string {
  let out = text;
  for (const [i, id] of ids.entries()) {
    const c = byId.get(id);
    if (!c) throw new InputError(`unknown converter "${id}"`, undefined, undefined, 'converters');
    const r = c.apply(out, { ...ctx, rng: ctx.rng.fork(`${i}:${id}`) });
    if (typeof r !== 'string')
      throw new InputError(`converter "${id}" is asynchronous`, undefined, undefined, 'converters');
    out = r;
  }
  return out;
}
