// Exports curated records in the formats trainers read. Each format writes one file per dataset
// (sft, preference) and split (train, validation), every one of them on every export, empty when
// there is nothing for it.
//
// An SFT record's last message is the one answer it teaches. A multi-turn or few-shot record's
// earlier assistant turns are the attack's script (scripted compliance, faux answers): context the
// model must see, never a target. Each trainer format marks that the way its trainer reads it.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { ensureOutputDir } from '../../config/outdir.js';
import { InputError, type Message, type TrainingRecord, terminalText } from '../../core/index.js';
import { isValidRunId } from '../../store/store.js';

export const EXPORT_FORMATS = ['trl', 'openai', 'axolotl', 'jsonl', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const msg = (m: Message) => ({ role: m.role, content: m.content });

/** TRL: SFT as conversational prompt-completion, so SFTTrainer's completion-only loss (its default
 * for prompt-completion data) covers the final answer alone; a `messages` row would train every
 * assistant turn. Preference with explicit prompt, chosen and rejected as message lists. */
export function toTrl(r: TrainingRecord): Record<string, unknown> {
  if (r.kind === 'sft') {
    const { context, answer } = sftTurns(r);
    return { prompt: context.map(msg), completion: [msg(answer)] };
  }
  const { prompt, chosen, rejected } = preferenceSides(r);
  return { prompt: prompt.map(msg), chosen: [msg(chosen)], rejected: [msg(rejected)] };
}

/** OpenAI fine-tuning: supervised `messages` with `weight: 0` on every assistant message before the
 * last (the chat format trains each assistant message whose weight is absent or 1); preference
 * `input` / `preferred_output` / `non_preferred_output`. */
export function toOpenAI(r: TrainingRecord): Record<string, unknown> {
  if (r.kind === 'sft') {
    const { context, answer } = sftTurns(r);
    return {
      messages: [
        ...context.map((m) => (m.role === 'assistant' ? { ...msg(m), weight: 0 } : msg(m))),
        msg(answer),
      ],
    };
  }
  const { prompt, chosen, rejected } = preferenceSides(r);
  return {
    input: { messages: prompt.map(msg) },
    preferred_output: [msg(chosen)],
    non_preferred_output: [msg(rejected)],
  };
}

/** The per-message key Axolotl's `chat_template` reads when the dataset sets
 * `message_field_training: training`; without that setting Axolotl ignores it and trains every
 * `roles_to_train` turn, so the docs give the dataset stanza. */
export const AXOLOTL_TRAINING_FIELD = 'training';

/** Axolotl `chat_template`: `messages`, each with `training` (true on the final answer only, false on
 * every other turn, so `roles_to_train` and `train_on_inputs` cannot add one back); for DPO
 * (`chat_template.default`) the prompt `messages` plus `chosen` and `rejected` message objects. */
export function toAxolotl(r: TrainingRecord): Record<string, unknown> {
  if (r.kind === 'sft') {
    const { context, answer } = sftTurns(r);
    return {
      messages: [
        ...context.map((m) => ({ ...msg(m), [AXOLOTL_TRAINING_FIELD]: false })),
        { ...msg(answer), [AXOLOTL_TRAINING_FIELD]: true },
      ],
    };
  }
  const { prompt, chosen, rejected } = preferenceSides(r);
  return { messages: prompt.map(msg), chosen: msg(chosen), rejected: msg(rejected) };
}

/** An SFT record split into what the model reads and the one answer it learns. A record that does
 * not end in an assistant answer after at least one prompt turn, or whose answer has no text (it
 * would teach an empty reply to the prompt), has nothing to teach: refused, by every backend. */
export function sftTurns(r: TrainingRecord): { context: Message[]; answer: Message } {
  const m = r.messages ?? [];
  const answer = m.at(-1);
  if (m.length < 2 || answer?.role !== 'assistant')
    throw new InputError(
      `SFT record ${r.id} does not end with an assistant answer after its prompt`,
      undefined,
      undefined,
      'messages',
    );
  if (!hasText(answer))
    throw new InputError(
      `SFT record ${r.id} has an empty answer`,
      undefined,
      undefined,
      `messages[${m.length - 1}].content`,
    );
  return { context: m.slice(0, -1), answer };
}

/** A preference record's prompt and its two answers, refused (naming the field) where a trainer
 * could not use them: no prompt (written as `[]`, a pair with no conversation, which TRL and OpenAI
 * cannot place the answers after), a side missing, not the assistant's, or with no text. */
export function preferenceSides(r: TrainingRecord): {
  prompt: Message[];
  chosen: Message;
  rejected: Message;
} {
  if (!Array.isArray(r.prompt) || r.prompt.length === 0)
    throw new InputError(`preference record ${r.id} has no prompt`, undefined, undefined, 'prompt');
  return { prompt: r.prompt, chosen: side(r, 'chosen'), rejected: side(r, 'rejected') };
}

function side(r: TrainingRecord, field: 'chosen' | 'rejected'): Message {
  const m = r[field];
  if (!m) throw new InputError(`preference record ${r.id} has no ${field}`, undefined, undefined, field);
  if (m.role !== 'assistant')
    throw new InputError(
      `preference record ${r.id}: ${field} is a ${terminalText(String(m.role))} message, not an assistant answer`,
      undefined,
      undefined,
      `${field}.role`,
    );
  if (!hasText(m))
    throw new InputError(
      `preference record ${r.id} has an empty ${field} answer`,
      undefined,
      undefined,
      `${field}.content`,
    );
  return m;
}

const hasText = (m: Message): boolean => typeof m.content === 'string' && m.content.trim() !== '';

const CONVERT: Record<'trl' | 'openai' | 'axolotl' | 'jsonl', (r: TrainingRecord) => unknown> = {
  trl: toTrl,
  openai: toOpenAI,
  axolotl: toAxolotl,
  jsonl: (r) => r,
};

const DATASETS = ['sft', 'preference'] as const;
const SPLITS = ['train', 'validation'] as const;

/** The files an export of `format` consists of, by name, whatever the records. */
export function exportFileNames(format: ExportFormat): string[] {
  const ext = format === 'parquet' ? 'parquet' : 'jsonl';
  return DATASETS.flatMap((kind) => SPLITS.map((split) => `${kind}.${split}.${ext}`));
}

/** Where a round's records are exported by default: `<store dir>/datasets/<run>/round-<n>`, and those
 * of rounds 0 to n together (`cumulative`) `…/rounds-0-<n>`. A run id from an old store that would
 * leave the datasets folder (`../x`) is refused rather than followed. */
export function roundExportDir(storePath: string, runId: string, round: number, cumulative = false): string {
  const datasets = resolve(dirname(resolve(storePath)), 'datasets');
  const dir = resolve(datasets, runId, cumulative ? `rounds-0-${round}` : `round-${round}`);
  if (!isValidRunId(runId) || dirname(dirname(dir)) !== datasets)
    throw new InputError(
      `run id "${terminalText(runId)}" cannot name a folder in ${datasets}`,
      storePath,
      undefined,
      'run-id',
      'pass --out <dir> to choose where the records go',
    );
  return dir;
}

/** `value` as one JSONL line. A lone surrogate (model output may hold one) is written as U+FFFD, as
 * UTF-8 writes it (and the Parquet export does): JSON.stringify escapes it as `\ud83d`, which Python
 * reads back into a string no tokenizer can encode ('surrogates not allowed'), and the trainer stops
 * at loading the dataset. */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'string' ? v.replace(/\p{Cs}/gu, '\ufffd') : v));
}

