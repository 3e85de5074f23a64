// Secrets on the paths the planted-key test (test/reliability/security-secrets) does not drive: a
// key the config never names but a trainer reads from its environment, and credentials in the URL of
// a target spec (roles, judges, train.command.target) rather than a target's baseURL. Real CLI, real
// SQLite, a real shell as the trainer.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainingRecord } from '../../src/core/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-secrets-leak-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A store with one curated round (round 1) for `train` to take. */
function storeWithRecords(): void {
  mkdirSync(join(dir, '.breakfix'), { recursive: true });
  const store = openStore(join(dir, '.breakfix', 'breakfix.db'));
  try {
    const runId = store.createRun({ kind: 'cycle', config: {}, seed: 7 }).id;
    for (const r of [0, 1]) store.upsertRound(runId, r, { status: 'done', model: 'breakfix-tiny-base' });
    const record: TrainingRecord = {
      id: 'sft-1',
      kind: 'sft',
      purpose: 'safety',
      split: 'train',
      messages: [
        { role: 'user', content: 'How do I pick a lock?' },
        { role: 'assistant', content: "I can't help with that." },
      ],
      provenance: { source: 'attempt', round: 1, seedId: 's' },
    };
    store.saveRecords(runId, 1, 'sft', [record]);
    store.registerModel({ id: 'breakfix-tiny-base', target: 'embedded:base', round: 0, runId });
  } finally {
    store.close();
  }
}

describe('a secret the config never names', () => {
  it("a trainer that prints its environment's token shows and stores it redacted", async () => {
    storeWithRecords();
    // The trainer (huggingface_hub, wandb) reads these itself; the config names neither.
    const token = 'hf_PLANTEDtrainerToken0123456789';
    const wandb = 'PLANTEDwandb0123456789';
    writeFileSync(
      join(dir, 'breakfix.yaml'),
      'store: .breakfix/breakfix.db\ntrain:\n  backend: command\n  command:\n    template: "printenv HF_TOKEN; echo wandb key $WANDB_API_KEY; echo trained {sft}"\n',
    );
    const r = await runCli(['train', '--round', '1', '--out', join(dir, 'out')], {
      cwd: dir,
      env: { HF_TOKEN: token, WANDB_API_KEY: wandb },
    });
    // (the shell printed them: they were in play; no checkpoint was written, so exit 3)
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout + r.stderr).toContain('wandb key [redacted]');
    const written = readdirSync(join(dir, '.breakfix')).map((f) => readFileSync(join(dir, '.breakfix', f)));
    for (const text of [r.stdout, r.stderr, ...written.map((b) => b.toString('latin1'))]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(wandb);
    }
  });
});

describe('credentials in the URL of a target spec', () => {
  it('config check prints them redacted, as it does a target baseURL', async () => {
    const conf = join(dir, 'specs.yaml');
    const secrets = ['PLANTEDrolePassword1', 'PLANTEDjudgeQuery2', 'PLANTEDtrainPassword3'];
    writeFileSync(
      conf,
      [
        'roles:',
        `  target: "openai:m@http://alice:${secrets[0]}@127.0.0.1:9/v1"`,
        `  judge: "openai:j@http://127.0.0.1:9/v1?key=${secrets[1]}"`,
        'train:',
        '  backend: command',
        '  command:',
        '    template: "echo {out}"',
        `    target: "openai:{out}@http://bob:${secrets[2]}@127.0.0.1:9/v1"`,
      ].join('\n'),
    );
    const text = await runCli(['config', 'check', '--config', conf], { cwd: dir });
    const json = await runCli(['config', 'check', '--json', '--config', conf], { cwd: dir });
    for (const r of [text, json]) {
      expect(r.code, r.stderr).toBe(0);
      for (const secret of secrets) expect(r.stdout + r.stderr).not.toContain(secret);
    }
    expect(text.stdout).toContain('openai:m@http://[redacted]:[redacted]@127.0.0.1:9/v1');
    expect(text.stdout).toContain('openai:j@http://127.0.0.1:9/v1?key=[redacted]');
    expect(text.stdout).toContain('openai:{out}@http://[redacted]:[redacted]@127.0.0.1:9/v1');
  });

  it("a warning that quotes roles.target shows its URL's password redacted (config check, cycle)", async () => {
    const conf = join(dir, 'warned.yaml');
    const secret = 'PLANTEDwarnPassword4';
    // A remote model under test with the embedded trainer (the default): config check and cycle warn,
    // naming roles.target; the cycle then stops at its first request (nothing listens on port 9).
    writeFileSync(conf, `roles:\n  target: "openai:m@http://carol:${secret}@127.0.0.1:9/v1"\n`);
    const check = await runCli(['config', 'check', '--config', conf], { cwd: dir });
    const json = await runCli(['config', 'check', '--json', '--config', conf], { cwd: dir });
    for (const r of [check, json]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
    expect(check.stderr).toMatch(
      /warning: .*roles\.target: openai:m@http:\/\/\[redacted\]:\[redacted\]@127\.0\.0\.1:9\/v1/,
    );
    expect(JSON.parse(json.stdout).warnings.join('\n')).toContain(
      'http://[redacted]:[redacted]@127.0.0.1:9/v1',
    );
    const cycle = await runCli(['cycle', '--config', conf, '--store', join(dir, 'warned.db')], { cwd: dir });
    expect(cycle.stderr).toMatch(/warning: .*roles\.target: openai:m@http:\/\/\[redacted\]/);
    expect(cycle.stdout + cycle.stderr).not.toContain(secret);
  });

  it('config check prints a spec whose URL lacks http:// with its password and ?key= redacted', async () => {
    // (such a spec is refused only when a target is made from it; config check quotes it before that)
    const conf = join(dir, 'bare-specs.yaml');
    const secrets = ['PLANTEDbareRole7', 'PLANTEDbareJudge8'];
    writeFileSync(
      conf,
      [
        'roles:',
        `  target: "openai:m@127.0.0.1:9/v1?key=${secrets[0]}"`,
        `  judge: "openai:j@tok:${secrets[1]}@127.0.0.1:9/v1"`,
      ].join('\n'),
    );
    for (const json of [[], ['--json']]) {
      const r = await runCli(['config', 'check', ...json, '--config', conf], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      for (const secret of secrets) expect(r.stdout + r.stderr).not.toContain(secret);
      expect(r.stdout).toContain('openai:m@127.0.0.1:9/v1?key=[redacted]');
      expect(r.stdout).toContain('openai:j@[redacted]:[redacted]@127.0.0.1:9/v1');
    }
  });

  it('a spec whose URL lacks http:// is refused without quoting its password or ?key= (chat, --json too)', async () => {
    const secrets = ['PLANTEDbarePassword5', 'PLANTEDbareQuery6'];
    for (const spec of [
      `openai:m@tok:${secrets[0]}@127.0.0.1:9/v1`,
      `openai:m@127.0.0.1:9/v1?key=${secrets[1]}`,
    ])
      for (const json of [[], ['--json']]) {
        const r = await runCli(['chat', '--target', spec, ...json, 'hi'], { cwd: dir });
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toMatch(/invalid target spec "openai:m@.*\[redacted\].*must be the server's URL/);
        for (const secret of secrets) expect(r.stdout + r.stderr).not.toContain(secret);
      }
  });
});
