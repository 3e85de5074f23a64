// The TRL and command backends, run against SCRIPTED FAKE `accelerate` / `trl` commands put first
// on PATH that record their arguments (no Python or GPU here): what is tested is the argv, the file
// layout and the error mapping breakfix gives a real TRL install, not TRL itself.

import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { registerSecret } from '../../src/config/index.js';
import type { ModelRef, TrainingRecord } from '../../src/core/index.js';
import { createTrainer, parseTrainerLine, trainParams } from '../../src/fix/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { baseModelDir } from '../../src/targets/embedded-path.js';
import { alive } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-trl-'));
const bin = join(dir, 'bin');
const argsLog = join(dir, 'args.log');
let store: Store;
const oldPath = process.env.PATH;

const prov = { source: 'attempt', round: 0, seedId: 's' };
const records: TrainingRecord[] = [
  {
    id: 's1',
    kind: 'sft',
    purpose: 'safety',
    split: 'train',
    messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: "I can't help with that." },
    ],
    provenance: prov,
  },
  {
    id: 's2',
    kind: 'sft',
    purpose: 'benign',
    split: 'validation',
    messages: [
      { role: 'user', content: 'q2' },
      { role: 'assistant', content: 'Sure, 4.' },
    ],
    provenance: prov,
  },
];
const prefs: TrainingRecord[] = [
  {
    id: 'p1',
    kind: 'preference',
    purpose: 'safety',
    split: 'train',
    prompt: [{ role: 'user', content: 'q' }],
    chosen: { role: 'assistant', content: 'No.' },
    rejected: { role: 'assistant', content: 'Step 1: [redacted].' },
    provenance: prov,
  },
];
const base: ModelRef = { id: 'hf-base', target: 'vllm', path: 'Qwen/Qwen2.5-0.5B-Instruct' };

beforeAll(() => {
  mkdirSync(bin);
  // Stand-in accelerate: records its argv, prints a Trainer-style log line, saves a "model" (a
  // config.json) into output_dir.
  const script = `#!/bin/sh
echo "$(basename "$0") $*" >> "${argsLog}"
cfg=""; prev=""
for a in "$@"; do if [ "$prev" = "--config" ]; then cfg="$a"; fi; prev="$a"; done
out=$(grep '^output_dir:' "$cfg" | sed 's/output_dir: //')
mkdir -p "$out"
echo '{}' > "$out/config.json"
echo "{'loss': 0.6934, 'grad_norm': 1.5, 'learning_rate': 2e-05, 'rewards/margins': 0.25, 'rewards/accuracies': 0.75, 'epoch': 1.0}"
echo "some other line" 1>&2
`;
  for (const name of ['accelerate', 'trl']) {
    writeFileSync(join(bin, name), script);
    chmodSync(join(bin, name), 0o755);
  }
  process.env.PATH = `${bin}:${oldPath}`;
  store = openStore(join(dir, 'breakfix.db'));
});

