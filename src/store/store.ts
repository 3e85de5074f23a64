// The SQLite store (better-sqlite3): WAL journal, versioned migrations, JSON columns for structured
// fields. An attempt and its verdicts are written in one transaction, so a killed process leaves
// either the whole attempt or none of it, and resume (which skips ids already present) never
// duplicates work. Opening the file (and refusing one that is no store) is open.ts's.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { redactConfig } from '../config/index.js';
import {
  type Attempt,
  BreakfixError,
  InputError,
  NO_CATEGORY,
  newRunId,
  type Reply,
  type TrainingRecord,
  terminalText,
  type Verdict,
  type Vulnerability,
} from '../core/index.js';
import { CLAIM_HEARTBEAT_MS, ClaimLostError, claimIsFresh, isAlive, processStart } from './claim.js';
import { openDatabase, openReadOnlyDatabase, withStoreErrors } from './open.js';
import type {
  AttemptFacets,
  AttemptFilter,
  AttemptSearch,
  BenchResultInput,
  BenchResultRow,
  ModelInput,
  ModelRow,
  NewRun,
  RoundRow,
  RunOwner,
  RunRow,
  SpendCounts,
  SpendKey,
  SpendRow,
  Store,
} from './types.js';

export const DEFAULT_STORE_PATH = '.breakfix/breakfix.db';

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
const now = () => new Date().toISOString();
/** Bench results and records keyed by round use -1 for "no round" so the primary key stays total. */
const NO_ROUND = -1;

type Row = Record<string, unknown>;

/** `WHERE a = ? AND b = ?` from the pairs whose value is defined. */
function where(pairs: [column: string, value: unknown][]): { sql: string; params: unknown[] } {
  const used = pairs.filter(([, v]) => v !== undefined);
  return {
    sql: used.length ? `WHERE ${used.map(([c]) => `${c} = ?`).join(' AND ')}` : '',
    params: used.map(([, v]) => v),
  };
}

/** A LIMIT or OFFSET: a whole number of rows (a fraction rounds down, below 0 is 0); unset, `none`. */
function rowCount(name: string, value: number | undefined, none: number): number {
  if (value === undefined) return none;
  if (!Number.isFinite(value))
    throw new BreakfixError(`listAttempts: ${name} must be a number of rows, got ${value}`, 'usage');
  return Math.max(0, Math.floor(value));
}

/** What a run id may be: it names files and folders (reports/<run>.html, datasets/<run>/…), so a
 * letter or digit, then letters, digits, `_`, `.`, `-`; at most 128 characters; never `..`. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function isValidRunId(id: string): boolean {
  return RUN_ID_PATTERN.test(id) && !id.includes('..');
}

/** Throw an InputError (field `run-id`) unless `id` is a valid run id. */
export function checkRunId(id: string): void {
  if (isValidRunId(id)) return;
  throw new InputError(
    `invalid run id "${terminalText(id.length > 80 ? `${id.slice(0, 80)}…` : id)}": use 1–128 letters, digits, "_", "." or "-", starting with a letter or digit, without ".."`,
    undefined,
    undefined,
    'run-id',
    'for example --run-id nightly_2026-01-01',
  );
}

/** Open (creating if needed) the store at `path`; `:memory:` works for throwaway use. With
 * `readOnly`, open an existing store without writing anything (see `openReadOnlyDatabase`): for a
 * command that only reads, on a store this user cannot write (`storeWritable`). */
