// The TRL backend: writes the datasets (TRL conversational format), an SFT and a DPO config (YAML,
// LoRA optional), an accelerate config (one GPU, many GPUs or nodes; DeepSpeed / FSDP), and runs
// `accelerate launch -m trl.scripts.sft --config …` then the same for DPO (with LoRA, each adapter
// merged into its base after its step), streaming the logs. The produced model is registered as an
// OpenAI-compatible target served at `train.trl.serveBaseURL`.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { ensureOutputDir } from '../../config/outdir.js';
import {
  BreakfixError,
  InputError,
  type ModelRef,
  type TrainingRecord,
  terminalText,
} from '../../core/index.js';
import { jsonLine, toTrl } from '../export/formats.js';
import { checkProducedTarget, producedId, trainParams } from './params.js';
import { checkNoTrainer, runStreaming, trainerGroupFile, trainerTimeout } from './run-command.js';
import type { TrainConfig, Trainer, TrainerContext, TrainInput, TrainOutput, TrainPlan } from './types.js';

type TrlConfig = TrainConfig['trl'];

/** Merges a LoRA adapter into the base model it names (adapter_config.json) and saves the merged
 * model and the tokenizer. */
const MERGE_LORA_PY = `# Written by breakfix train --backend trl: merge a LoRA adapter into its base model.
import sys
from peft import AutoPeftModelForCausalLM
from transformers import AutoTokenizer

adapter, out = sys.argv[1], sys.argv[2]
model = AutoPeftModelForCausalLM.from_pretrained(adapter, dtype="auto")
model.merge_and_unload().save_pretrained(out)
AutoTokenizer.from_pretrained(adapter).save_pretrained(out)
print(f"merged {adapter} into {out}")
`;

/** YAML for the Python side: TRL and accelerate read it with PyYAML, a YAML 1.1 parser, to which a
 * plain `no` (`save_strategy: no`) is the boolean false. YAML 1.1 output quotes such strings. */
export function pyYaml(value: unknown): string {
  return stringify(value, { version: '1.1' });
}

/** Writes `records` as TRL JSONL in `dir/{train,validation}.jsonl` (a folder `datasets` loads with
 * its splits), in the `trl` export's rows (toTrl: an SFT record as conversational prompt-completion,
 * so the loss covers its final answer only, and one with no final answer refused); returns whether a
 * validation split exists. Every row is converted before a file is written. */
function writeDataset(dir: string, records: TrainingRecord[]): { validation: boolean; count: number } {
  const splits = (['train', 'validation'] as const).map((split) => ({
    split,
    rows: records.filter((r) => r.split === split).map((r) => jsonLine(toTrl(r))),
  }));
  mkdirSync(dir, { recursive: true });
  // A split with no rows has no file: one an earlier plan into this folder wrote is removed, since
  // `datasets` loads every split file in the folder, and an old one beside this run's is read too.
  for (const { split, rows } of splits)
    if (rows.length) writeFileSync(join(dir, `${split}.jsonl`), `${rows.join('\n')}\n`);
    else rmSync(join(dir, `${split}.jsonl`), { force: true });
  return {
    validation: (splits[1]?.rows.length ?? 0) > 0,
    count: splits[0]?.rows.length ?? 0,
  };
}

function loraArgs(t: TrlConfig): Record<string, unknown> {
  return t.lora
    ? {
        use_peft: true,
        lora_r: t.lora.r,
        lora_alpha: t.lora.alpha,
        lora_dropout: t.lora.dropout,
        lora_target_modules: 'all-linear',
      }
    : {};
}

/** The trainer's own precision flags, matching the accelerate config's `mixed_precision`. */
function precisionArgs(t: TrlConfig): Record<string, boolean> {
  return { bf16: t.precision === 'bf16', fp16: t.precision === 'fp16' };
}