afterAll(() => {
  process.env.PATH = oldPath;
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Shell lines of a stand-in accelerate: find the config it was given, and save a "model" into the
 * output_dir that config names. */
const FIND_CONFIG = `cfg=""; prev=""
for a in "$@"; do if [ "$prev" = "--config" ]; then cfg="$a"; fi; prev="$a"; done
`;
const SAVE_MODEL = `o=$(grep '^output_dir:' "$cfg" | sed 's/output_dir: //'); mkdir -p "$o"; echo '{}' > "$o/config.json"
`;

/** Runs `fn` with the stand-in accelerate replaced by the shell `body`, then puts it back. */
async function withAccelerate(body: string, fn: () => Promise<void>): Promise<void> {
  const file = join(bin, 'accelerate');
  const saved = readFileSync(file, 'utf8');
  writeFileSync(file, `#!/bin/sh\n${body}`);
  try {
    await fn();
  } finally {
    writeFileSync(file, saved);
  }
}

const params = (over: Record<string, unknown> = {}) => ({
  ...trainParams(),
  trl: { ...trainParams().trl, serveBaseURL: 'http://127.0.0.1:8000/v1', ...over },
});

/** Runs the TRL trainer with `p` on the test's records into `outDir`, as round 1 of `runId` if given
 * (what it registers is then found by that run id). */
function trainTrl(p: ReturnType<typeof params>, outDir: string, runId?: string) {
  return createTrainer({ train: p }, { store }, 'trl').train({
    base,
    sft: records,
    preference: prefs,
    params: p,
    outDir,
    ...(runId && { runId, round: 1 }),
  });
}

/** Plans a TRL run (dry run) into `dir/name` with `over` in train.trl; returns a reader of its
 * files as TRL reads them (PyYAML: YAML 1.1). */
async function dryRunTrl(name: string, over: Record<string, unknown>) {
  const out = join(dir, name);
  const p = params(over);
  await createTrainer({ train: p }, {}, 'trl').train({
    base,
    sft: records,
    preference: prefs,
    params: p,
    outDir: out,
    dryRun: true,
  });
  return (file: string) => parse(readFileSync(join(out, file), 'utf8'), { version: '1.1' });
}

describe('trl backend', () => {
  it('plans without running: datasets, SFT and DPO configs, accelerate config, commands', async () => {
    const out = join(dir, 'plan');
    const trainer = createTrainer(
      { train: params({ lora: { r: 8, alpha: 16, dropout: 0.1 } }) },
      { store },
      'trl',
    );
    const res = await trainer.train({
      base,
      sft: records,
      preference: prefs,
      params: params({ lora: { r: 8, alpha: 16, dropout: 0.1 } }),
      outDir: out,
      dryRun: true,
      runId: 'run_x',
      round: 1,
    });
    expect(res.dryRun).toBe(true);
    expect(existsSync(argsLog)).toBe(false);
    // TRL reads these files with PyYAML (YAML 1.1), so they are parsed as YAML 1.1 here: a plain
    // `save_strategy: no` would be the boolean false there, and TRL refuses it.
    const sft = parse(readFileSync(join(out, 'sft.yaml'), 'utf8'), { version: '1.1' });
    expect(sft).toMatchObject({
      save_strategy: 'no',
      report_to: 'none',
      model_name_or_path: base.path,
      dataset_name: join(out, 'data', 'sft'),
      dataset_test_split: 'validation',
      use_peft: true,
      lora_r: 8,
      lora_alpha: 16,
      output_dir: join(out, 'sft'),
    });
    const dpo = parse(readFileSync(join(out, 'dpo.yaml'), 'utf8'), { version: '1.1' });
    expect(dpo).toMatchObject({
      save_strategy: 'no',
      model_name_or_path: join(out, 'sft-merged'),
      beta: 0.1,
      output_dir: join(out, 'dpo'),
      dataset_name: join(out, 'data', 'preference'),
    });
    expect(dpo.dataset_test_split).toBeUndefined();
    const accel = parse(readFileSync(join(out, 'accelerate.yaml'), 'utf8'), { version: '1.1' });
    expect(accel).toMatchObject({
      distributed_type: 'NO',
      mixed_precision: 'bf16',
      num_processes: 1,
      num_machines: 1,
    });
    expect(sft).toMatchObject({ bf16: true, fp16: false });
    // SFT as prompt-completion: TRL's loss then covers the final answer only.
    expect(JSON.parse(readFileSync(join(out, 'data', 'sft', 'train.jsonl'), 'utf8'))).toEqual({
      prompt: [{ role: 'user', content: 'q' }],
      completion: [{ role: 'assistant', content: "I can't help with that." }],
    });
    const row = JSON.parse(readFileSync(join(out, 'data', 'preference', 'train.jsonl'), 'utf8'));
    expect(row).toEqual({
      prompt: [{ role: 'user', content: 'q' }],
      chosen: [{ role: 'assistant', content: 'No.' }],
      rejected: [{ role: 'assistant', content: 'Step 1: [redacted].' }],
    });
    // LoRA saves adapters: each is merged into its base before DPO, serving or the next round.
    const accelerate = ['accelerate', 'launch', '--config_file', join(out, 'accelerate.yaml')];
    const merge = (step: string) => [
      'python3',
      join(out, 'merge_lora.py'),
      join(out, step),
      join(out, `${step}-merged`),
    ];
    expect(res.plan?.commands.map((c) => (c.argv[0] === 'python3' ? c.argv : c.argv.slice(0, 4)))).toEqual([
      accelerate,
      merge('sft'),
      accelerate,
      merge('dpo'),
    ]);
    expect(readFileSync(join(out, 'merge_lora.py'), 'utf8')).toContain('merge_and_unload()');
    expect(res.plan?.commands[0].argv.slice(-4)).toEqual([
      '-m',
      'trl.scripts.sft',
      '--config',
      join(out, 'sft.yaml'),
    ]);
    expect(res.model.target).toBe(`openai:${join(out, 'dpo-merged')}@http://127.0.0.1:8000/v1`);
    expect(res.model.path).toBe(join(out, 'dpo-merged'));
    expect(store.getModel(res.model.id)).toBeUndefined();
  });

  it("a plan into a folder an earlier plan used leaves none of that plan's split files behind", async () => {
    // `datasets` loads every split file in data/sft/: an old validation.jsonl (another round's rows,
    // or an older row format) was read beside this run's train.jsonl.
    const out = join(dir, 'replan');
    const plan = async (sft: TrainingRecord[]) => {
      const p = params();
      await createTrainer({ train: p }, {}, 'trl').train({
        base,
        sft,
        preference: prefs,
        params: p,
        outDir: out,
        dryRun: true,
      });
    };
    await plan(records);
    const validation = join(out, 'data', 'sft', 'validation.jsonl');
    expect(existsSync(validation)).toBe(true);
    await plan(records.filter((r) => r.split === 'train'));
    expect(existsSync(validation)).toBe(false);
    expect(readFileSync(join(out, 'data', 'sft', 'train.jsonl'), 'utf8')).toContain(
      "I can't help with that.",
    );
    expect(parse(readFileSync(join(out, 'sft.yaml'), 'utf8')).dataset_test_split).toBeUndefined();
  });

  it("writes only keys TRL's script parser takes: one it does not know stops the step before it trains", async () => {
    // TrlParser sets each config key on the script's dataclasses (ScriptArguments, the trainer's
    // config, ModelConfig) and raises 'Unknown arguments from config file' for a key none has. These
    // are the keys of the run with TRL 1.13 (scripts/trl-check); TRL 0.29 removed DPO's
    // max_prompt_length, so a dpo.yaml naming it never starts. A key added here needs such a run.
    const common = [
      ...['dataset_name', 'dataset_train_split', 'dataset_test_split'],
      ...['model_name_or_path', 'use_peft', 'lora_r', 'lora_alpha', 'lora_dropout', 'lora_target_modules'],
      ...['output_dir', 'learning_rate', 'num_train_epochs', 'per_device_train_batch_size'],
      ...['gradient_accumulation_steps', 'gradient_checkpointing', 'logging_steps', 'save_strategy'],
      ...['report_to', 'bf16', 'fp16', 'eval_strategy', 'max_length'],
    ];
    const known = { 'sft.yaml': common, 'dpo.yaml': [...common, 'beta', 'loss_type'] };
    const read = await dryRunTrl('keys', { lora: { r: 8, alpha: 16, dropout: 0.1 } });
    for (const [file, keys] of Object.entries(known))
      expect(
        Object.keys(read(file)).filter((k) => !keys.includes(k)),
        file,
      ).toEqual([]);
    expect(read('dpo.yaml').max_length).toBe(trainParams().trl.dpo.maxLength);
  });

  it('trains in the configured precision: fp16 for older GPUs, fp32 with no mixed precision', async () => {
    for (const [precision, mixed, bf16, fp16] of [
      ['fp16', 'fp16', false, true],
      ['fp32', 'no', false, false],
    ] as const) {
      const yaml = await dryRunTrl(`precision-${precision}`, { precision });
      expect(yaml('accelerate.yaml').mixed_precision).toBe(mixed);
      for (const f of ['sft.yaml', 'dpo.yaml']) expect(yaml(f)).toMatchObject({ bf16, fp16 });
    }
  });

  it('an FSDP accelerate config gathers the whole model when it is saved', async () => {
    // Trainer.save_model writes weights under FSDP only with a FULL_STATE_DICT: with a sharded one
    // TRL's scripts save nothing (no checkpoints either: save_strategy is no), and the merge, DPO or
    // server after them find no model in the step's output folder.
    const yaml = await dryRunTrl('fsdp', { distributed: 'fsdp', numProcesses: 4 });
    expect(yaml('accelerate.yaml')).toMatchObject({
      distributed_type: 'FSDP',
      num_processes: 4,
      fsdp_config: { fsdp_state_dict_type: 'FULL_STATE_DICT' },
    });
  });

  it('writes a DeepSpeed multi-GPU accelerate config', async () => {
    const yaml = await dryRunTrl('ds', { distributed: 'deepspeed', numProcesses: 4, numMachines: 2 });
    expect(yaml('accelerate.yaml')).toMatchObject({
      distributed_type: 'DEEPSPEED',
      num_processes: 8,
      num_machines: 2,
      deepspeed_config: { zero_stage: 2 },
    });
  });

  it('launches SFT then DPO, streams the logs and registers the served model', async () => {
    const out = join(dir, 'run');
    const lines: string[] = [];
    const progress = { start() {}, tick() {}, done() {}, log: (l: string) => lines.push(l) };
    const p = params({ servedModel: 'breakfix-fixed' });
    const res = await createTrainer({ train: p }, { store }, 'trl').train({
      base,
      sft: records,
      preference: prefs,
      params: p,
      outDir: out,
      progress,
      runId: 'run_x',
      round: 1,
    });
    const calls = readFileSync(argsLog, 'utf8').trim().split('\n');
    expect(calls).toEqual([
      `accelerate launch --config_file ${join(out, 'accelerate.yaml')} -m trl.scripts.sft --config ${join(out, 'sft.yaml')}`,
      `accelerate launch --config_file ${join(out, 'accelerate.yaml')} -m trl.scripts.dpo --config ${join(out, 'dpo.yaml')}`,
    ]);
    expect(lines).toContain('some other line');
    expect(res.log).toHaveLength(2);
    expect(res.log[1]).toMatchObject({ phase: 'dpo', loss: 0.6934, rewardMargin: 0.25, prefAccuracy: 0.75 });
    const stored = store.getModel(res.model.id);
    expect(stored).toMatchObject({
      target: 'openai:breakfix-fixed@http://127.0.0.1:8000/v1',
      parent: 'hf-base',
      round: 1,
      runId: 'run_x',
    });
    expect(stored?.trainingLog).toEqual(res.log);
  });

  it("a step that exits 0 having saved no model is an error, even with an earlier run's model there", async () => {
    // As TRL does under FSDP with a sharded state dict: trains, saves nothing, exits 0.
    await withAccelerate("echo \"{'loss': 0.5, 'epoch': 1.0}\"\n", async () => {
      const out = join(dir, 'nosave');
      // What a killed earlier run left: it is no model of this run.
      mkdirSync(join(out, 'sft'), { recursive: true });
      writeFileSync(join(out, 'sft', 'config.json'), '{}');
      utimesSync(join(out, 'sft', 'config.json'), new Date(2020, 0, 1), new Date(2020, 0, 1));
      const p = params();
      await expect(trainTrl(p, out, 'run_nosave')).rejects.toThrow(
        `TRL's sft step finished but wrote no model into ${join(out, 'sft')}`,
      );
      expect(store.listModels().some((m) => m.runId === 'run_nosave')).toBe(false);
    });
  });

  it('fails clearly when the launcher fails, registering nothing', async () => {
    writeFileSync(join(bin, 'accelerate'), '#!/bin/sh\necho "CUDA out of memory" 1>&2\nexit 7\n');
    const p = params();
    const trainer = createTrainer({ train: p }, { store }, 'trl');
    await expect(
      trainer.train({
        base,
        sft: records,
        preference: prefs,
        params: p,
        outDir: join(dir, 'fail'),
        runId: 'run_y',
        round: 1,
      }),
    ).rejects.toThrow(/exited with 7[\s\S]*CUDA out of memory/);
    expect(store.listModels().some((m) => m.runId === 'run_y')).toBe(false);
  });

  it('launches nothing into a folder whose trainer, left by a killed breakfix, still runs', async () => {
    const out = join(dir, 'orphaned');
    mkdirSync(out, { recursive: true });
    // The orphan: a process group of its own, recorded as a killed breakfix leaves it.
    const orphan = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    try {
      writeFileSync(
        join(out, '.breakfix-trainer.json'),
        JSON.stringify({ pgid: orphan.pid, host: hostname() }),
      );
      if (existsSync(argsLog)) rmSync(argsLog);
      const p = params();
      await expect(trainTrl(p, out)).rejects.toThrow(
        `still running into this folder (process group ${orphan.pid}`,
      );
      expect(existsSync(argsLog)).toBe(false);
      // Nor are the data and configs it reads written again under it.
      expect(existsSync(join(out, 'data'))).toBe(false);
      expect(existsSync(join(out, 'sft.yaml'))).toBe(false);
    } finally {
      orphan.kill('SIGKILL');
    }
  });

  it('a run whose loss went NaN is a diverged fine-tune: an error, registering nothing', async () => {
    // TRL exits 0 after a NaN loss and saves the (NaN) weights; the log line is all that tells.
    writeFileSync(
      join(bin, 'accelerate'),
      `#!/bin/sh\necho "{'loss': nan, 'grad_norm': nan, 'learning_rate': 2e-05, 'epoch': 1.0}"\nexit 0\n`,
    );
    const p = params();
    await expect(trainTrl(p, join(dir, 'nan'), 'run_nan')).rejects.toThrow(
      /training diverged in sft \(TRL logged loss nan\): nothing was registered/,
    );
    expect(store.listModels().some((m) => m.runId === 'run_nan')).toBe(false);
  });

  it('a training past train.trl.timeout is stopped, its processes first, and fails naming the field', async () => {
    // SFT finishes at once; DPO hangs in a sleep its shell waits on (both must go, as on Ctrl-C).
    const out = join(dir, 'hang');
    const pidFile = join(dir, 'hang-sleep.pid');
    writeFileSync(
      join(bin, 'accelerate'),
      `#!/bin/sh
cfg=""; prev=""
for a in "$@"; do if [ "$prev" = "--config" ]; then cfg="$a"; fi; prev="$a"; done
case "$*" in *trl.scripts.dpo*) sleep 300 & echo $! > "${pidFile}"; wait; exit 0;; esac
o=$(grep '^output_dir:' "$cfg" | sed 's/output_dir: //'); mkdir -p "$o"; echo '{}' > "$o/config.json"
`,
    );
    const p = params({ timeout: 2 });
    const started = Date.now();
    try {
      await expect(trainTrl(p, out, 'run_hang')).rejects.toThrow(
        'the training ran past train.trl.timeout (2 s) and was stopped, its processes first; nothing was registered',
      );
      // Within the limit and the grace period, not the sleep's 300 s; the sleep is gone.
      expect(Date.now() - started).toBeLessThan(60_000);
      const sleeper = Number(readFileSync(pidFile, 'utf8').trim());
      expect(sleeper).toBeGreaterThan(1);
      for (let i = 0; i < 50 && alive(sleeper); i++) await new Promise((r) => setTimeout(r, 100));
      expect(alive(sleeper)).toBe(false);
      expect(existsSync(join(out, '.breakfix-trainer.json'))).toBe(false);
      expect(store.listModels().some((m) => m.runId === 'run_hang')).toBe(false);
    } finally {
      if (existsSync(pidFile))
        try {
          process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
        } catch {}
    }
  });

  it("never shows a secret the trainer echoes: not in its streamed lines, not in the error's last lines", async () => {
    const secret = 'hf_TRLsecret1234567890abcdef';
    registerSecret(secret);
    writeFileSync(
      join(bin, 'accelerate'),
      `#!/bin/sh\necho "logging in with ${secret}"\nprintf 'title \\033]0;pwned\\007 set\\n'\necho "auth failed for ${secret}" 1>&2\nexit 3\n`,
    );
    const lines: string[] = [];
    const progress = { start() {}, tick() {}, done() {}, log: (l: string) => lines.push(l) };
    const p = params();
    const err = await createTrainer({ train: p }, { store }, 'trl')
      .train({ base, sft: records, preference: prefs, params: p, outDir: join(dir, 'secret'), progress })
      .catch((e: Error) => e);
    expect(String(err)).toMatch(/exited with 3[\s\S]*auth failed for \[redacted\]/);
    expect(String(err)).not.toContain(secret);
    expect(lines).toContain('logging in with [redacted]');
    // (terminal control sequences a trainer prints are shown escaped, never run by the terminal)
    expect(lines).toContain('title \\x1b]0;pwned\\x07 set');
    expect(lines.join('\n')).not.toContain(secret);
  });

  it('refuses an SFT record with no final answer, as the trl export does, naming it and the field', async () => {
    // (a store written by hand or by an older breakfix: its last message is the user's)
    const noAnswer: TrainingRecord = {
      ...records[0],
      id: 's-noanswer',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'partial' },
        { role: 'user', content: 'go on' },
      ],
    };
    const p = params();
    const out = join(dir, 'noanswer');
    const err = await createTrainer({ train: p }, {}, 'trl')
      .train({ base, sft: [noAnswer], preference: prefs, params: p, outDir: out, dryRun: true })
      .catch((e: unknown) => e);
    expect(String(err)).toMatch(/SFT record s-noanswer does not end with an assistant answer/);
    expect((err as { field?: string }).field).toBe('messages');
    // Nothing that a trainer would read as a user turn to learn was written.
    expect(existsSync(join(out, 'data', 'sft', 'train.jsonl'))).toBe(false);
  });

  it('needs a base model', async () => {
    const p = params();
    await expect(
      createTrainer({}, {}, 'trl').train({
        base: { id: 'x', target: 'openai:x' },
        sft: records,
        preference: [],
        params: p,
        outDir: join(dir, 'nobase'),
      }),
    ).rejects.toThrow(/train\.trl\.baseModel/);
  });

  it('an output folder the served model cannot be named by (an "@" in its path) is refused before any launch', async () => {
    // openai:<folder>@<url> reads the first "@" as the server's: registered so, the model would
    // stop the cycle at the next round's bench, after the training.
    const out = join(dir, 'team@host', 'round-1');
    const launches = () => (existsSync(argsLog) ? readFileSync(argsLog, 'utf8') : '');
    const before = launches();
    const run = (over: Record<string, unknown>, dryRun = false) =>
      createTrainer({}, { store }, 'trl').train({
        dryRun,
        base,
        sft: records,
        preference: prefs,
        params: params(over),
        outDir: out,
        runId: 'run_at',
        round: 1,
      });
    const err = await run({}).catch((e: unknown) => e);
    expect(err).toMatchObject({ field: 'train.trl.servedModel' });
    expect(String(err)).toContain(`openai:${join(out, 'dpo')}@http://127.0.0.1:8000/v1`);
    expect(launches()).toBe(before);
    expect(store.listModels().some((m) => m.runId === 'run_at')).toBe(false);
    // The name the server gives the model is one breakfix can reach.
    const res = await run({ servedModel: 'fixed' }, true);
    expect(res.model.target).toBe('openai:fixed@http://127.0.0.1:8000/v1');
  });

  it('never fine-tunes an embedded checkpoint: train.trl.baseModel is the base, else an error', async () => {
    const emb = join(dir, 'emb-ckpt');
    mkdirSync(emb, { recursive: true });
    writeFileSync(join(emb, 'config.json'), JSON.stringify({ model_type: 'breakfix-gpt' }));
    const embeddedBase: ModelRef = { id: 'embedded:run:round-1', target: `embedded:${emb}`, path: emb };
    const p = params({ baseModel: 'Qwen/Qwen2.5-0.5B-Instruct' });
    const res = await createTrainer({ train: p }, {}, 'trl').train({
      base: embeddedBase,
      sft: records,
      preference: prefs,
      params: p,
      outDir: join(dir, 'emb-plan'),
      dryRun: true,
    });
    expect(parse(readFileSync(join(dir, 'emb-plan', 'sft.yaml'), 'utf8')).model_name_or_path).toBe(
      'Qwen/Qwen2.5-0.5B-Instruct',
    );
    expect(res.model.parent).toBe('Qwen/Qwen2.5-0.5B-Instruct');
    await expect(
      createTrainer({}, {}, 'trl').train({
        base: embeddedBase,
        sft: records,
        preference: prefs,
        params: params(),
        outDir: join(dir, 'emb-plan-2'),
        dryRun: true,
      }),
    ).rejects.toThrow(
      /train\.trl\.baseModel: model "embedded:run:round-1" is a breakfix embedded checkpoint/,
    );
  });

  it('hands TRL every hyper-parameter configured, a partial sft or dpo section keeping the defaults it does not name', async () => {
    // (the defaults by hand: sft epochs 1, batch 4, accumulation 4, max length 2048; dpo epochs 1,
    // batch 2, accumulation 8, max length 2048)
    const read = await dryRunTrl('hyper', {
      sft: { lr: 1e-5, epochs: 3 },
      dpo: { beta: 0.25, lr: 1e-6 },
      lora: { r: 4, alpha: 32, dropout: 0.05 },
    });
    expect(read('sft.yaml')).toMatchObject({
      learning_rate: 1e-5,
      num_train_epochs: 3,
      per_device_train_batch_size: 4,
      gradient_accumulation_steps: 4,
      max_length: 2048,
      lora_r: 4,
      lora_alpha: 32,
      lora_dropout: 0.05,
    });
    expect(read('dpo.yaml')).toMatchObject({
      beta: 0.25,
      loss_type: 'sigmoid',
      learning_rate: 1e-6,
      num_train_epochs: 1,
      per_device_train_batch_size: 2,
      gradient_accumulation_steps: 8,
      max_length: 2048,
      lora_r: 4,
      lora_alpha: 32,
      lora_dropout: 0.05,
    });
  });

  it("with the user's own accelerate config, launches with it and the configured number of processes", async () => {
    const out = join(dir, 'own-accel');
    const p = params({ accelerateConfig: join(dir, 'my accel.yaml'), numProcesses: 4 });
    const res = await createTrainer({ train: p }, {}, 'trl').train({
      base,
      sft: records,
      preference: prefs,
      params: p,
      outDir: out,
      dryRun: true,
    });
    expect(res.plan?.commands.map((c) => c.argv)).toEqual([
      [
        'accelerate',
        'launch',
        '--config_file',
        join(dir, 'my accel.yaml'),
        '--num_processes',
        '4',
        '-m',
        'trl.scripts.sft',
        '--config',
        join(out, 'sft.yaml'),
      ],
      [
        'accelerate',
        'launch',
        '--config_file',
        join(dir, 'my accel.yaml'),
        '--num_processes',
        '4',
        '-m',
        'trl.scripts.dpo',
        '--config',
        join(out, 'dpo.yaml'),
      ],
    ]);
    expect(existsSync(join(out, 'accelerate.yaml'))).toBe(false);
  });

  it('a DPO step whose loss went NaN, after a sound SFT step, is a diverged fine-tune too', async () => {
    const dpoNaN = `case "$*" in *trl.scripts.dpo*) echo "{'loss': nan, 'rewards/margins': nan, 'epoch': 1.0}";; *) echo "{'loss': 0.5, 'epoch': 1.0}";; esac\n`;
    await withAccelerate(FIND_CONFIG + SAVE_MODEL + dpoNaN, async () => {
      await expect(trainTrl(params(), join(dir, 'nan-dpo'), 'run_nan_dpo')).rejects.toThrow(
        'training diverged in dpo (TRL logged loss nan): nothing was registered',
      );
      expect(store.listModels().some((m) => m.runId === 'run_nan_dpo')).toBe(false);
    });
  });

  it("a train_loss TRL logged as the string 'inf' is a diverged fine-tune", async () => {
    const infLoss = `echo "{'train_runtime': 1.5, 'train_loss': 'inf', 'epoch': 1.0}"\n`;
    await withAccelerate(FIND_CONFIG + SAVE_MODEL + infLoss, async () => {
      await expect(trainTrl(params(), join(dir, 'inf-sft'), 'run_inf')).rejects.toThrow(
        'training diverged in sft (TRL logged train_loss inf): nothing was registered',
      );
      expect(store.listModels().some((m) => m.runId === 'run_inf')).toBe(false);
    });
  });

  it('train.trl.timeout limits the whole training, not each step: two steps of 3 s pass a 4 s limit', async () => {
    // Each step alone is within the limit; together they are past it, however loaded the machine.
    await withAccelerate(`${FIND_CONFIG}sleep 3\n${SAVE_MODEL}`, async () => {
      await expect(trainTrl(params({ timeout: 4 }), join(dir, 'two-steps'), 'run_two_steps')).rejects.toThrow(
        'the training ran past train.trl.timeout (4 s) and was stopped',
      );
      expect(store.listModels().some((m) => m.runId === 'run_two_steps')).toBe(false);
    });
  });

  it('parses Trainer log lines', () => {
    expect(parseTrainerLine("{'loss': 1.25, 'epoch': 0.5}")).toEqual({ loss: 1.25, epoch: 0.5 });
    expect(parseTrainerLine('Downloading shards: 100%')).toBeUndefined();
  });
});

