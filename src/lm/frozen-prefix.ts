// What frozen weights compute for a sequence is the same at every step of a fine-tune, so it is
// computed once per sequence and copied into each batch that holds the sequence again. With block
// expansion (the default embedded fine-tune) the embeddings and every original block are frozen:
// the trained model's forward pass starts at the added block, and the frozen start model's
// distribution on an anchor example (the distillation target) is computed once, not once per draw.
//
// Bitwise the same as recomputing: every op works row by row (attention causally within a
// sequence), and the product kernel's sums do not depend on the other rows or on the split (in a
// product of at least `sameSumsRows` rows: the output layer over fewer is padded or not picked), so
// a row's value does not depend on the batch it was computed in. A padding row is zero here where a
// recomputation holds the padding token's activations; no real row reads it (causal attention) and
// its gradient is exactly zero (its loss rows are masked), so it adds nothing to any sum.
import { type Encoded, makeBatch } from './batch.js';
import { sameSumsRows } from './kernels/index.js';
import { blocks, embed, finalNorm, type LM, logitsOf, namedParams } from './model.js';
import { Tensor, withArena } from './tensor.js';

/** How many leading blocks compute the same thing at every step: with the embeddings frozen, each
 * block whose weights are all frozen, counted until one is not. 0 when the embeddings train. */
export function frozenBlocks(lm: LM, frozen: (name: string) => boolean): number {
  const names = namedParams(lm.params).map(([name]) => name);
  if (!frozen('wte') || !frozen('wpe')) return 0;
  let k = 0;
  while (k < lm.params.layers.length && names.filter((n) => n.startsWith(`h.${k}.`)).every(frozen)) k++;
  return k;
}

/** Rows [0, len-1) of each sequence (the rows makeBatch fills; the last token is only a target). */
const inputRows = (e: Encoded) => Math.max(0, e.ids.length - 1);

/** What each cache keeps at most, by default. The default cycle's round-0 data keep about 63 MB of
 * prefix rows (2,003 SFT and validation sequences, 129,769 rows of 128 floats) and at most 27 MB of
 * anchor rows; a data set ten times larger would keep ten times that, where a fine-tune without the
 * caches holds one batch. */
export const KEPT_BYTES = 256 * 2 ** 20;

/** Selected rows of each sequence, kept up to `maxBytes` in all. Past it, a sequence's rows are
 * computed for the batch that needs them and not kept: the same bits (a row does not depend on its
 * batch), at the cost of computing them again. */
class RowCache {
  private readonly kept = new Map<Encoded, Float32Array>();
  /** Bytes kept so far. */
  bytes = 0;
  constructor(private readonly maxBytes: number) {}

  /** Each of `items`' rows that `keep` selects of `compute`'s [B*T, D] result: kept ones as kept, the
   * others computed as one batch. */
  rowsOf(
    items: Encoded[],
    D: number,
    compute: (batch: ReturnType<typeof makeBatch>) => Tensor,
    keep: (e: Encoded, t: number) => boolean,
  ): Map<Encoded, Float32Array> {
    const out = new Map<Encoded, Float32Array>();
    for (const e of items) {
      const k = this.kept.get(e);
      if (k) out.set(e, k);
    }
    const missing = [...new Set(items.filter((e) => !out.has(e)))];
    if (missing.length === 0) return out;
    const batch = makeBatch(missing);
    withArena(() => {
      const x = compute(batch).data;
      missing.forEach((e, b) => {
        const rows: number[] = [];
        for (let t = 0; t < inputRows(e); t++) if (keep(e, t)) rows.push(t);
        const r = new Float32Array(rows.length * D);
        rows.forEach((t, k) => {
          r.set(x.subarray((b * batch.T + t) * D, (b * batch.T + t + 1) * D), k * D);
        });
        out.set(e, r);
        if (this.bytes + r.byteLength <= this.maxBytes) {
          this.kept.set(e, r);
          this.bytes += r.byteLength;
        }
      });
    });
    return out;
  }
}

/** The residual stream after the first `layers` (frozen) blocks, per sequence. */
export class FrozenPrefix {
  readonly cache: RowCache;
  constructor(
    private readonly lm: LM,
    readonly layers: number,
    maxBytes = KEPT_BYTES,
  ) {
    this.cache = new RowCache(maxBytes);
  }

  /** The stream x [B*T, D] entering block `layers` for a batch of `items` padded to T. */
  stream(items: Encoded[], T: number): Tensor {
    const D = this.lm.config.dModel;
    const rows = this.cache.rowsOf(
      items,
      D,
      (b) => blocks(this.lm, embed(this.lm, b.inputs, b.B, b.T), b.B, b.T, 0, this.layers),
      () => true,
    );
    const x = new Float32Array(items.length * T * D);
    items.forEach((e, b) => {
      x.set(rows.get(e)!, b * T * D);
    });
    return new Tensor(x, [items.length * T, D]);
  }
}

/** A frozen model's logits on the scored rows (mask 1) of sequences, the normed last hidden state
 * of each computed once. */
export class FrozenScores {
  readonly cache: RowCache;
  constructor(
    private readonly lm: LM,
    maxBytes = KEPT_BYTES,
  ) {
    this.cache = new RowCache(maxBytes);
  }

  /** Logits [R, V]: the scored rows of `items` in order, each sequence's rows in order. Bitwise those
   * of the scored rows of the logits of `items` as one batch: fewer than `sameSumsRows` rows are padded
   * with zero rows up to that many (or to the batch's B·T rows, when fewer), since the product over so
   * few rows would sum in another order than the batch's. */
  logits(items: Encoded[]): Tensor {
    const D = this.lm.config.dModel;
    const scored = (e: Encoded, t: number) => Boolean(e.mask[t + 1]);
    const rows = this.cache.rowsOf(
      items,
      D,
      (b) => finalNorm(this.lm, blocks(this.lm, embed(this.lm, b.inputs, b.B, b.T), b.B, b.T, 0)),
      scored,
    );
    const parts = items.map((e) => rows.get(e)!);
    const R = parts.reduce((n, p) => n + p.length, 0) / D;
    const batchRows = items.length * Math.max(1, ...items.map(inputRows));
    const x = new Float32Array(Math.max(R, Math.min(sameSumsRows, batchRows)) * D);
    let at = 0;
    for (const p of parts) {
      x.set(p, at);
      at += p.length;
    }
    const logits = logitsOf(this.lm, new Tensor(x, [x.length / D, D]));
    if (x.length === R * D) return logits;
    const V = logits.shape[1];
    return new Tensor(logits.data.subarray(0, R * V), [R, V]);
  }
}