export function accelerateConfig(t: TrlConfig): Record<string, unknown> {
  const procs = t.numProcesses ?? 1;
  const type = {
    none: procs > 1 ? 'MULTI_GPU' : 'NO',
    multi_gpu: 'MULTI_GPU',
    deepspeed: 'DEEPSPEED',
    fsdp: 'FSDP',
  }[t.distributed];
  const cfg: Record<string, unknown> = {
    compute_environment: 'LOCAL_MACHINE',
    distributed_type: type,
    mixed_precision: t.precision === 'fp32' ? 'no' : t.precision,
    num_machines: t.numMachines,
    num_processes: procs * t.numMachines,
    machine_rank: 0,
    main_training_function: 'main',
    rdzv_backend: 'static',
    same_network: true,
    use_cpu: false,
  };
  if (t.numMachines > 1) cfg.main_process_port = 29500;
  if (t.distributed === 'deepspeed')
    cfg.deepspeed_config = {
      zero_stage: 2,
      offload_optimizer_device: 'none',
      offload_param_device: 'none',
      gradient_accumulation_steps: 'auto',
      zero3_init_flag: false,
    };
  if (t.distributed === 'fsdp')
    cfg.fsdp_config = {
      fsdp_auto_wrap_policy: 'TRANSFORMER_BASED_WRAP',
      fsdp_sharding_strategy: 'FULL_SHARD',
      // Trainer.save_model saves the weights under FSDP only from a full state dict: with a sharded
      // one, TRL's scripts (save_model at the end, no checkpoints) would leave no model at all.
      fsdp_state_dict_type: 'FULL_STATE_DICT',
      fsdp_offload_params: false,
      fsdp_use_orig_params: true,
    };
  return cfg;
}

/** True for a breakfix embedded checkpoint (a `breakfix-gpt` folder, or an `embedded:` target):
 * Hugging Face cannot load one, so TRL can never start from it. */
export function isEmbeddedModel(ref: ModelRef): boolean {
  if (ref.path) {
    try {
      const cfg = JSON.parse(readFileSync(join(ref.path, 'config.json'), 'utf8'));
      if (cfg?.model_type === 'breakfix-gpt') return true;
      if (existsSync(join(ref.path, 'config.json'))) return false;
    } catch {
      // No readable config.json: decided by the target below.
    }
  }
  return ref.target.startsWith('embedded:');
}

/** The model TRL fine-tunes: the given base when it is a Hugging Face model (a folder or id, e.g.
 * the previous TRL round), else `train.trl.baseModel`. An embedded checkpoint never is one. */
export function trlBase(base: ModelRef, t: TrlConfig): { path: string; id: string } {
  const embedded = isEmbeddedModel(base);
  if (!embedded && base.path) return { path: base.path, id: base.id };
  if (t.baseModel) return { path: t.baseModel, id: t.baseModel };
  throw new InputError(
    embedded
      ? `model "${base.id}" is a breakfix embedded checkpoint${base.path ? ` (${base.path})` : ''}, which TRL cannot fine-tune, and no Hugging Face base model is configured`
      : 'no base model to fine-tune with TRL',
    undefined,
    undefined,
    'train.trl.baseModel',
    'set train.trl.baseModel to a Hugging Face model id or folder, or pass --base with one',
  );
}

