// A target spec of a kind breakfix does not make (`embeded:base`) is refused by `config check`, with
// the file, line, field and the spec it likely meant, wherever the config names a model: roles,
// judges (llamaguard too) and train.command.target; before, any text with a colon passed, and the
// typo was found only when the target was made (train.command.target's: after the training).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSpec, meantTarget, parseConfig } from '../../src/config/index.js';
import { runCli } from '../cli/run-cli.js';

describe('config check: target specs', () => {
  it('names every misspelt spec kind with its line and the spec meant; exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spec-kinds-'));
    const file = join(dir, 'breakfix.yaml');
    writeFileSync(
      file,
      [
        'roles:',
        '  target: "embeded:base"',
        '  attacker: opnai:gpt-4o-mini',
        'judges:',
        '  refusal: anthropc:claude-haiku',
        '  llamaguard: "embeded:guard"',
        'train:',
        '  command:',
        '    target: "embeded:{out}"',
        '',
      ].join('\n'),
    );
    const r = await runCli(['config', 'check', '-c', file, '--json']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      `roles.target: unknown target "embeded:base"; did you mean "embedded:base"? (${file}:2)`,
    );
    expect(r.stderr).toContain(
      `roles.attacker: unknown target "opnai:gpt-4o-mini"; did you mean "openai:gpt-4o-mini"? (${file}:3)`,
    );
    expect(r.stderr).toContain(
      `judges.refusal: unknown target "anthropc:claude-haiku"; did you mean "anthropic:claude-haiku"? (${file}:5)`,
    );
    expect(r.stderr).toContain(
      `judges.llamaguard: unknown target "embeded:guard"; did you mean "embedded:guard"? (${file}:6)`,
    );
    expect(r.stderr).toContain(
      `train.command.target: unknown target "embeded:{out}"; did you mean "embedded:{out}"? (${file}:9)`,
    );
    expect(
      JSON.parse(r.stdout).error.issues.map((i: { field: string; line: number }) => [i.field, i.line]),
    ).toEqual([
      ['roles.target', 2],
      ['roles.attacker', 3],
      ['judges.refusal', 5],
      ['judges.llamaguard', 6],
      ['train.command.target', 9],
    ]);
  });

  it('every spec kind breakfix makes, and a name under targets, still passes', () => {
    const cfg = parseConfig(
      [
        'targets:',
        '  mine: {type: embedded, model: base}',
        'roles:',
        '  target: mine',
        '  attacker: openai:gpt-4o-mini@http://127.0.0.1:9/v1',
        '  teacher: "embedded:"',
        'judges:',
        '  refusal: anthropic:claude-haiku',
        'train:',
        '  command:',
        '    target: openai:{out}@http://127.0.0.1:9/v1',
        '',
      ].join('\n'),
      'ok.yaml',
    );
    expect(cfg.roles.target).toBe('mine');
    // (a remote kind with no model is no spec: config check refuses it as the CLI does)
    expect(['embedded:base', 'embedded:', 'openai:m', 'anthropic:m'].every(isSpec)).toBe(true);
    expect(['openai:', 'anthropic:', 'embeded:base', ':base', 'base'].some(isSpec)).toBe(false);
    expect(meantTarget('embeded:base', ['candidate'])).toBe('embedded:base');
    expect(meantTarget('candidat', ['candidate'])).toBe('candidate');
  });

  it('--target embeded:base on the command line says the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spec-kinds-'));
    const r = await runCli(
      ['bench', '--target', 'embeded:base', '--limit', '1', '--store', join(dir, 's.db')],
      {
        cwd: dir,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown target "embeded:base"; did you mean "embedded:base"?');
  });
});
