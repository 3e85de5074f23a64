// The embedded model's context is 192 tokens; the many-shot attack's 16 shots come to ~870–900. The
// embedded target keeps a longer prompt's latest tokens, so the model reads the last two or three
// shots and the question: a many-shot attempt on it is a few-shot one. That was silent (the
// transcript stores what was sent, and nothing said what was read); the run's summary now says how
// many attempts of which attack were cut, of what window. The REAL embedded target and the real CLI.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

const redteam = (dir: string, techniques: string[], json: boolean) =>
  runCli(
    [
      'redteam',
      '--target',
      'embedded:base',
      '--techniques',
      ...techniques,
      '--budget',
      '3',
      '--store',
      join(dir, 's.db'),
      '-q',
      ...(json ? ['--json'] : []),
    ],
    { cwd: dir, env: { NO_COLOR: '1' } },
  );

describe('a prompt longer than the embedded model reads', () => {
  it('many_shot: the summary names the attack, the attempts cut and the 192-token window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'many-shot-ctx-'));
    const r = await redteam(dir, ['many_shot'], true);
    // (the base model garbles a many-shot answer: undetermined, which may leave nothing decided, exit 3)
    expect([0, 1, 3], r.stderr).toContain(r.code);
    const s = JSON.parse(r.stdout);
    expect(s.attempts).toBe(3);
    expect(s.truncated).toMatchObject({ attempts: 3, contextTokens: 192, attacks: { many_shot: 3 } });
    // 16 shots of ~50 tokens: most of the prompt is never read
    expect(s.truncated.mostDropped).toBeGreaterThan(600);
    // The text summary says it too (from the response cache now: the cached replies keep it).
    const t = await redteam(dir, ['many_shot'], false);
    expect(t.stdout).toMatch(
      /the target's context holds 192 tokens: it read only the end of 3 attempts' prompts \(many_shot 3; up to \d+ tokens dropped from the start\): a many-shot attempt there is a few-shot one/,
    );
  });

  it('a prompt that fits says nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'many-shot-ctx-'));
    const r = await redteam(dir, ['direct'], true);
    expect(r.code, r.stderr).toBeLessThanOrEqual(1);
    const s = JSON.parse(r.stdout);
    expect(s.attempts).toBe(3);
    expect(s.truncated).toBeUndefined();
  });
});