/** Writes every file of the plan and returns it, with the produced model. */
export function planTrl(input: TrainInput): { plan: TrainPlan; model: ModelRef; finalDir: string } {
  const t = trainParams(input.params).trl;
  const chosen = trlBase(input.base, t);
  const base = chosen.path;
  const out = ensureOutputDir(input.outDir, { what: 'output folder', hint: 'pass another --out' });
  checkNoTrainer(trainerGroupFile(out));
  const files: string[] = [];
  const write = (name: string, text: string) => {
    const p = join(out, name);
    writeFileSync(p, text);
    files.push(p);
    return p;
  };
  const sftData = writeDataset(
    join(out, 'data', 'sft'),
    input.sft.filter((r) => r.kind === 'sft'),
  );
  const prefData = writeDataset(
    join(out, 'data', 'preference'),
    input.preference.filter((r) => r.kind === 'preference'),
  );
  if (sftData.count === 0 && prefData.count === 0)
    throw new InputError(
      'no training records (train split) to write for TRL',
      undefined,
      undefined,
      'records',
      'run breakfix curate first',
    );
  const accel = t.accelerateConfig
    ? resolve(t.accelerateConfig)
    : write('accelerate.yaml', pyYaml(accelerateConfig(t)));
  const launch = (module: string, config: string) => [
    'accelerate',
    'launch',
    '--config_file',
    accel,
    ...(t.accelerateConfig && t.numProcesses ? ['--num_processes', String(t.numProcesses)] : []),
    // Many nodes: each runs the same command with its own rank and the main node's address.
    ...(t.numMachines > 1
      ? [
          '--machine_rank',
          process.env.MACHINE_RANK ?? '0',
          '--main_process_ip',
          process.env.MAIN_PROCESS_IP ?? '127.0.0.1',
        ]
      : []),
    '-m',
    module,
    '--config',
    config,
  ];
  const commands: TrainPlan['commands'] = [];
  let current = base;
  // With LoRA a TRL step saves an adapter, not a model: neither DPO nor a server nor the next round
  // can start from it, so each step's adapter is merged into its base first.
  const mergeScript = t.lora ? write('merge_lora.py', MERGE_LORA_PY) : undefined;
  const merge = (adapter: string) => {
    const merged = `${adapter}-merged`;
    commands.push({ argv: ['python3', mergeScript as string, adapter, merged], produces: merged });
    return merged;
  };
  const sftOut = join(out, 'sft');
  const dpoOut = join(out, 'dpo');
  if (sftData.count) {
    const cfg = {
      model_name_or_path: current,
      dataset_name: join(out, 'data', 'sft'),
      dataset_train_split: 'train',
      ...(sftData.validation ? { dataset_test_split: 'validation', eval_strategy: 'epoch' } : {}),
      output_dir: sftOut,
      learning_rate: t.sft.lr,
      num_train_epochs: t.sft.epochs,
      per_device_train_batch_size: t.sft.batchSize,
      gradient_accumulation_steps: t.sft.gradientAccumulation,
      max_length: t.sft.maxLength,
      gradient_checkpointing: true,
      logging_steps: 5,
      save_strategy: 'no',
      report_to: 'none',
      ...precisionArgs(t),
      ...loraArgs(t),
    };
    commands.push({ argv: launch('trl.scripts.sft', write('sft.yaml', pyYaml(cfg))), produces: sftOut });
    current = t.lora ? merge(sftOut) : sftOut;
  }
  if (prefData.count) {
    const cfg = {
      model_name_or_path: current,
      dataset_name: join(out, 'data', 'preference'),
      dataset_train_split: 'train',
      ...(prefData.validation ? { dataset_test_split: 'validation', eval_strategy: 'epoch' } : {}),
      output_dir: dpoOut,
      beta: t.dpo.beta,
      loss_type: 'sigmoid',
      learning_rate: t.dpo.lr,
      num_train_epochs: t.dpo.epochs,
      per_device_train_batch_size: t.dpo.batchSize,
      gradient_accumulation_steps: t.dpo.gradientAccumulation,
      // The whole sequence only. TRL 0.29 removed max_prompt_length, and its script parser refuses a
      // config key that no dataclass has ('Unknown arguments from config file'): naming it stops the
      // DPO step before it starts. Older TRL cut each prompt to it (512 tokens by default), dropping a
      // many-shot or multi-turn prompt's start, the part that makes it the attack: TRL 0.29 or later.
      max_length: t.dpo.maxLength,
      gradient_checkpointing: true,
      logging_steps: 5,
      save_strategy: 'no',
      report_to: 'none',
      ...precisionArgs(t),
      ...loraArgs(t),
    };
    commands.push({ argv: launch('trl.scripts.dpo', write('dpo.yaml', pyYaml(cfg))), produces: dpoOut });
    current = t.lora ? merge(dpoOut) : dpoOut;
  }
  const served = t.servedModel ?? current;
  const target = t.serveBaseURL ? `openai:${served}@${t.serveBaseURL}` : `openai:${served}`;
  checkProducedTarget(
    target,
    'train.trl.servedModel',
    'set train.trl.servedModel to the name the server gives the model (vllm serve <folder> --served-model-name NAME), or train into a folder with no "@" in its path',
  );
  const model: ModelRef = {
    id: input.id ?? producedId('trl', out, input.runId, input.round),
    target,
    path: current,
    parent: chosen.id,
    ...(input.round !== undefined ? { round: input.round } : {}),
  };
  const script = [
    '#!/bin/sh',
    '# SFT then DPO with TRL (written by breakfix train --backend trl).',
    'set -e',
    ...commands.map((c) => c.argv.map(shellQuote).join(' ')),
  ].join('\n');
  const sh = write('train.sh', `${script}\n`);
  const plan: TrainPlan = { files: [...files.filter((f) => f !== sh), sh], commands };
  write('plan.json', `${JSON.stringify({ plan, model }, null, 2)}\n`);
  return { plan, model, finalDir: current };
}

