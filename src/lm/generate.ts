// Batched generation with a KV cache. Each prompt is prefilled on its own (a matrix-matrix pass over
// its tokens); then all unfinished sequences decode together, one token per step, so the projections
// and the output layer are [active × d] matrix products rather than one vector at a time.
import { createRng, hash32 } from '../core/rng.js';
import type { Rng } from '../core/types.js';
import { yielder } from '../core/yield.js';
import {
  decodeAttention,
  geluRows,
  matmulNN,
  matmulNTRows,
  pinWeights,
  unpinWeights,
} from './kernels/index.js';
import type { DecodeAttentionFn } from './kernels/wasm.js';
import { dff, type LM } from './model.js';
import { type PrefixCache, prefixCacheOf } from './prefix-cache.js';
import type { ChatMessage } from './tokenizer.js';

export interface GenerateRequest {
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  /** A prompt longer than the context keeps its latest tokens (default true); false answers with
   * nothing (truncatedTokens > 0, no tokens generated), for a caller that rejects such a request. */
  truncate?: boolean;
  /** Aborted, the request stops at the next decoding step (its client has gone): its result is
   * what it had, finishReason 'length'; the others in the batch go on unchanged. */
  signal?: AbortSignal;
}

/** How long a batch's prefills, or a single request's decoding, hold the event loop at most (plus
 * one prefill or step) before they let it in. They held it throughout (a 64-request batch's prefills
 * 0.2-0.4 s on an idle machine, a single request its whole reply, seconds on a larger checkpoint),
 * and a Ctrl-C, an abort or a timer waited until then. Yielding changes nothing generated. */
export const GENERATE_YIELD_MS = 20;

export interface GenerateResult {
  text: string;
  finishReason: 'stop' | 'length';
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens dropped from the start to fit the context window (0 when it fit). */
  truncatedTokens: number;
}

interface Seq {
  req: GenerateRequest;
  ids: number[];
  promptTokens: number;
  truncatedTokens: number;
  out: number[];
  k: Float32Array[];
  v: Float32Array[];
  len: number;
  rng: Rng;
  done: boolean;
  result?: GenerateResult;
}

/** The most prompt tokens a context of `contextLength` holds with room for a reply of at least
 * min(maxTokens, contextLength / 8) tokens. */
export function promptRoom(contextLength: number, maxTokens: number): number {
  return contextLength - Math.min(maxTokens, Math.max(1, Math.floor(contextLength / 8)));
}

/** The sampling seed of a request that names none: a hash of the request itself, so that its reply
 * does not depend on where it lands in a batch (which follows timing), as the seeded path does not. */
function requestSeed(req: GenerateRequest): number {
  return hash32(
    JSON.stringify([
      req.messages.map((m) => [m.role, m.content]),
      req.maxTokens ?? null,
      req.temperature ?? null,
      req.topP ?? null,
      req.stop ?? null,
    ]),
  );
}

export interface GenerateOptions {
  /** Where rows already computed are kept and looked up (default: the model's own, shared by every
   * call); null computes every prompt row (what the cache must be bitwise the same as). */
  prefixCache?: PrefixCache | null;
}

export async function generateBatch(
  lm: LM,
  reqs: GenerateRequest[],
  opts: GenerateOptions = {},
): Promise<GenerateResult[]> {
  const { config: c, tokenizer } = lm;
  const D = c.dModel;
  const seqs: Seq[] = reqs.map((req) => {
    const maxTokens = Math.max(1, Math.min(req.maxTokens ?? 128, c.contextLength - 8));
    let ids = tokenizer.encodeChat(req.messages, true).ids;
    // Keep the end of a long conversation (the latest turn matters most), leaving room for at least
    // a short reply; a reply that then fills the context ends with finishReason 'length'.
    const room = promptRoom(c.contextLength, maxTokens);
    const truncatedTokens = Math.max(0, ids.length - room);
    if (truncatedTokens) ids = ids.slice(truncatedTokens);
    const rejected = truncatedTokens > 0 && req.truncate === false;
    return {
      req: { ...req, maxTokens },
      ids,
      promptTokens: ids.length,
      truncatedTokens,
      out: [],
      ...kvRows(c.nLayers, rejected ? 0 : Math.min(c.contextLength, ids.length + maxTokens), D),
      len: 0,
      rng: createRng(req.seed ?? requestSeed(req)),
      done: rejected,
      ...(rejected && {
        result: {
          text: '',
          finishReason: 'length' as const,
          promptTokens: ids.length,
          completionTokens: 0,
          truncatedTokens,
        },
      }),
    };
  });
  // The output layer h·wteᵀ reads wte's rows in place (dot products), so wte needs no transposed copy.
  const weights = [
    lm.params.wte.data,
    ...lm.params.layers.flatMap((l) => [l.wqkv.data, l.wo.data, l.w1.data, l.w2.data]),
  ];
  pinWeights(weights);
  try {
    return await decode(lm, seqs, opts.prefixCache === undefined ? prefixCacheOf(lm) : opts.prefixCache);
  } finally {
    unpinWeights(weights);
  }
}

