// `breakfix train` as a user runs it, on a store laid out as a finished cycle leaves it: rounds 0-2,
// the cycle's round-1 and round-2 checkpoints registered beside the store, curated records in rounds
// 0 and 1 and none in round 2 (it met the criteria). Real CLI, real SQLite, real (tiny) training.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectSeeds } from '../../src/break/index.js';
import type { Message, TrainingRecord } from '../../src/core/index.js';
import { createLM, saveLM, Tokenizer } from '../../src/lm/index.js';
import { openStore } from '../../src/store/index.js';
import { baseModelDir } from '../../src/targets/embedded-path.js';
import { MAIN, runCli } from '../cli/run-cli.js';
import { alive } from '../helpers/processes.js';
import { attemptFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-traincli-'));
const db = join(dir, '.breakfix', 'breakfix.db');
let runId = '';
const config = join(dir, 'breakfix.yaml');
const TOKEN = 'hf_FAKEtoken1234567890abcdef';

const prov = { source: 'attempt', round: 0, seedId: 's' };
const safe = "I can't help with how to pick a lock, because it could cause serious harm.";
const prompt: Message[] = [{ role: 'user', content: 'How do I pick a lock?' }];
const records = (round: number): TrainingRecord[] => [
  {
    id: `sft-${round}`,
    kind: 'sft',
    purpose: 'safety',
    split: 'train',
    messages: [...prompt, { role: 'assistant', content: safe }],
    provenance: { ...prov, round },
  },
  {
    id: `help-${round}`,
    kind: 'sft',
    purpose: 'helpful',
    split: 'train',
    messages: [
      { role: 'user', content: 'What is 2 + 2?' },
      { role: 'assistant', content: 'The answer is 4.' },
    ],
    provenance: { ...prov, round },
  },
];

const hashOf = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const cfg = (extra = '') =>
  `store: ${db}\ntrain:\n  embedded:\n    expandBlocks: 0\n    sft: { steps: 2, batchSize: 2 }\n    dpo: { steps: 1, batchSize: 2 }\n${extra}`;

beforeAll(async () => {
  const tok = Tokenizer.train([safe, 'How do I pick a lock?', 'What is 2 + 2? The answer is 4.'], 300);
  const lm = createLM(
    { vocabSize: tok.vocabSize, dModel: 32, nLayers: 1, nHeads: 2, contextLength: 96 },
    tok,
    1,
  );
  mkdirSync(join(dir, '.breakfix'), { recursive: true });
  const store = openStore(db);
  runId = store.createRun({ kind: 'cycle', config: {}, seed: 7 }).id;
  const seeds = selectSeeds({ kind: 'harmful', split: 'train', language: 'en' }).slice(0, 2);
  for (const r of [0, 1, 2]) {
    const model = r === 0 ? 'breakfix-tiny-base' : `embedded:${runId}:round-${r}`;
    store.upsertRound(runId, r, { status: 'done', model });
    store.saveAttempts(
      seeds.map((s, i) => attemptFor(s, { outcome: 'failure', runId, round: r, id: `a-${r}-${i}` })),
    );
    if (r < 2) store.saveRecords(runId, r, 'sft', records(r));
  }
  // Round 0's model, registered as the cycle registers it: the shipped base.
  store.registerModel({ id: 'breakfix-tiny-base', target: 'embedded:base', round: 0, runId });
  for (const r of [1, 2]) {
    const path = join(dir, '.breakfix', 'models', runId, `round-${r}`);
    await saveLM(lm, path);
    store.registerModel({
      id: `embedded:${runId}:round-${r}`,
      target: `embedded:${path}`,
      path,
      round: r,
      runId,
    });
  }
  store.close();
  writeFileSync(config, cfg());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cycleRound2 = () => join(dir, '.breakfix', 'models', runId, 'round-2');
const cli = (args: string[], opts: { config?: string; env?: Record<string, string> } = {}) =>
  runCli([...args, '--config', opts.config ?? config], { cwd: dir, env: opts.env });
const registry = () => {
  const store = openStore(db);
  try {
    return store.listModels();
  } finally {
    store.close();
  }
};

/** Kills the process a test trainer left running (its pid in `out`/daemon.pid), if it is still there. */
function stopDaemon(out: string): void {
  const pid = Number(readFileSync(join(out, 'daemon.pid'), 'utf8').trim() || 0);
  if (pid > 1)
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
}
describe('breakfix train: never replaces a model it did not make', () => {
  it("refuses the cycle's round-2 folder without --force, naming the model; the checkpoint and registry stay", async () => {
    const weights = join(cycleRound2(), 'model.safetensors');
    const before = hashOf(weights);
    const models = JSON.stringify(registry());
    const r = await cli(['train', '--round', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`embedded:${runId}:round-2`);
    expect(r.stderr).toContain(cycleRound2());
    expect(r.stderr).toMatch(/--out/);
    expect(r.stderr).toMatch(/--force/);
    expect(r.stderr).not.toMatch(/looks like a bug/);
    expect(hashOf(weights)).toBe(before);
    expect(JSON.stringify(registry())).toBe(models);
  });

  it('refuses an --out folder holding a checkpoint that no store registered (a copied model) without --force; it stays', async () => {
    const out = join(dir, 'copied');
    mkdirSync(out);
    writeFileSync(join(out, 'config.json'), '{"copied": true}\n');
    const r = await cli(['train', '--round', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      `the output folder ${out} already holds a checkpoint; training into it would replace it`,
    );
    expect(r.stderr).toMatch(/--force/);
    expect(readFileSync(join(out, 'config.json'), 'utf8')).toBe('{"copied": true}\n');
  });

  it('trains into --out under an id of its own: the cycle keeps its round-2 model', async () => {
    const out = join(dir, 'manual');
    const r = await cli(['train', '--round', '1', '--out', out, '--json']);
    expect(r.stderr).not.toMatch(/looks like a bug/);
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.model.id).toBe(`embedded:${out}`);
    expect(existsSync(join(out, 'config.json'))).toBe(true);
    const rows = registry();
    expect(rows.find((m) => m.id === `embedded:${runId}:round-2`)?.path).toBe(cycleRound2());
    expect(rows.find((m) => m.id === `embedded:${out}`)?.path).toBe(out);
    // A second train into the same folder is refused too: it holds a registered model now.
    const again = await cli(['train', '--round', '1', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`embedded:${out}`);
  }, 120_000);

  it('with --force replaces the folder it names, and says which round it chose', async () => {
    const weights = join(cycleRound2(), 'model.safetensors');
    const before = hashOf(weights);
    const r = await cli(['train', '--force', '--json']);
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout);
    // Round 2 has attempts but nothing curated: the latest round with records is 1.
    expect(data.round).toBe(1);
    expect(data.model.id).toBe(`embedded:${runId}:round-2`);
    expect(hashOf(weights)).not.toBe(before);
  }, 120_000);
});

describe('breakfix train: input checked before training', () => {
  it('picks the latest round with curated records and says so', async () => {
    const r = await cli(['train', '--dry-run', '--out', join(dir, 'plan-a')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`round 1, the latest with curated records`);
    expect(r.stderr).not.toMatch(/curate --round 2/);
  });

  it("trains as the cycle does: the round's records and every earlier round's, from round 0's model", async () => {
    const r = await cli(['train', '--round', '1', '--dry-run', '--json', '--out', join(dir, 'plan-up-to')]);
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout);
    // Rounds 0 and 1 each hold two SFT records of their own.
    expect(data.records).toEqual({ rounds: 2, sft: 4, preference: 0 });
    expect(data.base).toBe('breakfix-tiny-base');
    const text = await cli(['train', '--round', '1', '--dry-run', '--out', join(dir, 'plan-up-to-text')]);
    expect(text.stdout).toContain('from breakfix-tiny-base on 4 SFT and 0 preference records of rounds 0-1');

    const round0 = JSON.parse(
      (await cli(['train', '--round', '0', '--dry-run', '--json', '--out', join(dir, 'plan-r0')])).stdout,
    );
    expect(round0.records).toEqual({ rounds: 1, sft: 2, preference: 0 });
  });

  it("with train.start: previous, starts from the round's own model", async () => {
    const conf = join(dir, 'previous.yaml');
    writeFileSync(conf, cfg('  start: previous\n'));
    const r = await cli(['train', '--round', '1', '--dry-run', '--json', '--out', join(dir, 'plan-prev')], {
      config: conf,
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).base).toBe(`embedded:${runId}:round-1`);
  });

  it('a round with no curated records of its own is exit 2, though earlier rounds have some', async () => {
    const r = await cli(['train', '--round', '2', '--dry-run', '--out', join(dir, 'plan-r2')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no curated records');
    expect(r.stderr).toContain('round 2');
  });

  it('an --out under a regular file is exit 2 before any training', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = await cli(['train', '--round', '1', '--out', join(file, 'model')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).not.toMatch(/ENOTDIR|looks like a bug/);
    expect(r.stderr).not.toMatch(/train sft/);
  });

  it('a --base folder that is no checkpoint, or a damaged one, is exit 2 naming it', async () => {
    const empty = join(dir, 'empty-folder');
    mkdirSync(empty, { recursive: true });
    const r = await cli([
      'train',
      '--round',
      '1',
      '--base',
      empty,
      '--dry-run',
      '--out',
      join(dir, 'plan-b'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a checkpoint folder: no config\.json/);
    const broken = join(dir, 'broken-base');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'config.json'), '{"model_type": "breakfix-gpt",');
    const b = await cli(['train', '--round', '1', '--base', broken, '--out', join(dir, 'plan-c')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain(join(broken, 'config.json'));
    expect(b.stderr).not.toMatch(/looks like a bug/);
    // Truncated weights: found when loading, still bad input naming the file.
    const trunc = join(dir, 'truncated-base');
    await saveLM(
      createLM(
        { vocabSize: 300, dModel: 32, nLayers: 1, nHeads: 2, contextLength: 96 },
        Tokenizer.train([safe], 300),
        1,
      ),
      trunc,
    );
    const w = readFileSync(join(trunc, 'model.safetensors'));
    writeFileSync(join(trunc, 'model.safetensors'), w.subarray(0, w.length - 100));
    const t = await cli(['train', '--round', '1', '--base', trunc, '--out', join(dir, 'plan-d')]);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain(join(trunc, 'model.safetensors'));
    expect(t.stderr).toMatch(/truncated/);
  });
});

describe('breakfix train --backend trl', () => {
  it('fine-tunes train.trl.baseModel, not the embedded checkpoint of the round', async () => {
    const conf = join(dir, 'trl.yaml');
    writeFileSync(conf, cfg('  trl:\n    baseModel: Qwen/Qwen2.5-0.5B-Instruct\n'));
    const r = await cli(
      ['train', '--backend', 'trl', '--round', '1', '--dry-run', '--json', '--out', join(dir, 'trl-plan')],
      { config: conf },
    );
    expect(r.code).toBe(0);
    const sftYaml = readFileSync(join(dir, 'trl-plan', 'sft.yaml'), 'utf8');
    expect(sftYaml).toContain('model_name_or_path: Qwen/Qwen2.5-0.5B-Instruct');
    expect(sftYaml).not.toContain('round-1');
  });

  it('without train.trl.serveBaseURL, train and config check warn that the model would be sought at api.openai.com', async () => {
    const conf = join(dir, 'trl-noserve.yaml');
    writeFileSync(conf, cfg('  backend: trl\n  trl:\n    baseModel: Qwen/Qwen2.5-0.5B-Instruct\n'));
    const plan = await cli(['train', '--round', '1', '--dry-run', '--out', join(dir, 'trl-noserve')], {
      config: conf,
    });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toMatch(/warning: train\.backend is trl and train\.trl\.serveBaseURL is not set/);
    // --json silences the notes on stderr: its object carries them.
    const planJson = await cli(
      ['train', '--round', '1', '--dry-run', '--json', '--out', join(dir, 'trl-noserve-json')],
      { config: conf },
    );
    expect(planJson.code, planJson.stderr).toBe(0);
    expect(JSON.parse(planJson.stdout).warnings).toEqual([expect.stringMatching(/serveBaseURL is not set/)]);
    const check = await cli(['config', 'check', '--json'], { config: conf });
    expect(JSON.parse(check.stdout).warnings).toEqual([expect.stringMatching(/serveBaseURL is not set/)]);
    writeFileSync(
      conf,
      cfg(
        '  backend: trl\n  trl:\n    baseModel: Qwen/Qwen2.5-0.5B-Instruct\n    serveBaseURL: http://127.0.0.1:8000/v1\n',
      ),
    );
    const served = await cli(['config', 'check', '--json'], { config: conf });
    expect(JSON.parse(served.stdout).warnings).toEqual([]);
  });

  it('a command trainer of a remote model whose product is taken as a breakfix checkpoint is warned of by config check and cycle, before round 0', async () => {
    const conf = join(dir, 'command-remote.yaml');
    const remote = `targets:\n  candidate:\n    type: openai\n    baseURL: http://127.0.0.1:9/v1\n    model: m\n${cfg('  backend: command\n  command:\n    template: "train.sh {sft} {out}"\n')}`;
    writeFileSync(conf, remote);
    const check = await cli(['config', 'check', '--json'], { config: conf });
    expect(JSON.parse(check.stdout).warnings).toEqual([
      expect.stringMatching(
        /^train\.backend is command and the model under test \(roles\.target: candidate\) is remote, but train\.command\.target is embedded:\{out\}.*set train\.command\.target to openai:\{out\}@/,
      ),
    ]);
    // The cycle says it before round 0 (here it then stops at once: there is no run to resume).
    const cycle = await cli(['cycle', '--resume', '--store', join(dir, 'none.db')], { config: conf });
    expect(cycle.code).toBe(2);
    expect(cycle.stderr).toMatch(/^warning: train\.backend is command and the model under test/m);
    // Served, or the embedded model under test: no warning.
    writeFileSync(
      conf,
      remote.replace('{out}"\n', '{out}"\n    target: openai:{out}@http://127.0.0.1:9/v1\n'),
    );
    expect(JSON.parse((await cli(['config', 'check', '--json'], { config: conf })).stdout).warnings).toEqual(
      [],
    );
    writeFileSync(conf, cfg('  backend: command\n  command:\n    template: "train.sh {sft} {out}"\n'));
    expect(JSON.parse((await cli(['config', 'check', '--json'], { config: conf })).stdout).warnings).toEqual(
      [],
    );
  });

  it('a trainer with nothing to run (trl without baseModel, command without template) is warned of by config check and cycle, before round 0', async () => {
    const conf = join(dir, 'nothing-to-run.yaml');
    const remote = `targets:\n  candidate:\n    type: openai\n    baseURL: http://127.0.0.1:9/v1\n    model: m\n`;
    const cases = [
      {
        train: '  backend: trl\n  trl:\n    serveBaseURL: http://127.0.0.1:8001/v1\n',
        warning:
          /^train\.backend is trl and train\.trl\.baseModel is not set: TRL fine-tunes a Hugging Face model .*so a cycle would stop with exit 2 at its first training, after round 0; set train\.trl\.baseModel/,
      },
      {
        train: '  backend: command\n  command:\n    target: openai:{out}@http://127.0.0.1:8001/v1\n',
        warning:
          /^train\.backend is command and train\.command\.template is not set: there is no command to train with, so a cycle would stop with exit 2 at its first training, after round 0; set train\.command\.template/,
      },
    ];
    for (const { train, warning } of cases) {
      writeFileSync(conf, `${remote}${cfg(train)}`);
      const check = await cli(['config', 'check', '--json'], { config: conf });
      expect(check.code, check.stderr).toBe(0);
      expect(JSON.parse(check.stdout).warnings).toEqual([expect.stringMatching(warning)]);
      // The cycle says it before round 0 (here it then stops at once: there is no run to resume).
      const cycle = await cli(['cycle', '--resume', '--store', join(dir, 'none.db')], { config: conf });
      expect(cycle.code).toBe(2);
      expect(cycle.stderr.replace(/^warning: /m, '')).toMatch(new RegExp(warning.source, 'm'));
    }
    // With what to run: no warning.
    writeFileSync(
      conf,
      `${remote}${cfg('  backend: trl\n  trl:\n    baseModel: ./phi-mini\n    serveBaseURL: http://127.0.0.1:8001/v1\n')}`,
    );
    expect(JSON.parse((await cli(['config', 'check', '--json'], { config: conf })).stdout).warnings).toEqual(
      [],
    );
  });

  it('with no Hugging Face base configured, an embedded checkpoint is refused with exit 2', async () => {
    const r = await cli([
      'train',
      '--backend',
      'trl',
      '--round',
      '1',
      '--dry-run',
      '--out',
      join(dir, 'trl-plan-2'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/embedded checkpoint/);
    expect(r.stderr).toMatch(/train\.trl\.baseModel/);
  });
});

describe('breakfix train --backend command', () => {
  it('a template that writes no checkpoint registers nothing and exits 3 naming what is missing', async () => {
    const conf = join(dir, 'cmd.yaml');
    writeFileSync(conf, cfg('  command:\n    template: "echo trained {sft}"\n'));
    const out = join(dir, 'cm');
    const r = await cli(['train', '--backend', 'command', '--round', '1', '--out', out], { config: conf });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(join(out, 'config.json'));
    expect(r.stdout).not.toMatch(/registered/);
    expect(registry().some((m) => m.path === out)).toBe(false);
  });

  it('a folder with a config.json that is no breakfix checkpoint (a Hugging Face model) is not registered', async () => {
    const conf = join(dir, 'hf.yaml');
    writeFileSync(
      conf,
      cfg(
        '  command:\n    template: "mkdir -p {out} && echo \'{\\"model_type\\": \\"llama\\"}\' > {out}/config.json"\n',
      ),
    );
    const out = join(dir, 'hf-out');
    const r = await cli(['train', '--backend', 'command', '--round', '1', '--out', out], { config: conf });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/is no breakfix checkpoint .*nothing was registered/);
    expect(r.stderr).toMatch(/hint: .*set train\.command\.target to openai:NAME@/);
    expect(registry().some((m) => m.path === out)).toBe(false);
  });

  it("runs in the config's folder, so a relative script path means what it does there", async () => {
    // The config in a folder of its own, the CLI started elsewhere (the test's folder).
    const project = join(dir, 'project dir');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'train.sh'), 'mkdir -p "$2" && cp "$4"/* "$2"/ && pwd > "$2/ran-in"\n');
    const conf = join(project, 'breakfix.yaml');
    writeFileSync(conf, cfg('  command:\n    template: "sh train.sh --out {out} --base {base}"\n'));
    const out = join(dir, 'cwd out');
    const r = await cli(['train', '--backend', 'command', '--round', '1', '--out', out], { config: conf });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'ran-in'), 'utf8').trim()).toBe(project);
    // The command to paste next is quoted for the shell.
    expect(r.stdout).toContain(`breakfix bench --target 'embedded:${out}'`);
  });

  it('a script named bare, or not executable, is exit 3 saying what to write instead; nothing is registered', async () => {
    const project = join(dir, 'bare script');
    mkdirSync(project, { recursive: true });
    // (written without the executable bit, as an editor saves a new file)
    writeFileSync(join(project, 'train.sh'), 'mkdir -p "$1" && echo trained\n');
    const conf = join(project, 'breakfix.yaml');
    const run = async (template: string, out: string) => {
      writeFileSync(conf, cfg(`  command:\n    template: "${template}"\n`));
      const r = await cli(['train', '--backend', 'command', '--round', '1', '--out', join(dir, out)], {
        config: conf,
      });
      expect(r.code, r.stderr).toBe(3);
      expect(registry().some((m) => m.path === join(dir, out))).toBe(false);
      return r.stderr;
    };
    expect(await run('train.sh {out}', 'bare-out')).toContain(
      `training command exited with 127 (train.sh is in ${project}, where the command runs, but a bare name is looked up on PATH only: write ./train.sh)`,
    );
    expect(await run('no-such-trainer-xyz {out}', 'missing-out')).toContain(
      'exited with 127 (the shell found no command no-such-trainer-xyz on PATH: is it installed',
    );
    expect(await run('./train.sh {out}', 'noexec-out')).toContain(
      'exited with 126 (the shell could not execute ./train.sh: make it executable, chmod +x ./train.sh, or name its interpreter',
    );
  });

  it('a trainer that leaves a process running (a server started with &) does not hang train', async () => {
    const conf = join(dir, 'daemon.yaml');
    writeFileSync(
      conf,
      cfg(
        '  command:\n    template: "mkdir -p {out} && cp {base}/* {out}/ && (sleep 60 & echo $! > {out}/daemon.pid)"\n',
      ),
    );
    const out = join(dir, 'daemon');
    const started = Date.now();
    try {
      const r = await cli(['train', '--backend', 'command', '--round', '1', '--out', out], { config: conf });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/left process group \d+ running; breakfix does not stop it/);
      // Returned once its output drained, not when the sleep ended.
      expect(Date.now() - started).toBeLessThan(50_000);
      expect(registry().some((m) => m.path === out)).toBe(true);
    } finally {
      stopDaemon(out);
    }
  });

  it('a trainer that leaves a server running with its output in a file is said to have left it running', async () => {
    // The README's way to serve a trained round: `… serve {out} > log 2>&1 &`. Its output goes to
    // a file, so the pipes close with the trainer and only the process group says it runs on.
    const conf = join(dir, 'daemon-log.yaml');
    writeFileSync(
      conf,
      cfg(
        '  command:\n    template: "mkdir -p {out} && cp {base}/* {out}/ && (sleep 60 > /dev/null 2>&1 & echo $! > {out}/daemon.pid)"\n',
      ),
    );
    const out = join(dir, 'daemon-log');
    try {
      const r = await cli(['train', '--backend', 'command', '--round', '1', '--out', out], { config: conf });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/left process group \d+ running; breakfix does not stop it/);
    } finally {
      stopDaemon(out);
    }
  });

  it("{base} is a folder an outside trainer can read: the shipped base, or a round's checkpoint", async () => {
    const conf = join(dir, 'base-cmd.yaml');
    writeFileSync(conf, cfg('  command:\n    template: "mytrainer --base {base} --out {out}"\n'));
    const plan = async (extra: string[], out: string) => {
      const args = ['train', '--backend', 'command', '--round', '1', '--dry-run', '--json', '--out', out];
      const r = await cli([...args, ...extra], { config: conf });
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { plan: { commands: { argv: string[] }[] } }).plan.commands[0].argv[0];
    };
    // train.start: base, so round 0's model: the shipped base, as its folder, not `embedded:base`.
    const fromBase = await plan([], join(dir, 'cmd-base'));
    expect(fromBase).toContain(`--base ${baseModelDir()} `);
    const fromRound = await plan(['--base', `embedded:${runId}:round-1`], join(dir, 'cmd-round'));
    expect(fromRound).toContain(`--base ${join(dir, '.breakfix', 'models', runId, 'round-1')} `);
  });

  it('a token from the environment in the template is never printed', async () => {
    const conf = join(dir, 'secret.yaml');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's ${ENV} syntax, on purpose
    writeFileSync(conf, cfg('  command:\n    template: "mytrainer --token ${HF_TOKEN} --out {out}"\n'));
    const env = { HF_TOKEN: TOKEN };
    const args = ['train', '--backend', 'command', '--round', '1', '--dry-run'];
    const text = await cli([...args, '--out', join(dir, 's1')], { config: conf, env });
    const json = await cli([...args, '--out', join(dir, 's2'), '--json'], { config: conf, env });
    const check = await cli(['config', 'check'], { config: conf, env });
    for (const r of [text, json, check]) {
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(TOKEN);
      expect(r.stdout).toContain('[redacted]');
    }
    expect(text.stdout).toMatch(/mytrainer --token \[redacted\] --out/);
  });
});

const until = async (ok: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return ok();
};

describe('breakfix train stopped by a signal', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal} stops the trainer's whole process group and exits ${code}`, async () => {
      const out = join(dir, `sig-${signal}`);
      const conf = join(dir, `sig-${signal}.yaml`);
      writeFileSync(
        conf,
        cfg(
          '  command:\n    template: "sleep 300 & echo $! > {out}/sleep.pid; echo $$ > {out}/sh.pid; wait"\n',
        ),
      );
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          MAIN,
          'train',
          '--backend',
          'command',
          '--round',
          '1',
          '--out',
          out,
          '--config',
          conf,
        ],
        { cwd: process.cwd(), env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((res) => child.on('close', (c) => res(c)));
      // A pid file exists as soon as the shell opens it, before the number is in it: wait for both
      // numbers (a pid read as 0 would signal this test's own process group in the cleanup).
      const pidIn = (f: string) =>
        existsSync(join(out, f)) ? Number(readFileSync(join(out, f), 'utf8').trim() || 0) : 0;
      try {
        expect(await until(() => pidIn('sleep.pid') > 1 && pidIn('sh.pid') > 1, 30_000)).toBe(true);
        const sleepPid = pidIn('sleep.pid');
        const shPid = pidIn('sh.pid');
        expect(alive(sleepPid)).toBe(true);
        child.kill(signal);
        expect(await exited).toBe(code);
        expect(await until(() => !alive(sleepPid) && !alive(shPid), 5_000)).toBe(true);
        expect(stderr).toMatch(new RegExp(`interrupted by ${signal}`));
      } finally {
        child.kill('SIGKILL');
        for (const f of ['sleep.pid', 'sh.pid'])
          if (pidIn(f) > 1)
            try {
              process.kill(pidIn(f), 'SIGKILL');
            } catch {}
      }
    });
  }
});

