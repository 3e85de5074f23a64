// A GPT-style decoder: token + learned position embeddings, pre-norm blocks (RMSNorm → causal
// self-attention, RMSNorm → GELU MLP), a final RMSNorm and the output projection tied to the token
// embedding. No biases.
import { createRng } from '../core/rng.js';
import { add, causalAttention, embedding, gelu, matmul, matmulT, rmsnorm, Tensor } from './tensor.js';
import type { Tokenizer } from './tokenizer.js';

export interface ModelConfig {
  vocabSize: number;
  dModel: number;
  nLayers: number;
  nHeads: number;
  contextLength: number;
  dFF?: number;
}

export interface Params {
  wte: Tensor;
  wpe: Tensor;
  layers: {
    ln1: Tensor;
    wqkv: Tensor;
    wo: Tensor;
    ln2: Tensor;
    w1: Tensor;
    w2: Tensor;
  }[];
  lnf: Tensor;
}

export interface LM {
  config: ModelConfig;
  tokenizer: Tokenizer;
  params: Params;
}

export function dff(c: ModelConfig): number {
  return c.dFF ?? 4 * c.dModel;
}

/** How many weights createLM makes for `config` (every tensor namedParams lists), computed without
 * making them: a checkpoint's config.json is checked against its model.safetensors before any is. */
export function configParameterCount(config: ModelConfig): number {
  const D = config.dModel;
  const F = dff(config);
  const layer = D + 3 * D * D + D * D + D + D * F + F * D;
  return config.vocabSize * D + config.contextLength * D + config.nLayers * layer + D;
}

export function createLM(config: ModelConfig, tokenizer: Tokenizer, seed: number): LM {
  if (config.dModel % config.nHeads !== 0) throw new Error('dModel must be a multiple of nHeads');
  const rng = createRng(seed);
  const normal = (std: number) => {
    // Box–Muller from the seeded stream: same seed, same weights.
    const u = Math.max(rng.next(), 1e-12);
    const v = rng.next();
    return std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const init = (shape: number[], std: number) => {
    const t = Tensor.zeros(shape, true);
    for (let i = 0; i < t.size; i++) t.data[i] = normal(std);
    return t;
  };
  const ones = (n: number) => {
    const t = Tensor.zeros([n], true);
    t.data.fill(1);
    return t;
  };
  const D = config.dModel;
  const F = dff(config);
  const residStd = 0.02 / Math.sqrt(2 * config.nLayers);
  return {
    config: { ...config, dFF: F },
    tokenizer,
    params: {
      wte: init([config.vocabSize, D], 0.02),
      wpe: init([config.contextLength, D], 0.01),
      layers: Array.from({ length: config.nLayers }, () => ({
        ln1: ones(D),
        wqkv: init([D, 3 * D], 0.02),
        wo: init([D, D], residStd),
        ln2: ones(D),
        w1: init([D, F], 0.02),
        w2: init([F, D], residStd),
      })),
      lnf: ones(D),
    },
  };
}

/** Every parameter with a stable name (the safetensors keys). */
export function namedParams(p: Params): [string, Tensor][] {
  const out: [string, Tensor][] = [
    ['wte', p.wte],
    ['wpe', p.wpe],
  ];
  p.layers.forEach((l, i) => {
    out.push([`h.${i}.ln1`, l.ln1], [`h.${i}.wqkv`, l.wqkv], [`h.${i}.wo`, l.wo]);
    out.push([`h.${i}.ln2`, l.ln2], [`h.${i}.w1`, l.w1], [`h.${i}.w2`, l.w2]);
  });
  out.push(['lnf', p.lnf]);
  return out;
}

/** Logits [B*T, V] for a batch of equal-length (padded) sequences `ids` [B*T]. */
export function forward(lm: LM, ids: Int32Array, B: number, T: number): Tensor {
  return head(lm, blocks(lm, embed(lm, ids, B, T), B, T, 0));
}

/** The token + position embeddings of `ids` [B*T]: the residual stream before the first block. */
export function embed(lm: LM, ids: Int32Array, B: number, T: number): Tensor {
  const p = lm.params;
  const pos = new Int32Array(B * T);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) pos[b * T + t] = t;
  return add(embedding(p.wte, ids), embedding(p.wpe, pos));
}

/** The residual stream `x` [B*T, D] through blocks [from, to). Every op works row by row (attention
 * causally within a sequence), so a row's result does not depend on the rows after it in its
 * sequence, nor on the other sequences of the batch: the trainer reuses the output of frozen
 * blocks from one batch in another (train.ts, FrozenPrefix). */
export function blocks(
  lm: LM,
  x: Tensor,
  B: number,
  T: number,
  from: number,
  to = lm.params.layers.length,
): Tensor {
  const { params: p, config: c } = lm;
  for (let i = from; i < to; i++) {
    const l = p.layers[i];
    const att = causalAttention(matmul(rmsnorm(x, l.ln1), l.wqkv), B, T, c.nHeads);
    x = add(x, matmul(att, l.wo));
    const h = gelu(matmul(rmsnorm(x, l.ln2), l.w1));
    x = add(x, matmul(h, l.w2));
  }
  return x;
}

/** The final norm of the residual stream [n, D]. */
export const finalNorm = (lm: LM, x: Tensor): Tensor => rmsnorm(x, lm.params.lnf);

/** Logits [n, V] of normed rows (the output projection, tied to the token embedding). */
export const logitsOf = (lm: LM, normed: Tensor): Tensor => matmulT(normed, lm.params.wte);

/** Logits [n, V] of the residual stream [n, D] after the last block. */
export const head = (lm: LM, x: Tensor): Tensor => logitsOf(lm, finalNorm(lm, x));

export function cloneLM(lm: LM): LM {
  const copy = (t: Tensor) => new Tensor(new Float32Array(t.data), [...t.shape], true);
  const p = lm.params;
  return {
    config: { ...lm.config },
    tokenizer: lm.tokenizer,
    params: {
      wte: copy(p.wte),
      wpe: copy(p.wpe),
      layers: p.layers.map((l) => ({
        ln1: copy(l.ln1),
        wqkv: copy(l.wqkv),
        wo: copy(l.wo),
        ln2: copy(l.ln2),
        w1: copy(l.w1),
        w2: copy(l.w2),
      })),
      lnf: copy(p.lnf),
    },
  };
}

/** Block expansion (LLaMA Pro, Wu et al. 2024): appends `n` blocks, each a copy of the last one
 * with its two output projections zeroed, so the model computes exactly what it did before. A
 * fine-tune that trains only the new blocks adds behaviour in new capacity instead of overwriting
 * what the old blocks know. Mutates `lm`; returns the new blocks' parameter-name prefixes. */
export function expandBlocks(lm: LM, n: number): string[] {
  const copy = (t: Tensor) => new Tensor(new Float32Array(t.data), [...t.shape], true);
  const zeros = (t: Tensor) => Tensor.zeros([...t.shape], true);
  const added: string[] = [];
  for (let i = 0; i < n; i++) {
    const last = lm.params.layers[lm.params.layers.length - 1];
    const block = {
      ln1: copy(last.ln1),
      wqkv: copy(last.wqkv),
      wo: zeros(last.wo),
      ln2: copy(last.ln2),
      w1: copy(last.w1),
      w2: zeros(last.w2),
    };
    added.push(`h.${lm.params.layers.length}.`);
    lm.params.layers.push(block);
  }
  lm.config.nLayers = lm.params.layers.length;
  return added;
}

export function parameterCount(lm: LM): number {
  return namedParams(lm.params).reduce((n, [, t]) => n + t.size, 0);
}
