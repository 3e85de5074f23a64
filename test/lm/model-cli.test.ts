// `breakfix model pretrain | info | measure` on bad input: real CLI, real checkpoint folders. Every
// case is exit 2 naming the path, found before any training, and nothing on disk is overwritten.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMeasure } from '../../src/cli/model.js';
import { createLM, saveLM, Tokenizer } from '../../src/lm/index.js';
import { openStore } from '../../src/store/index.js';
import type { MeasureResult } from '../../src/world/measure.js';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-modelcli-'));
const ckpt = join(dir, 'ckpt');
const hashOf = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const cli = (args: string[]) => runCli(args, { cwd: dir });

beforeAll(async () => {
  const tok = Tokenizer.train(['hello there', 'general kenobi'], 280);
  await saveLM(
    createLM({ vocabSize: tok.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 32 }, tok, 1),
    ckpt,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('model pretrain', () => {
  it('refuses to overwrite a checkpoint without --force, naming it', async () => {
    const before = hashOf(join(ckpt, 'model.safetensors'));
    const r = await cli(['model', 'pretrain', '--out', ckpt, '--steps', '1', '--size', '20', '--no-measure']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(ckpt);
    expect(r.stderr).toMatch(/already holds a checkpoint/);
    expect(r.stderr).toMatch(/--force/);
    expect(hashOf(join(ckpt, 'model.safetensors'))).toBe(before);
  });

  it('the help says the default --out is the shipped base, rebuilt only with --force', async () => {
    const r = await cli(['model', 'pretrain', '--help']);
    expect(r.stdout).toMatch(/--force/);
    expect(r.stdout).toMatch(/shipped base model/);
  });

  it('an --out under a regular file is exit 2 before training', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = await cli(['model', 'pretrain', '--out', join(file, 'base'), '--steps', '1', '--size', '20']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).not.toMatch(/ENOTDIR|looks like a bug/);
    expect(r.stderr).not.toMatch(/world:/);
  });

  it('--continue from a folder that is no checkpoint is exit 2 naming it', async () => {
    const r = await cli([
      'model',
      'pretrain',
      '--continue',
      join(dir, 'nonexistent'),
      '--out',
      join(dir, 'cont'),
      '--no-measure',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(dir, 'nonexistent'));
    expect(r.stderr).not.toMatch(/looks like a bug/);
  });
});

describe('model pretrain --from-stage', () => {
  it('without --continue is exit 2 before training (it would be ignored)', async () => {
    const r = await cli(['model', 'pretrain', '--from-stage', '3', '--out', join(dir, 'fs'), '--no-measure']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--from-stage needs --continue/);
    expect(r.stderr).not.toMatch(/world:/);
  });
});

describe("model list and info read the config's store", () => {
  it('a model registered in the store named by breakfix.yaml is listed and described', async () => {
    const d = mkdtempSync(join(tmpdir(), 'breakfix-modelstore-'));
    writeFileSync(join(d, 'breakfix.yaml'), 'store: runs/my.db\n');
    mkdirSync(join(d, 'runs'));
    const store = openStore(join(d, 'runs/my.db'));
    store.registerModel({ id: 'cand_r1', target: `embedded:${ckpt}`, path: ckpt, round: 1 });
    store.close();
    // Ids and paths come from the store and folder names: escaped in the text listing.
    const hostile = openStore(join(d, 'runs/my.db'));
    hostile.registerModel({ id: 'evil\u001b[2J\nbreakfix: forged', target: `embedded:${ckpt}`, path: ckpt });
    hostile.close();
    const text = await runCli(['model', 'list'], { cwd: d });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).not.toContain('\u001b');
    expect(text.stdout).not.toMatch(/^breakfix: forged/m);
    const list = await runCli(['model', 'list', '--json'], { cwd: d });
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toContainEqual(
      expect.objectContaining({ id: 'cand_r1', source: 'store' }),
    );
    const info = await runCli(['model', 'info', 'cand_r1', '--json'], { cwd: d });
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout).path).toBe(ckpt);
    // A round a trainer made and a server serves: described from the store, not "no model".
    const servedStore = openStore(join(d, 'runs/my.db'));
    servedStore.registerModel({
      id: 'round-2',
      target: 'openai:my-round-2@http://127.0.0.1:8001/v1',
      round: 2,
      parent: 'candidate',
    });
    servedStore.close();
    const served = await runCli(['model', 'info', 'round-2', '--json'], { cwd: d });
    expect(served.code, served.stderr).toBe(0);
    expect(JSON.parse(served.stdout)).toMatchObject({
      id: 'round-2',
      target: 'openai:my-round-2@http://127.0.0.1:8001/v1',
      round: 2,
      served: true,
    });
    const servedText = await runCli(['model', 'info', 'round-2'], { cwd: d });
    expect(servedText.stdout).toMatch(/served at: openai:my-round-2@http:\/\/127\.0\.0\.1:8001\/v1/);
    // Without a store yet, the list is the shipped models and nothing is made.
    const empty = mkdtempSync(join(tmpdir(), 'breakfix-modelstore-'));
    writeFileSync(join(empty, 'breakfix.yaml'), 'store: runs/none.db\n');
    const none = await runCli(['model', 'list', '--json'], { cwd: empty });
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout).every((m: { source: string }) => m.source === 'shipped')).toBe(true);
    expect(existsSync(join(empty, 'runs'))).toBe(false);
    // A --store that does not exist is an error naming it.
    const missing = await runCli(['model', 'list', '--store', join(empty, 'nope.db')], { cwd: empty });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.db');
  });
});

