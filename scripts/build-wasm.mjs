// Rebuilds the committed WASM kernels from their AssemblyScript sources.
import { execFileSync } from 'node:child_process';

execFileSync(
  'npx',
  [
    'asc',
    'src/lm/kernels/assembly/matmul.ts',
    '--outFile', 'src/lm/kernels/matmul.wasm',
    '--optimizeLevel', '3',
    '--shrinkLevel', '0',
    '--enable', 'simd',
    '--runtime', 'stub',
    '--noAssert',
    '--importMemory',
    '--initialMemory', '1',
  ],
  { stdio: 'inherit' },
);
console.log('wrote src/lm/kernels/matmul.wasm');
