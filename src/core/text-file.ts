// Reading the user's text files (seeds, templates, datasets, labels, configs) one way: strict
// UTF-8, so invalid bytes are an error naming their line instead of U+FFFD that fails later on the
// wrong field (or not at all); a byte-order mark dropped; a file-system failure said in words.
import { constants, isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { InputError } from './errors.js';

/** A file-system error in words a user can act on ("no such file or folder", not ENOENT). */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENOENT':
      return 'no such file or folder';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'EEXIST':
      return 'something else already exists there';
    default:
      return code ?? (err instanceof Error ? err.message : String(err));
  }
}

/** How a format ends its lines: YAML and CSV at \n, \r\n or a lone \r always; JSON Lines at a lone
 * \r only in a file whose first line ends at one (tabular.ts's jsonLineEnds: elsewhere a raw CR is
 * JSON whitespace inside a line). */
export type LineEnds = 'text' | 'jsonl';

/** The 1-based line holding the first invalid UTF-8 sequence, lines numbered as the file's reader
 * numbers them (`ends`): a classic Mac file's bad byte was said at line 1. */
export function firstNonUtf8Line(bytes: Uint8Array, ends: LineEnds = 'text'): number | undefined {
  const firstEnd = bytes.findIndex((b) => b === 0x0a || b === 0x0d);
  const loneCrEnds =
    ends === 'text' || (firstEnd >= 0 && bytes[firstEnd] === 0x0d && bytes[firstEnd + 1] !== 0x0a);
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    const lf = bytes[i] === 0x0a;
    const loneCr = loneCrEnds && bytes[i] === 0x0d && bytes[i + 1] !== 0x0a;
    if (i === bytes.length || lf || loneCr) {
      if (!isUtf8(bytes.subarray(start, i))) return line;
      line++;
      start = i + 1;
    }
  }
  return undefined;
}

/** Whether bytes begin as UTF-16 text does: a byte-order mark (what Windows PowerShell's `>` and
 * Excel's "Unicode text" write), or a NUL among the first two bytes (ASCII in UTF-16 without a mark),
 * which no text a user writes in UTF-8 begins with. */
export function startsAsUtf16(bytes: Uint8Array): boolean {
  const bom =
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  return bom || bytes[0] === 0 || bytes[1] === 0;
}

/** The text of a UTF-8 file; `what` names it in errors ("seed file", "dataset"), `ends` is how its
 * format ends lines (for the line an invalid byte is said at). */
export function readUtf8File(
  path: string,
  what = 'file',
  opts: { tooLargeHint?: string; ends?: LineEnds } = {},
): string {
  const tooLargeHint = opts.tooLargeHint ?? 'split it into several smaller files';
  checkTextSize(path, what, tooLargeHint);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new InputError(`cannot read the ${what}: ${describeFsError(err)}`, path);
  }
  // (read on, a UTF-16 file without a mark passes as UTF-8: a CSV header "i d , p r o m p t", JSON
  // "Expected property name"; with the mark it is merely "not valid UTF-8")
  if (startsAsUtf16(bytes))
    throw new InputError(
      `the ${what} is UTF-16, not UTF-8`,
      path,
      1,
      undefined,
      'save it as UTF-8 (iconv -f UTF-16 -t UTF-8, or "CSV UTF-8" in a spreadsheet\'s Save As)',
    );
  if (!isUtf8(bytes))
    throw new InputError(
      `the ${what} is not valid UTF-8 (save it as UTF-8)`,
      path,
      firstNonUtf8Line(bytes, opts.ends),
    );
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A text file is read as one string, and V8 caps a string at about 512 MiB: past that, reading it
 * fails with "Cannot create a string longer than …", which names no file and reads as a bug. Such a
 * file is an InputError saying what to do. (A file that cannot be stat'ed is left to the read, which
 * names the problem.) */
function checkTextSize(path: string, what: string, hint: string): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return;
  }
  if (size > constants.MAX_STRING_LENGTH)
    throw new InputError(
      `the ${what} is ${Math.round(size / 2 ** 20)} MiB: it is read whole, and at most ${Math.floor(constants.MAX_STRING_LENGTH / 2 ** 20)} MiB can be`,
      path,
      undefined,
      undefined,
      hint,
    );
}

/** The parsed JSON of a UTF-8 file; a file that cannot be read or parsed is an InputError naming it
 * (with `hint`, what to do about a damaged one). */
export function readJsonFile(path: string, what = 'file', hint?: string): unknown {
  const text = readUtf8File(path, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`, path, undefined, undefined, hint);
  }
}