/** Keys and values of each layer for `rows` positions, in one buffer: a sequence runs at most its
 * prompt and maxTokens - 1 reply tokens (a whole context per layer was 4 arrays of 98 KB a request). */
function kvRows(layers: number, rows: number, D: number): { k: Float32Array[]; v: Float32Array[] } {
  const buf = new Float32Array(2 * layers * rows * D);
  const part = (i: number) => buf.subarray(i * rows * D, (i + 1) * rows * D);
  return {
    k: Array.from({ length: layers }, (_, l) => part(l)),
    v: Array.from({ length: layers }, (_, l) => part(layers + l)),
  };
}

async function decode(lm: LM, seqs: Seq[], cache: PrefixCache | null): Promise<GenerateResult[]> {
  const c = lm.config;
  const next = new Map<Seq, number>();
  const breathe = yielder(GENERATE_YIELD_MS);
  for (const s of seqs) {
    if (s.done) continue; // rejected before prefill
    if (s.req.signal?.aborted) {
      finish(lm, s, 'length');
      continue;
    }
    // (the last prompt row is always run: its logits give the first token)
    const from = cache ? cache.restore(s.ids, s.ids.length - 1, s.k, s.v, c.dModel) : 0;
    const logits = runRows(lm, [s], from ? s.ids.slice(from) : s.ids, true, from);
    cache?.store(s.ids, s.k, s.v, c.dModel);
    next.set(s, sample(logits, 0, c.vocabSize, s));
    // (a batch's prefills, one after another, held the loop longest)
    const turn = breathe();
    if (turn) await turn;
  }
  for (;;) {
    const active: Seq[] = [];
    const toks: number[] = [];
    for (const s of seqs) {
      if (s.done) continue;
      if (s.req.signal?.aborted) {
        finish(lm, s, 'length');
        continue;
      }
      const tok = next.get(s)!;
      if (accept(lm, s, tok)) continue;
      active.push(s);
      toks.push(tok);
    }
    if (active.length === 0) break;
    const logits = runRows(lm, active, toks, false);
    active.forEach((s, i) => {
      next.set(s, sample(logits, i * c.vocabSize, c.vocabSize, s));
    });
    // Timers, sockets, a signal and a cancelling message get a turn: after every step of a batch (a
    // served model's client that leaves stops at the next step), every GENERATE_YIELD_MS for a
    // single request (a turn a step cost it 7-10%).
    const turn = seqs.length > 1 ? new Promise<void>((r) => setImmediate(r)) : breathe();
    if (turn) await turn;
  }
  // The rows of the replies too: a conversation's next turn starts with this one's prompt and reply.
  if (cache)
    for (const s of seqs)
      if (s.len > s.promptTokens) cache.store([...s.ids, ...s.out].slice(0, s.len), s.k, s.v, c.dModel);
  return seqs.map((s) => s.result!);
}

/** Appends `tok` to `s` or finishes it; returns true when the sequence is finished. */
function accept(lm: LM, s: Seq, tok: number): boolean {
  const { tokenizer, config } = lm;
  // `<|end|>` closes the turn; a role marker (`<|user|>`…) or pad would open a turn the model forges
  // (its special pieces decode to nothing, so the reply would run on into the forged turn's text).
  if (tokenizer.isSpecial(tok)) return finish(lm, s, 'stop');
  s.out.push(tok);
  const stops = s.req.stop ?? [];
  if (stops.length) {
    const text = tokenizer.decode(s.out);
    for (const st of stops) {
      const at = st ? text.indexOf(st) : -1;
      if (at >= 0) {
        s.done = true;
        s.result = {
          text: text.slice(0, at),
          finishReason: 'stop',
          promptTokens: s.promptTokens,
          completionTokens: s.out.length,
          truncatedTokens: s.truncatedTokens,
        };
        return true;
      }
    }
  }
  if (s.out.length >= (s.req.maxTokens ?? 128) || s.len + 1 >= config.contextLength)
    return finish(lm, s, 'length');
  return false;
}

