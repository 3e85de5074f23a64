import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLAIM_HEARTBEAT_MS, CLAIM_STALE_MS, processStart } from '../../src/store/claim.js';
import {
  ClaimLostError,
  claimRunOrRefuse,
  openStore,
  type RunOwner,
  type Store,
} from '../../src/store/index.js';
import { makeAttempt, record, vuln } from './fixtures.js';

const OTHER_HOST = 'other-host.test';
const tmp = () => join(mkdtempSync(join(tmpdir(), 'bf-claim-')), 'breakfix.db');
const open: Store[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await new Promise((r) => c.on('exit', r));
    }
  }
  vi.restoreAllMocks();
});

function storeWithRun(path = tmp()): { path: string; s: Store } {
  const s = openStore(path);
  open.push(s);
  s.createRun({ id: 'run_claim', kind: 'cycle', config: {}, seed: 1 });
  return { path, s };
}

/** The run's owner record, read as another connection would. */
function ownerIn(path: string): RunOwner | undefined {
  const db = new Database(path);
  const row = db.prepare('SELECT owner FROM runs WHERE id = ?').get('run_claim') as { owner: string | null };
  db.close();
  return row.owner ? (JSON.parse(row.owner) as RunOwner) : undefined;
}

/** Writes the owner record as a process of another host would have (a store on a shared disk). */
function setOwner(path: string, owner: Partial<RunOwner>): void {
  const db = new Database(path);
  db.prepare('UPDATE runs SET owner = ? WHERE id = ?').run(JSON.stringify(owner), 'run_claim');
  db.close();
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe('a run claimed on this host', () => {
  it.skipIf(process.platform !== 'linux')(
    "a live owner whose process name holds ') ' and spaces still holds the run: its start is read after the name's last ')'",
    async () => {
      const { path, s } = storeWithRun();
      // A Node process that renames itself (process.title sets the name /proc/<pid>/stat shows) when told.
      const child = spawn(process.execPath, [
        '-e',
        "process.stdout.write('ready\\n'); process.stdin.once('data', () => { process.title = 'bf) 1 2 3 4'; process.stdout.write('renamed\\n'); }); setInterval(() => {}, 60000);",
      ]);
      children.push(child);
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      const until = async (word: string) => {
        while (!out.includes(word)) {
          if (child.exitCode !== null) throw new Error(`child exited: ${out}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await until('ready');
      const start = processStart(child.pid!);
      expect(start).toMatch(/^\d+$/);
      setOwner(path, { pid: child.pid, host: hostname(), since: ago(1000), start });
      child.stdin.write('go\n');
      await until('renamed');
      expect(processStart(child.pid!)).toBe(start);
      expect(s.claimRun('run_claim').heldBy?.pid).toBe(child.pid);
      expect(ownerIn(path)?.pid).toBe(child.pid);
    },
  );
});

describe('a run claimed from another host', () => {
  it('(owner record written as another host would) a fresh heartbeat holds the run: refused naming host, pid, since and heartbeat, nothing changes', () => {
    const { path, s } = storeWithRun();
    const held = { pid: 4242, host: OTHER_HOST, since: ago(3_600_000), heartbeat: ago(60_000) };
    setOwner(path, held);
    expect(s.claimRun('run_claim')).toEqual({ heldBy: held });
    s.releaseRun('run_claim'); // not ours: nothing changes
    expect(ownerIn(path)).toEqual(held);
    let err: Error & { hint?: string } = new Error('not thrown');
    try {
      claimRunOrRefuse(s, 'run_claim', { takeOverHint: '--take-over' });
    } catch (e) {
      err = e as Error;
    }
    expect(err.message).toBe(
      `run run_claim is being worked on by process 4242 on host ${OTHER_HOST} (since ${held.since}, last heartbeat ${held.heartbeat}): a second process would send its requests again`,
    );
    const lapses = new Date(Date.parse(held.heartbeat) + CLAIM_STALE_MS).toISOString();
    expect(err.hint).toContain(`its claim lapses at ${lapses}`);
    expect(err.hint).toContain('take it over now with --take-over');
    expect(ownerIn(path)).toEqual(held);
  });

  it('(owner record written as another host would) a stale heartbeat is taken over, with a warning on stderr naming the old owner', () => {
    const { path, s } = storeWithRun();
    const held = {
      pid: 4242,
      host: OTHER_HOST,
      since: ago(3_600_000),
      heartbeat: ago(CLAIM_STALE_MS + 1000),
    };
    setOwner(path, held);
    const said: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      said.push(String(chunk));
      return true;
    });
    claimRunOrRefuse(s, 'run_claim');
    expect(said.join('')).toMatch(
      new RegExp(
        `^breakfix: warning: run run_claim was claimed by process 4242 on host ${OTHER_HOST.replace('.', '\\.')} \\(since .*, last heartbeat ${held.heartbeat}\\); taken over, as nothing was heard from it for 10 minutes`,
      ),
    );
    expect(ownerIn(path)).toMatchObject({
      pid: process.pid,
      host: hostname(),
      heartbeat: expect.any(String),
    });
  });

  it('(owner record written as another host would) --take-over takes a fresh claim; a live process of this host is never taken', async () => {
    const { path, s } = storeWithRun();
    const held = { pid: 4242, host: OTHER_HOST, since: ago(60_000), heartbeat: ago(1000) };
    setOwner(path, held);
    expect(s.claimRun('run_claim', { takeOver: true })).toEqual({ tookOver: held });
    expect(ownerIn(path)?.pid).toBe(process.pid);
    const local = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    children.push(local as ChildProcessWithoutNullStreams);
    setOwner(path, { pid: local.pid, host: hostname(), since: ago(1000) });
    expect(s.claimRun('run_claim', { takeOver: true }).heldBy?.pid).toBe(local.pid);
  });

  it('(owner record written by an older breakfix on another host: no heartbeat) its claim counts from its start', () => {
    const { path, s } = storeWithRun();
    const recent = { pid: 4242, host: OTHER_HOST, since: ago(60_000) };
    setOwner(path, recent);
    expect(s.claimRun('run_claim')).toEqual({ heldBy: recent });
    expect(() => claimRunOrRefuse(s, 'run_claim')).toThrow(/no heartbeat \(an older breakfix\)/);
    const old = { pid: 4242, host: OTHER_HOST, since: ago(CLAIM_STALE_MS + 1000) };
    setOwner(path, old);
    expect(s.claimRun('run_claim')).toEqual({ tookOver: old });
  });

  it.skipIf(process.platform !== 'linux')(
    'a live process of another host (a real child whose host name is another) beats its heartbeat and holds the run after this host cannot see it; taken over, it says so on stderr',
    async () => {
      const { path, s } = storeWithRun();
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('./claim-child.ts', import.meta.url)), path, 'run_claim'],
        { env: { ...process.env, CLAIM_HOST: OTHER_HOST, CLAIM_HEARTBEAT_MS: '50' } },
      );
      children.push(child);
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      const until = async (cond: () => boolean) => {
        while (!cond()) {
          if (child.exitCode !== null) throw new Error(`child exited: ${out} ${err}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await until(() => out.includes('\n'));
      expect(out.trim()).toBe('claimed');
      const first = ownerIn(path);
      expect(first).toMatchObject({ pid: child.pid, host: OTHER_HOST, heartbeat: expect.any(String) });
      // Its heartbeat moves on while it works.
      await until(() => ownerIn(path)?.heartbeat !== first?.heartbeat);
      expect(s.claimRun('run_claim').heldBy).toMatchObject({ pid: child.pid, host: OTHER_HOST });
      // Taken over (the user knows better): the child's next beat finds the claim gone and says so.
      expect(s.claimRun('run_claim', { takeOver: true }).tookOver?.pid).toBe(child.pid);
      await until(() => err.includes('\n'));
      expect(err).toContain(
        `breakfix: warning: run run_claim is no longer this process's: process ${process.pid} on host ${hostname()} claimed it at`,
      );
      expect(ownerIn(path)).toMatchObject({ pid: process.pid, host: hostname() });
    },
  );

  it('the heartbeat is written every CLAIM_HEARTBEAT_MS while the claim is held, and stops at release and at close', () => {
    vi.useFakeTimers({
      now: Date.parse('2026-12-05T10:00:00.000Z'),
      toFake: ['setInterval', 'clearInterval', 'Date'],
    });
    try {
      const { path, s } = storeWithRun();
      s.claimRun('run_claim');
      expect(ownerIn(path)).toMatchObject({
        since: '2026-12-05T10:00:00.000Z',
        heartbeat: '2026-12-05T10:00:00.000Z',
      });
      vi.advanceTimersByTime(CLAIM_HEARTBEAT_MS);
      expect(ownerIn(path)).toMatchObject({
        since: '2026-12-05T10:00:00.000Z',
        heartbeat: new Date(Date.parse('2026-12-05T10:00:00.000Z') + CLAIM_HEARTBEAT_MS).toISOString(),
      });
      s.claimRun('run_claim'); // claimed again by its holder: still one heartbeat
      expect(vi.getTimerCount()).toBe(1);
      s.releaseRun('run_claim');
      expect(vi.getTimerCount()).toBe(0);
      expect(ownerIn(path)).toBeUndefined();
      s.claimRun('run_claim');
      s.close();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('(owner record written as another host would, taking over) the holder that lost its claim writes nothing more to the run, whatever it writes, even after its release', () => {
    const { path, s } = storeWithRun();
    s.createRun({ id: 'run_other', kind: 'cycle', config: {}, seed: 1 });
    claimRunOrRefuse(s, 'run_claim');
    s.saveAttempts([makeAttempt(1, 'run_claim')]);
    const taken = { pid: 4242, host: OTHER_HOST, since: ago(0), heartbeat: ago(0) };
    setOwner(path, taken);
    const snapshot = () => {
      const db = new Database(path, { readonly: true });
      const rows = [
        'runs',
        'rounds',
        'steps',
        'attempts',
        'bench_results',
        'vulnerabilities',
        'records',
        'models',
      ].map((t) => db.prepare(`SELECT * FROM ${t}`).all());
      db.close();
      return JSON.stringify(rows);
    };
    const before = snapshot();
    const writes: [string, () => unknown][] = [
      ['updateRun', () => s.updateRun('run_claim', { status: 'done' })],
      ['upsertRound', () => s.upsertRound('run_claim', 0, { status: 'done' })],
      ['markStep', () => s.markStep('run_claim', 0, 'train', {})],
      ['saveAttempt', () => s.saveAttempt(makeAttempt(2, 'run_claim'))],
      ['saveAttempts', () => s.saveAttempts([makeAttempt(3, 'run_claim')])],
      [
        'saveBenchResult',
        () => s.saveBenchResult({ runId: 'run_claim', suite: 'harmful', model: 'm', metrics: {} }),
      ],
      ['saveVulnerabilities', () => s.saveVulnerabilities('run_claim', 0, [vuln('v1', 0.5)])],
      ['saveRecords', () => s.saveRecords('run_claim', 0, 'sft', [record('r1')])],
      ['saveCuration', () => s.saveCuration('run_claim', 0, { sft: [record('r2')], preference: [] })],
      ['registerModel', () => s.registerModel({ id: 'round-1', target: 'embedded:x', runId: 'run_claim' })],
      ['assertOwned', () => s.assertOwned('run_claim')],
    ];
    for (const [name, write] of writes) {
      let err: unknown;
      try {
        write();
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(ClaimLostError);
      expect((err as ClaimLostError).takenBy, name).toEqual(taken);
    }
    // Its release leaves the taker's claim, and the run stays lost to this connection.
    s.releaseRun('run_claim');
    expect(() => s.updateRun('run_claim', { status: 'interrupted' })).toThrow(ClaimLostError);
    expect(snapshot()).toBe(before);
    expect(ownerIn(path)).toEqual(taken);
    // A run this connection never claimed is not its to check.
    s.updateRun('run_other', { status: 'done' });
    expect(s.getRun('run_other')?.status).toBe('done');
  });

  it('(owner record written as another host would) a run whose claim this connection lost and then took back is its own again: its writes go through', () => {
    const { path, s } = storeWithRun();
    s.claimRun('run_claim');
    const taker = { pid: 4242, host: OTHER_HOST, since: ago(0), heartbeat: ago(0) };
    setOwner(path, taker);
    expect(() => s.assertOwned('run_claim')).toThrow(ClaimLostError);
    expect(s.claimRun('run_claim', { takeOver: true })).toEqual({ tookOver: taker });
    s.updateRun('run_claim', { status: 'done' });
    expect(s.getRun('run_claim')?.status).toBe('done');
    expect(ownerIn(path)).toMatchObject({ pid: process.pid, host: hostname() });
  });

  it('(owner record written as another host would, taking over) the heartbeat that finds the claim gone says so and marks the run lost', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const said: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      said.push(String(chunk));
      return true;
    });
    try {
      const { path, s } = storeWithRun();
      s.claimRun('run_claim');
      setOwner(path, { pid: 4242, host: OTHER_HOST, since: ago(0), heartbeat: ago(0) });
      vi.advanceTimersByTime(CLAIM_HEARTBEAT_MS);
      expect(said.join('')).toContain(
        `breakfix: warning: run run_claim is no longer this process's: process 4242 on host ${OTHER_HOST} claimed it at`,
      );
      expect(said.join('')).toContain('this process writes nothing more to it and stops at its next step');
      expect(vi.getTimerCount()).toBe(0);
      // (even were the record to name this process again: what it noticed stays noticed)
      setOwner(path, { pid: process.pid, host: hostname(), since: ago(0) });
      expect(() => s.assertOwned('run_claim')).toThrow(ClaimLostError);
    } finally {
      vi.useRealTimers();
    }
  });
});