/** Writes `records` in `format` under `outDir/<format>/`; returns the paths written, every file of
 * the format (see exportFileNames), an empty one for a dataset and split with no records. */
export function exportRecords(
  records: readonly TrainingRecord[],
  format: ExportFormat | string,
  outDir: string,
): string[] {
  const staged = stageExport(records, format, outDir);
  staged.commit();
  return staged.paths;
}

/** An export written beside its place, not yet in it: `commit` renames its files in (microseconds),
 * `discard` removes them. What `exportRecords` does in one go, split for a caller that must store
 * something between the slow writing and the renames (`breakfix curate` stores the round's records
 * there, so a crash while writing leaves neither records nor a new export, and a rerun curates). */
export interface StagedExport {
  /** Where the files go once committed. */
  paths: string[];
  commit(): void;
  discard(): void;
}

export function stageExport(
  records: readonly TrainingRecord[],
  format: ExportFormat | string,
  outDir: string,
): StagedExport {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new InputError(
      `unknown export format "${format}" (known: ${EXPORT_FORMATS.join(', ')})`,
      undefined,
      undefined,
      'format',
    );
  // (A file where the folder goes is named, never a raw EEXIST.)
  const dir = ensureOutputDir(join(outDir, format), { what: `${format} export folder` });
  // Every file is written, empty when nothing goes in it, rather than only the non-empty ones: a
  // re-export into the same folder then replaces the whole previous export (an old
  // preference.train.jsonl beside fresh SFT files would be handed to a trainer as this round's
  // pairs), nothing is ever deleted, and a trainer command's `{preference}` always names a file.
  // Rows are converted before anything is written, so a bad record leaves the old export whole.
  const files = DATASETS.flatMap((kind) =>
    SPLITS.map((split) => {
      const rows = records.filter((r) => r.kind === kind && r.split === split);
      if (format === 'parquet')
        return {
          path: join(dir, `${kind}.${split}.parquet`),
          data: Buffer.from(parquetWriteBuffer({ columnData: parquetColumns(rows) })),
        };
      const convert = CONVERT[format as keyof typeof CONVERT];
      return {
        path: join(dir, `${kind}.${split}.jsonl`),
        data: rows.map((r) => `${jsonLine(convert(r))}\n`).join(''),
      };
    }),
  );
  // Every file is written beside its place first, then all are renamed in: a crash while writing
  // (seconds, for a large set) leaves the previous export whole, never part old and part new; the
  // renames themselves take microseconds, and each file is whole either way.
  const staged = files.map((f) => ({ ...f, tmp: `${f.path}.partial-${process.pid}` }));
  try {
    for (const f of staged) writeFileSync(f.tmp, f.data);
  } catch (err) {
    for (const f of staged) rmSync(f.tmp, { force: true });
    throw err;
  }
  return {
    paths: files.map((f) => f.path),
    commit() {
      for (const f of staged) renameSync(f.tmp, f.path);
    },
    discard() {
      for (const f of staged) rmSync(f.tmp, { force: true });
    },
  };
}

