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

/** Computes `rowsOf` for the sequences not yet in `cache`, as one batch, and stores each one's
 * selected rows of the result [B*T, D]. */
function fill(
  cache: Map<Encoded, Float32Array>,
  items: Encoded[],
  D: number,
  compute: (batch: ReturnType<typeof makeBatch>) => Tensor,
  keep: (e: Encoded, t: number) => boolean,
): void {
  const missing = [...new Set(items.filter((e) => !cache.has(e)))];
  if (missing.length === 0) return;
  const batch = makeBatch(missing);
  withArena(() => {
    const x = compute(batch).data;
    missing.forEach((e, b) => {
      const rows: number[] = [];
      for (let t = 0; t < inputRows(e); t++) if (keep(e, t)) rows.push(t);
      const out = new Float32Array(rows.length * D);
      rows.forEach((t, k) => {
        out.set(x.subarray((b * batch.T + t) * D, (b * batch.T + t + 1) * D), k * D);
      });
      cache.set(e, out);
    });
  });
}

/** The residual stream after the first `layers` (frozen) blocks, per sequence. */
export class FrozenPrefix {
  private readonly rows = new Map<Encoded, Float32Array>();
  constructor(
    private readonly lm: LM,
    readonly layers: number,
  ) {}

  /** The stream x [B*T, D] entering block `layers` for a batch of `items` padded to T. */
  stream(items: Encoded[], T: number): Tensor {
    const D = this.lm.config.dModel;
    fill(
      this.rows,
      items,
      D,
      (b) => blocks(this.lm, embed(this.lm, b.inputs, b.B, b.T), b.B, b.T, 0, this.layers),
      () => true,
    );
    const x = new Float32Array(items.length * T * D);
    items.forEach((e, b) => {
      x.set(this.rows.get(e)!, b * T * D);
    });
    return new Tensor(x, [items.length * T, D]);
  }
}

/** A frozen model's logits on the scored rows (mask 1) of sequences, the normed last hidden state
 * of each computed once. */
export class FrozenScores {
  private readonly rows = new Map<Encoded, Float32Array>();
  constructor(private readonly lm: LM) {}

  /** Logits [R, V]: the scored rows of `items` in order, each sequence's rows in order. Bitwise those
   * of the scored rows of the logits of `items` as one batch: fewer than `sameSumsRows` rows are padded
   * with zero rows up to that many (or to the batch's B·T rows, when fewer), since the product over so
   * few rows would sum in another order than the batch's. */
  logits(items: Encoded[]): Tensor {
    const D = this.lm.config.dModel;
    const scored = (e: Encoded, t: number) => Boolean(e.mask[t + 1]);
    fill(
      this.rows,
      items,
      D,
      (b) => finalNorm(this.lm, blocks(this.lm, embed(this.lm, b.inputs, b.B, b.T), b.B, b.T, 0)),
      scored,
    );
    const parts = items.map((e) => this.rows.get(e)!);
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
