// The --in and --out of a command that reads a file line by line and writes each line back with
// fields added (`breakfix judge refusal --in F --out G`): input checked before anything is written,
// output staged beside its place and renamed in only when the run is complete.
import {
  closeSync,
  createReadStream,
  createWriteStream,
  fchmodSync,
  fstatSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import type { Writable } from 'node:stream';
import { describeFsError } from '../config/outdir.js';
import { InputError, startsAsUtf16 } from '../core/index.js';

/** `--in`: stdin for `-`, else the file opened now, so that a missing or unreadable file or a
 * directory is an InputError before anything is written. */
export function openInput(file: string): AsyncIterable<Buffer> {
  if (file === '-') return process.stdin;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new InputError(e.code === 'ENOENT' ? 'file not found' : `cannot read file: ${e.message}`, file);
  }
  if (fstatSync(fd).isDirectory()) {
    closeSync(fd);
    throw new InputError('not a file (a directory)', file);
  }
  return createReadStream('', { fd });
}

/** Whether the file has a character that is not white space (it is read only up to the first);
 * undefined for a pipe (`--in <(zcat x.gz)`) or a device, which cannot be read twice: what this
 * read would be lost to the run. */
export function hasText(file: string): boolean | undefined {
  const fd = openSync(file, 'r');
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return false;
      for (let i = 0; i < n; i++) {
        const b = buf[i];
        // space, \t, \n, \r, and the bytes of a UTF-8 byte-order mark
        if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0xef && b !== 0xbb && b !== 0xbf)
          return true;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** `--out`: stdout for `-`; a device or a pipe (/dev/null, a FIFO) written in place; any other path
 * staged beside itself (`OUT.partial-PID`) and renamed over OUT by `commit` once the run is complete,
 * so that a run stopped midway (Ctrl-C, a crash, a full disk) leaves an existing OUT as it was, never
 * part old and part new; `discard` removes the staged file instead (a run that wrote nothing worth
 * keeping). A path that cannot be written is a clear error here, not a stream 'error'
 * event later. */
export function openOutput(file: string): {
  stream: Writable;
  /** Whether OUT is written beside itself until `commit` (false: stdout, a device or a pipe). */
  staged: boolean;
  commit(): void;
  discard(): void;
} {
  if (file === '-') return { stream: process.stdout, staged: false, commit() {}, discard() {} };
  try {
    const st = statSync(file, { throwIfNoEntry: false });
    // (a folder fails here too: EISDIR)
    if (st && !st.isFile())
      return {
        stream: createWriteStream('', { fd: openSync(file, 'w'), encoding: 'utf8' }),
        staged: false,
        commit() {},
        discard() {},
      };
    // An existing file: can it be written (opened without truncating it)? Through a symlink, the file
    // it points to is the one replaced.
    if (st) closeSync(openSync(file, 'r+'));
    const path = st ? realpathSync(file) : file;
    const partial = `${path}.partial-${process.pid}`;
    const fd = openSync(partial, 'w');
    if (st) fchmodSync(fd, st.mode & 0o777);
    // A run that throws leaves no partial file behind (one killed outright may: its name says so).
    const removePartial = () => rmSync(partial, { force: true });
    process.once('exit', removePartial);
    return {
      stream: createWriteStream('', { fd, encoding: 'utf8' }),
      staged: true,
      commit() {
        renameSync(partial, path);
        process.off('exit', removePartial);
      },
      discard() {
        removePartial();
        process.off('exit', removePartial);
      },
    };
  } catch (err) {
    throw new InputError(`cannot write --out: ${describeFsError(err)}`, file);
  }
}

/** Whether `out` is `input` already: the same path, a symlink or a hard link to it. */
export function sameFile(input: string, out: string): boolean {
  const a = statSync(input);
  const b = statSync(out, { throwIfNoEntry: false });
  if (!b) return false;
  return realpathSync(input) === realpathSync(out) || (a.ino !== 0 && a.dev === b.dev && a.ino === b.ino);
}

/** Whether a file's first line is UTF-16: a UTF-16 byte-order mark (what Windows PowerShell's `>`
 * writes), or NUL bytes, which no JSON line holds and ASCII text in UTF-16 without a mark does. Every
 * line of such a file would be skipped as not JSON, each message quoting NULs. */
export function looksUtf16(firstLine: Buffer): boolean {
  return startsAsUtf16(firstLine) || firstLine.includes(0);
}

/** The lines of a stream as bytes, ending at LF or CRLF, and at a lone CR too in a file whose first
 * line ends at one (a classic Mac file: split at LF alone it was one line, every object in it skipped
 * as "not valid JSON" at line 1), as `jsonLineEnds` splits a text, so each can be checked for UTF-8.
 * A lone CR inside a line of an LF or CRLF file stays in it: JSON reads it as whitespace, and split
 * there one good object was two bad lines. A line longer than a read chunk is kept as its pieces and
 * joined once at its end: joining the pieces at every chunk copied the line so far each time,
 * quadratic in its length (a 60 MB line took 28 s to split, a large file with no newline, such as a
 * JSON array passed by mistake, hours before its error). */
export async function* byteLines(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pieces: Buffer[] = [];
  // (undefined until the first line end: whether a lone CR ends a line in this file)
  let crEnds: boolean | undefined;
  // (a CR that ended a chunk: an LF opening the next one is the rest of that CRLF, not a line)
  let afterCr = false;
  const line = (end: Buffer): Buffer => {
    const whole = pieces.length ? Buffer.concat([...pieces, end]) : end;
    pieces = [];
    // (the CR of a CRLF when only LF was looked for)
    return crEnds === false && whole.at(-1) === 0x0d ? whole.subarray(0, -1) : whole;
  };
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    if (buf.length === 0) continue;
    let start = 0;
    if (afterCr) {
      afterCr = false;
      crEnds ??= buf[0] !== 0x0a;
      if (buf[0] === 0x0a) start = 1;
    }
    // (each byte's next place found once per chunk, not once per line: a file without a CR was
    // searched to its chunk's end at every line)
    let lf = buf.indexOf(0x0a, start);
    let cr = crEnds === false ? -1 : buf.indexOf(0x0d, start);
    while (lf >= 0 || cr >= 0) {
      const i = cr < 0 || (lf >= 0 && lf < cr) ? lf : cr;
      const crlf = buf[i] === 0x0d && buf[i + 1] === 0x0a;
      // (a CR that ends the chunk: the next chunk's first byte says which)
      if (crEnds === undefined && (buf[i] === 0x0a || crlf)) crEnds = false;
      else if (crEnds === undefined && i + 1 < buf.length) crEnds = true;
      yield line(buf.subarray(start, i));
      start = crlf ? i + 2 : i + 1;
      if (buf[i] === 0x0d && i + 1 === buf.length) afterCr = true;
      if (lf >= 0 && lf < start) lf = buf.indexOf(0x0a, start);
      if (crEnds === false) cr = -1;
      else if (cr >= 0 && cr < start) cr = buf.indexOf(0x0d, start);
    }
    if (start < buf.length) pieces.push(buf.subarray(start));
  }
  if (pieces.length) yield line(Buffer.alloc(0));
}

