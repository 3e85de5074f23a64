// Parquet is decoded in a worker thread with a deadline: hyparquet's run-length decoder loops
// forever on some damaged pages (a bit-packed run whose count is negative or whose bit width is 0
// never counts down, and reads no byte that would run past the end), so a decode on the main thread
// could hang `bench` and `config check` for good. A worker that overruns is stopped and the file is
// an InputError naming it.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import zlib from 'node:zlib';

/** Where a string was not valid UTF-8 (kept so the row that uses it is an error naming row and
 * column; hyparquet's own decoding would put U+FFFD in its place, silently). */
const NOT_UTF8 = '__breakfixNotUtf8';

/** The compression codecs the reader decodes: hyparquet's own (SNAPPY), and those node:zlib has
 * (GZIP and BROTLI; ZSTD from Node 22.15, polars' default). LZ4 and LZO need a library we do not ship. */
export const PARQUET_CODECS = [
  'UNCOMPRESSED',
  'SNAPPY',
  'GZIP',
  'BROTLI',
  ...(typeof (zlib as { zstdDecompressSync?: unknown }).zstdDecompressSync === 'function' ? ['ZSTD'] : []),
];

/** The worker: plain JavaScript (it runs the same from src/ under tsx or vitest and from dist/). */
const workerSource = (hyparquet: string) => `
import { parentPort, workerData } from 'node:worker_threads';
import zlib from 'node:zlib';
const bytes = (b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
// (unzip reads a gzip or a zlib stream, as Parquet writers differ)
const compressors = {
  GZIP: (input) => bytes(zlib.unzipSync(input)),
  BROTLI: (input) => bytes(zlib.brotliDecompressSync(input)),
  ...(typeof zlib.zstdDecompressSync === 'function' && { ZSTD: (input) => bytes(zlib.zstdDecompressSync(input)) }),
};
const utf8 = new TextDecoder('utf-8', { fatal: true });
const stringFromBytes = (bytes) => {
  if (!bytes) return bytes;
  try { return utf8.decode(bytes); } catch { return { ${NOT_UTF8}: true }; }
};
try {
  const { asyncBufferFromFile, parquetReadObjects } = await import(${JSON.stringify(hyparquet)});
  const file = await asyncBufferFromFile(workerData.file);
  parentPort.postMessage({ rows: await parquetReadObjects({ file, compressors, parsers: { stringFromBytes } }) });
} catch (err) {
  parentPort.postMessage({ error: String(err?.message ?? err), code: err?.code });
}
`;

/** How long decoding may take: 15 seconds, and two seconds more per MiB (hyparquet decodes tens of
 * MiB a second; a damaged file that loops never finishes at all). */
export function parquetDeadlineMs(file: string): number {
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    // (the worker reports a file that cannot be read)
  }
  return 15_000 + 2_000 * Math.ceil(size / 2 ** 20);
}

export type ParquetResult =
  | { rows: Record<string, unknown>[] }
  | { error: string; code?: string; hint?: string }
  | { timedOut: true };

const MAGIC = 'PAR1';

/** What is wrong with a file that cannot be Parquet by its first and last bytes (Parquet begins and
 * ends with PAR1), or undefined. hyparquet's own words for these were "Offset is outside the bounds
 * of the DataView" (an empty file) and "footer != PAR1" (a download cut short). A file that cannot
 * be opened is left to the worker, which names the problem. */
function notParquet(file: string): { error: string; hint?: string } | undefined {
  let size: number;
  try {
    const st = statSync(file);
    // (a pipe has no size to read the footer from, and opening one with no writer would block)
    if (!st.isFile() && !st.isDirectory())
      return {
        error: 'not a regular file: a Parquet file is read from its end, so it must be a file on disk',
      };
    size = st.size;
  } catch {
    return undefined;
  }
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    if (size === 0) return { error: 'the file is empty (0 bytes)' };
    const head = Buffer.alloc(Math.min(4, size));
    const tail = Buffer.alloc(Math.min(4, size));
    readSync(fd, head, 0, head.length, 0);
    readSync(fd, tail, 0, tail.length, size - tail.length);
    if (head.toString('latin1') !== MAGIC)
      return {
        error: `not a Parquet file: it does not begin with "${MAGIC}"`,
        hint: "if it holds JSONL or CSV, give it that extension or set the suite's format",
      };
    if (size < 12 || tail.toString('latin1') !== MAGIC)
      return {
        error: `the file is cut short: it begins as Parquet but does not end with Parquet's footer ("${MAGIC}"), ${size} bytes`,
        hint: 'a download or copy that stopped early: copy or export it again',
      };
    return undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The rows of a Parquet file, each string that is not valid UTF-8 replaced by `notUtf8()`. */
export function readParquetObjects(
  file: string,
  notUtf8: () => unknown,
  deadlineMs = parquetDeadlineMs(file),
): Promise<ParquetResult> {
  const bad = notParquet(file);
  if (bad) return Promise.resolve(bad);
  const hyparquet = pathToFileURL(createRequire(import.meta.url).resolve('hyparquet')).href;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(workerSource(hyparquet))}`), {
    workerData: { file },
  });
  return new Promise<ParquetResult>((resolve) => {
    const done = (r: ParquetResult) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => done({ timedOut: true }), deadlineMs);
    worker.once('message', (m: { rows?: Record<string, unknown>[]; error?: string; code?: string }) => {
      if (!m.rows) return done({ error: m.error ?? 'unknown error', code: m.code });
      for (const row of m.rows)
        for (const [k, v] of Object.entries(row))
          if (v && typeof v === 'object' && (v as Record<string, unknown>)[NOT_UTF8] === true)
            row[k] = notUtf8();
      done({ rows: m.rows });
    });
    worker.once('error', (err) => done({ error: err.message }));
    worker.once('exit', (code) => done({ error: `the Parquet reader stopped (exit code ${code})` }));
  });
}
