// Checkpoints in the Hugging Face layout: config.json, model.safetensors (F32, little-endian) and
// tokenizer.json. The safetensors format: 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets}}, then the raw tensor bytes.
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { configParameterCount, createLM, type LM, type ModelConfig, namedParams } from './model.js';
import { Tokenizer } from './tokenizer.js';

export function encodeSafetensors(
  tensors: [string, { data: Float32Array; shape: number[] }][],
  metadata?: Record<string, string>,
): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.data.length * 4;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad the header so the data starts 8-byte aligned.
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const head = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + head.length + offset);
  out.writeBigUInt64LE(BigInt(head.length), 0);
  head.copy(out, 8);
  let at = 8 + head.length;
  for (const [, t] of tensors) {
    const view = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    view.copy(out, at);
    at += view.length;
  }
  return out;
}

export function decodeSafetensors(
  buf: Buffer,
  file = 'model.safetensors',
): Map<string, { data: Float32Array; shape: number[] }> {
  // A damaged file (truncated copy, interrupted download) is bad input naming the file, not a crash.
  const bad = (what: string) =>
    new InputError(`${what}; the checkpoint is damaged (copy it again, or train it again)`, file);
  if (buf.length < 8) throw bad('too short to be a safetensors file');
  const n = Number(buf.readBigUInt64LE(0));
  if (8 + n > buf.length) throw bad(`header length ${n} runs past the end of the file (${buf.length} bytes)`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  } catch (e) {
    throw bad(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header))
    throw bad('the header is not a JSON object');
  const base = 8 + n;
  const out = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (info?.dtype !== 'F32')
      throw new InputError(`tensor ${name} has dtype ${info?.dtype}; only F32 is supported`, file);
    const [a, b] = Array.isArray(info.data_offsets) ? info.data_offsets : [Number.NaN, Number.NaN];
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < a || (b - a) % 4 !== 0)
      throw bad(`tensor ${name} has invalid data offsets`);
    if (base + b > buf.length)
      throw bad(
        `tensor ${name} runs past the end of the file (truncated: ${buf.length} bytes, needs ${base + b})`,
      );
    const bytes = buf.subarray(base + a, base + b);
    const data = new Float32Array(bytes.length / 4);
    Buffer.from(data.buffer).set(bytes);
    out.set(name, { data, shape: info.shape });
  }
  return out;
}

/** The `__metadata__` strings of a safetensors file (decodeSafetensors has checked its header). */
export function safetensorsMetadata(buf: Buffer, file = 'model.safetensors'): Record<string, string> {
  const n = Number(buf.readBigUInt64LE(0));
  try {
    const meta = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')).__metadata__;
    return meta && typeof meta === 'object' ? meta : {};
  } catch (e) {
    throw new InputError(`the header is not valid JSON (${(e as Error).message})`, file);
  }
}

export async function saveLM(lm: LM, dir: string, extra: Record<string, unknown> = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const config = {
    architectures: ['BreakfixGPT'],
    model_type: 'breakfix-gpt',
    vocab_size: lm.config.vocabSize,
    hidden_size: lm.config.dModel,
    num_hidden_layers: lm.config.nLayers,
    num_attention_heads: lm.config.nHeads,
    max_position_embeddings: lm.config.contextLength,
    intermediate_size: lm.config.dFF,
    tie_word_embeddings: true,
    torch_dtype: 'float32',
    ...extra,
  };
  const tensors = namedParams(lm.params).map(
    ([n, t]) => [n, { data: t.data, shape: t.shape }] as [string, { data: Float32Array; shape: number[] }],
  );
  // Write beside and rename, so a crash mid-write never leaves a half checkpoint under the real name;
  // every file is written before the first is renamed, so a stop while writing over a checkpoint
  // (--force) leaves the old one whole, not new weights beside the old tokenizer.
  const writes: [string, string | Buffer][] = [
    ['model.safetensors', encodeSafetensors(tensors, { format: 'pt' })],
    ['tokenizer.json', JSON.stringify(lm.tokenizer.toJSON())],
    ['config.json', `${JSON.stringify(config, null, 2)}\n`],
  ];
  for (const [name, body] of writes) await writeFile(join(dir, `${name}.tmp`), body);
  for (const [name] of writes) await rename(join(dir, `${name}.tmp`), join(dir, name));
}

const CHECKPOINT_FILES = 'a checkpoint folder holds config.json, model.safetensors and tokenizer.json';

/** Loads a checkpoint folder. Anything wrong with it (no such folder, a file missing, broken JSON, a
 * truncated or mismatched model.safetensors) is an InputError naming the file and what is wrong. */
