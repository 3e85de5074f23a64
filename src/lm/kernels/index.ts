// The kernels the engine uses: WASM SIMD when the module loads (the default), else the pure
// TypeScript reference. BREAKFIX_KERNELS=ts forces the TypeScript path.
import * as ts from './ts.js';
import { FEW_ROWS, loadWasmKernels } from './wasm.js';

const wasm = process.env.BREAKFIX_KERNELS === 'ts' ? null : loadWasmKernels();

export const kernelBackend: 'wasm' | 'ts' = wasm ? 'wasm' : 'ts';
export const matmulNN = wasm?.matmulNN ?? ts.matmulNN;
export const matmulNT = wasm?.matmulNT ?? ts.matmulNT;
// (the TypeScript matmulNT already computes each row on its own)
export const matmulNTRows = wasm?.matmulNTRows ?? ts.matmulNT;
export const matmulTN = wasm?.matmulTN ?? ts.matmulTN;
export const softmaxRows = wasm?.softmaxRows ?? ts.softmaxRows;
export const geluRows = wasm?.geluRows ?? ts.geluRows;
export const geluBackward = wasm?.geluBackward ?? ts.geluBackward;
export const scaleInto = wasm?.scaleInto ?? ts.scaleInto;
export const attention = wasm?.attention ?? ts.attention;
export const attentionBackward = wasm?.attentionBackward ?? ts.attentionBackward;
/** A row of A·Bᵀ (matmulNT) gets the same bits in any product of at least this many rows (below it
 * the WASM kernel sums in another order; the TypeScript one computes every row alike). */
export const sameSumsRows = wasm ? FEW_ROWS : 1;
/** null without the WASM kernels: generation runs its JavaScript twin (generate.ts attendRows). */
export const decodeAttention = wasm?.decodeAttention ?? null;
export const kernelThreads = wasm ? wasm.threads + 1 : 1;
/** Split jobs rechecked on the caller alone so far (BREAKFIX_KERNEL_VERIFY=1; else 0). */
export const kernelVerifiedJobs = (): number => wasm?.verifiedJobs() ?? 0;
/** Keeps weights resident in the kernel's memory while they are read-only (generation). */
export const pinWeights: (arrays: Float32Array[]) => void = wasm?.pin ?? (() => {});
export const unpinWeights: (arrays: Float32Array[]) => void = wasm?.unpin ?? (() => {});
/** A float32 array in the kernels' memory (no copy when a kernel reads or writes it), valid until the
 * innermost `kernelScope` returns; null outside a scope or when that memory is full. */
export const kernelAlloc: (n: number, zeroed?: boolean) => Float32Array | null = wasm?.alloc ?? (() => null);
export const kernelScope: <T>(fn: () => T) => T = wasm?.scope ?? ((fn) => fn());
export { loadWasmKernels, ts as tsKernels };
