// Folders and files breakfix writes to (the store's folder, --out of report and curate, init's
// config file): made, or refused with one InputError that names the path and what is wrong — never a
// raw ENOTDIR/EEXIST/EISDIR. Folders are made one level at a time, never with a recursive mkdir:
// Node 20's recursive mkdirSync loops forever on some paths (under /proc).
import { accessSync, constants, mkdirSync, type Stats, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeFsError, InputError } from '../core/index.js';

/** What an errno means, in words. */
export { describeFsError };

interface Options {
  /** How the folder is named in messages ("output folder", "store folder"…). */
  what?: string;
  /** Create missing folders (default); with false, a missing folder is an error. */
  create?: boolean;
  /** The hint on every error. */
  hint?: string;
}

/** Check that `dir` is, or can be made, a folder this process can write in; creates nothing. Returns
 * the absolute path and the folders that would have to be made (outermost first). */
export function checkOutputDir(dir: string, opts: Options = {}): { dir: string; missing: string[] } {
  const what = opts.what ?? 'output folder';
  const abs = resolve(dir);
  const fail = (message: string) => new InputError(message, abs, undefined, undefined, opts.hint);
  const missing: string[] = [];
  let cur = abs;
  let stat: Stats;
  for (;;) {
    try {
      stat = statSync(cur);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOTDIR: an ancestor is a file; keep climbing to name it.
      if (code !== 'ENOENT' && code !== 'ENOTDIR')
        throw fail(`cannot use the ${what}: ${cur}: ${describeFsError(err)}`);
      const parent = dirname(cur);
      if (parent === cur) throw fail(`cannot use the ${what}: ${cur} does not exist`);
      missing.unshift(cur);
      cur = parent;
    }
  }
  if (!stat.isDirectory())
    throw fail(
      cur === abs
        ? `the ${what} is a file, not a folder`
        : `cannot create the ${what}: ${cur} is a file, not a folder`,
    );
  if (missing.length > 0 && opts.create === false)
    throw fail(`the ${what} does not exist${missing[0] === abs ? '' : `: ${missing[0]} is missing`}`);
  try {
    accessSync(cur, constants.W_OK);
  } catch (err) {
    throw fail(
      cur === abs
        ? `cannot write in the ${what}: ${describeFsError(err)}`
        : `cannot create the ${what}: cannot write in ${cur} (${describeFsError(err)})`,
    );
  }
  return { dir: abs, missing };
}

/** Make `dir` (and missing parents) a folder to write in, or throw an InputError naming it and why
 * not. Returns the absolute path. */
export function ensureOutputDir(dir: string, opts: Options = {}): string {
  const what = opts.what ?? 'output folder';
  const { dir: abs, missing } = checkOutputDir(dir, opts);
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (err) {
      // Made meanwhile by someone else: fine, when it is a folder.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && isDir(d)) continue;
      throw new InputError(
        `cannot create the ${what}: ${d}: ${describeFsError(err)}`,
        abs,
        undefined,
        undefined,
        opts.hint,
      );
    }
  }
  return abs;
}

/** Check that `file` can be written: its folder as checkOutputDir, and the file not a folder. */
export function checkOutputFile(file: string, opts: Options = {}): string {
  const what = opts.what ?? 'output file';
  const abs = resolve(file);
  checkOutputDir(dirname(abs), { ...opts, what: `folder of the ${what}` });
  if (isDir(abs))
    throw new InputError(`the ${what} is a folder, not a file`, abs, undefined, undefined, opts.hint);
  return abs;
}

/** Write `data` to `file`, making its folder (unless create: false); every failure is an InputError
 * naming the file. Returns the absolute path written. */
export function writeOutputFile(file: string, data: string | Uint8Array, opts: Options = {}): string {
  const what = opts.what ?? 'output file';
  const abs = checkOutputFile(file, opts);
  ensureOutputDir(dirname(abs), { ...opts, what: `folder of the ${what}` });
  try {
    writeFileSync(abs, data);
  } catch (err) {
    throw new InputError(
      `cannot write the ${what}: ${describeFsError(err)}`,
      abs,
      undefined,
      undefined,
      opts.hint,
    );
  }
  return abs;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