/** One row per record; message lists and provenance as JSON text columns. What a record lacks (an
 * SFT record's chosen/rejected, a pair's messages, a category) is a null, not the text "null" or "". */
function parquetColumns(rows: TrainingRecord[]) {
  const str = (f: (r: TrainingRecord) => string | undefined) => rows.map((r) => f(r) || null);
  const json = (f: (r: TrainingRecord) => unknown) =>
    rows.map((r) => {
      const v = f(r);
      return v === undefined || v === null ? null : JSON.stringify(v);
    });
  return [
    { name: 'id', data: str((r) => r.id), type: 'STRING' as const },
    { name: 'kind', data: str((r) => r.kind), type: 'STRING' as const },
    { name: 'purpose', data: str((r) => r.purpose), type: 'STRING' as const },
    { name: 'split', data: str((r) => r.split), type: 'STRING' as const },
    { name: 'category', data: str((r) => r.category), type: 'STRING' as const },
    { name: 'language', data: str((r) => r.language), type: 'STRING' as const },
    { name: 'techniques', data: json((r) => r.techniques ?? []), type: 'STRING' as const },
    { name: 'messages', data: json((r) => r.messages), type: 'STRING' as const },
    { name: 'prompt', data: json((r) => r.prompt), type: 'STRING' as const },
    { name: 'chosen', data: json((r) => r.chosen), type: 'STRING' as const },
    { name: 'rejected', data: json((r) => r.rejected), type: 'STRING' as const },
    { name: 'provenance', data: json((r) => r.provenance), type: 'STRING' as const },
  ];
}
