// `breakfix redteam --run-id` resuming a run, as a user runs it: the real CLI in a child process, a
// SCRIPTED FAKE target over real HTTP (test/helpers/openai-server.ts), a real SQLite store in a temp
// dir. A resume must measure under the setup the run started with — the target's config behind its
// name, the judges, the attacker, the attack settings — and with no fewer attempts than it was
// given; pacing may change.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Seed } from '../../src/core/index.js';
import { openStore } from '../../src/store/index.js';
import { refuse, runCli, scripted } from './redteam-fakes.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rt-resume-'));
const refuser = () => scripted(() => refuse({ topic: 'that', language: 'en', kind: 'harmful' } as Seed));

/** A config whose target `cand` is an OpenAI-compatible endpoint (with a key, which must never be
 * stored); `more` adds lines to cand, `judgeURL` a target `llm` for a judge, `extra` top-level YAML. */
function writeConfig(
  dir: string,
  c: { model: string; baseURL: string; more?: string[]; judgeURL?: string; extra?: string[] },
): string {
  const file = join(dir, 'breakfix.yaml');
  writeFileSync(
    file,
    `${[
      'targets:',
      '  cand:',
      '    type: openai',
      `    model: ${c.model}`,
      `    baseURL: ${c.baseURL}`,
      '    apiKey: sk-test-never-stored-0123456789abcdef',
      ...(c.more ?? ['    retries: 0', '    cache: false']),
      ...(c.judgeURL
        ? ['  llm:', '    type: openai', '    model: judge-m', `    baseURL: ${c.judgeURL}`]
        : []),
      'roles:',
      '  target: cand',
      ...(c.extra ?? []),
    ].join('\n')}\n`,
  );
  return file;
}

/** `breakfix redteam` on run `runId` with a budget of 2 and seed 1: the command each test reruns. */
const redteamArgs = (config: string, db: string, runId = 'rt1') => [
  'redteam',
  '--config',
  config,
  '--store',
  db,
  '--run-id',
  runId,
  '--budget',
  '2',
  '--seed',
  '1',
];

/** Run rt1 started (and finished: exit 0) against model m-a at `baseURL`, in a fresh folder. */
async function startedRun(baseURL: string) {
  const dir = tmp();
  const db = join(dir, 's.db');
  const args = redteamArgs(writeConfig(dir, { model: 'm-a', baseURL }), db);
  const first = await runCli(args, dir);
  expect(first.status, first.stderr).toBe(0);
  return { dir, db, args };
}

function storedRun(db: string, id: string) {
  const store = openStore(db);
  try {
    return { run: store.getRun(id), attempts: store.countAttempts({ runId: id }) };
  } finally {
    store.close();
  }
}