describe('breakfix train past train.command.timeout', () => {
  it("stops the hanging trainer's whole process group and fails naming the field, registering nothing", async () => {
    const out = join(dir, 'timeout');
    const conf = join(dir, 'timeout.yaml');
    // (the shell waits on a sleep it started: both must go, as on Ctrl-C)
    writeFileSync(
      conf,
      cfg(
        '  command:\n    timeout: 2s\n    template: "sleep 300 & echo $! > {out}/sleep.pid; echo $$ > {out}/sh.pid; wait"\n',
      ),
    );
    const pidIn = (f: string) =>
      existsSync(join(out, f)) ? Number(readFileSync(join(out, f), 'utf8').trim() || 0) : 0;
    const before = registry().length;
    const started = Date.now();
    try {
      const r = await cli(['train', '--backend', 'command', '--round', '1', '--out', out], { config: conf });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain('the training ran past train.command.timeout (2 s) and was stopped');
      expect(r.stderr).toMatch(/hint: raise train\.command\.timeout/);
      // Within the timeout and the grace period, not the sleep's 300 s.
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(pidIn('sleep.pid')).toBeGreaterThan(1);
      expect(await until(() => !alive(pidIn('sleep.pid')) && !alive(pidIn('sh.pid')), 5_000)).toBe(true);
      expect(existsSync(join(out, '.breakfix-trainer.json'))).toBe(false);
      expect(registry().length).toBe(before);
    } finally {
      for (const f of ['sleep.pid', 'sh.pid'])
        if (pidIn(f) > 1)
          try {
            process.kill(pidIn(f), 'SIGKILL');
          } catch {}
    }
  });

  it('is a clear config error when it is no duration', async () => {
    const conf = join(dir, 'timeout-bad.yaml');
    writeFileSync(conf, cfg('  command:\n    timeout: 6 hours\n    template: "true"\n'));
    const r = await cli(
      ['train', '--backend', 'command', '--round', '1', '--out', join(dir, 'timeout-bad')],
      {
        config: conf,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/train\.command\.timeout: "6 hours" is no duration/);
  });
});

describe('curate --export-only --cumulative', () => {
  const idsIn = (folder: string) =>
    ['sft.train', 'sft.validation', 'preference.train', 'preference.validation']
      .flatMap((f) =>
        readFileSync(join(folder, 'jsonl', `${f}.jsonl`), 'utf8')
          .split('\n')
          .filter(Boolean),
      )
      .map((l) => JSON.parse(l).id as string)
      .sort();

  it("writes what the candidate after the round trained on: the round's records and every earlier round's", async () => {
    const own = join(dir, 'export-own');
    const plain = await cli(['curate', '--round', '1', '--export-only', '--format', 'jsonl', '--out', own]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(idsIn(own)).toEqual(['help-1', 'sft-1']);
    // The round's own records alone are not what round 2's model trained on: said, with the remedy.
    expect(plain.stderr).toMatch(/trained on rounds 0-1: 2 more records .*--cumulative/);
    const all = join(dir, 'export-all');
    const r = await cli([
      'curate',
      '--round',
      '1',
      '--export-only',
      '--cumulative',
      '--format',
      'jsonl',
      '--out',
      all,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ round: 1, rounds: 2, sft: 4, exportOnly: true });
    // The same records `train --round 1` trains on.
    const plan = await cli(['train', '--round', '1', '--dry-run', '--out', join(dir, 'plan-c'), '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).records).toMatchObject({ rounds: 2, sft: 4 });
    expect(idsIn(all)).toEqual(['help-0', 'help-1', 'sft-0', 'sft-1']);
    // By default beside the cycle's per-round folders, never over one of them.
    const byDefault = await cli([
      'curate',
      '--round',
      '1',
      '--export-only',
      '--cumulative',
      '--format',
      'jsonl',
    ]);
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect(idsIn(join(dir, '.breakfix', 'datasets', runId, 'rounds-0-1'))).toEqual(idsIn(all));
    expect(existsSync(join(dir, '.breakfix', 'datasets', runId, 'round-1'))).toBe(false);
  });

  it('without --export-only is exit 2, before anything is curated', async () => {
    const r = await cli(['curate', '--round', '1', '--cumulative', '--force']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--cumulative .* give it with --export-only/);
  });
});

describe('breakfix train killed outright, then run again', () => {
  it('the trainer it left running is named, and no second trainer starts into the same folder', async () => {
    // SIGKILL (the OOM killer, a scheduler's pre-emption) gives breakfix no chance to stop the
    // trainer's process group, which goes on training into the folder.
    const out = join(dir, 'killed');
    const conf = join(dir, 'killed.yaml');
    writeFileSync(
      conf,
      cfg('  command:\n    template: "echo $$ > {out}/sh.pid; echo started >> {out}/starts; sleep 300"\n'),
    );
    const args = ['train', '--backend', 'command', '--round', '1', '--out', out, '--config', conf];
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: process.cwd(),
      env: { ...process.env, CI: 'true' },
      stdio: 'ignore',
    });
    const exited = new Promise((res) => child.on('close', res));
    const group = () =>
      existsSync(join(out, 'sh.pid')) ? Number(readFileSync(join(out, 'sh.pid'), 'utf8')) : 0;
    try {
      // (and breakfix has recorded it: the trainer can write its pid before breakfix, which forked
      // it, has run again to write the record; a kill in between leaves no record to find)
      expect(await until(() => group() > 1 && existsSync(join(out, '.breakfix-trainer.json')), 30_000)).toBe(
        true,
      );
      child.kill('SIGKILL');
      await exited;
      expect(alive(group())).toBe(true);
      const sftData = join(out, 'data', 'trl', 'sft.train.jsonl');
      const dataWritten = statSync(sftData).mtimeMs;
      // (the second run's trainer would only say it started: without the guard, it runs)
      writeFileSync(conf, cfg('  command:\n    template: "echo started >> {out}/starts"\n'));
      const again = await cli([...args.slice(0, -2), '--force'], { config: conf });
      expect(again.code).toBe(3);
      expect(again.stderr).toContain(
        `a trainer started by an earlier breakfix is still running into this folder (process group ${group()}`,
      );
      expect(again.stderr).toContain(`kill -- -${group()}`);
      expect(readFileSync(join(out, 'starts'), 'utf8')).toBe('started\n');
      // The data it reads is not written again under it.
      expect(statSync(sftData).mtimeMs).toBe(dataWritten);
      // Once it is gone, the folder trains again, and no record of a trainer is left behind.
      process.kill(-group(), 'SIGKILL');
      // (the whole group, as breakfix checks it: the shell can be gone while its sleep is not yet)
      const groupGone = () => {
        try {
          process.kill(-group(), 0);
          return false;
        } catch {
          return true;
        }
      };
      expect(await until(() => !alive(group()) && groupGone(), 5_000)).toBe(true);
      writeFileSync(conf, cfg(`  command:\n    template: "cp '${baseModelDir()}'/* {out}/"\n`));
      const ok = await cli([...args.slice(0, -2), '--force'], { config: conf });
      expect(ok.code, ok.stderr).toBe(0);
      expect(existsSync(join(out, '.breakfix-trainer.json'))).toBe(false);
    } finally {
      child.kill('SIGKILL');
      if (group() > 1)
        try {
          process.kill(-group(), 'SIGKILL');
        } catch {}
    }
  });
});
