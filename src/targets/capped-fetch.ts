// A fetch for the official SDKs that reads no reply past MAX_REPLY_BYTES: the SDK would buffer a
// reply of any size whole (a 200 MB body took 1.6 GB of memory), then cache and store it. fetch
// decompresses as it reads, so the cap holds after decompression, as on the node:http path. Nor does
// it follow a redirect, as the node:http path does not: fetch drops only Authorization and Cookie on
// the way to another host, so a target's own secret headers (Azure's api-key, an X-…-Token) went to
// whatever host the endpoint named; the 3xx is the reply, an HTTP error like any other.
import { MAX_REPLY_BYTES, tooLarge } from './http-json.js';

export function cappedFetch(id: string, base: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const res = await base(input, { ...init, redirect: 'manual' });
    const declared = Number(res.headers.get('content-length'));
    // (a compressed body's length is its compressed size: only a plain one can be refused unread)
    if (!res.headers.get('content-encoding') && declared > MAX_REPLY_BYTES) {
      await res.body?.cancel().catch(() => {});
      throw tooLarge(id);
    }
    if (!res.body) return res;
    let bytes = 0;
    const counted = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytes += chunk.byteLength;
          if (bytes > MAX_REPLY_BYTES) controller.error(tooLarge(id));
          else controller.enqueue(chunk);
        },
      }),
    );
    // The headers say what the body was on the wire; the SDK reads only the status and a few names.
    return new Response(counted, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}
