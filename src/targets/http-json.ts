// One JSON POST over Node's own HTTP client (node:http / node:https) with a keep-alive agent. The
// non-streaming chat call needs nothing more, and at hundreds of calls per second the openai SDK's
// path (request building, logging, web streams over fetch) cost ~5× the CPU of this one
// (docs/PERFORMANCE.md, red-team section). Failures become TargetErrors of the same kinds the SDK
// path gives: a dropped or cut connection is `network`, a caller abort `aborted`, no reply within
// `timeoutMs` `timeout`; HTTP statuses are left to the caller, which reads the body for the message.
import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { redactText } from '../config/index.js';
import { TargetError } from '../core/index.js';
import { startDeadline } from './deadline.js';
import { connectionFailure, shortMessage } from './errors.js';

export interface JsonResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as text (decompressed if the server compressed it unasked). */
  text: string;
}

export interface JsonClient {
  post(
    headers: Record<string, string>,
    body: unknown,
    opts: { signal?: AbortSignal; timeoutMs: number; id: string },
  ): Promise<JsonResponse>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

/** A client for POSTs to one URL. */
export function createJsonClient(url: URL): JsonClient {
  const secure = url.protocol === 'https:';
  const lib = secure ? https : http;
  // Idle keep-alive sockets are unref'd by the agent, so they never hold the process open, and closed
  // after 4 s idle (undici's default), before common servers drop them (Node's own after 5 s): a
  // request sent on a socket the server is closing fails for nothing.
  const agent = new lib.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, timeout: 4_000 });
  // Parsed once: converting a URL per request is a visible share of the client's cost.
  const target = { ...urlToHttpOptions(url), method: 'POST', agent };
  return {
    post(headers, body, opts) {
      const { signal, timeoutMs, id } = opts;
      const data = JSON.stringify(body);
      return new Promise<JsonResponse>((resolve, reject) => {
        if (signal?.aborted) return reject(new TargetError(`${id}: request aborted`, 'aborted'));
        let settled = false;
        let req: http.ClientRequest | undefined;
        const fail = (err: TargetError) => {
          if (settled) return;
          settled = true;
          idle.clear();
          signal?.removeEventListener('abort', onAbort);
          req?.destroy();
          reject(err);
        };
        // A backstop for a caller without withTimeout: no reply bytes for timeoutMs, the connect
        // included, ends it. Counted while this process can read them (startDeadline): Node's socket
        // timeout counts wall time, and failed replies that waited unread while the loop was held.
        const idle = startDeadline(timeoutMs, () =>
          fail(new TargetError(`${id}: request timed out`, 'timeout')),
        );
        const onAbort = () => fail(new TargetError(`${id}: request aborted`, 'aborted'));
        const network = (err: Error) =>
          fail(new TargetError(`${id}: connection failed: ${connectionFailure(err)}`, 'network'));
        const send = (fresh: boolean) => {
          let responded = false;
          const sent = lib.request(
            {
              ...target,
              ...(fresh && { agent: false }),
              headers: { ...headers, 'content-length': String(Buffer.byteLength(data)) },
            },
            (res) => {
              responded = true;
              idle.restart();
              const chunks: Buffer[] = [];
              let bytes = 0;
              res.on('data', (c: Buffer) => {
                idle.restart();
                bytes += c.length;
                // A reply no chat model writes: held whole, it would be cached and stored whole too.
                if (bytes > MAX_REPLY_BYTES) fail(tooLarge(id));
                else chunks.push(c);
              });
              // A body cut short (fewer bytes than Content-Length, then a closed connection) ends in
              // 'error' or 'aborted', never in 'end'.
              res.on('error', network);
              res.on('aborted', () => network(new Error('connection closed before the reply was complete')));
              res.on('end', () => {
                if (settled) return;
                if (!res.complete)
                  return network(new Error('connection closed before the reply was complete'));
                let raw: Buffer = Buffer.concat(chunks);
                try {
                  raw = decode(raw, res.headers['content-encoding']);
                } catch (err) {
                  if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return fail(tooLarge(id));
                  return fail(
                    new TargetError(
                      `${id}: unreadable reply: ${shortMessage(redactText(err instanceof Error ? err.message : String(err)))}`,
                      'malformed',
                    ),
                  );
                }
                settled = true;
                idle.clear();
                signal?.removeEventListener('abort', onAbort);
                resolve({ status: res.statusCode ?? 0, headers: res.headers, text: raw.toString('utf8') });
              });
            },
          );
          sent.on('error', (err: NodeJS.ErrnoException) => {
            // A keep-alive connection the server closed while it sat idle (its keep-alive timeout
            // passed while this process's loop was held, or is shorter than the agent's 4 s) resets
            // the request it never read: sent again, once, on a new connection (Node's documented use
            // of reusedSocket). Anything after a reply began is the server's doing, and fails.
            const reset = err.code === 'ECONNRESET' || err.code === 'EPIPE';
            if (!settled && !fresh && !responded && sent.reusedSocket && reset) return send(true);
            network(err);
          });
          req = sent;
          sent.end(data);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        send(false);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** The largest reply body read (16 MiB; a 128k-token answer is well under 1 MiB). */
export const MAX_REPLY_BYTES = 16 * 2 ** 20;

export const tooLarge = (id: string) =>
  new TargetError(`${id}: reply larger than ${MAX_REPLY_BYTES / 2 ** 20} MiB`, 'malformed');

function decode(raw: Buffer, encoding: string | undefined): Buffer {
  // (a small compressed body can expand without bound: the cap holds after decompression too)
  const limit = { maxOutputLength: MAX_REPLY_BYTES };
  switch (encoding?.trim().toLowerCase()) {
    case undefined:
    case '':
    case 'identity':
      return raw;
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(raw, limit);
    case 'deflate':
      return inflateSync(raw, limit);
    case 'br':
      return brotliDecompressSync(raw, limit);
    default:
      throw new Error(`unsupported content-encoding ${encoding}`);
  }
}
