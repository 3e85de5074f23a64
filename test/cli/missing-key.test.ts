// The README's real-model config run without the API key its judge reads: the real CLI in child
// processes. The error names the field, file and line, and the hint never suggests writing the key
// into the config as a `${VAR:-default}`.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const CONFIG = `targets:
  candidate:
    type: embedded
  judge:
    type: openai
    model: gpt-4o-mini
    apiKey: \${BF_TEST_JUDGE_KEY}
    concurrency: \${BF_TEST_CONC}
roles:
  target: candidate
  judge: judge
`;

describe('a variable the config names is not set', () => {
  it('a key: exit 2 naming field and line, and the hint says to export it, not to default it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bf-missing-key-'));
    writeFileSync(join(cwd, 'breakfix.yaml'), CONFIG);
    const env = { BF_TEST_JUDGE_KEY: undefined, BF_TEST_CONC: '4' };
    for (const args of [
      ['config', 'check'],
      ['bench', '--suite', 'harmful', '--limit', '2', '-q'],
    ]) {
      const r = await runCli(args, { cwd, env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(
        'targets.judge.apiKey: environment variable BF_TEST_JUDGE_KEY is not set (breakfix.yaml:7)',
      );
      expect(r.stderr).toContain('hint: export BF_TEST_JUDGE_KEY=… before running');
      expect(r.stderr).not.toContain(':-default');
    }
    expect(existsSync(join(cwd, '.breakfix')), 'nothing stored').toBe(false);
  });

  it('a setting that is no secret may still take a default', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bf-missing-key-'));
    writeFileSync(join(cwd, 'breakfix.yaml'), CONFIG);
    const r = await runCli(['config', 'check'], {
      cwd,
      env: { BF_TEST_JUDGE_KEY: 'k', BF_TEST_CONC: undefined },
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('targets.judge.concurrency: environment variable BF_TEST_CONC is not set');
    expect(r.stderr).toContain(`or write \${BF_TEST_CONC:-default}`);
  });
});
