// Byte-level BPE: text is pre-split into words (GPT-2 style), each word is UTF-8 bytes, and merges
// learnt from a corpus join frequent adjacent pairs. Special tokens frame the chat template and are
// never produced by merges, so user text cannot forge them.
import { runToEnd, runYielding } from '../core/yield.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export const SPECIAL_TOKENS = ['<|pad|>', '<|system|>', '<|user|>', '<|assistant|>', '<|end|>'] as const;
const NUM_SPECIAL = SPECIAL_TOKENS.length;
const BYTE_OFFSET = NUM_SPECIAL;
/** The longest token, in bytes, that training makes and a tokenizer.json may hold (breakfix-tiny-base's
 * longest is 15): merges join pieces of one pre-tokenized word, so only a run of thousands of spaces
 * could reach it; in a tokenizer.json, a longer one is a damaged or hostile file. */
const MAX_TOKEN_BYTES = 1024;
const PRETOKENIZE = /'(?:s|t|re|ve|m|ll|d)| ?\p{L}+| ?\p{N}| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

export class Tokenizer {
  private readonly ranks = new Map<string, number>();
  private readonly pieces: Uint8Array[] = [];
  private readonly cache = new Map<string, number[]>();

  private constructor(readonly merges: [number, number][]) {
    for (let i = 0; i < NUM_SPECIAL; i++) this.pieces.push(new Uint8Array(0));
    for (let b = 0; b < 256; b++) this.pieces.push(Uint8Array.of(b));
    merges.forEach(([a, b], i) => {
      this.ranks.set(`${a},${b}`, i);
      const pa = this.pieces[a];
      const pb = this.pieces[b];
      const p = new Uint8Array(pa.length + pb.length);
      p.set(pa);
      p.set(pb, pa.length);
      this.pieces.push(p);
    });
  }

  get vocabSize(): number {
    return this.pieces.length;
  }

  specialId(token: (typeof SPECIAL_TOKENS)[number]): number {
    return SPECIAL_TOKENS.indexOf(token);
  }

  get endId(): number {
    return this.specialId('<|end|>');
  }

  get padId(): number {
    return 0;
  }

  /** A chat-template token (pad, a role marker, end): never text, and never part of a reply. */
  isSpecial(id: number): boolean {
    return id >= 0 && id < NUM_SPECIAL;
  }

  static train(corpus: Iterable<string>, vocabSize: number): Tokenizer {
    return runToEnd(Tokenizer.training(corpus, vocabSize));
  }

  /** As train, letting the event loop in every few ms (a signal is honoured within them, not
   * after the seconds the whole training takes); the same tokenizer. */
  static trainYielding(corpus: Iterable<string>, vocabSize: number): Promise<Tokenizer> {
    return runYielding(Tokenizer.training(corpus, vocabSize));
  }

