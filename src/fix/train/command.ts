// The command backend: any trainer behind a shell command. `{sft}`, `{preference}`, `{base}`, `{out}`
// (and the older names {data}, {model}, {output}) are replaced with shell-quoted values.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { redactText } from '../../config/index.js';
import { ensureOutputDir } from '../../config/outdir.js';
import { BreakfixError, errorMessage, InputError, type ModelRef, terminalText } from '../../core/index.js';
import { exportRecords } from '../export/formats.js';
import { embeddedPath } from './embedded.js';
import { checkProducedTarget, producedId, trainParams } from './params.js';
import { checkNoTrainer, runStreaming, trainerGroupFile, trainerTimeout } from './run-command.js';
import { shellQuote } from './trl.js';
import type { Trainer, TrainerContext, TrainInput, TrainOutput, TrainPlan } from './types.js';

export function createCommandTrainer(ctx: TrainerContext = {}): Trainer {
  return {
    id: 'command',
    async train(input: TrainInput): Promise<TrainOutput> {
      const c = trainParams(input.params).command;
      if (!c.template)
        throw new InputError(
          'no training command configured',
          undefined,
          undefined,
          'train.command.template',
          'set train.command.template, e.g. "python train.py --sft {sft} --pref {preference} --base {base} --out {out}"',
        );
      const out = ensureOutputDir(input.outDir, { what: 'output folder', hint: 'pass another --out' });
      checkNoTrainer(trainerGroupFile(out));
      const dataDir = join(out, 'data');
      // TRL-format JSONL: the format most trainers read; train split only (validation beside it).
      exportRecords([...input.sft, ...input.preference], 'trl', dataDir);
      const values: Record<string, string> = {
        sft: join(dataDir, 'trl', 'sft.train.jsonl'),
        preference: join(dataDir, 'trl', 'preference.train.jsonl'),
        base: await commandBase(input.base, ctx),
        out,
      };
      // `{sft}` and `{preference}` always name a file, empty when there is nothing of that kind (a
      // round with no pairs), so a trainer reading both never fails on a missing path.
      for (const f of [values.sft, values.preference]) if (!existsSync(f)) writeFileSync(f, '');
      values.data = join(dataDir, 'trl');
      values.model = values.base;
      values.output = out;
      const command = fillTemplate(c.template, values);
      const target = c.target.replaceAll('{out}', out);
      checkProducedTarget(
        target,
        'train.command.target',
        'name the model as the server does (vllm serve {out} --served-model-name NAME, then openai:NAME@http://host:port/v1), or train into a folder with no "@" in its path',
      );
      const model: ModelRef = {
        id: input.id ?? producedId('command', out, input.runId, input.round),
        target,
        path: out,
        parent: input.base.id,
        ...(input.round !== undefined ? { round: input.round } : {}),
      };
      const plan: TrainPlan = {
        files: [values.sft, values.preference],
        commands: [{ argv: [command], cwd: ctx.baseDir ?? process.cwd(), shell: true }],
      };
      if (input.dryRun) return { model, log: [], plan, dryRun: true };
      const kept = keepEnds<{ line: string }>(LOG_HEAD, LOG_TAIL);
      input.progress?.start('train (command)', 0);
      await runStreaming([command], {
        shell: true,
        cwd: ctx.baseDir ?? process.cwd(),
        groupFile: trainerGroupFile(out),
        ...trainerTimeout('train.command.timeout', c.timeout),
        onLine: (raw) => {
          // A trainer may echo its command line, token and all: what is shown and stored is redacted.
          const line = redactText(raw);
          kept.push({ line });
          input.progress?.log(terminalText(line)); // (shown escaped: it may carry escapes)
        },
      });
      input.progress?.done();
      const log: unknown[] = kept.values((n) => ({
        line: `breakfix: ${n} lines of the trainer's output left out here`,
        omitted: n,
      }));
      const missing = missingCheckpoint(target) ?? emptyOut(c.target, out);
      if (missing)
        throw new BreakfixError(
          `the training command finished but produced no model: ${missing}; nothing was registered`,
          'train_command',
          'the command must write the trained checkpoint into {out} (or set train.command.target to where it serves the model)',
        );
      // A folder with a config.json may still be no breakfix checkpoint (a Hugging Face model): it
      // is loaded once here, so that a model that cannot be used is never the next candidate.
      const dir = embeddedDir(target);
      if (dir) {
        const { loadLM } = await import('../../lm/index.js');
        await loadLM(dir).catch((err: unknown) => {
          throw new BreakfixError(
            `the training command finished but ${dir} is no breakfix checkpoint (${errorMessage(err)}); nothing was registered`,
            'train_command',
            'an embedded:{out} target needs a breakfix checkpoint; for a trainer that writes a Hugging Face model, serve it and set train.command.target to openai:NAME@http://host:port/v1',
          );
        });
      }
      ctx.store?.registerModel({ ...model, runId: input.runId, trainingLog: log });
      return { model, log, plan };
    },
  };
}

