// Training: AdamW with warmup + cosine decay, gradient clipping and accumulation; SFT with the loss
// on assistant tokens only; DPO (sigmoid loss) against reference log-probs computed once from the
// model as it was before the first step (the frozen copy), cached for the whole run.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng } from '../core/rng.js';
import { runYielding } from '../core/yield.js';
import { type Batch, type Encoded, makeBatch } from './batch.js';
import { decodeSafetensors, encodeSafetensors, safetensorsMetadata, saveLM } from './checkpoint.js';
import { FrozenPrefix, FrozenScores, frozenBlocks } from './frozen-prefix.js';
import { sameSumsRows } from './kernels/index.js';
import { blocks, cloneLM, embed, finalNorm, forward, type LM, logitsOf, namedParams } from './model.js';
import { crossEntropy, pickRows, sequenceLogProbs, Tensor, withArena, withTape } from './tensor.js';
import type { ChatMessage } from './tokenizer.js';

export interface TrainParams {
  steps?: number;
  epochs?: number;
  batchSize: number;
  lr: number;
  warmupSteps?: number;
  weightDecay?: number;
  gradClip?: number;
  accumSteps?: number;
  seed: number;
  maxLength?: number;
  /** DPO β. */
  beta?: number;
  /** Held-out examples (same shape as the training examples) for validation loss. */
  validation?: unknown[];
  evalEvery?: number;
  /** Folder for resumable checkpoints (weights + optimizer state + step), written every `checkpointEvery` steps and at the end. */
  checkpointDir?: string;
  checkpointEvery?: number;
  /** Continue from the state in `checkpointDir` (weights are loaded into `lm`). */
  resume?: boolean;
  /** Stop after this many steps (of `steps`) as if interrupted; the schedule still spans `steps`. */
  stopAfter?: number;
  /** Parameter names (or prefixes, e.g. `wte`, `h.0.`) left unchanged. Fine-tuning a small model
   * with Adam moves every embedding row by about lr per step, however small its gradient; freezing
   * the embeddings keeps what the base model knows while its blocks learn the new behaviour. */
  freeze?: string[];
  /** SFT: weight of the distillation term on `anchor` examples, which are trained toward the
   * frozen start model's next-token distribution (KL) instead of their target tokens. 0 = off. */
  anchor?: number;
  /** Skip work whose result is known or unread: what the frozen weights give a sequence is computed
   * once and reused at every later step (the residual stream after the frozen leading blocks, the
   * frozen start model's anchor distribution; frozen-prefix.ts), and the output layer runs on the
   * rows a loss reads only. Bitwise the same weights and logs; false does all of it at every step,
   * for the test that says so. Default true. */
  skipRedundant?: boolean;
}

export interface TrainStepLog {
  step: number;
  loss: number;
  lr: number;
  tokensPerSec: number;
  valLoss?: number;
  rewardMargin?: number;
  prefAccuracy?: number;
}

export interface TrainHooks {
  onStep?(log: TrainStepLog): void;
}

export interface SFTExample {
  messages: ChatMessage[];
  /** Score only the final assistant message; earlier turns are context (few-shot shots, an
   * attack's faux turns), and a conversation longer than the context loses its oldest tokens
   * rather than its answer. */
  lastOnly?: boolean;
  /** Trained toward what the start model itself predicts on these tokens (see TrainParams.anchor):
   * a helpful or benign answer the fine-tune must leave as it was, not sharpen into a memorised one. */
  anchor?: boolean;
}

export interface PreferencePair {
  prompt: ChatMessage[];
  chosen: string;
  rejected: string;
}

export function encodeSFT(lm: LM, ex: SFTExample, maxLength: number): Encoded {
  const last = ex.messages.at(-1);
  if (ex.lastOnly && last?.role === 'assistant')
    return encodeCompletion(lm, ex.messages.slice(0, -1), last.content, maxLength);
  const { ids, assistantMask } = lm.tokenizer.encodeChat(ex.messages, false);
  const n = Math.min(ids.length, maxLength);
  return { ids: ids.slice(0, n), mask: assistantMask.slice(0, n).map((m) => (m ? 1 : 0)) };
}