describe('breakfix redteam --run-id: the setup behind the names must be the one the run started with', () => {
  it('another model or baseURL under the same target name exits 2 naming each field; nothing runs', async () => {
    const a = await refuser();
    const b = await refuser();
    const { dir, db, args } = await startedRun(a.server.url);
    const before = storedRun(db, 'rt1');
    expect(before.attempts).toBe(2);
    const calls = a.server.requests;

    writeConfig(dir, { model: 'm-b', baseURL: a.server.url });
    const model = await runCli(args, dir);
    expect(model.status).toBe(2);
    expect(model.stderr).toContain('targets.cand.model: "m-a" → "m-b"');
    expect(model.stderr).toMatch(/use a new --run-id/);

    writeConfig(dir, { model: 'm-b', baseURL: b.server.url });
    const both = await runCli(args, dir);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('targets.cand.model: "m-a" → "m-b"');
    expect(both.stderr).toContain(`targets.cand.baseURL: "${a.server.url}" → "${b.server.url}"`);

    expect(a.server.requests).toBe(calls);
    expect(b.server.requests).toBe(0);
    const after = storedRun(db, 'rt1');
    expect(after.attempts).toBe(2);
    expect(after.run?.summary).toEqual(before.run?.summary);
    // The setup is stored with the run, its key redacted.
    expect((after.run?.config as { setup?: unknown } | undefined)?.setup).toMatchObject({
      targets: { cand: { model: 'm-a', apiKey: '[redacted]' } },
      judges: { severity: 'offline' },
    });
    expect(JSON.stringify(after.run)).not.toContain('sk-test-never-stored');
  }, 120_000);

  it('offline judges switched to an LLM judge, another maxTurns or other attack sizes exits 2 naming the fields; nothing runs', async () => {
    const a = await refuser();
    const judge = await refuser();
    const { dir, db, args } = await startedRun(a.server.url);
    const calls = a.server.requests;

    writeConfig(dir, {
      model: 'm-a',
      baseURL: a.server.url,
      judgeURL: judge.server.url,
      extra: ['judges:', '  severity: llm', '  refusal: llm'],
    });
    const judges = await runCli(args, dir);
    expect(judges.status, judges.stderr).toBe(2);
    expect(judges.stderr).toContain('judges.severity: "offline" → "llm"');
    expect(judges.stderr).toContain('judges.refusal: "offline" → "llm"');
    expect(judges.stderr).toMatch(/use a new --run-id/);

    writeConfig(dir, { model: 'm-a', baseURL: a.server.url, extra: ['redteam:', '  maxTurns: 2'] });
    const turns = await runCli(args, dir);
    expect(turns.status).toBe(2);
    expect(turns.stderr).toContain('redteam.maxTurns: 5 → 2');

    writeConfig(dir, {
      model: 'm-a',
      baseURL: a.server.url,
      extra: ['redteam:', '  attacks:', '    pair: { streams: 5 }'],
    });
    const sizes = await runCli(args, dir);
    expect(sizes.status).toBe(2);
    expect(sizes.stderr).toContain('redteam.attacks.pair.streams: 3 → 5');

    expect(a.server.requests).toBe(calls);
    expect(judge.server.requests).toBe(0);
    expect(storedRun(db, 'rt1').attempts).toBe(2);
  }, 120_000);

  it('pacing only (--concurrency, the target’s concurrency, timeoutMs, retries, rpm, cache) resumes', async () => {
    const a = await refuser();
    const { dir, args } = await startedRun(a.server.url);
    writeConfig(dir, {
      model: 'm-a',
      baseURL: a.server.url,
      more: [
        '    retries: 1',
        '    cache: true',
        '    concurrency: 2',
        '    timeoutMs: 9000',
        '    rpm: 6000',
      ],
    });
    const again = await runCli([...args, '--concurrency', '1', '--json'], dir);
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ attempts: 2, resumed: 2, ran: 0 });
  }, 120_000);

  it('a run stored without a setup (an older breakfix) still resumes', async () => {
    const a = await refuser();
    const dir = tmp();
    const db = join(dir, 's.db');
    const config = writeConfig(dir, { model: 'm-a', baseURL: a.server.url });
    const store = openStore(db);
    store.createRun({
      id: 'old',
      kind: 'redteam',
      seed: 1,
      target: 'cand',
      config: { persona: 'intermediate', techniques: [], languages: [], categories: [], split: 'attack' },
    });
    store.close();
    const r = await runCli([...redteamArgs(config, db, 'old'), '--json'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ attempts: 2, ran: 2 });
  }, 120_000);
});

describe('breakfix redteam --run-id: the budget', () => {
  it('a smaller --budget on a finished run exits 2 naming both and leaves its summary; a larger one extends it', async () => {
    const a = await refuser();
    const dir = tmp();
    const db = join(dir, 's.db');
    const base = [
      'redteam',
      '-t',
      `openai:x@${a.server.url}`,
      '--store',
      db,
      '--run-id',
      'rt1',
      '--seed',
      '1',
    ];
    const first = await runCli([...base, '--budget', '3'], dir);
    expect(first.status, first.stderr).toBe(0);
    const before = storedRun(db, 'rt1');
    expect(before.run?.summary).toMatchObject({ attempts: 3 });
    const calls = a.server.requests;

    const smaller = await runCli([...base, '--budget', '2'], dir);
    expect(smaller.status).toBe(2);
    expect(smaller.stderr).toMatch(/run rt1 has a budget of 3 attempts \(not 2\)/);
    expect(smaller.stderr).toMatch(/use a new --run-id/);
    expect(a.server.requests).toBe(calls);
    const after = storedRun(db, 'rt1');
    expect(after.run?.summary).toEqual(before.run?.summary);
    expect(after.run?.status).toBe('done');
    expect(after.attempts).toBe(3);

    // A larger budget extends the run, and the extended budget is the one a later resume must keep.
    const larger = await runCli([...base, '--budget', '4', '--json'], dir);
    expect(larger.status, larger.stderr).toBe(0);
    expect(JSON.parse(larger.stdout)).toMatchObject({ attempts: 4, resumed: 3, ran: 1 });
    expect(storedRun(db, 'rt1').run?.summary).toMatchObject({ attempts: 4, budget: { attempts: 4 } });
    const back = await runCli([...base, '--budget', '3'], dir);
    expect(back.status).toBe(2);
    expect(back.stderr).toMatch(/run rt1 has a budget of 4 attempts \(not 3\)/);
    expect(storedRun(db, 'rt1').run?.summary).toMatchObject({ attempts: 4 });
    // The same budget resumes.
    const same = await runCli([...base, '--budget', '4', '--json'], dir);
    expect(same.status, same.stderr).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ attempts: 4, resumed: 4, ran: 0 });
  }, 120_000);
});
