// `model pretrain` honours Ctrl-C within a fraction of a second: building the world, training the
// tokenizer and encoding the corpus ran as one synchronous block of 5-15 s before the first step,
// and a signal handler only runs when the event loop does, so Ctrl-C waited all of it out. Now each
// lets the event loop in every few ms (the same world, tokenizer and model). A real CLI child and a
// real signal, sent while the tokenizer trains.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from './run-cli.js';

describe('model pretrain and Ctrl-C', () => {
  it('stopped while its tokenizer trains, it exits 130 within a few seconds and writes no checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pretrain-sigint-'));
    const out = join(dir, 'base');
    const args = ['model', 'pretrain', '--out', out, '--steps', '40', '--no-measure', '--json'];
    const { child, done, stderrMatches } = spawnCli(args, { cwd: dir });
    // Said once the world is built, as the tokenizer's training (seconds) begins.
    await stderrMatches(/world: \d+ dialogues/);
    await new Promise((r) => setTimeout(r, 300));
    const sent = performance.now();
    child.kill('SIGINT');
    const { code, stdout, stderr } = await done;
    const waited = performance.now() - sent;
    expect(code, stderr).toBe(130);
    expect(stderr).toContain(
      'breakfix: interrupted by SIGINT: breakfix model pretrain stopped before it finished',
    );
    expect(JSON.parse(stdout).error).toMatchObject({ code: 'interrupted', exitCode: 130 });
    // (before: the rest of the tokenizer, the corpus's encoding and the first step, 5-15 s measured)
    expect(waited).toBeLessThan(3000);
    expect(existsSync(join(out, 'config.json'))).toBe(false);
  }, 300_000);
});