export async function loadLM(dir: string): Promise<LM> {
  const read = async (name: string) => {
    const file = join(dir, name);
    try {
      return await readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        let folder: 'missing' | 'file' | 'ok' = 'ok';
        try {
          if (!(await stat(dir)).isDirectory()) folder = 'file';
        } catch {
          folder = 'missing';
        }
        if (folder === 'missing')
          throw new InputError('no such checkpoint folder', dir, undefined, undefined, CHECKPOINT_FILES);
        if (folder === 'file')
          throw new InputError(
            'not a checkpoint folder (it is a file)',
            dir,
            undefined,
            undefined,
            CHECKPOINT_FILES,
          );
        throw new InputError('missing from the checkpoint', file, undefined, undefined, CHECKPOINT_FILES);
      }
      throw new InputError(`cannot read it (${code ?? (e as Error).message})`, file);
    }
  };
  const readJson = async (name: string): Promise<unknown> => {
    const text = (await read(name)).toString('utf8');
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new InputError(`not valid JSON (${(e as Error).message})`, join(dir, name));
    }
  };
  const cfg = (await readJson('config.json')) as Record<string, unknown> | null;
  if (!cfg || typeof cfg !== 'object' || Array.isArray(cfg))
    throw new InputError('expected a JSON object', join(dir, 'config.json'));
  // Another architecture's config (a Hugging Face llama has the same five size fields) would load
  // its own weights' names wrongly or not at all: refused by name first.
  if (cfg.model_type !== undefined && cfg.model_type !== 'breakfix-gpt')
    throw new InputError(
      `model_type is ${JSON.stringify(cfg.model_type)}, not "breakfix-gpt": this is not a breakfix embedded checkpoint`,
      join(dir, 'config.json'),
      undefined,
      undefined,
      'serve a Hugging Face model with vLLM or Ollama and use it as an openai target',
    );
  const field = (key: string): number => {
    const v = cfg[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
      throw new InputError(
        `${key} must be a positive integer, got ${JSON.stringify(v) ?? 'nothing'}`,
        join(dir, 'config.json'),
        undefined,
        undefined,
        'is this a breakfix checkpoint? (`breakfix model info` shows one)',
      );
    return v;
  };
  const config: ModelConfig = {
    vocabSize: field('vocab_size'),
    dModel: field('hidden_size'),
    nLayers: field('num_hidden_layers'),
    nHeads: field('num_attention_heads'),
    contextLength: field('max_position_embeddings'),
    ...(cfg.intermediate_size !== undefined ? { dFF: field('intermediate_size') } : {}),
  };
  if (config.dModel % config.nHeads !== 0)
    throw new InputError(
      `hidden_size ${config.dModel} is not a multiple of num_attention_heads ${config.nHeads}`,
      join(dir, 'config.json'),
    );
  let tokenizer: Tokenizer;
  try {
    tokenizer = Tokenizer.fromJSON(await readJson('tokenizer.json'));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError((e as Error).message.replace(/^tokenizer\.json: /, ''), join(dir, 'tokenizer.json'));
  }
  // A token id past the embedding table would read outside it (garbage, not an error).
  if (tokenizer.vocabSize > config.vocabSize)
    throw new InputError(
      `tokenizer.json makes ${tokenizer.vocabSize} tokens, more than vocab_size ${config.vocabSize} in config.json (are the two files from the same checkpoint?)`,
      join(dir, 'tokenizer.json'),
    );
  const file = join(dir, 'model.safetensors');
  const weights = await read('model.safetensors');
  // (a damaged file is said first: its own header bounds what decoding it allocates)
  const tensors = decodeSafetensors(weights, file);
  // The sizes in config.json decide what createLM allocates and fills: a damaged or foreign one
  // (hidden_size 1048576) would ask for gigabytes, or more than a typed array holds, where the file
  // that must hold every one of those weights as 4 bytes is far smaller.
  const needed = configParameterCount(config);
  if (needed * 4 > weights.length)
    throw new InputError(
      `config.json describes a model of ${needed} weights (${Math.ceil((needed * 4) / 2 ** 20)} MiB as F32), more than model.safetensors holds (${weights.length} bytes): does config.json match this file?`,
      join(dir, 'config.json'),
    );
  const lm = createLM(config, tokenizer, 0);
  for (const [name, t] of namedParams(lm.params)) {
    const src = tensors.get(name);
    if (!src) throw new InputError(`tensor ${name} is missing (does config.json match this file?)`, file);
    if (src.data.length !== t.size)
      throw new InputError(
        `tensor ${name} has ${src.data.length} values, expected ${t.size} (does config.json match this file?)`,
        file,
      );
    // The same count in another shape (a transposed projection) would load as garbage weights.
    if (!Array.isArray(src.shape) || src.shape.join(',') !== t.shape.join(','))
      throw new InputError(
        `tensor ${name} has shape ${JSON.stringify(src.shape)}, expected ${JSON.stringify(t.shape)} (does config.json match this file?)`,
        file,
      );
    // A NaN or infinite weight (a flipped bit, a diverged fine-tune saved by another trainer) makes
    // every logit NaN: greedy decoding then answers the pad token, an empty reply, for every prompt.
    const at = src.data.findIndex((v) => !Number.isFinite(v));
    if (at >= 0)
      throw new InputError(
        `tensor ${name} holds ${src.data[at]} at index ${at}; the checkpoint is damaged (copy it again, or train it again)`,
        file,
      );
    t.data.set(src.data);
  }
  // A tensor the config has no place for (a layer more than num_hidden_layers says, after a block
  // expansion whose config.json was not copied with it) would be dropped silently.
  const expected = new Set(namedParams(lm.params).map(([name]) => name));
  const extra = [...tensors.keys()].filter((name) => !expected.has(name));
  if (extra.length)
    throw new InputError(
      `tensor ${extra[0]}${extra.length > 1 ? ` (and ${extra.length - 1} more)` : ''} is not part of the model config.json describes (does config.json match this file?)`,
      file,
    );
  return lm;
}
