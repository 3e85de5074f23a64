// Loads the WASM SIMD matmul kernels (compiled from ./assembly/matmul.ts) and wraps them so they
// read and write ordinary Float32Arrays: operands are copied into the module's memory, which grows
// on demand. The copies are O(n²) against O(n³) work.
import { readFileSync } from 'node:fs';

type Kernel = (a: number, b: number, c: number, M: number, K: number, N: number, acc: number) => void;
type MatmulFn = (a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number, accumulate?: boolean) => void;

export interface WasmKernels {
  matmulNN: MatmulFn;
  matmulNT: MatmulFn;
  matmulTN: MatmulFn;
}

// Node's WebAssembly global, typed just as far as this loader uses it (lib ES2023 has no typings).
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
const WA = (globalThis as unknown as {
  WebAssembly: {
    Memory: new (d: { initial: number }) => WasmMemory;
    Module: new (bytes: Uint8Array) => object;
    Instance: new (m: object, imports: object) => { exports: object };
  };
}).WebAssembly;

export function loadWasmKernels(): WasmKernels | null {
  try {
    const bytes = readFileSync(new URL('./matmul.wasm', import.meta.url));
    const memory = new WA.Memory({ initial: 16 });
    const instance = new WA.Instance(new WA.Module(bytes), {
      env: { memory, abort: () => { throw new Error('wasm kernel abort'); } },
    });
    const ex = instance.exports as unknown as Record<'matmulNN' | 'matmulNT' | 'matmulTN', Kernel>;
    let heap = new Float32Array(memory.buffer);
    const wrap = (kernel: Kernel, aLen: (M: number, K: number, N: number) => number, bLen: (M: number, K: number, N: number) => number): MatmulFn =>
      (a, b, c, M, K, N, accumulate = false) => {
        const na = aLen(M, K, N);
        const nb = bLen(M, K, N);
        const nc = M * N;
        const need = (na + nb + nc) * 4;
        if (need > memory.buffer.byteLength) {
          memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536) + 1);
          heap = new Float32Array(memory.buffer);
        }
        heap.set(a.subarray(0, na), 0);
        heap.set(b.subarray(0, nb), na);
        if (accumulate) heap.set(c.subarray(0, nc), na + nb);
        kernel(0, na * 4, (na + nb) * 4, M, K, N, accumulate ? 1 : 0);
        c.set(heap.subarray(na + nb, na + nb + nc));
      };
    return {
      matmulNN: wrap(ex.matmulNN, (M, K) => M * K, (_M, K, N) => K * N),
      matmulNT: wrap(ex.matmulNT, (M, K) => M * K, (_M, K, N) => N * K),
      matmulTN: wrap(ex.matmulTN, (M, K) => K * M, (_M, K, N) => K * N),
    };
  } catch {
    return null;
  }
}
