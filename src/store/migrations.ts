// Versioned schema migrations, applied in order; `PRAGMA user_version` records the last applied.
// Never edit a released migration: append a new one.
import type Database from 'better-sqlite3';

export const migrations: string[] = [
  // 1: the initial schema
  `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'running',
    config TEXT NOT NULL,
    seed INTEGER NOT NULL,
    target TEXT,
    summary TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX runs_kind ON runs(kind, created_at);

  CREATE TABLE rounds (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    round INTEGER NOT NULL,
    model TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    step TEXT,
    metrics TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (run_id, round)
  );

  CREATE TABLE steps (
    run_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    step TEXT NOT NULL,
    data TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (run_id, round, step)
  );

  CREATE TABLE seeds (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    category TEXT,
    language TEXT NOT NULL,
    source TEXT NOT NULL,
    split TEXT,
    data TEXT NOT NULL
  );
  CREATE INDEX seeds_kind ON seeds(kind, category);

  CREATE TABLE attempts (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    round INTEGER,
    seed_id TEXT NOT NULL,
    attack TEXT NOT NULL,
    techniques TEXT NOT NULL,
    language TEXT NOT NULL,
    category TEXT,
    transcript TEXT NOT NULL,
    outcome TEXT NOT NULL,
    severity REAL,
    turns INTEGER NOT NULL,
    error TEXT,
    calls INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX attempts_run ON attempts(run_id, round, outcome);

  CREATE TABLE verdicts (
    attempt_id TEXT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    judge TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    value TEXT,
    rationale TEXT,
    detail TEXT,
    PRIMARY KEY (attempt_id, idx)
  );

  CREATE TABLE bench_results (
    run_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    suite TEXT NOT NULL,
    model TEXT NOT NULL,
    metrics TEXT NOT NULL,
    items TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (run_id, round, suite, model)
  );

  CREATE TABLE vulnerabilities (
    run_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    id TEXT NOT NULL,
    score REAL NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (run_id, round, id)
  );

  CREATE TABLE records (
    run_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    dataset TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (run_id, round, dataset, id)
  );

  CREATE TABLE models (
    id TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    path TEXT,
    parent TEXT,
    round INTEGER,
    run_id TEXT,
    training_log TEXT,
    created_at TEXT NOT NULL
  );

  CREATE TABLE cache (
    key TEXT PRIMARY KEY,
    reply TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  `,
  // 2: a retest attempt names the attempt it sent again
  `
  ALTER TABLE attempts ADD COLUMN retest_of TEXT;
  `,
  // 3: the process working on a run (JSON {pid, host, since}), so a second one does not send it again
  `
  ALTER TABLE runs ADD COLUMN owner TEXT;
  `,
  // 4: the seeds table goes: nothing wrote it (a global table keyed by seed id could not have said which
  // seeds a run attacked anyway, and user seed ids repeat across edited files). A run's seeds are its
  // seed files, fingerprinted at its start; a resume on other seeds is refused (exit 2).
  `
  DROP TABLE IF EXISTS seeds;
  `,
  // 5: the viewer filters and pages a run's attempts, and lists their distinct values, in SQL: an index
  // holding every column it filters on answers those from the index alone, not from the rows (whose
  // transcripts make a run of 100k attempts hundreds of MB). It starts with the columns of
  // attempts_run (run_id, round, outcome), so it serves every query that one did, and replaces it.
  `
  CREATE INDEX IF NOT EXISTS attempts_view ON attempts(run_id, round, outcome, language, category, attack, techniques);
  DROP INDEX IF EXISTS attempts_run;
  `,
  // 6: what a run spent: requests and tokens per round, stage, role and model, added to as each
  // request ends (a crash loses none that ended, a resume adds only its own). spend_since: since when
  // a run's requests are counted (NULL: a run of an older breakfix, nothing counted).
  `
  CREATE TABLE spend (
    run_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    stage TEXT NOT NULL,
    role TEXT NOT NULL,
    model TEXT NOT NULL,
    requests INTEGER NOT NULL DEFAULT 0,
    cached INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    retries INTEGER NOT NULL DEFAULT 0,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, round, stage, role, model)
  );
  ALTER TABLE runs ADD COLUMN spend_since TEXT;
  `,
  // 7: a search attempt's tries (JSON [{arm, reward, success}]), which a resumed red team replays into
  // the search's bandits: with its successful arm alone, the attempts after it picked other arms than
  // an uninterrupted run of the same seed, and the run's summary lost the stored attempts' tries.
  `
  ALTER TABLE attempts ADD COLUMN search_tries TEXT;
  `,
  // 8: how many of an attempt's prompts the target read cut short (JSON PromptCuts), so that a resumed
  // run counts the attempts it stored before too. NULL: stored by an older breakfix, not known.
  `
  ALTER TABLE attempts ADD COLUMN truncation TEXT;
  `,
];

/** Apply every migration newer than the database's `user_version`, each in its own transaction. */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(
      `store schema version ${current} is newer than this breakfix understands (${migrations.length}); upgrade breakfix`,
    );
  }
  // Each step reads the version inside a write-locked (IMMEDIATE) transaction: two processes opening a
  // new store at once (two commands started together) would otherwise both read version 0 and the
  // second would fail on "table runs already exists". The second waits (busy_timeout) and finds the
  // migration done.
  const step = db.transaction(() => {
    const v = db.pragma('user_version', { simple: true }) as number;
    if (v >= migrations.length) return false;
    db.exec(migrations[v]!);
    db.pragma(`user_version = ${v + 1}`);
    return true;
  });
  while (step.immediate()) {}
  return migrations.length;
}
