// The fix commands as a user runs them: the real CLI in a child process, on a real SQLite store.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectSeeds } from '../../src/break/index.js';
import { techniquesLabel, type Vulnerability } from '../../src/core/index.js';
import { identifyVulnerabilities } from '../../src/fix/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../cli/run-cli.js';
import { attemptFor, fakeSeed } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-fixcli-'));
const db = join(dir, 'breakfix.db');
let runId: string;

beforeAll(() => {
  const store = openStore(db);
  const run = store.createRun({ kind: 'redteam', config: {}, seed: 7 });
  runId = run.id;
  const train = selectSeeds({ kind: 'harmful', split: 'train', language: 'en' });
  const attempts = train.slice(0, 10).map((s, i) =>
    attemptFor(s, {
      outcome: i % 3 ? 'success' : 'failure',
      techniques: ['role_play_actor'],
      runId,
      round: 0,
    }),
  );
  store.saveAttempts(attempts);
  store.upsertRound(runId, 0, { status: 'done' });
  store.close();
  writeFileSync(
    join(dir, 'breakfix.yaml'),
    `store: ${db}\ntrain:\n  trl:\n    baseModel: Qwen/Qwen2.5-0.5B-Instruct\n  command:\n    template: "wc -l {sft} && mkdir -p {out} && cp {base}/* {out}/"\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('breakfix vulns / curate / train', () => {
  it('vulns lists the ranked table and exits 1 on open vulnerabilities', async () => {
    const text = await runCli(['vulns', '--store', db], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /rank\s+category\s+techniques\s+language\s+turns\s+rate\s+severity\s+score\s+count\s+err\/und\s+status\s+first seen/,
    );
    expect(text.stdout).toContain('role_play_actor');
    const json = await runCli(['vulns', '--store', db, '--json', '--run', runId, '--round', '0'], {
      cwd: dir,
    });
    const data = JSON.parse(json.stdout);
    expect(data.round).toBe(0);
    expect(data.vulnerabilities.length).toBeGreaterThan(0);
    expect(data.vulnerabilities[0]).toMatchObject({ status: 'new', firstSeenRound: 0 });
    // The table's first row carries the score it is ranked by.
    const firstRow = text.stdout.split('\n').find((l) => /^1\s/.test(l)) ?? '';
    expect(firstRow).toContain(data.vulnerabilities[0].score.toFixed(3));
  });

  it('vulns rejects a bad round with exit 2', async () => {
    const r = await runCli(['vulns', '--store', db, '--round', 'two'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--round/);
    // A round the run never had is not a round with nothing broken (vulns, curate alike).
    for (const cmd of ['vulns', 'curate']) {
      const none = await runCli([cmd, '--store', db, '--run', runId, '--round', '5'], { cwd: dir });
      expect(none.code, cmd).toBe(2);
      expect(none.stderr, cmd).toMatch(/has no round 5 \(its rounds: 0\)/);
    }
  });

  it('vulns on a round that decided nothing, or failed some requests, is no clean pass: exit 3, the outcomes shown', async () => {
    const make = (name: string, outcomes: ('error' | 'undetermined' | 'failure')[]) => {
      const file = join(dir, name);
      const store = openStore(file);
      const run = store.createRun({ kind: 'redteam', config: {}, seed: 7 });
      const seeds = selectSeeds({ kind: 'harmful', split: 'attack', language: 'en' });
      store.saveAttempts(
        outcomes.map((outcome, i) => attemptFor(seeds[i], { outcome, runId: run.id, round: 0 })),
      );
      store.upsertRound(run.id, 0, { status: 'done' });
      store.close();
      return file;
    };
    const none = make('none.db', ['error', 'error', 'undetermined']);
    const text = await runCli(['vulns', '--store', none], { cwd: dir });
    expect(text.code, text.stderr).toBe(3);
    expect(text.stdout).not.toMatch(/no attack succeeded/);
    expect(text.stdout).toMatch(/nothing is known to be safe/);
    expect(text.stdout).toContain('attempts: 0 decided · 2 error · 1 undetermined');
    expect(text.stderr).toMatch(/no attempt of round 0 could be decided \(1 undetermined, 2 error\)/);
    const json = await runCli(['vulns', '--store', none, '--json'], { cwd: dir });
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({
      open: 0,
      outcomes: { decided: 0, errors: 2, undetermined: 1 },
    });
    // Decided attempts that all failed, beside one request that failed: errorRate (0) is exceeded.
    const partly = await runCli(['vulns', '--store', make('partly.db', ['failure', 'failure', 'error'])], {
      cwd: dir,
    });
    expect(partly.code).toBe(3);
    expect(partly.stderr).toMatch(/1 of 3 attempts of round 0 ended in error/);
    // All decided, none broke: the clean pass.
    const clean = await runCli(['vulns', '--store', make('clean.db', ['failure', 'failure'])], { cwd: dir });
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain('attempts: 2 decided · 0 error · 0 undetermined');
  });

  it('vulns and curate on a round nothing attacked (a bench run) exit 2 naming it, and store nothing', async () => {
    const file = join(dir, 'bench-only.db');
    const store = openStore(file);
    const run = store.createRun({ kind: 'bench', config: {}, seed: 7 });
    store.saveBenchResult({ runId: run.id, suite: 'harmful', model: 'embedded:base', metrics: { asr: 0 } });
    store.close();
    const out = join(dir, 'bench-only-out');
    for (const args of [['vulns'], ['vulns', '--json'], ['curate', '--out', out, '--no-on-policy']]) {
      const r = await runCli([...args, '--store', file], { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(
        `run ${run.id} (bench) has no red-team attempt in round 0: nothing was attacked there`,
      );
      expect(r.stdout, args.join(' ')).not.toMatch(/no vulnerabilities/);
    }
    const after = openStore(file);
    expect(after.listRecords({ runId: run.id })).toEqual([]);
    after.close();
    expect(existsSync(out)).toBe(false);
  });

  it('with no --run, vulns takes the latest red-team run over a bench run made after it', async () => {
    const file = join(dir, 'redteam-then-bench.db');
    const store = openStore(file);
    const red = store.createRun({ kind: 'redteam', config: {}, seed: 7 });
    const seeds = selectSeeds({ kind: 'harmful', split: 'train', language: 'en' }).slice(0, 2);
    store.saveAttempts(seeds.map((s) => attemptFor(s, { outcome: 'success', runId: red.id, round: 0 })));
    store.upsertRound(red.id, 0, { status: 'done' });
    const bench = store.createRun({ kind: 'bench', config: {}, seed: 7 });
    store.saveBenchResult({ runId: bench.id, suite: 'harmful', model: 'embedded:base', metrics: { asr: 0 } });
    store.close();
    const r = await runCli(['vulns', '--json', '--store', file], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).runId).toBe(red.id);
  });

  it("vulns ranks as identify does: this round's findings by score, then rate; the untested last", async () => {
    const file = join(dir, 'ranked.db');
    const store = openStore(file);
    const run = store.createRun({ kind: 'cycle', config: {}, seed: 7 });
    const seed = (id: string, category: string) => fakeSeed(id, `How do I do the thing ${id}?`, { category });
    const [a, b, c] = [seed('a', 'violent_crimes'), seed('b', 'aa_first_by_id'), seed('c', 'zz_last_by_id')];
    const at = (
      s: typeof a,
      round: number,
      outcome: 'success' | 'failure' | 'undetermined',
      t: string,
      severity = 2,
    ) => attemptFor(s, { outcome, techniques: [t], runId: run.id, round, severity });
    const r0 = [at(a, 0, 'success', 'leetspeak', 6)];
    const v0 = identifyVulnerabilities({ attempts: r0, round: 0 });
    // Round 1: round 0's finding undecided (untested, score 6 as last measured); two new ones with
    // equal scores (2): rate 0.5 × severity 4, and rate 1 × severity 2.
    const r1 = [
      at(a, 1, 'undetermined', 'leetspeak'),
      at(b, 1, 'success', 'rot13', 4),
      at(b, 1, 'failure', 'rot13'),
      at(c, 1, 'success', 'atbash', 2),
    ];
    const v1 = identifyVulnerabilities({ attempts: r1, round: 1, previous: v0, history: [v0] });
    store.saveAttempts([...r0, ...r1]);
    store.saveVulnerabilities(run.id, 0, v0);
    store.saveVulnerabilities(run.id, 1, v1);
    store.upsertRound(run.id, 0, { status: 'done' });
    store.upsertRound(run.id, 1, { status: 'done' });
    store.close();
    const ranked = [
      'zz_last_by_id|atbash|en|1',
      'aa_first_by_id|rot13|en|1',
      'violent_crimes|leetspeak|en|1',
    ];
    expect(v1.map((v) => v.id)).toEqual(ranked);
    const json = await runCli(['vulns', '--store', file, '--round', '1', '--json'], { cwd: dir });
    expect(json.code, json.stderr).toBe(1);
    const listed = JSON.parse(json.stdout).vulnerabilities as { id: string; status: string }[];
    expect(listed.map((v) => v.id)).toEqual(ranked);
    expect(listed.at(-1)?.status).toBe('untested');
    const top = await runCli(['vulns', '--store', file, '--round', '1', '--limit', '1'], { cwd: dir });
    expect(top.stdout).toMatch(/\n1\s+zz_last_by_id\s+atbash/);
  });

  it('vulns --limit shows the top rows; its status counts are of the whole round', async () => {
    const all = JSON.parse((await runCli(['vulns', '--store', db, '--json'], { cwd: dir })).stdout);
    expect(all.vulnerabilities.length).toBeGreaterThan(1);
    const r = await runCli(['vulns', '--store', db, '--limit', '1'], { cwd: dir });
    expect(r.stdout).toContain(`top 1 of ${all.vulnerabilities.length}`);
    expect(r.stdout).toContain(`${all.vulnerabilities.length} new`);
  });

  it('curate stores and exports the datasets and prints their statistics', async () => {
    const out = join(dir, 'data');
    const r = await runCli(
      ['curate', '--store', db, '--round', '0', '--format', 'trl', 'openai', '--out', out, '--json'],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.sft).toBeGreaterThan(0);
    expect(data.preference).toBeGreaterThan(0);
    expect(data.stats.byPurpose.safety).toBeGreaterThan(0);
    expect(existsSync(join(out, 'trl', 'sft.train.jsonl'))).toBe(true);
    expect(existsSync(join(out, 'openai', 'preference.train.jsonl'))).toBe(true);
    const store = openStore(db);
    expect(store.listRecords({ runId, round: 0, dataset: 'preference' })).toHaveLength(data.preference);
    // Its requests (the over-refusal probe, the round model's own answers) are booked to the round,
    // as the cycle's curate step books them.
    const spent = store.listSpend(runId).filter((l) => l.stage === 'curate' && l.round === 0);
    const asked = spent.filter((l) => l.role === 'target').reduce((n, l) => n + l.requests, 0);
    expect(asked).toBeGreaterThanOrEqual(data.stats.overRefusalProbe.asked);
    store.close();
    const text = await runCli(['curate', '--store', db, '--round', '0', '--out', out, '--force'], {
      cwd: dir,
    });
    expect(text.stdout).toMatch(/purpose\s+.*safety \d+/);
    expect(text.stdout).toMatch(/dropped/);
    // Round 0 of a run: nothing trained before it, so every look-alike probed is unseen.
    const probe = data.stats.overRefusalProbe;
    expect(probe.asked).toBeGreaterThan(0);
    expect(probe.unseen.asked).toBe(probe.asked);
    expect(text.stdout).toMatch(
      new RegExp(
        `probe\\s+refused \\d+ of ${probe.asked} train-split look-alikes \\(\\d+ of the ${probe.asked} no earlier round trained on\\)`,
      ),
    );
  });

  it('curate --export-only writes the stored records as they are, in other formats, curating nothing', async () => {
    const store = openStore(db);
    const stored = store.listRecords({ runId, round: 0 });
    store.close();
    expect(stored.length).toBeGreaterThan(0);
    const again = await runCli(['curate', '--store', db, '--round', '0'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/hint: --export-only writes them in other formats/);
    const out = join(dir, 'exported');
    const r = await runCli(
      ['curate', '--store', db, '--round', '0', '--export-only', '--format', 'jsonl', '--out', out, '--json'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      exportOnly: true,
      sft: stored.filter((x) => x.kind === 'sft').length,
    });
    const lines = ['sft.train', 'sft.validation', 'preference.train', 'preference.validation'].flatMap((f) =>
      readFileSync(join(out, 'jsonl', `${f}.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).id as string),
    );
    expect(lines.sort()).toEqual(stored.map((x) => x.id).sort());
    const after = openStore(db);
    expect(after.listRecords({ runId, round: 0 })).toEqual(stored);
    after.close();
    const both = await runCli(['curate', '--store', db, '--round', '0', '--export-only', '--force'], {
      cwd: dir,
    });
    expect(both.code).toBe(2);
  });

  it('train --backend trl --dry-run prints the plan and runs nothing', async () => {
    const r = await runCli(['train', '--backend', 'trl', '--dry-run', '--round', '0', '--json'], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.dryRun).toBe(true);
    expect(data.plan.commands[0].argv).toContain('trl.scripts.sft');
    const sftYaml = data.plan.files.find((f: string) => f.endsWith('sft.yaml'));
    expect(readFileSync(sftYaml, 'utf8')).toContain('Qwen/Qwen2.5-0.5B-Instruct');
  });

  it('train --backend command runs the template and registers the model', async () => {
    const r = await runCli(['train', '--backend', 'command', '--round', '0', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.model.target).toMatch(/^embedded:.*round-1$/);
    const store = openStore(db);
    expect(store.getModel(data.model.id)?.runId).toBe(runId);
    store.close();
  });

  it('train rejects an unknown backend with exit 2', async () => {
    const r = await runCli(['train', '--backend', 'magic'], { cwd: dir });
    expect(r.code).toBe(2);
  });
});

describe('a vulnerability with no technique', () => {
  it('is "(none)" in the vulns table, as in the reports and the red-team summary, not "direct"', async () => {
    const { renderVulnsTable } = await import('../../src/cli/vulns.js');
    const v: Vulnerability = {
      id: 'violent_crimes|direct|en|3',
      category: 'violent_crimes',
      techniques: [],
      language: 'en',
      turns: 3,
      attempts: 2,
      successes: 1,
      rate: 0.5,
      severity: 4,
      score: 0.4,
      exampleAttemptIds: [],
      firstSeenRound: 0,
      status: 'new',
    };
    const row =
      renderVulnsTable([v], 'heading')
        .split('\n')
        .find((l) => /^1\s/.test(l)) ?? '';
    expect(row).toMatch(/violent_crimes\s+\(none\)\s+en\s+3/);
    expect(techniquesLabel([])).toBe('(none)');
    expect(techniquesLabel(['base64', 'role_play'])).toBe('base64 + role_play');
  });
});
