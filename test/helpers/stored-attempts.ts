// Waiting for a CLI child's run to have stored attempts, before a test stops it: then the resume has
// some to skip, on a slow machine and a fast one alike. (A fixed 1.5 s found one attempt stored at
// load 44 here; on a fast machine a 40-attempt run can end before it.)
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

/** Resolves once run `runId` has at least `n` attempts in the store at `file` (read-only: the child
 * writes it), or once `child` has exited (the caller's assertions on its exit then say why). */
export async function untilStored(
  file: string,
  runId: string,
  n: number,
  child: ChildProcess,
): Promise<void> {
  const count = () => {
    if (!existsSync(file)) return 0;
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { readonly: true });
      return (db.prepare('SELECT COUNT(*) AS n FROM attempts WHERE run_id = ?').get(runId) as { n: number })
        .n;
    } catch {
      // (the child opens its store after it names the run: a file not yet given its tables)
      return 0;
    } finally {
      db?.close();
    }
  };
  while (child.exitCode === null && child.signalCode === null && count() < n)
    await new Promise((r) => setTimeout(r, 20));
}
