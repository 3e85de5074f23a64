// Exports curated records in the formats trainers read. Each format writes one file per dataset
// (sft, preference) and split (train, validation); empty files are not written.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { InputError, type Message, type TrainingRecord } from '../../core/index.js';

export const EXPORT_FORMATS = ['trl', 'openai', 'axolotl', 'jsonl', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const msg = (m: Message) => ({ role: m.role, content: m.content });

/** TRL: conversational SFT `messages`; preference with explicit prompt, chosen and rejected as
 * message lists. */
export function toTrl(r: TrainingRecord): Record<string, unknown> {
  if (r.kind === 'sft') return { messages: (r.messages ?? []).map(msg) };
  return {
    prompt: (r.prompt ?? []).map(msg),
    chosen: [msg(need(r.chosen, r, 'chosen'))],
    rejected: [msg(need(r.rejected, r, 'rejected'))],
  };
}

/** OpenAI fine-tuning: supervised `messages`; preference `input` / `preferred_output` /
 * `non_preferred_output`. */
export function toOpenAI(r: TrainingRecord): Record<string, unknown> {
  if (r.kind === 'sft') return { messages: (r.messages ?? []).map(msg) };
  return {
    input: { messages: (r.prompt ?? []).map(msg) },
    preferred_output: [msg(need(r.chosen, r, 'chosen'))],
    non_preferred_output: [msg(need(r.rejected, r, 'rejected'))],
  };
}

/** Axolotl `chat_template`: `messages`; for DPO (`chat_template.default`) the prompt `messages` plus
 * `chosen` and `rejected` message objects. */
export function toAxolotl(r: TrainingRecord): Record<string, unknown> {
  if (r.kind === 'sft') return { messages: (r.messages ?? []).map(msg) };
  return {
    messages: (r.prompt ?? []).map(msg),
    chosen: msg(need(r.chosen, r, 'chosen')),
    rejected: msg(need(r.rejected, r, 'rejected')),
  };
}

function need(m: Message | undefined, r: TrainingRecord, field: string): Message {
  if (!m) throw new InputError(`preference record ${r.id} has no ${field}`, undefined, undefined, field);
  return m;
}

const CONVERT: Record<'trl' | 'openai' | 'axolotl' | 'jsonl', (r: TrainingRecord) => unknown> = {
  trl: toTrl,
  openai: toOpenAI,
  axolotl: toAxolotl,
  jsonl: (r) => r,
};

/** Writes `records` in `format` under `outDir/<format>/`; returns the paths written. */
export function exportRecords(
  records: readonly TrainingRecord[],
  format: ExportFormat | string,
  outDir: string,
): string[] {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new InputError(
      `unknown export format "${format}" (known: ${EXPORT_FORMATS.join(', ')})`,
      undefined,
      undefined,
      'format',
    );
  const dir = join(outDir, format);
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (const kind of ['sft', 'preference'] as const) {
    for (const split of ['train', 'validation'] as const) {
      const rows = records.filter((r) => r.kind === kind && r.split === split);
      if (rows.length === 0) continue;
      if (format === 'parquet') {
        const path = join(dir, `${kind}.${split}.parquet`);
        writeFileSync(path, Buffer.from(parquetWriteBuffer({ columnData: parquetColumns(rows) })));
        paths.push(path);
        continue;
      }
      const path = join(dir, `${kind}.${split}.jsonl`);
      const convert = CONVERT[format as keyof typeof CONVERT];
      writeFileSync(path, `${rows.map((r) => JSON.stringify(convert(r))).join('\n')}\n`);
      paths.push(path);
    }
  }
  return paths;
}

/** One row per record; message lists and provenance as JSON text columns. */
function parquetColumns(rows: TrainingRecord[]) {
  const str = (f: (r: TrainingRecord) => string) => rows.map(f);
  const json = (f: (r: TrainingRecord) => unknown) => rows.map((r) => JSON.stringify(f(r) ?? null));
  return [
    { name: 'id', data: str((r) => r.id), type: 'STRING' as const },
    { name: 'kind', data: str((r) => r.kind), type: 'STRING' as const },
    { name: 'purpose', data: str((r) => r.purpose), type: 'STRING' as const },
    { name: 'split', data: str((r) => r.split), type: 'STRING' as const },
    { name: 'category', data: str((r) => r.category ?? ''), type: 'STRING' as const },
    { name: 'language', data: str((r) => r.language ?? ''), type: 'STRING' as const },
    { name: 'techniques', data: json((r) => r.techniques ?? []), type: 'STRING' as const },
    { name: 'messages', data: json((r) => r.messages), type: 'STRING' as const },
    { name: 'prompt', data: json((r) => r.prompt), type: 'STRING' as const },
    { name: 'chosen', data: json((r) => r.chosen), type: 'STRING' as const },
    { name: 'rejected', data: json((r) => r.rejected), type: 'STRING' as const },
    { name: 'provenance', data: json((r) => r.provenance), type: 'STRING' as const },
  ];
}
