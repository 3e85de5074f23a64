// A full garbage collection from inside a test worker (vitest starts it without --expose-gc), for
// tests of what a release lets go.
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Bytes held in ArrayBuffers (a model's weights, a prefix cache's pool) once garbage is collected.
 * V8 frees a large backing store after the collection that found it dead, on another thread, so on a
 * loaded machine the count falls a moment later (a full `npm test` saw a released pool still counted
 * right after gc()): given `atMost`, it collects again every 50 ms for up to `waitMs` until the count
 * is at most that. A buffer still referenced is never freed, so a test of a release still fails when
 * nothing was let go, only later. */
export async function liveArrayBuffers(atMost = Number.POSITIVE_INFINITY, waitMs = 10_000): Promise<number> {
  const end = Date.now() + waitMs;
  for (;;) {
    gc();
    const bytes = process.memoryUsage().arrayBuffers;
    if (bytes <= atMost || Date.now() >= end) return bytes;
    await sleep(50);
  }
}
