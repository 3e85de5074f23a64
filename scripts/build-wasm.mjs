// Rebuilds the committed WASM kernels from their AssemblyScript sources with the installed `asc`.
// The memory is imported and shared, so the worker threads of the parallel matmul run the same
// module over the same memory; the decode attention is a second module over that memory.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const asc = join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');
for (const name of ['matmul', 'decode']) {
  const out = `src/lm/kernels/${name}.wasm`;
  execFileSync(
    process.execPath,
    [
      asc,
      `src/lm/kernels/assembly/${name}.ts`,
      '--outFile',
      out,
      '--optimizeLevel',
      '3',
      '--shrinkLevel',
      '0',
      '--enable',
      'simd,threads',
      '--runtime',
      'stub',
      '--noAssert',
      '--importMemory',
      '--sharedMemory',
      '--initialMemory',
      '16',
      '--maximumMemory',
      '16384',
    ],
    { stdio: 'inherit' },
  );
  console.log(`wrote ${out}`);
}
