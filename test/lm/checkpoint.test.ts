// A checkpoint folder that is missing, incomplete or damaged is bad input naming the file and what is
// wrong, never a crash: real files written by saveLM, then broken the ways copies and disks break them.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/index.js';
import {
  configParameterCount,
  createLM,
  decodeSafetensors,
  encodeSafetensors,
  loadLM,
  parameterCount,
  saveLM,
  Tokenizer,
} from '../../src/lm/index.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-ckpt-'));
const good = join(dir, 'good');

beforeAll(async () => {
  const tok = Tokenizer.train(['hello there', 'general kenobi'], 280);
  await saveLM(
    createLM({ vocabSize: tok.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 32 }, tok, 1),
    good,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the good checkpoint with `breakIt` applied. */
function broken(name: string, breakIt: (d: string) => void): string {
  const d = join(dir, name);
  cpSync(good, d, { recursive: true });
  breakIt(d);
  return d;
}

async function inputError(p: Promise<unknown>): Promise<InputError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('loadLM on a bad checkpoint', () => {
  it('loads the good one', async () => {
    expect((await loadLM(good)).config.nLayers).toBe(1);
  });

  it('no such folder, or a file instead of one', async () => {
    const none = await inputError(loadLM(join(dir, 'nonexistent')));
    expect(none.message).toMatch(/no such checkpoint folder/);
    expect(none.file).toBe(join(dir, 'nonexistent'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect((await inputError(loadLM(file))).message).toMatch(/not a checkpoint folder \(it is a file\)/);
    expect((await inputError(loadLM(dir))).file).toBe(join(dir, 'config.json'));
  });

  it('broken JSON in config.json or tokenizer.json names the file', async () => {
    const c = broken('bad-config', (d) => writeFileSync(join(d, 'config.json'), '{"hidden_size": 16,'));
    const e = await inputError(loadLM(c));
    expect(e.file).toBe(join(c, 'config.json'));
    expect(e.message).toMatch(/not valid JSON/);
    const t = broken('bad-tokenizer', (d) => writeFileSync(join(d, 'tokenizer.json'), '{"model": {}}'));
    expect((await inputError(loadLM(t))).file).toBe(join(t, 'tokenizer.json'));
  });

  it('a config.json that is not a breakfix model config names the field', async () => {
    const c = broken('no-sizes', (d) => writeFileSync(join(d, 'config.json'), '{"hidden_size": 16}'));
    const e = await inputError(loadLM(c));
    expect(e.message).toMatch(/vocab_size must be a positive integer/);
    expect(e.file).toBe(join(c, 'config.json'));
  });

  it("another architecture's config.json is refused by its model_type, even with every size field", async () => {
    const cfg = JSON.parse(readFileSync(join(good, 'config.json'), 'utf8'));
    const c = broken('hf-config', (d) =>
      writeFileSync(join(d, 'config.json'), JSON.stringify({ ...cfg, model_type: 'llama' })),
    );
    const e = await inputError(loadLM(c));
    expect(e.message).toMatch(/model_type is "llama", not "breakfix-gpt"/);
    expect(e.file).toBe(join(c, 'config.json'));
  });

  it('a model.safetensors whose tensors do not match config.json in shape or in number', async () => {
    const w = readFileSync(join(good, 'model.safetensors'));
    const tensors = decodeSafetensors(w);
    const t = tensors.get('h.0.wqkv')!;
    const transposed = broken('transposed', (d) =>
      writeFileSync(
        join(d, 'model.safetensors'),
        encodeSafetensors(
          [...tensors.entries()].map(([n, v]) => [n, n === 'h.0.wqkv' ? { ...v, shape: [48, 16] } : v]),
        ),
      ),
    );
    expect(t.shape).toEqual([16, 48]);
    const e = await inputError(loadLM(transposed));
    expect(e.file).toBe(join(transposed, 'model.safetensors'));
    expect(e.message).toMatch(/tensor h\.0\.wqkv has shape \[48,16\], expected \[16,48\]/);
    // One layer more than config.json says (a block-expanded model beside its old config).
    const extraLayer = broken('extra-layer', (d) =>
      writeFileSync(
        join(d, 'model.safetensors'),
        encodeSafetensors([
          ...tensors.entries(),
          ...[...tensors.entries()]
            .filter(([n]) => n.startsWith('h.0.'))
            .map(([n, v]) => [n.replace('h.0.', 'h.1.'), v] as [string, typeof v]),
        ]),
      ),
    );
    const x = await inputError(loadLM(extraLayer));
    expect(x.message).toMatch(
      /tensor h\.1\.ln1 \(and 5 more\) is not part of the model config\.json describes/,
    );
  });

  it('a truncated or mismatched model.safetensors', async () => {
    const w = readFileSync(join(good, 'model.safetensors'));
    const cut = broken('truncated', (d) =>
      writeFileSync(join(d, 'model.safetensors'), w.subarray(0, w.length - 64)),
    );
    const e = await inputError(loadLM(cut));
    expect(e.file).toBe(join(cut, 'model.safetensors'));
    expect(e.message).toMatch(/runs past the end of the file \(truncated/);
    const tiny = broken('tiny', (d) => writeFileSync(join(d, 'model.safetensors'), 'abc'));
    expect((await inputError(loadLM(tiny))).message).toMatch(/too short/);
    const head = broken('header', (d) => writeFileSync(join(d, 'model.safetensors'), w.subarray(0, 20)));
    expect((await inputError(loadLM(head))).message).toMatch(/header length/);
    const other = broken('other-shape', (d) => {
      const cfg = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'));
      writeFileSync(join(d, 'config.json'), JSON.stringify({ ...cfg, hidden_size: 32 }));
    });
    expect((await inputError(loadLM(other))).message).toMatch(/does config\.json match this file/);
  });

  it('a model.safetensors holding a NaN or infinite weight names the tensor', async () => {
    const w = readFileSync(join(good, 'model.safetensors'));
    for (const [bits, shown] of [
      [0x7fc00000, 'NaN'],
      [0x7f800000, 'Infinity'],
    ] as const) {
      const bad = broken(`non-finite-${shown}`, (d) => {
        const b = Buffer.from(w);
        b.writeUInt32LE(bits, b.length - 4); // the last value of the last tensor (lnf)
        writeFileSync(join(d, 'model.safetensors'), b);
      });
      const e = await inputError(loadLM(bad));
      expect(e.file).toBe(join(bad, 'model.safetensors'));
      expect(e.message).toMatch(
        new RegExp(`tensor lnf holds ${shown} at index 15; the checkpoint is damaged`),
      );
    }
  });

  it('a tokenizer.json that does not fit the model: more tokens than vocab_size, a merge of unknown ids', async () => {
    const tj = JSON.parse(readFileSync(join(good, 'tokenizer.json'), 'utf8'));
    const n = tj.model.merges.length;
    const more = broken('tokenizer-too-big', (d) =>
      writeFileSync(
        join(d, 'tokenizer.json'),
        JSON.stringify({ ...tj, model: { ...tj.model, merges: [...tj.model.merges, [104, 105]] } }),
      ),
    );
    const e = await inputError(loadLM(more));
    expect(e.file).toBe(join(more, 'tokenizer.json'));
    expect(e.message).toContain(`makes ${262 + n} tokens, more than vocab_size ${261 + n} in config.json`);
    const unknown = broken('tokenizer-bad-merge', (d) =>
      writeFileSync(
        join(d, 'tokenizer.json'),
        JSON.stringify({ ...tj, model: { ...tj.model, merges: [[99999, 5], ...tj.model.merges] } }),
      ),
    );
    const u = await inputError(loadLM(unknown));
    expect(u.file).toBe(join(unknown, 'tokenizer.json'));
    expect(u.message).toMatch(
      /model\.merges\[0\] joins 99999, which is no token made before it \(0 to 260\)/,
    );
  });

  it('a tokenizer.json of another format or with other special tokens is refused, naming the file', async () => {
    const tj = JSON.parse(readFileSync(join(good, 'tokenizer.json'), 'utf8'));
    const v2 = broken('tokenizer-v2', (d) =>
      writeFileSync(
        join(d, 'tokenizer.json'),
        JSON.stringify({ ...tj, breakfix: { format: 'byte-bpe-v2', byteOffset: 3 } }),
      ),
    );
    const e = await inputError(loadLM(v2));
    expect(e.file).toBe(join(v2, 'tokenizer.json'));
    expect(e.message).toMatch(
      /breakfix\.format is "byte-bpe-v2" with byteOffset 3; this version reads "byte-bpe-v1"/,
    );
    const { breakfix: _, ...hf } = tj;
    const none = broken('tokenizer-no-format', (d) =>
      writeFileSync(join(d, 'tokenizer.json'), JSON.stringify(hf)),
    );
    expect((await inputError(loadLM(none))).message).toMatch(/breakfix\.format is missing/);
    const specials = broken('tokenizer-specials', (d) =>
      writeFileSync(
        join(d, 'tokenizer.json'),
        JSON.stringify({ ...tj, added_tokens: [{ id: 0, content: '<s>', special: true }] }),
      ),
    );
    expect((await inputError(loadLM(specials))).message).toMatch(/added_tokens must be the special tokens/);
  });

  it('config.json sizes past what model.safetensors holds are refused before a weight is allocated', async () => {
    // (found by fuzzing: hidden_size 1048576 was a RangeError, "looks like a bug"; sizes in between
    // allocated and filled gigabytes before the weights file was read)
    const huge = broken('huge-config', (d) => {
      const cfg = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'));
      writeFileSync(join(d, 'config.json'), JSON.stringify({ ...cfg, hidden_size: 2 ** 20 }));
    });
    const e = await inputError(loadLM(huge));
    expect(e.file).toBe(join(huge, 'config.json'));
    expect(e.message).toMatch(/describes a model of \d+ weights .*more than model\.safetensors holds/);
  });

  it('the weights config.json describes are counted without making them', () => {
    const tok = Tokenizer.train(['hello there'], 270);
    for (const c of [
      { vocabSize: 300, dModel: 16, nLayers: 3, nHeads: 2, contextLength: 40 },
      { vocabSize: 270, dModel: 8, nLayers: 1, nHeads: 1, contextLength: 7, dFF: 20 },
    ])
      expect(configParameterCount(c)).toBe(parameterCount(createLM(c, tok, 0)));
  });

  it('a tokenizer.json whose merges make an absurdly long token is refused before it is built', async () => {
    // Each merge joins the last token to itself: 12 lines make a 4096-byte token, 40 a terabyte one.
    const tj = JSON.parse(readFileSync(join(good, 'tokenizer.json'), 'utf8'));
    const doubling = [[70, 70], ...Array.from({ length: 11 }, (_, i) => [261 + i, 261 + i])];
    const long = broken('tokenizer-doubling', (d) =>
      writeFileSync(
        join(d, 'tokenizer.json'),
        JSON.stringify({ ...tj, model: { ...tj.model, merges: doubling } }),
      ),
    );
    const e = await inputError(loadLM(long));
    expect(e.file).toBe(join(long, 'tokenizer.json'));
    expect(e.message).toMatch(/model\.merges\[10\] makes a token of 2048 bytes/);
    // Training never makes such a token, so what it saves loads back.
    const spaces = Tokenizer.train(Array(50).fill(`a${' '.repeat(3000)}b`), 400);
    expect(() => Tokenizer.fromJSON(spaces.toJSON())).not.toThrow();
  });

  it('a missing file of the three names it', async () => {
    const m = broken('no-weights', (d) => rmSync(join(d, 'model.safetensors')));
    const e = await inputError(loadLM(m));
    expect(e.file).toBe(join(m, 'model.safetensors'));
    expect(e.message).toMatch(/missing from the checkpoint/);
  });
});

describe('writing over a checkpoint', () => {
  it('a save that fails part way (a file that cannot be written) leaves the old checkpoint whole', async () => {
    const d = join(dir, 'overwritten');
    cpSync(good, d, { recursive: true });
    const before = ['model.safetensors', 'tokenizer.json', 'config.json'].map((f) =>
      readFileSync(join(d, f)),
    );
    // The tokenizer's temporary file cannot be written (a folder stands in its name), as when the disk
    // fills after the weights were written: the new weights must not replace the old beside the old
    // tokenizer.
    mkdirSync(join(d, 'tokenizer.json.tmp'));
    const tok = Tokenizer.train(['other words', 'another corpus'], 270);
    const other = createLM(
      { vocabSize: tok.vocabSize, dModel: 8, nLayers: 1, nHeads: 2, contextLength: 16 },
      tok,
      2,
    );
    await expect(saveLM(other, d)).rejects.toThrow();
    const after = ['model.safetensors', 'tokenizer.json', 'config.json'].map((f) => readFileSync(join(d, f)));
    expect(after).toEqual(before);
    rmSync(join(d, 'tokenizer.json.tmp'), { recursive: true });
    expect((await loadLM(d)).config.dModel).toBe(16);
  });
});

describe('the names in model.safetensors', () => {
  it('each weight is stored under its own name: norms of one shape are never interchanged', async () => {
    // A checkpoint written by another version of breakfix (the shipped base) or by another tool is
    // read by these names; a save and a load that swapped two same-shaped weights alike would
    // round-trip and still load every other checkpoint wrongly.
    const tok = Tokenizer.train(['hello there'], 270);
    const lm = createLM(
      { vocabSize: tok.vocabSize, dModel: 8, nLayers: 2, nHeads: 2, contextLength: 16 },
      tok,
      1,
    );
    const fills: [string, Float32Array, number][] = [
      ['h.0.ln1', lm.params.layers[0].ln1.data, 2],
      ['h.0.ln2', lm.params.layers[0].ln2.data, 3],
      ['h.1.ln1', lm.params.layers[1].ln1.data, 4],
      ['h.1.ln2', lm.params.layers[1].ln2.data, 5],
      ['lnf', lm.params.lnf.data, 6],
    ];
    for (const [, data, v] of fills) data.fill(v);
    const d = join(dir, 'named');
    await saveLM(lm, d);
    const stored = decodeSafetensors(readFileSync(join(d, 'model.safetensors')));
    for (const [name, , v] of fills)
      expect(Array.from(stored.get(name)!.data), name).toEqual(Array(8).fill(v));
    expect(stored.get('wte')!.shape).toEqual([tok.vocabSize, 8]);
    expect(stored.get('h.1.wqkv')!.shape).toEqual([8, 24]);
  });
});
