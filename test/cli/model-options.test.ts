// `breakfix model`'s options do what their help says: pretrain and measure read no config or store
// and take no --config, --store or --no-cache (they took them and ignored them: `--config
// missing.yaml` measured and exited 0); info reads its --config whichever model it shows.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'model-options-'));
const missing = join(dir, 'missing.yaml');

describe('breakfix model options', () => {
  it('measure refuses --config, --store and --no-cache (exit 2, as an unknown option, with --json)', async () => {
    for (const extra of [['--config', missing], ['--store', join(dir, 's.db')], ['--no-cache']]) {
      const r = await runCli(['model', 'measure', '--limit', '1', '--json', ...extra], { cwd: dir });
      expect(r.code, extra[0]).toBe(2);
      expect(r.stderr).toContain(`unknown option '${extra[0]}'`);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'usage', exitCode: 2 });
    }
  }, 120_000);

  it("pretrain's and measure's help list none of them, and keep --json and -q", async () => {
    for (const cmd of ['pretrain', 'measure']) {
      const r = await runCli(['model', cmd, '--help'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/--config|--store|--no-cache/);
      expect(r.stdout).toContain('--json');
      // (both show progress: -q silences it)
      expect(r.stdout.includes('--quiet')).toBe(true);
    }
  });

  it('measure says its progress on stderr (the replies generated), none with -q; stdout holds the JSON alone', async () => {
    const shown = await runCli(['model', 'measure', '--limit', '2', '--json'], { cwd: dir });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stderr).toMatch(/measure: generating replies: started \(8\)[\s\S]*done 8\/8/);
    expect(JSON.parse(shown.stdout).benign.n).toBe(2);
    const quiet = await runCli(['model', 'measure', '--limit', '2', '--json', '-q'], { cwd: dir });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
    // The text form counts the look-alike replies it could not read.
    const text = await runCli(['model', 'measure', '--limit', '2', '-q'], { cwd: dir });
    expect(text.stdout).toMatch(/benign look-alikes: refused .* of 2 \(garbled or empty \d+\)/);
  });

  it('info on the shipped base with a missing --config is exit 2 naming the file', async () => {
    const r = await runCli(['model', 'info', 'base', '--config', missing, '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`config file not found (${missing})`);
    expect(JSON.parse(r.stdout).error.exitCode).toBe(2);
  });
});