/** A JSON object's text with `added`'s keys set: every top-level member whose key is one of them is
 * dropped, the others kept as written, and `added` appended. `raw` must be a JSON object (the caller
 * has parsed it). Kept as text, not re-serialised: JSON.parse and JSON.stringify turn an id of
 * 12345678901234567890 into 12345678901234567000, 1.0 into 1 and 1e400 into null, so a file judged
 * a second time lost what the first judging had kept. */
export function withMembers(raw: string, added: Record<string, unknown>): string {
  const body = raw.trim();
  const kept: string[] = [];
  let i = 1;
  const skipSpace = () => {
    while (i < body.length && ' \t\r\n'.includes(body[i])) i++;
  };
  /** Moves past the string that starts at i (its opening quote). */
  const skipString = () => {
    for (i++; body[i] !== '"'; i++) if (body[i] === '\\') i++;
    i++;
  };
  for (;;) {
    skipSpace();
    if (body[i] === '}') break;
    const start = i;
    skipString();
    const key = JSON.parse(body.slice(start, i)) as string;
    // The value runs to the comma or brace that closes the member at this depth.
    let depth = 0;
    for (; !(depth === 0 && (body[i] === ',' || body[i] === '}')); i++) {
      if (body[i] === '"') {
        skipString();
        i--;
      } else if (body[i] === '{' || body[i] === '[') depth++;
      else if (body[i] === '}' || body[i] === ']') depth--;
    }
    if (!Object.hasOwn(added, key)) kept.push(body.slice(start, i).trimEnd());
    if (body[i] === ',') i++;
  }
  const fresh = JSON.stringify(added).slice(1, -1);
  return `{${[...kept, ...(fresh ? [fresh] : [])].join(',')}}`;
}
