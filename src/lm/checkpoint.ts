// Checkpoints in the Hugging Face layout: config.json, model.safetensors (F32, little-endian) and
// tokenizer.json. The safetensors format: 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets}}, then the raw tensor bytes.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLM, type LM, type ModelConfig, namedParams } from './model.js';
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
  if (buf.length < 8) throw new Error(`${file}: too short to be a safetensors file`);
  const n = Number(buf.readBigUInt64LE(0));
  if (8 + n > buf.length) throw new Error(`${file}: header length ${n} runs past the end of the file`);
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + n;
  const out = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (info.dtype !== 'F32')
      throw new Error(`${file}: tensor ${name} has dtype ${info.dtype}; only F32 is supported`);
    const [a, b] = info.data_offsets;
    const bytes = buf.subarray(base + a, base + b);
    const data = new Float32Array(bytes.length / 4);
    Buffer.from(data.buffer).set(bytes);
    out.set(name, { data, shape: info.shape });
  }
  return out;
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
  // Write beside and rename, so a crash mid-write never leaves a half checkpoint under the real name.
  const writes: [string, string | Buffer][] = [
    ['model.safetensors', encodeSafetensors(tensors, { format: 'pt' })],
    ['tokenizer.json', JSON.stringify(lm.tokenizer.toJSON())],
    ['config.json', `${JSON.stringify(config, null, 2)}\n`],
  ];
  for (const [name, body] of writes) {
    await writeFile(join(dir, `${name}.tmp`), body);
    await rename(join(dir, `${name}.tmp`), join(dir, name));
  }
}

export async function loadLM(dir: string): Promise<LM> {
  const read = async (name: string) => {
    try {
      return await readFile(join(dir, name));
    } catch {
      throw new Error(
        `${join(dir, name)}: missing; a checkpoint folder holds config.json, model.safetensors and tokenizer.json`,
      );
    }
  };
  const cfg = JSON.parse((await read('config.json')).toString('utf8'));
  const config: ModelConfig = {
    vocabSize: cfg.vocab_size,
    dModel: cfg.hidden_size,
    nLayers: cfg.num_hidden_layers,
    nHeads: cfg.num_attention_heads,
    contextLength: cfg.max_position_embeddings,
    dFF: cfg.intermediate_size,
  };
  const tokenizer = Tokenizer.fromJSON(JSON.parse((await read('tokenizer.json')).toString('utf8')));
  const lm = createLM(config, tokenizer, 0);
  const tensors = decodeSafetensors(await read('model.safetensors'), join(dir, 'model.safetensors'));
  for (const [name, t] of namedParams(lm.params)) {
    const src = tensors.get(name);
    if (!src) throw new Error(`${join(dir, 'model.safetensors')}: tensor ${name} is missing`);
    if (src.data.length !== t.size)
      throw new Error(
        `${join(dir, 'model.safetensors')}: tensor ${name} has ${src.data.length} values, expected ${t.size}`,
      );
    t.data.set(src.data);
  }
  return lm;
}
