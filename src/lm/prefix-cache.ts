// Keys and values of token sequences already run through a model, kept so that a prompt starting
// with one of them (a multi-turn conversation's next turn, prompts built on one template) runs only
// the rows after it. Every row of a forward pass depends on its own token, its position and the
// rows before it alone (the products' sums do not depend on the row count; attention reads rows
// ≤ its own), so restored rows are bitwise the rows the prompt's own prefill would compute.
import { type LM, namedParams } from './model.js';

interface Entry {
  ids: number[];
  /** Per layer, keys (values) of dModel floats per position: the first ids.length rows are these
   * tokens', any rows after them are not read. */
  k: Float32Array[];
  v: Float32Array[];
  /** The floats it holds (its arrays whole). */
  floats: number;
  used: number;
}

/** Most bytes of keys and values kept per model: ~250 bench prompts with their replies of the
 * shipped model (64 MiB). */
export const PREFIX_CACHE_BYTES = 64 << 20;

export class PrefixCache {
  private entries: Entry[] = [];
  private floats = 0;
  private clock = 0;
  private readonly maxFloats: number;
  /** Prompt tokens restored rather than computed, since the cache was made (tests, diagnostics). */
  reused = 0;

  constructor(maxBytes = PREFIX_CACHE_BYTES) {
    this.maxFloats = maxBytes / 4;
  }

  /**
   * Copies into k/v (per layer, rows of D floats) the rows of the longest stored prefix of `ids`,
   * at most `most` tokens, and returns its length (0 when nothing matches).
   */
  restore(ids: number[], most: number, k: Float32Array[], v: Float32Array[], D: number): number {
    let best: Entry | undefined;
    let len = 0;
    for (const e of this.entries) {
      const n = Math.min(e.ids.length, ids.length, most);
      let i = 0;
      while (i < n && e.ids[i] === ids[i]) i++;
      if (i > len) {
        len = i;
        best = e;
      }
    }
    if (!best) return 0;
    best.used = ++this.clock;
    for (let l = 0; l < k.length; l++) {
      k[l].set(best.k[l].subarray(0, len * D));
      v[l].set(best.v[l].subarray(0, len * D));
    }
    this.reused += len;
    return len;
  }

  /**
   * Keeps k/v (not a copy) as the rows of `ids`: the caller writes none of their first ids.length
   * rows again. Entries that are prefixes of `ids` go (this one holds their rows).
   */
  store(ids: number[], k: Float32Array[], v: Float32Array[]): void {
    const floats = 2 * k.reduce((n, a) => n + a.length, 0);
    if (ids.length === 0 || floats > this.maxFloats) return;
    for (const e of this.entries) {
      if (e.ids.length >= ids.length && startsWith(e.ids, ids)) {
        e.used = ++this.clock;
        return;
      }
    }
    this.entries = this.entries.filter((e) => {
      const keep = !startsWith(ids, e.ids);
      if (!keep) this.floats -= e.floats;
      return keep;
    });
    while (this.floats + floats > this.maxFloats) this.evictOldest();
    this.entries.push({ ids: ids.slice(), k, v, floats, used: ++this.clock });
    this.floats += floats;
  }

  get size(): number {
    return this.entries.length;
  }

  private evictOldest(): void {
    let at = 0;
    for (let i = 1; i < this.entries.length; i++) if (this.entries[i].used < this.entries[at].used) at = i;
    const [e] = this.entries.splice(at, 1);
    this.floats -= e.floats;
  }
}

function startsWith(ids: number[], prefix: number[]): boolean {
  if (prefix.length > ids.length) return false;
  for (let i = 0; i < prefix.length; i++) if (ids[i] !== prefix[i]) return false;
  return true;
}

interface Held {
  cache: PrefixCache;
  /** The weights the rows were computed with: the arrays, and a copy of their bytes (training
   * updates a model's arrays in place, which would leave every stored row stale). */
  arrays: Float32Array[];
  bytes: Buffer[];
}

const held = new WeakMap<LM, Held>();

/** The prefix cache of `lm` as its weights are now: emptied when any weight changed since last asked. */
export function prefixCacheOf(lm: LM): PrefixCache {
  const arrays = namedParams(lm.params).map(([, t]) => t.data);
  const h = held.get(lm);
  if (h && sameWeights(h, arrays)) return h.cache;
  const fresh: Held = {
    cache: new PrefixCache(),
    arrays,
    bytes: arrays.map((a) =>
      Buffer.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice().buffer),
    ),
  };
  held.set(lm, fresh);
  return fresh.cache;
}

function sameWeights(h: Held, arrays: Float32Array[]): boolean {
  if (arrays.length !== h.arrays.length) return false;
  for (let i = 0; i < arrays.length; i++) {
    const a = arrays[i];
    if (a !== h.arrays[i]) return false;
    if (!Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(h.bytes[i])) return false;
  }
  return true;
}