function finish(lm: LM, s: Seq, reason: 'stop' | 'length'): boolean {
  s.done = true;
  s.result = {
    text: lm.tokenizer.decode(s.out),
    finishReason: reason,
    promptTokens: s.promptTokens,
    completionTokens: s.out.length,
    truncatedTokens: s.truncatedTokens,
  };
  return true;
}

/**
 * Runs rows through the model, writing their keys and values into each sequence's cache.
 * Prefill: one sequence, its prompt tokens from position `from` on (the rows before are in its
 * cache), returns logits of the last row only.
 * Decode: one new token per active sequence, returns logits of every row.
 */
function runRows(lm: LM, seqs: Seq[], toks: number[], prefill: boolean, from = 0): Float32Array {
  const { params: p, config: c } = lm;
  const D = c.dModel;
  const F = dff(c);
  const H = c.nHeads;
  const M = toks.length;
  const rowSeq = (r: number) => (prefill ? seqs[0] : seqs[r]);
  const rowPos = (r: number) => (prefill ? from + r : seqs[r].len);
  const x = new Float32Array(M * D);
  for (let r = 0; r < M; r++) {
    const t = toks[r];
    const pos = rowPos(r);
    for (let d = 0; d < D; d++) x[r * D + d] = p.wte.data[t * D + d] + p.wpe.data[pos * D + d];
  }
  const h = new Float32Array(M * D);
  const qkv = new Float32Array(M * 3 * D);
  const att = new Float32Array(M * D);
  const proj = new Float32Array(M * D);
  const ff = new Float32Array(M * F);
  const geluTanh = new Float32Array(M * F);
  p.layers.forEach((l, li) => {
    rmsRows(x, l.ln1.data, h, M, D);
    matmulNN(h, l.wqkv.data, qkv, M, D, 3 * D);
    for (let r = 0; r < M; r++) {
      const s = rowSeq(r);
      const pos = rowPos(r);
      s.k[li].set(qkv.subarray(r * 3 * D + D, r * 3 * D + 2 * D), pos * D);
      s.v[li].set(qkv.subarray(r * 3 * D + 2 * D, r * 3 * D + 3 * D), pos * D);
    }
    // A prefill's rows are one sequence's, at consecutive positions: one call for them all.
    if (prefill) attend(qkv, 0, M, from, seqs[0].k[li], seqs[0].v[li], att, D, H);
    else
      for (let r = 0; r < M; r++) attend(qkv, r, r + 1, seqs[r].len, seqs[r].k[li], seqs[r].v[li], att, D, H);
    matmulNN(att, l.wo.data, proj, M, D, D);
    for (let i = 0; i < M * D; i++) x[i] += proj[i];
    rmsRows(x, l.ln2.data, h, M, D);
    matmulNN(h, l.w1.data, ff, M, D, F);
    geluRows(ff, ff, geluTanh, M * F);
    matmulNN(ff, l.w2.data, proj, M, F, D);
    for (let i = 0; i < M * D; i++) x[i] += proj[i];
  });
  if (prefill) seqs[0].len = from + M;
  else for (const s of seqs) s.len += 1;
  // Only the rows whose next token we need go through the (vocabulary-wide) output layer.
  const rows = prefill ? x.subarray((M - 1) * D, M * D) : x;
  const n = prefill ? 1 : M;
  const hn = new Float32Array(n * D);
  rmsRows(rows, p.lnf.data, hn, n, D);
  const logits = new Float32Array(n * c.vocabSize);
  // Row-invariant: a sequence's logits must not depend on how many others decode beside it, or its
  // sampled reply would change with the batching (which follows timing) and a resumed run would
  // not repeat an uninterrupted one.
  matmulNTRows(hn, p.wte.data, logits, n, D, c.vocabSize);
  return logits;
}

/** The WASM kernel where it loaded, else its JavaScript twin: bitwise the same. */
const attend: DecodeAttentionFn = decodeAttention ?? attendRows;

/** The decode attention in JavaScript (DecodeAttentionFn): per row and head, the scaled q·k products
 * over positions 0 to the row's own (float64 sums, stored as float32), their softmax (V8's Math.exp,
 * each term float32), and the weighted sum of the value rows. */
