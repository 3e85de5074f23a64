// Property test (fast-check, fixed seed) of loadLM on damaged checkpoints: config.json fields set
// to random values (huge sizes included), tokenizer.json merges and fields replaced (merges that
// double a token included), model.safetensors bytes flipped, cut short, its header length or a
// tensor's entry replaced (huge offsets and shapes included). Each load succeeds or is an InputError
// naming a file of the checkpoint, quickly (in CPU time): never a RangeError or TypeError, never
// gigabytes allocated. test/lm/checkpoint.test.ts has the examples; this file checks the property.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/index.js';
import { createLM, loadLM, saveLM, Tokenizer } from '../../src/lm/index.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-ckpt-fuzz-'));
const good = join(dir, 'good');
let cfg0: Record<string, unknown>;
let tok0: { model: { merges: unknown[] } } & Record<string, unknown>;
let st0: Buffer;
let header0: Record<string, Record<string, unknown>>;
let headerLength = 0;

beforeAll(async () => {
  const tok = Tokenizer.train(['hello there', 'general kenobi'], 280);
  await saveLM(
    createLM({ vocabSize: tok.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 32 }, tok, 1),
    good,
  );
  cfg0 = JSON.parse(readFileSync(join(good, 'config.json'), 'utf8'));
  tok0 = JSON.parse(readFileSync(join(good, 'tokenizer.json'), 'utf8'));
  st0 = readFileSync(join(good, 'model.safetensors'));
  headerLength = Number(st0.readBigUInt64LE(0));
  header0 = JSON.parse(st0.subarray(8, 8 + headerLength).toString('utf8'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const junk = fc.oneof(
  fc.integer({ min: -3, max: 300 }),
  fc.constantFrom(0, 1, 2, 16, 2 ** 20, 2 ** 31, 2 ** 53, 1e308, 1.5, -0, '16', null, true, [], {}),
  fc.jsonValue({ maxDepth: 2 }),
);
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('config' as const),
    key: fc.constantFrom(
      'vocab_size',
      'hidden_size',
      'num_hidden_layers',
      'num_attention_heads',
      'max_position_embeddings',
      'intermediate_size',
      'model_type',
    ),
    value: junk,
  }),
  fc.record({
    kind: fc.constant('config-text' as const),
    text: fc.constantFrom('', 'null', '[]', '1', '{', '"x"'),
  }),
  fc.record({
    kind: fc.constant('tokenizer' as const),
    path: fc.constantFrom(
      'model.merges',
      'model.merges.0',
      'model.merges.3.1',
      'breakfix.byteOffset',
      'added_tokens',
    ),
    value: junk,
  }),
  fc.record({ kind: fc.constant('doubling' as const), n: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(400), byte: fc.nat(255) }),
  fc.record({ kind: fc.constant('cut' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant('header-length' as const),
    value: fc.constantFrom(0n, 1n, 2n ** 63n - 1n, 2n ** 32n, 2n ** 53n + 1n, -1n),
  }),
  fc.record({
    kind: fc.constant('tensor' as const),
    which: fc.nat(6),
    field: fc.constantFrom('dtype', 'shape', 'data_offsets', '*'),
    value: fc.oneof(
      junk,
      fc.constantFrom([0, 4], [0, 1e20], [-4, 0], [4, 0], 'F16', [1e9, 1e9], [2 ** 20, 16]),
    ),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function write(d: string, muts: Mutation[]): void {
  const cfg = structuredClone(cfg0);
  const tok = structuredClone(tok0);
  const header = structuredClone(header0);
  let cfgText: string | undefined;
  let length: bigint | undefined;
  let cut: number | undefined;
  const flips: [number, number][] = [];
  for (const m of muts) {
    if (m.kind === 'config') cfg[m.key] = m.value;
    else if (m.kind === 'config-text') cfgText = m.text;
    else if (m.kind === 'tokenizer') {
      const parts = m.path.split('.');
      let o = tok as Record<string, unknown>;
      for (const p of parts.slice(0, -1)) {
        if (!o[p] || typeof o[p] !== 'object') o[p] = {};
        o = o[p] as Record<string, unknown>;
      }
      o[parts[parts.length - 1]] = m.value;
    } else if (m.kind === 'doubling')
      tok.model = {
        ...tok.model,
        merges: [[70, 70], ...Array.from({ length: m.n }, (_, i) => [261 + i, 261 + i])],
      };
    else if (m.kind === 'flip') flips.push([m.at, m.byte]);
    else if (m.kind === 'cut') cut = Math.floor(m.fraction * st0.length);
    else if (m.kind === 'header-length') length = BigInt.asUintN(64, m.value);
    else {
      const name = Object.keys(header).filter((k) => k !== '__metadata__')[
        m.which % (Object.keys(header).length - 1)
      ];
      if (m.field === '*') header[name] = m.value as Record<string, unknown>;
      else header[name] = { ...header[name], [m.field]: m.value };
    }
  }
  const head = Buffer.from(JSON.stringify(header));
  let st = Buffer.concat([Buffer.alloc(8), head, st0.subarray(8 + headerLength)]);
  st.writeBigUInt64LE(length ?? BigInt(head.length), 0);
  for (const [at, byte] of flips) if (at < st.length) st[at] = byte;
  if (cut !== undefined) st = st.subarray(0, cut);
  writeFileSync(join(d, 'config.json'), cfgText ?? JSON.stringify(cfg));
  writeFileSync(join(d, 'tokenizer.json'), JSON.stringify(tok));
  writeFileSync(join(d, 'model.safetensors'), st);
}

describe('property: loadLM on a damaged checkpoint', () => {
  it('loads, or is an InputError naming one of its files, quickly and without a big allocation', async () => {
    const d = join(dir, 'fuzzed');
    cpSync(good, d, { recursive: true });
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (muts) => {
        write(d, muts);
        // CPU time, not wall time: a loader that spins on a corrupt file burns CPU, while a loaded
        // machine only stretches the wall clock (a 2-core CI at load 40 gives this process ~5% of a core).
        const cpu = process.cpuUsage();
        const before = process.memoryUsage().arrayBuffers;
        try {
          await loadLM(d);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          expect(err.file?.startsWith(d)).toBe(true);
        }
        const { user, system } = process.cpuUsage(cpu);
        expect((user + system) / 1000, 'CPU ms of one load').toBeLessThan(2_000);
        expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
      }),
      { seed: 20261205, numRuns: 400 },
    );
  });
});