/** Prompt (with generation prompt) + completion + <|end|>; only the completion is scored. */
function encodeCompletion(lm: LM, prompt: ChatMessage[], completion: string, maxLength: number): Encoded {
  const head = lm.tokenizer.encodeChat(prompt, true).ids;
  const tail = [...lm.tokenizer.encodeText(completion), lm.tokenizer.endId];
  let ids = [...head, ...tail];
  let mask = [...head.map(() => 0), ...tail.map(() => 1)];
  if (ids.length > maxLength) {
    // Keep the completion whole where possible by dropping the oldest prompt tokens.
    const cut = ids.length - maxLength;
    ids = ids.slice(cut);
    mask = mask.slice(cut);
  }
  return { ids, mask };
}

class AdamW {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;
  constructor(
    private readonly params: Tensor[],
    private readonly wd: number,
    private readonly b1 = 0.9,
    private readonly b2 = 0.95,
    private readonly eps = 1e-8,
  ) {
    this.m = params.map((p) => new Float32Array(p.size));
    this.v = params.map((p) => new Float32Array(p.size));
  }

  state(): { t: number; tensors: [string, { data: Float32Array; shape: number[] }][] } {
    const tensors: [string, { data: Float32Array; shape: number[] }][] = [];
    for (const [k, m] of this.m.entries())
      tensors.push(
        [`m.${k}`, { data: m, shape: [m.length] }],
        [`v.${k}`, { data: this.v[k], shape: [m.length] }],
      );
    return { t: this.t, tensors };
  }

  restore(t: number, tensors: Map<string, { data: Float32Array }>): void {
    this.t = t;
    this.m.forEach((m, k) => {
      m.set(tensors.get(`m.${k}`)!.data);
      this.v[k].set(tensors.get(`v.${k}`)!.data);
    });
  }

  step(lr: number, clip: number): number {
    let norm2 = 0;
    for (const p of this.params) {
      const g = p.grad;
      if (g) for (let i = 0; i < g.length; i++) norm2 += g[i] * g[i];
    }
    const norm = Math.sqrt(norm2);
    const scale = clip > 0 && norm > clip ? clip / norm : 1;
    this.t++;
    // Constants in locals: V8 does not hoist the property loads out of the loop (2× faster).
    const { b1, b2, eps } = this;
    const bc1 = 1 - b1 ** this.t;
    const bc2 = 1 - b2 ** this.t;
    this.params.forEach((p, k) => {
      const grad = p.grad;
      if (!grad) return;
      const m = this.m[k];
      const v = this.v[k];
      const w = p.data;
      // Gains (1-D) are not decayed.
      const decay = p.shape.length > 1 ? this.wd : 0;
      for (let i = 0; i < w.length; i++) {
        const g = grad[i] * scale;
        const mi = Math.fround(b1 * m[i] + (1 - b1) * g);
        const vi = Math.fround(b2 * v[i] + (1 - b2) * g * g);
        m[i] = mi;
        v[i] = vi;
        w[i] -= lr * (mi / bc1 / (Math.sqrt(vi / bc2) + eps) + decay * w[i]);
      }
      grad.fill(0);
    });
    return norm;
  }
}