export function attendRows(
  qkv: Float32Array,
  r0: number,
  r1: number,
  pos0: number,
  K: Float32Array,
  V: Float32Array,
  att: Float32Array,
  D: number,
  H: number,
): void {
  const hd = D / H;
  const sc = 1 / Math.sqrt(hd);
  const n = pos0 + r1 - r0;
  const scores = new Float32Array(n);
  const weights = new Float64Array(n);
  for (let r = r0; r < r1; r++) {
    const pos = pos0 + r - r0;
    for (let hh = 0; hh < H; hh++) {
      const qo = r * 3 * D + hh * hd;
      let max = -Infinity;
      for (let t = 0; t <= pos; t++) {
        const ko = t * D + hh * hd;
        // Four accumulators: shorter dependency chains, ~1.5× faster in V8 than one.
        let d0 = 0;
        let d1 = 0;
        let d2 = 0;
        let d3 = 0;
        let d = 0;
        for (; d + 3 < hd; d += 4) {
          d0 += qkv[qo + d] * K[ko + d];
          d1 += qkv[qo + d + 1] * K[ko + d + 1];
          d2 += qkv[qo + d + 2] * K[ko + d + 2];
          d3 += qkv[qo + d + 3] * K[ko + d + 3];
        }
        for (; d < hd; d++) d0 += qkv[qo + d] * K[ko + d];
        const dot = (d0 + d1 + d2 + d3) * sc;
        scores[t] = dot;
        if (dot > max) max = dot;
      }
      let sum = 0;
      for (let t = 0; t <= pos; t++) {
        scores[t] = Math.exp(scores[t] - max);
        sum += scores[t];
      }
      const inv = 1 / sum;
      for (let t = 0; t <= pos; t++) weights[t] = scores[t] * inv;
      weightedSum(weights, pos + 1, V, hh * hd, D, hd, att, r * D + hh * hd);
    }
  }
}

function rmsRows(x: Float32Array, w: Float32Array, out: Float32Array, M: number, D: number): void {
  for (let r = 0; r < M; r++) {
    let ss = 0;
    for (let d = 0; d < D; d++) ss += x[r * D + d] * x[r * D + d];
    const s = 1 / Math.sqrt(ss / D + 1e-5);
    for (let d = 0; d < D; d++) out[r * D + d] = x[r * D + d] * s * w[d];
  }
}

function sample(logits: Float32Array, off: number, V: number, s: Seq): number {
  const temp = s.req.temperature ?? 0;
  if (temp <= 0) {
    let best = 0;
    for (let j = 1; j < V; j++) if (logits[off + j] > logits[off + best]) best = j;
    return best;
  }
  let max = -Infinity;
  for (let j = 0; j < V; j++) max = Math.max(max, logits[off + j]);
  const probs = new Float64Array(V);
  let sum = 0;
  for (let j = 0; j < V; j++) {
    probs[j] = Math.exp((logits[off + j] - max) / temp);
    sum += probs[j];
  }
  const order = Array.from({ length: V }, (_, j) => j).sort((a, b) => probs[b] - probs[a]);
  const topP = s.req.topP ?? 1;
  let kept = 0;
  let mass = 0;
  for (const j of order) {
    mass += probs[j] / sum;
    kept++;
    if (mass >= topP) break;
  }
  let u = s.rng.next() * mass * sum;
  for (let i = 0; i < kept; i++) {
    u -= probs[order[i]];
    if (u <= 0) return order[i];
  }
  return order[kept - 1];
}

const fround = Math.fround;

/**
 * out[at + d] = Σ_t w[t]·V[t·stride + from + d] for d < width, t < n: each sum in float32 from 0,
 * adding the terms in order of t, each product and sum rounded as `out[at + d] += w[t] * V[…]` on a
 * Float32Array rounds them (bitwise the same), with the running sums in locals instead of a load and
 * a store of `out` per term: four columns at a time over every t (1.4× faster measured on the decode
 * attention's shapes).
 */
export function weightedSum(
  w: Float64Array,
  n: number,
  V: Float32Array,
  from: number,
  stride: number,
  width: number,
  out: Float32Array,
  at: number,
): void {
  let d = 0;
  for (; d + 3 < width; d += 4) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let vo = from + d;
    for (let t = 0; t < n; t++, vo += stride) {
      const wt = w[t];
      a0 = fround(a0 + wt * V[vo]);
      a1 = fround(a1 + wt * V[vo + 1]);
      a2 = fround(a2 + wt * V[vo + 2]);
      a3 = fround(a3 + wt * V[vo + 3]);
    }
    out[at + d] = a0;
    out[at + d + 1] = a1;
    out[at + d + 2] = a2;
    out[at + d + 3] = a3;
  }
  for (; d < width; d++) {
    let a = 0;
    for (let t = 0; t < n; t++) a = fround(a + w[t] * V[from + d + t * stride]);
    out[at + d] = a;
  }
}