/** Trainer log lines are Python dicts: {'loss': 0.41, 'rewards/margins': 0.2, 'epoch': 0.5}. */
export function parseTrainerLine(line: string): Record<string, number> | undefined {
  const m = /\{[^{}]*'(loss|train_loss|rewards\/margins)'[^{}]*\}/.exec(line);
  if (!m) return undefined;
  const out: Record<string, number> = {};
  for (const [, k, v] of m[0].matchAll(/'([^']+)':\s*'?(-?[0-9.eE+-]+|nan|inf)'?/g)) {
    const n = Number(v);
    if (Number.isFinite(n)) out[k] = n;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The loss a Trainer log line reports as no number (`'loss': nan`, `'train_loss': 'inf'`), else
 * undefined: parseTrainerLine drops such values, so they are looked for here. */
export function nonFiniteLoss(line: string): string | undefined {
  const m = /'(loss|train_loss)':\s*'?(-?(?:nan|inf(?:inity)?))'?/i.exec(line);
  return m ? `${m[1]} ${m[2]}` : undefined;
}

/** Whether `dir` holds a model (config.json) or a LoRA adapter (adapter_config.json) written since
 * `since` (ms), not one an earlier run left there. */
function wroteModel(dir: string, since: number): boolean {
  return ['config.json', 'adapter_config.json'].some((f) => {
    const p = join(dir, f);
    // (a second of slack: some filesystems keep mtimes to the second)
    return existsSync(p) && statSync(p).mtimeMs >= since - 1000;
  });
}

export function createTrlTrainer(ctx: TrainerContext = {}): Trainer {
  return {
    id: 'trl',
    async train(input: TrainInput): Promise<TrainOutput> {
      const { plan, model } = planTrl(input);
      if (input.dryRun) return { model, log: [], plan, dryRun: true };
      const log: unknown[] = [];
      // One limit for the whole training, SFT, DPO and merge together, as for a command trainer.
      const limit = trainParams(input.params).trl.timeout;
      const deadline = Date.now() + (limit ?? 0) * 1000;
      for (const [i, c] of plan.commands.entries()) {
        const phase = c.argv.includes('trl.scripts.dpo')
          ? 'dpo'
          : c.argv.includes('trl.scripts.sft')
            ? 'sft'
            : 'merge';
        input.progress?.start(`train ${phase} (TRL)`, 0);
        const started = Date.now();
        input.progress?.log(`$ ${c.argv.map(shellQuote).join(' ')}`);
        let diverged: string | undefined;
        await runStreaming(c.argv, {
          cwd: resolve(input.outDir),
          groupFile: trainerGroupFile(resolve(input.outDir)),
          ...trainerTimeout('train.trl.timeout', limit, deadline),
          onLine: (line) => {
            diverged ??= nonFiniteLoss(line);
            const parsed = parseTrainerLine(line);
            if (parsed) {
              const entry = {
                phase,
                ...parsed,
                ...(parsed.loss !== undefined ? { loss: parsed.loss } : {}),
                ...(parsed['rewards/margins'] !== undefined
                  ? { rewardMargin: parsed['rewards/margins'] }
                  : {}),
                ...(parsed['rewards/accuracies'] !== undefined
                  ? { prefAccuracy: parsed['rewards/accuracies'] }
                  : {}),
              };
              log.push(entry);
              input.progress?.tick(1, parsed.loss !== undefined ? `loss ${parsed.loss}` : undefined);
            } else input.progress?.log(terminalText(line)); // (a trainer's output may carry escapes)
          },
        });
        // A loss that is no number is a fine-tune that diverged (as the embedded trainer says): its
        // weights are no model, and registered they would be the next candidate.
        if (diverged && phase !== 'merge') {
          const lr = trainParams(input.params).trl[phase].lr;
          throw new BreakfixError(
            `training diverged in ${phase} (TRL logged ${diverged}): nothing was registered`,
            'training_diverged',
            `lower train.trl.${phase}.lr (now ${lr})`,
          );
        }
        // A step that exits 0 having saved nothing (an FSDP config of the user's with a sharded
        // state dict saves no weights) is no model: the next step, the server or the next round
        // would fail on it, or on what an earlier run left there.
        if (c.produces && !wroteModel(c.produces, started))
          throw new BreakfixError(
            `TRL's ${phase} step finished but wrote no model into ${c.produces} (no config.json or adapter_config.json from this run): nothing was registered`,
            'train_command',
            'see its output above; under FSDP the accelerate config needs fsdp_state_dict_type: FULL_STATE_DICT for a saved model',
          );
        input.progress?.done(`step ${i + 1}/${plan.commands.length} done`);
      }
      ctx.store?.registerModel({ ...model, runId: input.runId, trainingLog: log });
      return { model, log, plan };
    },
  };
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}