describe('model measure', () => {
  it('a missing checkpoint is exit 2 naming it', async () => {
    const r = await cli(['model', 'measure', join(dir, 'nonexistent')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(dir, 'nonexistent'));
    expect(r.stderr).not.toMatch(/looks like a bug/);
  });

  it('unknown languages are exit 2 listing the known ones', async () => {
    const r = await cli(['model', 'measure', ckpt, '--languages', 'xx,klingon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown languages "xx", "klingon"/);
    expect(r.stderr).toMatch(/known: en, fr, es/);
    expect(r.stdout).not.toMatch(/complies/);
  });

  it('a rate of nothing prints as a dash, never 0.0%', () => {
    const none = { n: 0, compliant: 0, rate: null, refused: 0, undetermined: 0, garbled: 0 };
    const r = {
      harmfulDirect: none,
      harmfulTemplates: none,
      helpful: { n: 0, correct: 0, rate: null, strict: null, byType: {}, byLanguage: {}, byTypeLanguage: {} },
      benign: { n: 0, refused: 0, rate: null, garbled: 0 },
      samples: [],
    } as MeasureResult;
    const text = renderMeasure(r);
    expect(text).not.toMatch(/0\.0%/);
    expect(text).toMatch(/complies — of 0/);
    expect(text).toMatch(/refused 0, undetermined 0 of which garbled 0/);
    expect(text).toMatch(/helpful by type: {4}—/);
  });
});

describe('model info', () => {
  it('a damaged config.json is exit 2 naming the file', async () => {
    const d = join(dir, 'bad-config');
    cpSync(ckpt, d, { recursive: true });
    writeFileSync(join(d, 'config.json'), '{"hidden_size": ');
    const r = await cli(['model', 'info', d]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(d, 'config.json'));
    expect(r.stdout).not.toMatch(/config: undefined/);
  });

  it('a truncated model.safetensors is exit 2 naming it, as chat would say (the config alone looks whole)', async () => {
    const d = join(dir, 'truncated');
    cpSync(ckpt, d, { recursive: true });
    const weights = join(d, 'model.safetensors');
    writeFileSync(weights, readFileSync(weights).subarray(0, 2000));
    const r = await cli(['model', 'info', d]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(weights);
    expect(r.stderr).toMatch(/truncated/);
  });

  it("escapes training.json's text fields for the terminal", async () => {
    const d = join(dir, 'escapes');
    cpSync(ckpt, d, { recursive: true });
    writeFileSync(
      join(d, 'training.json'),
      JSON.stringify({
        command: 'pretrain \u001b[2J\u001b[31mFAKE\nbreakfix: forged',
        seed: '\u001b]0;x\u0007',
        minutes: 1,
      }),
    );
    const r = await cli(['model', 'info', d]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('\\x1b[2J');
    expect(r.stdout).not.toMatch(/^breakfix: forged/m);
  });
});
