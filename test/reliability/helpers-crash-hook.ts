// Loaded with `node --import tsx --import <this file>` into a breakfix process that the crash tests
// kill: it SIGKILLs its own process at an exact point of a store write, chosen by environment:
//   BF_CRASH_TX=n            inside the n-th store transaction that writes rows (attempts, records,
//                            vulnerabilities, seeds): its statements have run, its COMMIT has not
//   BF_CRASH_SQL=regex, BF_CRASH_SQL_N=n
//                            right after the n-th run of a statement matching regex (a single-row
//                            write: a bench result, a step marker, a model), before the next one
//   BF_CRASH_FILE=regex, BF_CRASH_FILE_N=n
//                            right after the n-th writeFileSync to a path matching regex (an
//                            export's staged file), before the next
//   BF_CRASH_ARM=regex       count only once the process has written a line matching regex to
//                            stderr (its progress), so a kill point lands in a chosen phase
// SIGKILL cannot be caught: the process dies as it would from the OOM killer or a power cut to the
// process, with no cleanup, no flush and no exit handlers. Nothing in src/ knows about this file.
import { writeSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';

type Fn = (...args: unknown[]) => unknown;
interface Stmt {
  run: Fn;
}
interface DbProto {
  transaction(fn: Fn): Fn;
  prepare(sql: string): Stmt;
}

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as { prototype: DbProto };

function die(what: string): never {
  writeSync(2, `crash-hook: SIGKILL ${what}\n`);
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL to oneself is delivered before kill() returns; this is never reached.
  throw new Error('unreachable');
}

// Armed from the start, or once a progress line matching BF_CRASH_ARM has been written.
let armed = !process.env.BF_CRASH_ARM;
if (!armed) {
  const arm = new RegExp(process.env.BF_CRASH_ARM as string);
  const write = process.stderr.write.bind(process.stderr) as (...a: unknown[]) => boolean;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (!armed && arm.test(String(chunk))) armed = true;
    return write(chunk, ...rest);
  }) as typeof process.stderr.write;
}

const txAt = Number(process.env.BF_CRASH_TX ?? 0);
if (txAt > 0) {
  let seen = 0;
  const transaction = Database.prototype.transaction;
  Database.prototype.transaction = function (this: unknown, fn: Fn) {
    return transaction.call(this, function (this: unknown, ...args: unknown[]) {
      const out = fn.apply(this, args);
      // Migrations run argument-less transactions; the row writes all take their rows.
      if (armed && args.length > 0 && ++seen === txAt) die(`inside store transaction ${seen}, before COMMIT`);
      return out;
    });
  };
}

const sqlPattern = process.env.BF_CRASH_SQL ? new RegExp(process.env.BF_CRASH_SQL) : undefined;
if (sqlPattern) {
  const at = Number(process.env.BF_CRASH_SQL_N ?? 1);
  let seen = 0;
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (this: unknown, sql: string) {
    const stmt = prepare.call(this, sql);
    if (sqlPattern.test(sql)) {
      const run = stmt.run;
      stmt.run = function (this: unknown, ...args: unknown[]) {
        const out = run.apply(this, args);
        if (armed && ++seen === at) die(`after write ${seen} matching /${sqlPattern.source}/`);
        return out;
      };
    }
    return stmt;
  };
}

const filePattern = process.env.BF_CRASH_FILE ? new RegExp(process.env.BF_CRASH_FILE) : undefined;
if (filePattern) {
  const at = Number(process.env.BF_CRASH_FILE_N ?? 1);
  let seen = 0;
  const fs = require('node:fs') as { writeFileSync: Fn };
  const writeFileSync = fs.writeFileSync;
  fs.writeFileSync = function (this: unknown, ...args: unknown[]) {
    const out = writeFileSync.apply(this, args);
    if (armed && filePattern.test(String(args[0])) && ++seen === at)
      die(`after file write ${seen} matching /${filePattern.source}/`);
    return out;
  };
  // (the ESM `import { writeFileSync } from 'node:fs'` bindings follow the patched function)
  syncBuiltinESMExports();
}