function schedule(step: number, total: number, warmup: number, lr: number): number {
  if (step < warmup) return (lr * (step + 1)) / warmup;
  const progress = (step - warmup) / Math.max(1, total - warmup);
  return lr * (0.1 + 0.45 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
}

/** Shuffled batches over `n` items, epoch after epoch, deterministic from the seed. */
function* batches(n: number, size: number, seed: number): Generator<number[], never, void> {
  const rng = createRng(seed);
  for (;;) {
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    for (let i = 0; i < n; i += size) yield order.slice(i, i + size);
  }
}

interface Resumable {
  step: number;
  extra?: Record<string, unknown>;
}

/** Everything a resume needs, in one file: the weights, the optimizer moments and (in its metadata)
 * the step, written beside and renamed in. One file, because a run killed between the renames of
 * several (weights, then moments, then step) left the weights of step n+1 beside the step count of
 * step n, and the resumed run then repeated a step on weights that had taken it already. */
const RESUME_FILE = 'trainer-state.safetensors';
/** The layout before RESUME_FILE (read, never written): step as JSON, moments beside the model. */
const STATE_FILE = 'trainer-state.json';
const OPT_FILE = 'optimizer.safetensors';

interface SavedState {
  step: number;
  adamStep: number;
  extra?: Record<string, unknown>;
}

/** Writes the weights (HF layout, a loadable model) and the resume state, so a run can resume
 * exactly; a kill at any moment leaves the resume state of the last completed save. */
async function saveState(
  lm: LM,
  dir: string,
  opt: AdamW,
  step: number,
  extra?: Record<string, unknown>,
): Promise<void> {
  await saveLM(lm, dir);
  const st = opt.state();
  const state: SavedState = { step, adamStep: st.t, ...(extra ? { extra } : {}) };
  const tensors: [string, { data: Float32Array; shape: number[] }][] = [
    ...namedParams(lm.params).map(
      ([n, t]) =>
        [`w.${n}`, { data: t.data, shape: t.shape }] as [string, { data: Float32Array; shape: number[] }],
    ),
    ...st.tensors,
  ];
  const { writeFile, rename } = await import('node:fs/promises');
  await writeFile(
    join(dir, `${RESUME_FILE}.tmp`),
    encodeSafetensors(tensors, { state: JSON.stringify(state) }),
  );
  await rename(join(dir, `${RESUME_FILE}.tmp`), join(dir, RESUME_FILE));
}

/** Loads weights into `lm` and the optimizer state; returns the step to continue after, or null. */
async function loadState(lm: LM, dir: string, opt: AdamW): Promise<Resumable | null> {
  const file = join(dir, RESUME_FILE);
  let state: SavedState;
  let weights: Map<string, { data: Float32Array }>;
  let moments: Map<string, { data: Float32Array }>;
  if (existsSync(file)) {
    const buf = await readFile(file);
    moments = decodeSafetensors(buf, file);
    weights = new Map([...moments].flatMap(([k, v]) => (k.startsWith('w.') ? [[k.slice(2), v]] : [])));
    state = JSON.parse(safetensorsMetadata(buf, file).state ?? 'null') as SavedState;
    if (!state) throw new Error(`${file}: no trainer state in its metadata`);
  } else if (existsSync(join(dir, STATE_FILE))) {
    state = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as SavedState;
    weights = decodeSafetensors(
      await readFile(join(dir, 'model.safetensors')),
      join(dir, 'model.safetensors'),
    );
    moments = decodeSafetensors(await readFile(join(dir, OPT_FILE)), join(dir, OPT_FILE));
  } else return null;
  for (const [name, t] of namedParams(lm.params)) {
    const src = weights.get(name);
    if (!src || src.data.length !== t.size)
      throw new Error(`${dir}: tensor ${name} does not match the model`);
    t.data.set(src.data);
  }
  opt.restore(state.adamStep, moments);
  return { step: state.step, extra: state.extra };
}

const isFrozen = (name: string, freeze: string[]) => freeze.some((f) => name === f || name.startsWith(f));

/** The work a run skips (skipRedundant): `prefix` is what the frozen leading blocks give each
 * sequence, kept for the run (none when no leading block is frozen). Undefined: nothing skipped. */
interface Skips {
  prefix?: FrozenPrefix;
}

function skipsFor(lm: LM, params: TrainParams): Skips | undefined {
  if (params.skipRedundant === false) return undefined;
  const layers = frozenBlocks(lm, (name) => isFrozen(name, params.freeze ?? []));
  return { prefix: layers > 0 ? new FrozenPrefix(lm, layers) : undefined };
}

/** A batch's logits on the rows a loss reads, with those rows' targets, mask and sequence. */
interface Scored {
  logits: Tensor;
  targets: ArrayLike<number>;
  mask: Uint8Array;
  seq: ArrayLike<number>;
  /** The batch row (b*T + t) of each logits row, and the logits row of each batch row (or -1);
   * null when the logits cover every batch row. */
  rows: Int32Array | null;
  at: Int32Array | null;
}

/** Summed log-probability of each of the batch's `B` sequences. */
const logProbs = (s: Scored, B: number): Tensor => sequenceLogProbs(s.logits, s.targets, s.mask, s.seq, B);

/** The forward pass of a batch of `items`. With `skips`, from the stored frozen prefix, and the
 * output layer only on the rows whose mask is set: a row outside it has a gradient of exactly zero,
 * which adds nothing to any sum of the backward pass. Over fewer than `sameSumsRows` scored rows the
 * output layer's product sums in another order than over the whole batch, so such a batch (short
 * answers in small batches) runs the whole forward pass, as recomputing does. */
function forwardBatch(lm: LM, items: Encoded[], batch: Batch, skips?: Skips): Scored {
  const { B, T } = batch;
  const rows: number[] = [];
  if (skips) for (let i = 0; i < B * T; i++) if (batch.mask[i]) rows.push(i);
  if (!skips || rows.length < sameSumsRows)
    return {
      logits: forward(lm, batch.inputs, B, T),
      targets: batch.targets,
      mask: batch.mask,
      seq: batch.seq,
      rows: null,
      at: null,
    };
  const p = skips.prefix;
  const x = p
    ? blocks(lm, p.stream(items, T), B, T, p.layers)
    : blocks(lm, embed(lm, batch.inputs, B, T), B, T, 0);
  const picked = Int32Array.from(rows);
  const at = new Int32Array(B * T).fill(-1);
  picked.forEach((i, k) => {
    at[i] = k;
  });
  return {
    logits: logitsOf(lm, pickRows(finalNorm(lm, x), picked)),
    targets: Int32Array.from(rows, (i) => batch.targets[i]),
    mask: Uint8Array.from(rows, (i) => batch.mask[i]),
    seq: Int32Array.from(rows, (i) => batch.seq[i]),
    rows: picked,
    at,
  };
}

function trainable(lm: LM, freeze: string[] = []): Tensor[] {
  return namedParams(lm.params)
    .filter(([name]) => !isFrozen(name, freeze))
    .map(([, t]) => t);
}

/** Runs `train` with the frozen weights marked as needing no gradient, so the tape neither computes
 * their gradients nor backpropagates through layers below the first trained one (with the
 * embeddings frozen, the output projection's weight gradient alone is a [V, D] product per step). */
async function withFrozen<T>(lm: LM, freeze: string[] = [], train: () => Promise<T>): Promise<T> {
  const frozen = namedParams(lm.params)
    .filter(([name]) => isFrozen(name, freeze))
    .map(([, t]) => ({ t: t as { requiresGrad: boolean }, was: t.requiresGrad }));
  for (const f of frozen) f.t.requiresGrad = false;
  try {
    return await train();
  } finally {
    for (const f of frozen) f.t.requiresGrad = f.was;
  }
}

function totalSteps(params: TrainParams, n: number): number {
  if (params.steps !== undefined) return params.steps;
  return Math.max(1, Math.ceil(((params.epochs ?? 1) * n) / (params.batchSize * (params.accumSteps ?? 1))));
}

/** Supervised fine-tuning; loss on assistant tokens only. Mutates `lm`. */
export async function trainSFT(
  lm: LM,
  examples: SFTExample[],
  params: TrainParams,
  hooks: TrainHooks = {},
): Promise<TrainStepLog[]> {
  return withFrozen(lm, params.freeze, () => runSFT(lm, examples, params, hooks));
}

async function runSFT(
  lm: LM,
  examples: SFTExample[],
  params: TrainParams,
  hooks: TrainHooks,
): Promise<TrainStepLog[]> {
  const maxLength = Math.min(params.maxLength ?? lm.config.contextLength, lm.config.contextLength);
  const anchorWeight = params.anchor ?? 0;
  // (encoded letting the event loop in: a pretraining corpus takes seconds, which Ctrl-C waited out)
  const data = await runYielding(
    (function* () {
      const encoded: (Encoded & { anchor: boolean })[] = [];
      // An example listed twice (a helpful task drawn twice as often) is one sequence: encoded once,
      // and what the frozen weights give for it is stored once.
      const seen = new Map<SFTExample, Encoded & { anchor: boolean }>();
      for (const e of examples) {
        let enc = seen.get(e);
        if (!enc) {
          enc = { ...encodeSFT(lm, e, maxLength), anchor: anchorWeight > 0 && e.anchor === true };
          seen.set(e, enc);
        }
        if (enc.mask.some((m) => m)) encoded.push(enc);
        yield;
      }
      return encoded;
    })(),
  );
  // The frozen start model: the distillation target of anchor examples.
  const ref = data.some((e) => e.anchor) ? cloneLM(lm) : undefined;
  const val = ((params.validation ?? []) as SFTExample[]).map((e) => encodeSFT(lm, e, maxLength));
  if (data.length === 0) return [];
  const opt = new AdamW(trainable(lm, params.freeze), params.weightDecay ?? 0.01);
  const skips = skipsFor(lm, params);
  const refScores = ref && (skips ? new FrozenScores(ref) : recomputed(ref));
  const steps = totalSteps(params, data.length);
  const accum = params.accumSteps ?? 1;
  const it = batches(data.length, params.batchSize, params.seed);
  const logs: TrainStepLog[] = [];
  const start =
    params.resume && params.checkpointDir ? ((await loadState(lm, params.checkpointDir, opt))?.step ?? 0) : 0;
  for (let i = 0; i < start * accum; i++) it.next();
  const end = Math.min(steps, params.stopAfter ?? steps);
  for (let step = start; step < end; step++) {
    const t0 = performance.now();
    let loss = 0;
    let tokens = 0;
    for (let a = 0; a < accum; a++) {
      const items = it.next().value!.map((i) => data[i]);
      const batch = makeBatch(items);
      // Activations live in the kernels' memory for the step (no copies); only the loss leaves it.
      loss += withArena(() => {
        const anchored = refScores ? anchorTargets(refScores, items, batch) : undefined;
        const { result: scored, backward } = withTape(() => forwardBatch(lm, items, batch, skips));
        const { logits, rows, at } = scored;
        const ceMask = !anchored
          ? scored.mask
          : rows
            ? Uint8Array.from(rows, (i) => anchored.ceMask[i])
            : anchored.ceMask;
        // The loss on a tape of its own: its backward fills logits.grad (beside the distillation
        // term's gradient), which the forward tape then carries into the weights.
        const ce = withTape(() => crossEntropy(logits, scored.targets, ceMask));
        // Every scored token weighs the same: CE rows 1/n, anchor rows anchorWeight/n.
        let nCe = 0;
        for (const m of ceMask) nCe += m;
        const n = Math.max(1, nCe + (anchored?.rows.length ?? 0));
        ce.result.ensureGrad()[0] = nCe / n / accum;
        ce.backward();
        let stepLoss = (ce.result.data[0] * nCe) / n;
        if (anchored)
          stepLoss += (anchorWeight * distill(logits, at, anchored, anchorWeight / n / accum)) / n;
        backward();
        return stepLoss / accum;
      });
      tokens += batch.tokens;
    }
    const lr = schedule(step, steps, params.warmupSteps ?? Math.min(20, Math.floor(steps / 10)), params.lr);
    opt.step(lr, params.gradClip ?? 1);
    const log: TrainStepLog = {
      step: step + 1,
      loss,
      lr,
      tokensPerSec: tokens / ((performance.now() - t0) / 1000),
    };
    if (val.length && (step + 1 === steps || (params.evalEvery && (step + 1) % params.evalEvery === 0))) {
      log.valLoss = evalLoss(lm, val, params.batchSize, skips);
    }
    logs.push(log);
    hooks.onStep?.(log);
    await checkpoint(lm, params, opt, step + 1, end);
    await yieldToEventLoop(); // once a step: a step holds the loop for seconds on a loaded machine
  }
  return logs;
}

interface Anchored {
  /** The batch mask with the anchor examples' rows removed (they get the distillation term). */
  ceMask: Uint8Array;
  /** Batch rows (b*T + t) trained by distillation, and the start model's distribution on each. */
  rows: number[];
  probs: Float32Array;
}

/** The frozen model's next-token distributions on the scored rows of the batch's anchor examples
 * (copied out of the kernels' memory). */
function anchorTargets(
  ref: Pick<FrozenScores, 'logits'>,
  items: Encoded[],
  batch: Batch,
): Anchored | undefined {
  const which = items.flatMap((e, b) => (e.anchor ? [b] : []));
  if (which.length === 0) return undefined;
  const logits = ref.logits(which.map((b) => items[b]));
  const V = logits.shape[1];
  const ceMask = Uint8Array.from(batch.mask);
  const rows: number[] = [];
  for (const b of which)
    for (let t = 0; t < batch.T; t++) {
      const i = b * batch.T + t;
      if (!batch.mask[i]) continue;
      ceMask[i] = 0;
      rows.push(i);
    }
  const probs = new Float32Array(rows.length * V);
  for (let k = 0; k < rows.length; k++) softmaxInto(logits.data, k * V, V, probs, k * V);
  return { ceMask, rows, probs };
}

/** (reuseFrozen: false) The frozen model's logits on the scored rows, recomputed for every batch. */
function recomputed(ref: LM): Pick<FrozenScores, 'logits'> {
  return {
    logits(items) {
      const sub = makeBatch(items);
      const all = forward(ref, sub.inputs, sub.B, sub.T);
      const V = all.shape[1];
      const rows: number[] = [];
      for (let i = 0; i < sub.B * sub.T; i++) if (sub.mask[i]) rows.push(i);
      const out = new Float32Array(rows.length * V);
      rows.forEach((r, k) => {
        out.set(all.data.subarray(r * V, (r + 1) * V), k * V);
      });
      return new Tensor(out, [rows.length, V]);
    },
  };
}

/** Softmax of x[from, from+V) into out[at, at+V); returns the log-sum-exp. */
function softmaxInto(x: Float32Array, from: number, V: number, out: Float32Array, at: number): number {
  let max = -Infinity;
  for (let j = 0; j < V; j++) max = Math.max(max, x[from + j]);
  let sum = 0;
  for (let j = 0; j < V; j++) {
    const e = Math.exp(x[from + j] - max);
    out[at + j] = e;
    sum += e;
  }
  for (let j = 0; j < V; j++) out[at + j] /= sum;
  return max + Math.log(sum);
}

/** KL(start ‖ model) summed over the anchor rows; adds `weight`·(p − p_start), that KL's gradient,
 * to the logits' gradient. */
function distill(logits: Tensor, at: Int32Array | null, a: Anchored, weight: number): number {
  const V = logits.shape[1];
  const g = logits.ensureGrad();
  const p = new Float32Array(V);
  let kl = 0;
  a.rows.forEach((batchRow, k) => {
    // (the logits' row of that batch row, when they cover the scored rows only)
    const row = at ? at[batchRow] : batchRow;
    const lse = softmaxInto(logits.data, row * V, V, p, 0);
    for (let j = 0; j < V; j++) {
      const q = a.probs[k * V + j];
      g[row * V + j] += weight * (p[j] - q);
      if (q > 0) kl += q * (Math.log(q) - (logits.data[row * V + j] - lse));
    }
  });
  return kl;
}

async function checkpoint(
  lm: LM,
  params: TrainParams,
  opt: AdamW,
  done: number,
  end: number,
  extra?: Record<string, unknown>,
): Promise<void> {
  if (!params.checkpointDir) return;
  if (done === end || done % (params.checkpointEvery ?? 50) === 0)
    await saveState(lm, params.checkpointDir, opt, done, extra);
}

function evalLoss(lm: LM, items: Encoded[], size: number, skips?: Skips): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < items.length; i += size) {
    const chunk = items.slice(i, i + size);
    const batch = makeBatch(chunk);
    const loss = withArena(() => {
      const s = forwardBatch(lm, chunk, batch, skips);
      return crossEntropy(s.logits, s.targets, s.mask).data[0];
    });
    const n = batch.mask.reduce((a, b) => a + b, 0);
    sum += loss * n;
    count += n;
  }
  return count ? sum / count : 0;
}

