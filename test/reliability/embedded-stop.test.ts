// Ctrl-C during the embedded model's generation stops the command at once. Generation held the event
// loop (a single request for its whole reply: no yield unless a batch or a cancellable request), so
// the signal handler ran only once the reply was done, seconds later on a larger checkpoint (the
// signals audit measured 3-4 s, 10 s on a loaded machine). The stop drops the reply in flight (it is
// never stored, so never judged cut short), and a resume asks it again. Real CLI child, real SIGINT,
// real SQLite store; the checkpoint is a hand-wired model that never ends its reply, sized so that one
// reply takes seconds.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli, spawnCli } from '../cli/run-cli.js';
import { ENDLESS_CHAR, saveEndlessModel } from '../lm/helpers-endless.js';

const MAX_TOKENS = 640;
let dir: string;
let config: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'embedded-stop-'));
  // (one reply, ~550 tokens once the prompt has its share of the context: ~8 s on an idle 2-core
  // machine)
  const model = await saveEndlessModel(join(dir, 'model'), { dModel: 384, nLayers: 6, contextLength: 768 });
  config = join(dir, 'breakfix.yaml');
  writeFileSync(
    config,
    `store: ${join(dir, 'b.db')}
targets:
  big: { type: embedded, model: ${model}, maxTokens: ${MAX_TOKENS} }
`,
  );
});

describe('Ctrl-C while the embedded model generates', () => {
  it('redteam exits 130 within a moment (not when the reply ends), stores no cut-short reply, and the resume completes with nothing duplicated', async () => {
    const args = [
      'redteam',
      '--config',
      config,
      '--target',
      'big',
      '--techniques',
      'leetspeak',
      '--budget',
      '2',
      '--concurrency',
      '1',
      '--json',
    ];
    const { child, done, stderrMatches } = spawnCli(args, { cwd: dir });
    await stderrMatches(/run \S+ \(resume after a stop/);
    // Into the first reply (the checkpoint loads in well under this), with seconds of it still to go.
    await new Promise((r) => setTimeout(r, 1500));
    const sent = performance.now();
    child.kill('SIGINT');
    const { code, stdout, stderr } = await done;
    const waited = performance.now() - sent;
    expect(code, stderr).toBe(130);
    // Before: 5-7 s here (the rest of the reply), after: well under 1 s.
    expect(waited, `exit came ${Math.round(waited)} ms after SIGINT`).toBeLessThan(2_500);
    expect(JSON.parse(stdout).error).toMatchObject({ code: 'interrupted', exitCode: 130 });
    const runId = /run (\S+) \(resume after a stop/.exec(stderr)?.[1] as string;
    const store = join(dir, 'b.db');
    let db = openStore(store);
    expect(db.getRun(runId)?.status).toBe('interrupted');
    // (the reply in flight was dropped with the process: nothing of it stored)
    expect(db.listAttempts({ runId })).toEqual([]);
    db.close();
    const raw = new Database(store);
    expect(raw.prepare('SELECT owner FROM runs WHERE id = ?').get(runId)).toEqual({ owner: null });
    raw.close();

    const again = await runCli([...args, '--run-id', runId], { cwd: dir });
    // (3: the offline harm judges decide nothing about this model's replies, and say so)
    expect([0, 1, 3], again.stderr).toContain(again.code);
    expect(JSON.parse(again.stdout).attempts).toBe(2);
    db = openStore(store);
    expect(db.getRun(runId)?.status).toBe('done');
    const attempts = db.listAttempts({ runId });
    expect(attempts.length).toBe(2);
    expect(new Set(attempts.map((a) => a.id)).size).toBe(2);
    for (const a of attempts) {
      expect(a.outcome).not.toBe('error');
      // Every stored reply is a whole one: the model writes ENDLESS_CHAR until the context or
      // MAX_TOKENS ends it, never fewer.
      const reply = a.transcript.at(-1);
      expect(reply?.role).toBe('assistant');
      expect(reply?.content).toMatch(new RegExp(`^${ENDLESS_CHAR}+$`));
      expect(reply?.content.length).toBeGreaterThanOrEqual(64);
    }
    db.close();
  });
});