export function openStore(
  path: string = DEFAULT_STORE_PATH,
  /** heartbeatMs: how often a claimed run's heartbeat is written (CLAIM_HEARTBEAT_MS); tests shorten it. */
  opts: { readOnly?: boolean; heartbeatMs?: number } = {},
): Store {
  const file = path === ':memory:' ? path : resolve(path);
  const readOnly = Boolean(opts.readOnly) && file !== ':memory:';
  const db = readOnly ? openReadOnlyDatabase(file) : openDatabase(file);
  /** A JSON column read back; text that is not JSON (the file edited or damaged outside breakfix) is
   * an error naming the row and the column, not a bare JSON.parse message that reads as a bug. */
  const parse = <T>(v: unknown, where: string): T | undefined => {
    if (v === null || v === undefined) return undefined;
    try {
      return JSON.parse(String(v)) as T;
    } catch (err) {
      throw new BreakfixError(
        `${where} is not valid JSON in the store (${(err as Error).message}) (${file})`,
        'store',
        'the file was changed outside breakfix or damaged: restore it from a copy; the other runs in it still read',
      );
    }
  };

  const toRun = (r: Row): RunRow => ({
    id: r.id as string,
    kind: r.kind as string,
    status: r.status as string,
    config: parse(r.config, `run ${r.id}: config`),
    seed: r.seed as number,
    target: opt(r.target as string | null),
    summary: parse(r.summary, `run ${r.id}: summary`),
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
    spendSince: opt(r.spend_since as string | null),
  });

  const verdictsOf = db.prepare('SELECT * FROM verdicts WHERE attempt_id = ? ORDER BY idx');
  const toAttempt = (r: Row): Attempt => {
    const verdicts = (verdictsOf.all(r.id) as Row[]).map(
      (v): Verdict => ({
        judge: v.judge as string,
        kind: v.kind as Verdict['kind'],
        status: v.status as Verdict['status'],
        value: parse(v.value, `attempt ${r.id}: verdict ${v.idx} value`) ?? null,
        ...(v.rationale !== null ? { rationale: v.rationale as string } : {}),
        ...(v.detail !== null ? { detail: parse(v.detail, `attempt ${r.id}: verdict ${v.idx} detail`) } : {}),
      }),
    );
    const a: Attempt = {
      id: r.id as string,
      runId: r.run_id as string,
      seedId: r.seed_id as string,
      attack: r.attack as string,
      techniques: parse<string[]>(r.techniques, `attempt ${r.id}: techniques`) ?? [],
      language: r.language as string,
      transcript: parse(r.transcript, `attempt ${r.id}: transcript`) ?? [],
      verdicts,
      outcome: r.outcome as Attempt['outcome'],
      turns: r.turns as number,
      calls: r.calls as number,
      createdAt: r.created_at as string,
    };
    if (r.round !== null) a.round = r.round as number;
    if (r.category !== null) a.category = r.category as string;
    if (r.severity !== null) a.severity = r.severity as number;
    if (r.error !== null) a.error = r.error as string;
    if (r.retest_of !== null) a.retestOf = r.retest_of as string;
    const searchTries = parse<Attempt['searchTries']>(r.search_tries, `attempt ${r.id}: search_tries`);
    if (searchTries) a.searchTries = searchTries;
    const truncated = parse<Attempt['truncated']>(r.truncation, `attempt ${r.id}: truncation`);
    if (truncated) a.truncated = truncated;
    return a;
  };

  const toModel = (r: Row): ModelRow => {
    const m: ModelRow = { id: r.id as string, target: r.target as string, createdAt: r.created_at as string };
    if (r.path !== null) m.path = r.path as string;
    if (r.parent !== null) m.parent = r.parent as string;
    if (r.round !== null) m.round = r.round as number;
    if (r.run_id !== null) m.runId = r.run_id as string;
    if (r.training_log !== null) m.trainingLog = parse(r.training_log, `model ${r.id}: training_log`);
    return m;
  };

  // ON CONFLICT(id), not OR IGNORE: an attempt already stored (a resumed run) is skipped, but a row
  // that breaks a constraint (a NULL outcome) fails loudly instead of vanishing.
  const insertAttempt = db.prepare(`INSERT INTO attempts
    (id, run_id, round, seed_id, attack, techniques, language, category, transcript, outcome, severity, turns, error, calls, retest_of, search_tries, truncation, created_at)
    VALUES (@id, @runId, @round, @seedId, @attack, @techniques, @language, @category, @transcript, @outcome, @severity, @turns, @error, @calls, @retestOf, @searchTries, @truncation, @createdAt)
    ON CONFLICT(id) DO NOTHING`);
  // A resume told to retry errors replaces an attempt stored as an error in place (its rowid, so
  // its place in plan order, kept); any other stored attempt is kept as it is.
  const replaceErrorAttempt = db.prepare(`INSERT INTO attempts
    (id, run_id, round, seed_id, attack, techniques, language, category, transcript, outcome, severity, turns, error, calls, retest_of, search_tries, truncation, created_at)
    VALUES (@id, @runId, @round, @seedId, @attack, @techniques, @language, @category, @transcript, @outcome, @severity, @turns, @error, @calls, @retestOf, @searchTries, @truncation, @createdAt)
    ON CONFLICT(id) DO UPDATE SET techniques = excluded.techniques, transcript = excluded.transcript,
      outcome = excluded.outcome, severity = excluded.severity, turns = excluded.turns, error = excluded.error,
      calls = excluded.calls, search_tries = excluded.search_tries, truncation = excluded.truncation, created_at = excluded.created_at
    WHERE attempts.outcome = 'error'`);
  const deleteVerdicts = db.prepare('DELETE FROM verdicts WHERE attempt_id = ?');
  const insertVerdict =
    db.prepare(`INSERT INTO verdicts (attempt_id, idx, judge, kind, status, value, rationale, detail)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);

  const saveOne = (a: Attempt, replaceError = false): boolean => {
    // SQLite stores NaN as NULL: a NaN severity would read back as "no severity" (and a NaN count
    // fail on NOT NULL as a bare constraint error). A number that is none is refused by name; it is
    // a bug of whatever computed it (the CLI says so), not something to store.
    for (const [field, value] of [
      ['severity', a.severity],
      ['turns', a.turns],
      ['calls', a.calls],
    ] as const)
      if (value !== undefined && !Number.isFinite(value))
        throw new Error(
          `attempt ${a.id}: ${field} is ${value}, not a number the store can keep; nothing of this batch was stored`,
        );
    const res = (replaceError ? replaceErrorAttempt : insertAttempt).run({
      id: a.id,
      runId: a.runId,
      round: a.round ?? null,
      seedId: a.seedId,
      attack: a.attack,
      techniques: JSON.stringify(a.techniques),
      language: a.language,
      category: a.category ?? null,
      transcript: JSON.stringify(a.transcript),
      outcome: a.outcome,
      severity: a.severity ?? null,
      turns: a.turns,
      error: a.error ?? null,
      calls: a.calls,
      retestOf: a.retestOf ?? null,
      searchTries: json(a.searchTries),
      truncation: json(a.truncated),
      createdAt: a.createdAt,
    });
    if (res.changes === 0) return false; // already stored: resume must never duplicate
    if (replaceError) deleteVerdicts.run(a.id);
    a.verdicts.forEach((v, i) => {
      insertVerdict.run(
        a.id,
        i,
        v.judge,
        v.kind,
        v.status,
        json(v.value),
        v.rationale ?? null,
        json(v.detail),
      );
    });
    return true;
  };
  const saveAttemptTx = db.transaction((a: Attempt) => {
    assertOwned(a.runId);
    return saveOne(a);
  });
  const saveAttemptsTx = db.transaction((list: readonly Attempt[], replaceErrors: boolean) => {
    for (const runId of new Set(list.map((a) => a.runId))) assertOwned(runId);
    return list.filter((a) => saveOne(a, replaceErrors)).length;
  });

  const attemptWhere = (f: AttemptFilter = {}) =>
    where([
      ['run_id', f.runId],
      ['round', f.round],
      ['outcome', f.outcome],
      ['category', f.category],
      ['seed_id', f.seedId],
    ]);

  // A damaged page (a disk error, a copy cut short, a file edited outside breakfix) that opening did
  // not meet must not be written into: checked once, before this process first starts or resumes a run.
  let intact = false;
  const checkIntact = () => {
    if (intact || file === ':memory:') return;
    const result = String(db.pragma('quick_check', { simple: true }) ?? 'unknown');
    if (result !== 'ok')
      throw new InputError(
        `the store is damaged: SQLite's quick check says "${result.split('\n')[0]}"`,
        file,
        undefined,
        undefined,
        "restore the store from a copy, or pass --store with a new path (`breakfix config check` runs SQLite's full integrity check)",
      );
    intact = true;
  };

  const ownerOf = (runId: string): RunOwner | undefined => {
    const row = db.prepare('SELECT owner FROM runs WHERE id = ?').get(runId) as
      | { owner: string | null }
      | undefined;
    return row?.owner ? parse<RunOwner>(row.owner, `run ${runId}: owner`) : undefined;
  };
  // The runs this connection claimed, each with the timer of its heartbeat.
  const heartbeats = new Map<string, NodeJS.Timeout>();
  const stopHeartbeat = (runId: string) => {
    clearInterval(heartbeats.get(runId));
    heartbeats.delete(runId);
  };
  // The runs this connection claimed and found taken by another process, each with who took it: it
  // writes nothing more to them (assertOwned), even after its releaseRun.
  const lost = new Map<string, RunOwner | undefined>();
  const loseClaim = (runId: string): ClaimLostError => {
    stopHeartbeat(runId);
    if (!lost.has(runId)) lost.set(runId, ownerOf(runId));
    return new ClaimLostError(runId, lost.get(runId));
  };
  /** The one check that this process still holds a run it claimed: every write to such a run makes
   * it inside its own transaction (`owned`), and the work loops make it before work that costs. A run
   * this connection never claimed (a command that writes without claiming, a test) is not checked. */
  const ownedByMe = db.prepare(`SELECT 1 FROM runs WHERE id = ? AND ${MINE}`);
  const assertOwned = (runId: string): void => {
    if (lost.has(runId)) throw new ClaimLostError(runId, lost.get(runId));
    if (!heartbeats.has(runId)) return;
    if (!ownedByMe.get(runId, process.pid, hostname())) throw loseClaim(runId);
  };
  /** `write` in one transaction that first checks the claim of the run it writes to (assertOwned):
   * IMMEDIATE, so no other process's commit (a taker's claim) comes between the check and the write.
   * The run is the first argument unless `runIdOf` says otherwise. */
  const owned = <A extends unknown[], R>(
    write: (...args: A) => R,
    runIdOf: (...args: NoInfer<A>) => string | undefined = (...args) => args[0] as string,
  ) => {
    const tx = db.transaction((...args: A): R => {
      const runId = runIdOf(...args);
      if (runId !== undefined) assertOwned(runId);
      return write(...args);
    });
    return (...args: A): R => tx.immediate(...args);
  };
  /** Says the claim's holder still works on the run. A claim no longer this process's was taken over
   * (its heartbeat was late past CLAIM_STALE_MS, or another host's user took it): the run is marked
   * lost, so its next write or check stops the process (ClaimLostError), and said on stderr now, as
   * work that writes nothing for a while (a training) goes on until then. A failed write (the store
   * busy past its timeout) waits for the next beat: it runs in a timer, where a throw would end the
   * process. */
  const beat = (runId: string) => {
    try {
      if (!db.open) return stopHeartbeat(runId);
      const { changes } = db
        .prepare(`UPDATE runs SET owner = json_set(owner, '$.heartbeat', ?) WHERE id = ? AND ${MINE}`)
        .run(now(), runId, process.pid, hostname());
      if (changes > 0) return;
      const owner = loseClaim(runId).takenBy;
      process.stderr.write(
        `breakfix: warning: run ${runId} is no longer this process's: ${owner ? `process ${owner.pid} on host ${terminalText(owner.host)} claimed it at ${terminalText(owner.since)}` : 'its claim was cleared'}; this process writes nothing more to it and stops at its next step\n`,
      );
    } catch {
      // (busy or closing: the next beat writes it)
    }
  };

  /** The viewer's filters as SQL: fixed text, every value bound. */
  const searchWhere = (s: AttemptSearch): { sql: string; params: unknown[] } => {
    const conds = ['run_id = ?'];
    const params: unknown[] = [s.runId];
    const add = (cond: string, ...values: unknown[]) => {
      conds.push(cond);
      params.push(...values);
    };
    if (s.round !== undefined) add('round = ?', s.round);
    if (s.category !== undefined) add('COALESCE(category, ?) = ?', NO_CATEGORY, s.category);
    if (s.language !== undefined) add('language = ?', s.language);
    if (s.outcome !== undefined) add('outcome = ?', s.outcome);
    if (s.technique !== undefined)
      // the attack, one id of the chain, or the whole chain key (ids joined by '+', '(none)' if none)
      add(
        `(attack = ? OR EXISTS (SELECT 1 FROM json_each(attempts.techniques) WHERE value = ?)
          OR COALESCE(NULLIF((SELECT group_concat(value, '+' ORDER BY key) FROM json_each(attempts.techniques)), ''), '(none)') = ?)`,
        s.technique,
        s.technique,
        s.technique,
      );
    return { sql: `WHERE ${conds.join(' AND ')}`, params };
  };
  const searchAttemptsTx = db.transaction((s: AttemptSearch, offset: number, limit: number) => {
    const { sql, params } = searchWhere(s);
    const total = (db.prepare(`SELECT COUNT(*) AS n FROM attempts ${sql}`).get(...params) as { n: number }).n;
    // (an offset past the end is no rows; one past 2^63 is not a number SQLite binds)
    const rows =
      offset >= total || limit === 0
        ? []
        : (db
            .prepare(
              `SELECT * FROM attempts WHERE rowid IN (SELECT rowid FROM attempts ${sql} ORDER BY rowid LIMIT ? OFFSET ?) ORDER BY rowid`,
            )
            .all(...params, limit, offset) as Row[]);
    return { total, attempts: rows.map(toAttempt) };
  });

  const upsertSpend = db.prepare(
    `INSERT INTO spend (run_id, round, stage, role, model, requests, cached, errors, retries, prompt_tokens, completion_tokens)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(run_id, round, stage, role, model) DO UPDATE SET requests = requests + excluded.requests,
           cached = cached + excluded.cached, errors = errors + excluded.errors, retries = retries + excluded.retries,
           prompt_tokens = prompt_tokens + excluded.prompt_tokens, completion_tokens = completion_tokens + excluded.completion_tokens`,
  );
  // (a run an older breakfix started is counted from its first request counted here on)
  const spendFrom = db.prepare('UPDATE runs SET spend_since = ? WHERE id = ? AND spend_since IS NULL');
  const addSpend = db.transaction((key: SpendKey, d: SpendCounts) => {
    upsertSpend.run(
      key.runId,
      key.round ?? NO_ROUND,
      key.stage,
      key.role,
      key.model,
      d.requests ?? 0,
      d.cached ?? 0,
      d.errors ?? 0,
      d.retries ?? 0,
      d.promptTokens ?? 0,
      d.completionTokens ?? 0,
    );
    spendFrom.run(now(), key.runId);
  });

  const store: Store = {
    path: file,
    readOnly,

    createRun(run: NewRun): RunRow {
      checkIntact();
      const id = run.id ?? newRunId();
      // A run id names files (reports/<run>.html, datasets/<run>/…): refused before anything is written.
      checkRunId(id);
      const t = now();
      db.prepare(
        // A run that already exists (resume with an explicit id) is returned as it is; a run that breaks
        // a constraint (a NaN seed stored as NULL) is an error, not a silently missing row.
        `INSERT INTO runs (id, kind, status, config, seed, target, created_at, updated_at, spend_since)
         VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
      ).run(
        id,
        run.kind,
        JSON.stringify(redactConfig(run.config ?? {})),
        run.seed,
        run.target ?? null,
        t,
        t,
        t,
      );
      return store.getRun(id)!;
    },
    getRun(id) {
      const r = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
      return r ? toRun(r) : undefined;
    },
    listRuns(kind) {
      const rows = (
        kind === undefined
          ? db.prepare('SELECT * FROM runs ORDER BY created_at, rowid').all()
          : db.prepare('SELECT * FROM runs WHERE kind = ? ORDER BY created_at, rowid').all(kind)
      ) as Row[];
      return rows.map(toRun);
    },
    latestRun(kind) {
      const r = (
        kind === undefined
          ? db.prepare('SELECT * FROM runs ORDER BY created_at DESC, rowid DESC LIMIT 1').get()
          : db
              .prepare('SELECT * FROM runs WHERE kind = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
              .get(kind)
      ) as Row | undefined;
      return r ? toRun(r) : undefined;
    },
    updateRun: owned((id: string, patch: Parameters<Store['updateRun']>[1]) => {
      db.prepare(
        `UPDATE runs SET status = COALESCE(?, status), summary = COALESCE(?, summary), config = COALESCE(?, config), updated_at = ? WHERE id = ?`,
      ).run(
        patch.status ?? null,
        json(patch.summary),
        patch.config === undefined ? null : JSON.stringify(redactConfig(patch.config)),
        now(),
        id,
      );
    }),

    upsertRound: owned((runId: string, round: number, patch: Parameters<Store['upsertRound']>[2]) => {
      db.prepare(
        `INSERT INTO rounds (run_id, round, model, status, step, metrics, updated_at)
         VALUES (@runId, @round, @model, COALESCE(@status, 'pending'), @step, @metrics, @t)
         ON CONFLICT(run_id, round) DO UPDATE SET
           model = COALESCE(@model, model), status = COALESCE(@status, status),
           step = COALESCE(@step, step), metrics = COALESCE(@metrics, metrics), updated_at = @t`,
      ).run({
        runId,
        round,
        model: patch.model ?? null,
        status: patch.status ?? null,
        step: patch.step ?? null,
        metrics: json(patch.metrics),
        t: now(),
      });
    }),
    getRounds(runId) {
      return (db.prepare('SELECT * FROM rounds WHERE run_id = ? ORDER BY round').all(runId) as Row[]).map(
        (r): RoundRow => ({
          runId: r.run_id as string,
          round: r.round as number,
          model: opt(r.model as string | null),
          status: r.status as string,
          step: opt(r.step as string | null),
          metrics: parse(r.metrics, `run ${r.run_id} round ${r.round}: metrics`),
          updatedAt: r.updated_at as string,
        }),
      );
    },

    markStep: owned((runId: string, round: number, step: string, data?: unknown) => {
      db.prepare(
        `INSERT INTO steps (run_id, round, step, data, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(run_id, round, step) DO UPDATE SET data = excluded.data, created_at = excluded.created_at`,
      ).run(runId, round, step, json(data), now());
    }),
    getStep(runId, round, step) {
      const r = db
        .prepare('SELECT * FROM steps WHERE run_id = ? AND round = ? AND step = ?')
        .get(runId, round, step) as Row | undefined;
      return r
        ? {
            runId,
            round,
            step,
            data: parse(r.data, `run ${runId} round ${round} step ${step}: data`),
            createdAt: r.created_at as string,
          }
        : undefined;
    },

    saveAttempt: (a) => saveAttemptTx.immediate(a),
    saveAttempts: (list, opts) => saveAttemptsTx.immediate(list, opts?.replaceErrors ?? false),
    hasAttempt(id) {
      return db.prepare('SELECT 1 FROM attempts WHERE id = ?').get(id) !== undefined;
    },
    getAttempt(id) {
      const r = db.prepare('SELECT * FROM attempts WHERE id = ?').get(id) as Row | undefined;
      return r ? toAttempt(r) : undefined;
    },
    listAttempts(filter = {}) {
      const { sql, params } = attemptWhere(filter);
      // Bound like every other value (NaN or Infinity written into the SQL read as a column name).
      const limit = filter.limit === Number.POSITIVE_INFINITY ? -1 : rowCount('limit', filter.limit, -1);
      const offset = rowCount('offset', filter.offset, 0);
      const rows = db
        .prepare(`SELECT * FROM attempts ${sql} ORDER BY rowid LIMIT ? OFFSET ?`)
        .all(...params, limit, offset) as Row[];
      return rows.map(toAttempt);
    },
    countAttempts(filter = {}) {
      const { sql, params } = attemptWhere(filter);
      return (db.prepare(`SELECT COUNT(*) AS n FROM attempts ${sql}`).get(...params) as { n: number }).n;
    },
    searchAttempts(search, page) {
      return searchAttemptsTx(
        search,
        // (an offset too large to count is past the end, as any offset past the total is)
        page.offset === Number.POSITIVE_INFINITY ? page.offset : rowCount('offset', page.offset, 0),
        page.limit === Number.POSITIVE_INFINITY ? -1 : rowCount('limit', page.limit, -1),
      );
    },
    attemptFacets(runId): AttemptFacets {
      // One pass over the run's index entries (attempts_view holds every column read here): its
      // distinct combinations are few (rounds × categories × chains × languages).
      const rows = db
        .prepare(
          `SELECT round, category, language, techniques FROM attempts WHERE run_id = ?
           GROUP BY round, category, language, techniques`,
        )
        .all(runId) as Row[];
      const rounds = new Set<number>();
      const categories = new Set<string | undefined>();
      const chains = new Map<string, string[]>();
      const languages = new Set<string>();
      for (const r of rows) {
        if (r.round !== null) rounds.add(r.round as number);
        categories.add(opt(r.category as string | null));
        languages.add(r.language as string);
        const t = r.techniques as string;
        if (chains.has(t)) continue;
        let chain: string[];
        try {
          chain = JSON.parse(t) as string[];
        } catch {
          // (damaged: the error names an attempt that holds it)
          const { id } = db
            .prepare('SELECT id FROM attempts WHERE run_id = ? AND techniques = ? ORDER BY rowid LIMIT 1')
            .get(runId, t) as { id: string };
          chain = parse<string[]>(t, `attempt ${id}: techniques`) ?? [];
        }
        chains.set(t, chain);
      }
      return {
        rounds: [...rounds],
        categories: [...categories],
        chains: [...chains.values()],
        languages: [...languages],
      };
    },

    addSpend(key, delta) {
      // (write-locked from its start: another process's writes between its two statements would
      // otherwise end it in SQLITE_BUSY rather than wait)
      addSpend.immediate(key, delta);
    },
    listSpend(runId) {
      const rows = db
        .prepare('SELECT * FROM spend WHERE run_id = ? ORDER BY round, rowid')
        .all(runId) as Row[];
      return rows.map(
        (r): SpendRow => ({
          ...(r.round !== NO_ROUND && { round: r.round as number }),
          stage: r.stage as string,
          role: r.role as string,
          model: r.model as string,
          requests: r.requests as number,
          cached: r.cached as number,
          errors: r.errors as number,
          retries: r.retries as number,
          promptTokens: r.prompt_tokens as number,
          completionTokens: r.completion_tokens as number,
        }),
      );
    },

    saveBenchResult: owned(
      (r: BenchResultInput) => {
        db.prepare(
          `INSERT INTO bench_results (run_id, round, suite, model, metrics, items, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(run_id, round, suite, model) DO UPDATE SET metrics = excluded.metrics, items = excluded.items,
           created_at = excluded.created_at`,
        ).run(
          r.runId,
          r.round ?? NO_ROUND,
          r.suite,
          r.model,
          JSON.stringify(r.metrics),
          json(r.items),
          now(),
        );
      },
      (r) => r.runId,
    ),
    listBenchResults(runId, round) {
      const rows = (
        round === undefined
          ? db.prepare('SELECT * FROM bench_results WHERE run_id = ? ORDER BY round, rowid').all(runId)
          : db
              .prepare('SELECT * FROM bench_results WHERE run_id = ? AND round = ? ORDER BY rowid')
              .all(runId, round)
      ) as Row[];
      return rows.map((r): BenchResultRow => {
        const out: BenchResultRow = {
          runId: r.run_id as string,
          suite: r.suite as string,
          model: r.model as string,
          metrics: parse(r.metrics, `run ${r.run_id} bench suite ${r.suite}: metrics`) ?? {},
          createdAt: r.created_at as string,
        };
        if (r.round !== NO_ROUND) out.round = r.round as number;
        if (r.items !== null) out.items = parse(r.items, `run ${r.run_id} bench suite ${r.suite}: items`);
        return out;
      });
    },

    saveVulnerabilities: owned((runId: string, round: number, vulns: readonly Vulnerability[]) => {
      // A round's vulnerabilities are one computed set: replace it whole.
      db.prepare('DELETE FROM vulnerabilities WHERE run_id = ? AND round = ?').run(runId, round);
      const ins = db.prepare(
        'INSERT INTO vulnerabilities (run_id, round, id, score, data) VALUES (?, ?, ?, ?, ?)',
      );
      for (const v of vulns) ins.run(runId, round, v.id, v.score, JSON.stringify(v));
    }),
    listVulnerabilities(runId, round) {
      return (
        db
          .prepare(
            'SELECT id, data FROM vulnerabilities WHERE run_id = ? AND round = ? ORDER BY score DESC, id',
          )
          .all(runId, round) as Row[]
      ).map(
        (r) =>
          parse<Vulnerability>(r.data, `run ${runId} round ${round} vulnerability ${r.id}`) as Vulnerability,
      );
    },

    saveRecords: owned(
      (runId: string, round: number, dataset: string, records: readonly TrainingRecord[]) => {
        // A dataset is one curated set: replace it whole (re-curation must not leave stale records).
        db.prepare('DELETE FROM records WHERE run_id = ? AND round = ? AND dataset = ?').run(
          runId,
          round,
          dataset,
        );
        const ins = db.prepare(
          'INSERT OR REPLACE INTO records (run_id, round, dataset, id, seq, data) VALUES (?, ?, ?, ?, ?, ?)',
        );
        records.forEach((rec, i) => {
          ins.run(runId, round, dataset, rec.id, i, JSON.stringify(rec));
        });
      },
    ),
    claimRun(runId, claimOpts = {}) {
      checkIntact();
      const claim = db.transaction((): { heldBy?: RunOwner; tookOver?: RunOwner } => {
        const held = ownerOf(runId);
        const local = held?.host === hostname();
        if (held && local && held.pid !== process.pid && isAlive(held)) return { heldBy: held };
        if (held && !local && !claimOpts.takeOver && claimIsFresh(held, Date.now())) return { heldBy: held };
        const start = processStart(process.pid);
        const t = now();
        const me: RunOwner = {
          pid: process.pid,
          host: hostname(),
          since: t,
          ...(start && { start }),
          heartbeat: t,
        };
        db.prepare('UPDATE runs SET owner = ? WHERE id = ?').run(JSON.stringify(me), runId);
        return held && !local ? { tookOver: held } : {};
      });
      const result = claim.immediate();
      if (!result.heldBy) lost.delete(runId);
      if (!result.heldBy && !heartbeats.has(runId)) {
        const timer = setInterval(() => beat(runId), opts.heartbeatMs ?? CLAIM_HEARTBEAT_MS);
        timer.unref(); // the heartbeat keeps no process alive that has nothing else to do
        heartbeats.set(runId, timer);
      }
      return result;
    },
    assertOwned,
    releaseRun(runId) {
      stopHeartbeat(runId);
      db.prepare(`UPDATE runs SET owner = NULL WHERE id = ? AND ${MINE}`).run(runId, process.pid, hostname());
    },
    saveCuration: owned(
      (
        runId: string,
        round: number,
        curated: { sft: readonly TrainingRecord[]; preference: readonly TrainingRecord[] },
      ) => {
        store.saveRecords(runId, round, 'sft', curated.sft);
        store.saveRecords(runId, round, 'preference', curated.preference);
      },
    ),
    listRecords({ runId, round, dataset }) {
      const { sql, params } = where([
        ['run_id', runId],
        ['round', round],
        ['dataset', dataset],
      ]);
      return (
        db.prepare(`SELECT id, data FROM records ${sql} ORDER BY round, dataset, seq`).all(...params) as Row[]
      ).map((r) => parse<TrainingRecord>(r.data, `training record ${r.id}`) as TrainingRecord);
    },

    registerModel: owned(
      (m: ModelInput) => {
        db.prepare(
          `INSERT INTO models (id, target, path, parent, round, run_id, training_log, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET target = excluded.target, path = excluded.path, parent = excluded.parent,
           round = excluded.round, run_id = excluded.run_id, training_log = excluded.training_log`,
        ).run(
          m.id,
          m.target,
          m.path ?? null,
          m.parent ?? null,
          m.round ?? null,
          m.runId ?? null,
          json(m.trainingLog),
          now(),
        );
        return store.getModel(m.id)!;
      },
      (m) => m.runId,
    ),
    getModel(id) {
      const r = db.prepare('SELECT * FROM models WHERE id = ?').get(id) as Row | undefined;
      return r ? toModel(r) : undefined;
    },
    listModels() {
      return (db.prepare('SELECT * FROM models ORDER BY created_at, rowid').all() as Row[]).map(toModel);
    },

    cacheGet(key) {
      const r = db.prepare('SELECT reply FROM cache WHERE key = ?').get(key) as Row | undefined;
      if (!r) return undefined;
      // A damaged cache entry is a miss: the request is sent again and the entry replaced. JSON that
      // is no reply (no text to judge) is as damaged as text that is no JSON.
      let reply: Partial<Reply> | null;
      try {
        reply = JSON.parse(r.reply as string);
      } catch {
        return undefined;
      }
      const isReply =
        typeof reply === 'object' &&
        reply !== null &&
        typeof reply.text === 'string' &&
        typeof reply.finishReason === 'string';
      return isReply ? (reply as Reply) : undefined;
    },
    cachePut(key, reply) {
      const { cached: _cached, ...rest } = reply;
      db.prepare('INSERT OR REPLACE INTO cache (key, reply, created_at) VALUES (?, ?, ?)').run(
        key,
        JSON.stringify(rest),
        now(),
      );
    },

    changeStamp() {
      // data_version moves on another connection's commits, total_changes() on this one's.
      const other = db.pragma('data_version', { simple: true });
      const own = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
      return `${other}:${own}`;
    },
    integrityCheck() {
      return (db.pragma('integrity_check', { simple: true }) as string) ?? 'unknown';
    },
    close() {
      for (const runId of [...heartbeats.keys()]) stopHeartbeat(runId);
      if (db.open) db.close();
    },
  };
  return withStoreErrors(store, file);
}

/** The owner record's pid and host are this process's (bound in that order). */
const MINE = "json_extract(owner, '$.pid') = ? AND json_extract(owner, '$.host') = ?";