describe('command backend', () => {
  it('fills the placeholders, runs the command and registers {out}', async () => {
    const out = join(dir, 'cmd out');
    const record = join(dir, 'cmd.log');
    const p = {
      ...trainParams(),
      command: {
        template: `echo {sft} {preference} {base} {out} > '${record}'; mkdir -p {out}; cp '${baseModelDir()}'/* {out}/; echo done`,
        target: 'embedded:{out}',
      },
    };
    const res = await createTrainer({ train: p }, { store }, 'command').train({
      base,
      sft: records,
      preference: prefs,
      params: p,
      outDir: out,
      runId: 'run_c',
      round: 2,
    });
    const [sftPath, prefPath, basePath, outPath] = readFileSync(record, 'utf8')
      .trim()
      .split(' ')
      .reduce<string[]>((acc, w) => {
        // the output folder has a space in it: rejoin its two halves
        if (acc.length && acc[acc.length - 1].endsWith('/cmd')) acc[acc.length - 1] += ` ${w}`;
        else acc.push(w);
        return acc;
      }, []);
    expect(sftPath).toBe(join(out, 'data', 'trl', 'sft.train.jsonl'));
    expect(prefPath).toBe(join(out, 'data', 'trl', 'preference.train.jsonl'));
    expect(basePath).toBe(base.path);
    expect(outPath).toBe(out);
    // The TRL export's SFT rows are prompt-completion: the trainer learns the final answer only.
    expect(JSON.parse(readFileSync(sftPath, 'utf8').split('\n')[0])).toEqual({
      prompt: records[0].messages?.slice(0, -1),
      completion: records[0].messages?.slice(-1),
    });
    expect(store.getModel(res.model.id)).toMatchObject({ target: `embedded:${out}`, path: out, round: 2 });
    expect(res.log).toEqual([{ line: 'done' }]);
  });

  it("keeps the first and last of a trainer's output lines in the training log, saying how many it left out", async () => {
    // A progress bar prints each refresh as a line: every one was stored (300,000 made a 17 MB row).
    const out = join(dir, 'cmd-chatty');
    const p = {
      ...trainParams(),
      command: {
        template: `awk 'BEGIN { for (i = 1; i <= 50000; i++) printf "step %d/50000\\r", i; print "final loss 0.12" }'; mkdir -p {out}; echo '{}' > {out}/config.json`,
        target: 'openai:{out}@http://127.0.0.1:8001/v1',
      },
    };
    const res = await createTrainer({ train: p }, { store }, 'command').train({
      base,
      sft: records,
      preference: [],
      params: p,
      outDir: out,
      runId: 'run_chatty',
      round: 1,
    });
    const stored = store.getModel(res.model.id)?.trainingLog as { line: string }[] | undefined;
    const lines = (stored ?? []).map((e) => e.line);
    expect(res.log).toHaveLength(200 + 1 + 2000);
    expect(lines.slice(0, 2)).toEqual(['step 1/50000', 'step 2/50000']);
    expect(lines[199]).toBe('step 200/50000');
    expect(lines[200]).toBe("breakfix: 47801 lines of the trainer's output left out here");
    expect(lines.at(-2)).toBe('step 50000/50000');
    expect(lines.at(-1)).toBe('final loss 0.12');
    expect(lines[201]).toBe('step 48002/50000');
  });

  it("a placeholder inside the template's own quotes gets the path as it is, and runs nothing in it", async () => {
    // `--out "{out}"` is how many write a path: the value is escaped for the quotes it stands in,
    // not quoted again (a folder with a space became '/a b' with its quotes, and $(…) ran).
    const out = join(dir, `q out's "x" $(touch ${join(dir, 'PWNED')}) \`id\``);
    const record = join(dir, 'quoted.log');
    const p = {
      ...trainParams(),
      command: {
        template: `printf '%s\\n' "{out}" '{sft}' {base} "{out}/model" > '${record}'; mkdir -p "{out}"; cp '${baseModelDir()}'/* "{out}/"`,
        target: 'embedded:{out}',
      },
    };
    // (run in `dir`: without the escaping, the mangled path is a relative folder made there)
    await createTrainer({ train: p }, { store, baseDir: dir }, 'command').train({
      base: { ...base, path: "/models/base it's" },
      sft: records,
      preference: prefs,
      params: p,
      outDir: out,
    });
    expect(readFileSync(record, 'utf8').split('\n')).toEqual([
      out,
      join(out, 'data', 'trl', 'sft.train.jsonl'),
      "/models/base it's",
      join(out, 'model'),
      '',
    ]);
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
  });

  it('{preference} names an empty file when there are no pairs', async () => {
    const out = join(dir, 'no-pairs');
    const p = {
      ...trainParams(),
      command: {
        template: `test -f {preference} && mkdir -p {out} && cp '${baseModelDir()}'/* {out}/`,
        target: 'embedded:{out}',
      },
    };
    await createTrainer({ train: p }, {}, 'command').train({
      base,
      sft: records,
      preference: [],
      params: p,
      outDir: out,
    });
    expect(readFileSync(join(out, 'data', 'trl', 'preference.train.jsonl'), 'utf8')).toBe('');
  });

  it('registers nothing when the command leaves no checkpoint in {out}', async () => {
    const out = join(dir, 'no-model');
    const p = { ...trainParams(), command: { template: 'echo trained', target: 'embedded:{out}' } };
    await expect(
      createTrainer({ train: p }, { store }, 'command').train({
        base,
        sft: records,
        preference: [],
        params: p,
        outDir: out,
        runId: 'run_nomodel',
        round: 1,
      }),
    ).rejects.toThrow(/produced no model: .*no-model\/config\.json does not exist/);
    expect(store.listModels().some((m) => m.runId === 'run_nomodel')).toBe(false);
  });

  it('a served target named by {out}: a command that writes nothing into {out} registers nothing', async () => {
    // (a template whose training step was commented out, or a trainer that wrote elsewhere: the
    // server would be asked for a model that does not exist, and the cycle's train step would count
    // as done, so a resume would never train it)
    const out = join(dir, 'served-nothing');
    const p = {
      ...trainParams(),
      command: { template: 'echo trained', target: 'openai:{out}@http://127.0.0.1:8001/v1' },
    };
    await expect(
      createTrainer({ train: p }, { store }, 'command').train({
        base,
        sft: records,
        preference: [],
        params: p,
        outDir: out,
        runId: 'run_served_nothing',
        round: 1,
      }),
    ).rejects.toThrow(
      /produced no model: .*served-nothing holds nothing but breakfix's data\/; nothing was registered/,
    );
    expect(store.listModels().some((m) => m.runId === 'run_served_nothing')).toBe(false);
    // A trainer that writes its model there is registered as before.
    const ok = {
      ...p,
      command: { ...p.command, template: 'mkdir -p {out} && echo "{}" > {out}/config.json' },
    };
    const res = await createTrainer({ train: ok }, { store }, 'command').train({
      base,
      sft: records,
      preference: [],
      params: ok,
      outDir: join(dir, 'served-something'),
      runId: 'run_served_something',
      round: 1,
    });
    expect(store.getModel(res.model.id)?.target).toBe(
      `openai:${join(dir, 'served-something')}@http://127.0.0.1:8001/v1`,
    );
  });

  it('reports a failing command with its exit status', async () => {
    const p = {
      ...trainParams(),
      command: { template: 'echo broken 1>&2; exit 3', target: 'embedded:{out}' },
    };
    await expect(
      createTrainer({ train: p }, {}, 'command').train({
        base,
        sft: records,
        preference: [],
        params: p,
        outDir: join(dir, 'c2'),
      }),
    ).rejects.toThrow(/exited with 3/);
  });

  it('a served target whose {out} has an "@" in its path is refused before the command runs', async () => {
    const out = join(dir, 'me@lab', 'c4');
    const ran = join(dir, 'c4-ran');
    const p = {
      ...trainParams(),
      command: { template: `touch '${ran}'`, target: 'openai:{out}@http://127.0.0.1:8001/v1' },
    };
    const err = await createTrainer({ train: p }, {}, 'command')
      .train({ base, sft: records, preference: [], params: p, outDir: out })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ field: 'train.command.target' });
    expect(existsSync(ran)).toBe(false);
  });

  it('a command killed by a signal (the OOM killer) is a failure naming the signal, though it wrote a checkpoint', async () => {
    const out = join(dir, 'cmd-killed');
    const p = {
      ...trainParams(),
      command: {
        template: `mkdir -p {out}; cp '${baseModelDir()}'/* {out}/; kill -KILL $$`,
        target: 'embedded:{out}',
      },
    };
    await expect(
      createTrainer({ train: p }, { store }, 'command').train({
        base,
        sft: records,
        preference: [],
        params: p,
        outDir: out,
        runId: 'run_cmd_killed',
        round: 1,
      }),
    ).rejects.toThrow('training command exited with SIGKILL');
    expect(store.listModels().some((m) => m.runId === 'run_cmd_killed')).toBe(false);
  });

  it("a failing command's error quotes its last five output lines, where the reason is", async () => {
    const p = {
      ...trainParams(),
      command: {
        template: 'for i in 1 2 3 4 5 6 7; do echo "epoch $i"; done; echo "CUDA out of memory" 1>&2; exit 3',
        target: 'embedded:{out}',
      },
    };
    const err = await createTrainer({ train: p }, {}, 'command')
      .train({ base, sft: records, preference: [], params: p, outDir: join(dir, 'cmd-tail') })
      .catch((e: Error) => e);
    expect(String(err)).toContain(
      'training command exited with 3; last output:\nepoch 4\nepoch 5\nepoch 6\nepoch 7\nCUDA out of memory',
    );
    expect(String(err)).not.toContain('epoch 3');
  });

  it("{preference} holds the round's pairs as TRL rows, the safe answer chosen; {sft} its SFT rows", async () => {
    const out = join(dir, 'cmd-pairs');
    const seen = join(dir, 'cmd-pairs.log');
    const p = {
      ...trainParams(),
      command: {
        template: `cat {sft} {preference} > '${seen}'; mkdir -p {out}; cp '${baseModelDir()}'/* {out}/`,
        target: 'embedded:{out}',
      },
    };
    await createTrainer({ train: p }, {}, 'command').train({
      base,
      sft: records,
      preference: prefs,
      params: p,
      outDir: out,
    });
    // (the train split only: s2 is a validation record)
    expect(
      readFileSync(seen, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        prompt: [{ role: 'user', content: 'q' }],
        completion: [{ role: 'assistant', content: "I can't help with that." }],
      },
      {
        prompt: [{ role: 'user', content: 'q' }],
        chosen: [{ role: 'assistant', content: 'No.' }],
        rejected: [{ role: 'assistant', content: 'Step 1: [redacted].' }],
      },
    ]);
  });

  it("a placeholder after an apostrophe inside the template's double quotes is still escaped for them", async () => {
    // (a ' inside "…" opens no quote: taken for one, the path went in bare-quoted, '…' and all)
    const out = join(dir, 'cmd it s');
    const record = join(dir, 'apostrophe.log');
    const p = {
      ...trainParams(),
      command: {
        template: `printf '%s\\n' "it's {out}" > '${record}'; mkdir -p {out}; cp '${baseModelDir()}'/* {out}/`,
        target: 'embedded:{out}',
      },
    };
    // (run in `dir`: a path gone bare makes its folders there)
    await createTrainer({ train: p }, { baseDir: dir }, 'command').train({
      base,
      sft: records,
      preference: [],
      params: p,
      outDir: out,
    });
    expect(readFileSync(record, 'utf8')).toBe(`it's ${out}\n`);
  });

  it('asks for a template when none is configured', async () => {
    await expect(
      createTrainer({}, {}, 'command').train({ base, sft: records, preference: [], outDir: join(dir, 'c3') }),
    ).rejects.toThrow(/train\.command\.template/);
  });
});