  /** The training, one merge a step. */
  private static *training(corpus: Iterable<string>, vocabSize: number): Generator<void, Tokenizer> {
    const numMerges = Math.max(0, vocabSize - NUM_SPECIAL - 256);
    const counts = new Map<string, number>();
    for (const text of corpus) {
      for (const part of splitSpecial(text)) {
        if (typeof part === 'number') continue;
        for (const w of part.match(PRETOKENIZE) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
      }
      yield;
    }
    const words: number[][] = [];
    const freqs: number[] = [];
    for (const [w, c] of counts) {
      words.push(Array.from(encoder.encode(w), (b) => b + BYTE_OFFSET));
      freqs.push(c);
    }
    const merges: [number, number][] = [];
    // (byte length of each token: a merge past MAX_TOKEN_BYTES is never made, so fromJSON reads back
    // every tokenizer trained here)
    const lengths: number[] = [...Array(NUM_SPECIAL).fill(0), ...Array(256).fill(1)];
    let next = NUM_SPECIAL + 256;
    for (let m = 0; m < numMerges; m++) {
      const pairs = new Map<number, number>();
      for (let i = 0; i < words.length; i++) {
        const w = words[i];
        for (let j = 0; j + 1 < w.length; j++) {
          if (lengths[w[j]] + lengths[w[j + 1]] > MAX_TOKEN_BYTES) continue;
          const key = w[j] * 65536 + w[j + 1];
          pairs.set(key, (pairs.get(key) ?? 0) + freqs[i]);
        }
      }
      let best = -1;
      let bestCount = 1;
      for (const [key, c] of pairs) {
        if (c > bestCount || (c === bestCount && best >= 0 && key < best)) {
          best = key;
          bestCount = c;
        }
      }
      if (best < 0) break;
      const a = Math.floor(best / 65536);
      const b = best % 65536;
      merges.push([a, b]);
      lengths.push(lengths[a] + lengths[b]);
      for (const w of words) {
        for (let j = 0; j + 1 < w.length; j++) {
          if (w[j] === a && w[j + 1] === b) w.splice(j, 2, next);
        }
      }
      next++;
      yield;
    }
    return new Tokenizer(merges);
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    for (const part of splitSpecial(text)) {
      if (typeof part === 'number') {
        ids.push(part);
        continue;
      }
      for (const w of part.match(PRETOKENIZE) ?? []) for (const id of this.encodeWord(w)) ids.push(id);
    }
    return ids;
  }

  /** Encodes text with special-token strings treated as plain text (for untrusted content). */
  encodeText(text: string): number[] {
    const ids: number[] = [];
    for (const w of text.match(PRETOKENIZE) ?? []) for (const id of this.encodeWord(w)) ids.push(id);
    return ids;
  }

  private encodeWord(w: string): number[] {
    const hit = this.cache.get(w);
    if (hit) return hit;
    let toks = Array.from(encoder.encode(w), (b) => b + BYTE_OFFSET);
    while (toks.length > 1) {
      let bestRank = Infinity;
      let at = -1;
      for (let j = 0; j + 1 < toks.length; j++) {
        const r = this.ranks.get(`${toks[j]},${toks[j + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          at = j;
        }
      }
      if (at < 0) break;
      const merged = NUM_SPECIAL + 256 + bestRank;
      const out: number[] = [];
      for (let j = 0; j < toks.length; j++) {
        if (j + 1 < toks.length && this.ranks.get(`${toks[j]},${toks[j + 1]}`) === bestRank) {
          out.push(merged);
          j++;
        } else out.push(toks[j]);
      }
      toks = out;
    }
    if (this.cache.size < 200_000) this.cache.set(w, toks);
    return toks;
  }

  decode(ids: number[]): string {
    const parts: string[] = [];
    let bytes: number[] = [];
    for (const id of ids) {
      if (id < NUM_SPECIAL) {
        if (bytes.length) parts.push(decoder.decode(Uint8Array.from(bytes)));
        bytes = [];
        if (id !== 0) parts.push(SPECIAL_TOKENS[id]);
        continue;
      }
      const p = this.pieces[id];
      if (p) for (const b of p) bytes.push(b);
    }
    if (bytes.length) parts.push(decoder.decode(Uint8Array.from(bytes)));
    return parts.join('');
  }

  chatTemplate(messages: ChatMessage[], addGenerationPrompt: boolean): string {
    let s = '';
    for (const m of messages) s += `<|${m.role}|>\n${m.content}<|end|>\n`;
    if (addGenerationPrompt) s += '<|assistant|>\n';
    return s;
  }

  /**
   * Token ids of a conversation and, per id, whether it is assistant output (content and its
   * closing <|end|>): SFT trains on those positions only. Message content is encoded as plain text,
   * so a message cannot smuggle in a special token.
   */
  encodeChat(
    messages: ChatMessage[],
    addGenerationPrompt: boolean,
  ): { ids: number[]; assistantMask: boolean[] } {
    const ids: number[] = [];
    const assistantMask: boolean[] = [];
    const nl = this.encodeText('\n');
    const push = (toks: number[], mask: boolean) => {
      for (const t of toks) {
        ids.push(t);
        assistantMask.push(mask);
      }
    };
    for (const m of messages) {
      push([this.specialId(`<|${m.role}|>`)], false);
      push(nl, false);
      const isAssistant = m.role === 'assistant';
      push(this.encodeText(m.content), isAssistant);
      push([this.endId], isAssistant);
      push(nl, false);
    }
    if (addGenerationPrompt) {
      push([this.specialId('<|assistant|>')], false);
      push(nl, false);
    }
    return { ids, assistantMask };
  }

  toJSON(): unknown {
    // A Hugging Face-flavoured tokenizer.json: the byte-level BPE merges and the special tokens.
    return {
      version: '1.0',
      breakfix: { format: 'byte-bpe-v1', byteOffset: BYTE_OFFSET },
      added_tokens: SPECIAL_TOKENS.map((content, id) => ({ id, content, special: true })),
      model: { type: 'BPE', merges: this.merges.map(([a, b]) => [a, b]) },
    };
  }

  static fromJSON(j: unknown): Tokenizer {
    const obj = j as { model?: { merges?: unknown }; breakfix?: unknown; added_tokens?: unknown };
    // The ids below mean something only under this format: another byte offset or other special
    // tokens shift every id, and the model would read (and write) other text than it was trained on.
    const format = obj?.breakfix as { format?: unknown; byteOffset?: unknown } | undefined;
    if (format?.format !== 'byte-bpe-v1' || format.byteOffset !== BYTE_OFFSET)
      throw new Error(
        `tokenizer.json: breakfix.format is ${JSON.stringify(format?.format) ?? 'missing'} with byteOffset ${JSON.stringify(format?.byteOffset) ?? 'missing'}; this version reads "byte-bpe-v1" with byteOffset ${BYTE_OFFSET} (is this a breakfix tokenizer, from this version?)`,
      );
    const added = obj.added_tokens;
    if (
      added !== undefined &&
      (!Array.isArray(added) ||
        added.length !== NUM_SPECIAL ||
        added.some(
          (t, id) =>
            (t as { id?: unknown })?.id !== id ||
            (t as { content?: unknown })?.content !== SPECIAL_TOKENS[id],
        ))
    )
      throw new Error(
        `tokenizer.json: added_tokens must be the special tokens ${SPECIAL_TOKENS.join(' ')} with ids 0 to ${NUM_SPECIAL - 1}`,
      );
    const merges = obj?.model?.merges;
    if (!Array.isArray(merges) || !merges.every((m) => Array.isArray(m) && m.length === 2)) {
      throw new Error('tokenizer.json: model.merges must be a list of [id, id] pairs');
    }
    // Merge i joins two tokens made before it: the special tokens, the bytes or an earlier merge.
    // Each token's length is worked out before any is built: merges that join a token to itself
    // again and again double it each time, so 40 lines of a damaged file would ask for terabytes.
    const lengths: number[] = [...Array(NUM_SPECIAL).fill(0), ...Array(256).fill(1)];
    merges.forEach((m, i) => {
      const bad = (m as unknown[]).find(
        (id) => !Number.isInteger(id) || (id as number) < 0 || (id as number) >= NUM_SPECIAL + 256 + i,
      );
      if (bad !== undefined)
        throw new Error(
          `tokenizer.json: model.merges[${i}] joins ${JSON.stringify(bad)}, which is no token made before it (0 to ${NUM_SPECIAL + 256 + i - 1})`,
        );
      const [a, b] = m as [number, number];
      const length = lengths[a] + lengths[b];
      if (length > MAX_TOKEN_BYTES)
        throw new Error(
          `tokenizer.json: model.merges[${i}] makes a token of ${length} bytes; a trained tokenizer makes none longer than ${MAX_TOKEN_BYTES} (is the file damaged?)`,
        );
      lengths.push(length);
    });
    return new Tokenizer(merges as [number, number][]);
  }
}

function splitSpecial(text: string): (string | number)[] {
  if (!text.includes('<|')) return [text];
  const out: (string | number)[] = [];
  const re = /<\|(pad|system|user|assistant|end)\|>/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(SPECIAL_TOKENS.indexOf(m[0] as (typeof SPECIAL_TOKENS)[number]));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
