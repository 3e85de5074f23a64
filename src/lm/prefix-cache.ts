// Keys and values of token sequences already run through a model, kept so that a prompt starting
// with one of them (a multi-turn conversation's next turn, prompts built on one template) runs only
// the rows after it. Every row of a forward pass depends on its own token, its position and the
// rows before it alone (the products' sums do not depend on the row count; attention reads rows
// ≤ its own), so restored rows are bitwise the rows the prompt's own prefill would compute.
import { type LM, namedParams } from './model.js';

interface Entry {
  ids: number[];
  /** Where its rows start in the pool: per layer ids.length rows of keys, then per layer as many of
   * values, dModel floats a row. */
  at: number;
  size: number;
}

/** Bytes of keys and values kept per model (64 MiB): ~260 bench prompts with their replies of the
 * shipped model. */
export const PREFIX_CACHE_BYTES = 64 << 20;

/** Entries are copied into one pool, oldest overwritten first: a cache that kept each sequence's own
 * buffers held tens of MB in thousands of arrays, and the garbage collector's time on them cost
 * more than the rows saved in a red-team run. */
export class PrefixCache {
  private entries: Entry[] = [];
  private pool: Float32Array | undefined;
  private next = 0;
  private readonly floats: number;
  /** Prompt tokens restored rather than computed, since the cache was made (tests, diagnostics). */
  reused = 0;

  constructor(maxBytes = PREFIX_CACHE_BYTES) {
    this.floats = Math.floor(maxBytes / 4);
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
    if (!best || !this.pool) return 0;
    const rows = best.ids.length * D;
    for (let l = 0; l < k.length; l++) {
      k[l].set(this.pool.subarray(best.at + l * rows, best.at + l * rows + len * D));
      v[l].set(
        this.pool.subarray(best.at + (k.length + l) * rows, best.at + (k.length + l) * rows + len * D),
      );
    }
    this.reused += len;
    return len;
  }

  /** Keeps a copy of the first ids.length rows of k/v (per layer, rows of D floats) under `ids`. */
  store(ids: number[], k: Float32Array[], v: Float32Array[], D: number): void {
    const rows = ids.length * D;
    const size = 2 * k.length * rows;
    if (ids.length === 0 || size > this.floats) return;
    // One that starts with ids holds these rows already; one that ids starts with is held by this.
    if (this.entries.some((e) => startsWith(e.ids, ids))) return;
    if (this.next + size > this.floats) this.next = 0;
    const [from, to] = [this.next, this.next + size];
    this.entries = this.entries.filter(
      (e) => !startsWith(ids, e.ids) && (e.at + e.size <= from || e.at >= to),
    );
    this.pool ??= new Float32Array(this.floats);
    for (let l = 0; l < k.length; l++) {
      this.pool.set(k[l].subarray(0, rows), from + l * rows);
      this.pool.set(v[l].subarray(0, rows), from + (k.length + l) * rows);
    }
    this.entries.push({ ids: ids.slice(), at: from, size });
    this.next = to;
  }

  get size(): number {
    return this.entries.length;
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
