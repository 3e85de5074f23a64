// The table of training configurations (helpers-skip-configs.ts) on the TypeScript kernels, the
// fallback when the WASM module does not load (and BREAKFIX_KERNELS=ts): skipRedundant must be
// bitwise the same there too. Their attention summed a row's causal terms in groups of 4 up to the
// padded length T, so a sequence's rows depended on the batch it was in, and the reused frozen
// prefix differed from recomputing it.
import { afterAll, expect, it, vi } from 'vitest';

const was = vi.hoisted(() => {
  const before = process.env.BREAKFIX_KERNELS;
  process.env.BREAKFIX_KERNELS = 'ts';
  return before;
});
afterAll(() => {
  if (was === undefined) delete process.env.BREAKFIX_KERNELS;
  else process.env.BREAKFIX_KERNELS = was;
});

import { kernelBackend } from '../../src/lm/kernels/index.js';
import { describeSkipConfigs } from './helpers-skip-configs.js';

it('runs on the TypeScript kernels', () => {
  expect(kernelBackend).toBe('ts');
});

describeSkipConfigs('TypeScript kernels');
