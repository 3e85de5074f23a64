// A full garbage collection from inside a test worker (vitest starts it without --expose-gc), for
// tests of what a release lets go.
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Bytes held in ArrayBuffers (a model's weights, a prefix cache's pool) once garbage is collected. */
export function liveArrayBuffers(): number {
  gc();
  return process.memoryUsage().arrayBuffers;
}
