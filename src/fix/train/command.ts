// The command backend: any trainer behind a shell command. `{sft}`, `{preference}`, `{base}`, `{out}`
// (and the older names {data}, {model}, {output}) are replaced with shell-quoted values.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError, type ModelRef } from '../../core/index.js';
import { exportRecords } from '../export/formats.js';
import { producedId, trainParams } from './params.js';
import { runStreaming } from './run-command.js';
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
      const out = resolve(input.outDir);
      mkdirSync(out, { recursive: true });
      const dataDir = join(out, 'data');
      // TRL-format JSONL: the format most trainers read; train split only (validation beside it).
      exportRecords([...input.sft, ...input.preference], 'trl', dataDir);
      const values: Record<string, string> = {
        sft: join(dataDir, 'trl', 'sft.train.jsonl'),
        preference: join(dataDir, 'trl', 'preference.train.jsonl'),
        base: input.base.path ?? input.base.target,
        out,
      };
      values.data = join(dataDir, 'trl');
      values.model = values.base;
      values.output = out;
      const command = c.template.replace(/\{(\w+)\}/g, (m, k: string) =>
        k in values ? shellQuote(values[k]) : m,
      );
      const target = c.target.replaceAll('{out}', out);
      const model: ModelRef = {
        id: producedId('command', out, input.runId, input.round),
        target,
        path: out,
        parent: input.base.id,
        ...(input.round !== undefined ? { round: input.round } : {}),
      };
      const plan: TrainPlan = {
        files: [values.sft, values.preference],
        commands: [{ argv: [command], cwd: out }],
      };
      if (input.dryRun) return { model, log: [], plan, dryRun: true };
      const log: unknown[] = [];
      input.progress?.start('train (command)', 0);
      await runStreaming([command], {
        shell: true,
        cwd: out,
        onLine: (line) => {
          log.push({ line });
          input.progress?.log(line);
        },
      });
      input.progress?.done();
      ctx.store?.registerModel({ ...model, runId: input.runId, trainingLog: log });
      return { model, log, plan };
    },
  };
}
