// A config that points the model under test at a server but keeps the default embedded trainer:
// the cycle would bench, red-team and curate round 0 against it, then stop at its first training
// (the embedded trainer fine-tunes breakfix checkpoints only). `config check` says so first.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainerWarnings } from '../../src/cli/config.js';
import { loadConfig } from '../../src/config/index.js';
import { runCli } from './run-cli.js';

const REMOTE = `targets:
  candidate:
    type: openai
    baseURL: http://127.0.0.1:8000/v1
    model: my-model
`;

describe('the embedded trainer with a remote model under test', () => {
  it('config check warns, naming train.backend and the remote role', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-trainer-warn-'));
    writeFileSync(join(dir, 'breakfix.yaml'), REMOTE);
    const r = await runCli(['config', 'check', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).warnings).toEqual([
      expect.stringMatching(
        /^train\.backend is embedded \(the default\) and the model under test \(roles\.target: candidate\) is remote: .*set train\.backend to trl or command/,
      ),
    ]);
  });

  // A script that captures the shown config (or sends it to /dev/null) must neither get the warnings
  // mixed into it nor lose them: they are diagnostics, on stderr, as cycle and train print theirs.
  it('config check prints the warning on stderr, the config alone on stdout; --json keeps it in warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-trainer-warn-'));
    writeFileSync(join(dir, 'breakfix.yaml'), REMOTE);
    const warning = /^warning: train\.backend is embedded \(the default\) and the model under test/m;
    for (const quiet of [[], ['-q']]) {
      const r = await runCli(['config', 'check', ...quiet], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr, quiet.join()).toMatch(warning);
      expect(r.stdout).not.toMatch(/warning/);
      expect(r.stdout).toMatch(/^breakfix\.yaml: ok|\/breakfix\.yaml: ok/m);
      expect(r.stdout).toMatch(/^ {4}baseURL: http:\/\/127\.0\.0\.1:8000\/v1$/m);
    }
    const json = await runCli(['config', 'check', '--json'], { cwd: dir });
    expect(json.code, json.stderr).toBe(0);
    expect(json.stderr).not.toMatch(/warning/);
    expect(JSON.parse(json.stdout).warnings).toEqual([expect.stringMatching(/^train\.backend is embedded/)]);
  });

  it('not for the embedded model, another backend, or train --base', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-trainer-warn-'));
    const file = join(dir, 'breakfix.yaml');
    writeFileSync(file, REMOTE);
    const remote = loadConfig(file);
    expect(trainerWarnings(remote)).toHaveLength(1);
    expect(trainerWarnings(remote, 'embedded', './my-checkpoint')).toEqual([]);
    writeFileSync(
      file,
      `${REMOTE}train:\n  backend: trl\n  trl:\n    baseModel: ./phi-mini\n    serveBaseURL: http://127.0.0.1:8001/v1\n`,
    );
    expect(trainerWarnings(loadConfig(file))).toEqual([]);
    writeFileSync(file, 'seed: 7\n');
    expect(trainerWarnings(loadConfig(file))).toEqual([]);
  });
});