/** Writes the summed log-probabilities of `chunk` (one batch) into `out` from `at`. */
function chunkLogProbs(lm: LM, chunk: Encoded[], out: Float64Array, at: number, skips?: Skips): void {
  const batch = makeBatch(chunk);
  withArena(() => {
    const lp = logProbs(forwardBatch(lm, chunk, batch, skips), batch.B);
    for (let j = 0; j < chunk.length; j++) out[at + j] = lp.data[j];
  });
}

/** The reference model's log-probabilities of every item, in batches of `size`. It lets the event
 * loop run between batches: over the default cycle's pairs this took up to 66 s at once, long
 * enough to hold back the run claim's heartbeat, progress lines and Ctrl-C. */
async function referenceLogProbs(
  lm: LM,
  items: Encoded[],
  size: number,
  skips?: Skips,
): Promise<Float64Array> {
  const out = new Float64Array(items.length);
  for (let i = 0; i < items.length; i += size) {
    chunkLogProbs(lm, items.slice(i, i + size), out, i, skips);
    await yieldToEventLoop();
  }
  return out;
}

/** Timers, signals and I/O callbacks run here; the training's state is not touched meanwhile. */
const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/** Summed log-probability of `completion` after `prompt`. */
export function sequenceLogProb(lm: LM, prompt: ChatMessage[], completion: string): number {
  const out = new Float64Array(1);
  chunkLogProbs(lm, [encodeCompletion(lm, prompt, completion, lm.config.contextLength)], out, 0);
  return out[0];
}