/** How many of the trainer's output lines its stored training log keeps: the first (what it loaded,
 * its settings) and the last (its final figures, how it ended). A progress bar prints each refresh
 * as a line (`\r`), millions in a run of hours: 300,000 made a 17 MB model row, held in memory, put
 * in `train --json` and parsed again by every model listing. */
const LOG_HEAD = 200;
const LOG_TAIL = 2000;

/** The first `head` items pushed and the last `tail`; `values` puts `gap(n)` where n were dropped. */
function keepEnds<T>(head: number, tail: number) {
  const first: T[] = [];
  const ring: T[] = [];
  let pushed = 0; // (past the head)
  return {
    push(item: T) {
      if (first.length < head) first.push(item);
      else ring[pushed++ % tail] = item;
    },
    values(gap: (n: number) => T): T[] {
      const last = Array.from(
        { length: Math.min(pushed, tail) },
        (_, i) => ring[(pushed - Math.min(pushed, tail) + i) % tail],
      );
      return pushed > tail ? [...first, gap(pushed - tail), ...last] : [...first, ...last];
    },
  };
}

/** The template with each known `{name}` replaced by its value quoted for where it stands: bare, as one
 * shell word; inside the template's own '…' or "…" (`--out "{out}"`, `"{out}/model"`), escaped for
 * that quoting. A bare-word quote there would be literal text inside the template's quotes (a folder
 * with a space became `'/a b'`, quotes and all) and, in "…", a `$(…)` in a path would run. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  let out = '';
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    const m = ch === '{' ? /^\{(\w+)\}/.exec(template.slice(i)) : null;
    if (m && Object.hasOwn(values, m[1])) {
      const v = values[m[1]];
      out +=
        quote === "'"
          ? v.replaceAll("'", "'\\''")
          : quote === '"'
            ? v.replace(/[\\$`"]/g, '\\$&')
            : shellQuote(v);
      i += m[0].length - 1;
      continue;
    }
    out += ch;
    if (ch === '\\' && quote !== "'") {
      // (an escaped character is no quote)
      out += template[i + 1] ?? '';
      i++;
    } else if ((ch === "'" || ch === '"') && (quote === undefined || quote === ch))
      quote = quote ? undefined : ch;
  }
  return out;
}

/** `{base}`: the base's folder when it has one. An embedded model (`embedded:base`, a cycle's round)
 * is given as its checkpoint folder, since no outside trainer can read a breakfix target spec;
 * anything else (a Hugging Face id, a served model's name) as its target. */
async function commandBase(base: ModelRef, ctx: TrainerContext): Promise<string> {
  if (base.path) return base.path;
  return base.target.startsWith('embedded:') ? embeddedPath(base, ctx) : base.target;
}

/** For a served target that names `{out}` (vLLM serves a folder under its path): why `{out}` holds
 * no model, when the command wrote nothing there beside breakfix's own `data`; else undefined. A
 * target that does not name `{out}` is served from elsewhere, which only its server can vouch for. */
function emptyOut(template: string, out: string): string | undefined {
  if (!template.includes('{out}') || template.startsWith('embedded:')) return undefined;
  const written = readdirSync(out).filter((name) => name !== 'data');
  return written.length ? undefined : `${out} holds nothing but breakfix's data/`;
}

/** The folder of an `embedded:<absolute folder>` target, else undefined (`embedded:base`,
 * `embedded:round-2` are names the embedded target resolves, not folders; other targets are served). */
function embeddedDir(target: string): string | undefined {
  if (!target.startsWith('embedded:')) return undefined;
  const dir = target.slice('embedded:'.length);
  return isAbsolute(dir) ? dir : undefined;
}

/** What is missing for an `embedded:<folder>` target to be a checkpoint, or undefined (present, or a
 * target of another kind, which only its server can vouch for). */
function missingCheckpoint(target: string): string | undefined {
  const dir = embeddedDir(target);
  if (!dir) return undefined;
  if (!existsSync(dir)) return `${dir} does not exist`;
  if (!statSync(dir).isDirectory()) return `${dir} is not a folder`;
  if (!existsSync(join(dir, 'config.json'))) return `${join(dir, 'config.json')} does not exist`;
  return undefined;
}