/** Direct preference optimisation (sigmoid loss). Mutates `lm`; the reference is `lm` as given.
 * Pairs whose chosen and rejected are identical are skipped (they carry no preference). */
export async function trainDPO(
  lm: LM,
  pairs: PreferencePair[],
  params: TrainParams,
  hooks: TrainHooks = {},
): Promise<TrainStepLog[]> {
  return withFrozen(lm, params.freeze, () => runDPO(lm, params, hooks, pairs));
}

async function runDPO(
  lm: LM,
  params: TrainParams,
  hooks: TrainHooks,
  given: PreferencePair[],
): Promise<TrainStepLog[]> {
  // A pair whose chosen and rejected are the same text teaches nothing: its gradient is zero but for
  // rounding, which Adam divides by its own (tiny) scale into full-size steps of noise.
  const pairs = given.filter((p) => p.chosen !== p.rejected);
  if (pairs.length === 0) return [];
  const maxLength = Math.min(params.maxLength ?? lm.config.contextLength, lm.config.contextLength);
  const beta = params.beta ?? 0.1;
  const chosen = pairs.map((p) => encodeCompletion(lm, p.prompt, p.chosen, maxLength));
  const rejected = pairs.map((p) => encodeCompletion(lm, p.prompt, p.rejected, maxLength));
  const opt = new AdamW(trainable(lm, params.freeze), params.weightDecay ?? 0);
  const resumed =
    params.resume && params.checkpointDir ? await loadState(lm, params.checkpointDir, opt) : null;
  // Reference log-probs: the frozen starting model, computed once (and kept with the checkpoint,
  // since after resuming `lm` is no longer the reference).
  const cached = resumed?.extra as { refC: number[]; refR: number[] } | undefined;
  const skips = skipsFor(lm, params);
  const refC = cached ? Float64Array.from(cached.refC) : await referenceLogProbs(lm, chosen, 16, skips);
  const refR = cached ? Float64Array.from(cached.refR) : await referenceLogProbs(lm, rejected, 16, skips);
  const refExtra = { refC: Array.from(refC), refR: Array.from(refR) };
  const steps = totalSteps(params, pairs.length);
  const accum = params.accumSteps ?? 1;
  const it = batches(pairs.length, params.batchSize, params.seed);
  const logs: TrainStepLog[] = [];
  const start = resumed?.step ?? 0;
  for (let i = 0; i < start * accum; i++) it.next();
  const end = Math.min(steps, params.stopAfter ?? steps);
  for (let step = start; step < end; step++) {
    const t0 = performance.now();
    let loss = 0;
    let margin = 0;
    let correct = 0;
    let count = 0;
    let tokens = 0;
    for (let a = 0; a < accum; a++) {
      const idx = it.next().value!;
      const b = idx.length;
      const items = [...idx.map((i) => chosen[i]), ...idx.map((i) => rejected[i])];
      const batch = makeBatch(items);
      withArena(() => {
        const { result: lp, backward } = withTape(() =>
          logProbs(forwardBatch(lm, items, batch, skips), batch.B),
        );
        const g = lp.ensureGrad();
        idx.forEach((pi, j) => {
          const z = beta * (lp.data[j] - refC[pi] - (lp.data[b + j] - refR[pi]));
          const sig = 1 / (1 + Math.exp(-z));
          // −log σ(z) = softplus(−z), exact for any z (−log of a floored σ stopped at 27.6)
          loss += (z < 0 ? -z + Math.log1p(Math.exp(z)) : Math.log1p(Math.exp(-z))) / (b * accum);
          // d(−log σ(z))/dz = −σ(−z) = −(1 − σ(z))
          const dz = -(1 - sig) / (b * accum);
          g[j] = dz * beta;
          g[b + j] = -dz * beta;
          margin += z;
          correct += z > 0 ? 1 : 0;
          count++;
        });
        backward();
      });
      tokens += batch.tokens;
    }
    const lr = schedule(step, steps, params.warmupSteps ?? Math.min(10, Math.floor(steps / 10)), params.lr);
    opt.step(lr, params.gradClip ?? 1);
    const log: TrainStepLog = {
      step: step + 1,
      loss,
      lr,
      tokensPerSec: tokens / ((performance.now() - t0) / 1000),
      rewardMargin: margin / count,
      prefAccuracy: correct / count,
    };
    logs.push(log);
    hooks.onStep?.(log);
    await checkpoint(lm, params, opt, step + 1, end, refExtra);
    await yieldToEventLoop(); // once a step: a step holds the loop for seconds on a loaded machine
  }
  return logs;
}
