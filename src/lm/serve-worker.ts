// The generation thread of the OpenAI-compatible server: loads the model once, then answers batches
// of requests with one generateBatch each, so the server's event loop never runs the model; a
// request whose client left is cancelled between decoding steps.
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../core/errors.js';
import { loadLM } from './checkpoint.js';
import type { GenerateRequest } from './generate.js';
import { generateBatch } from './generate.js';

const port = parentPort!;
try {
  const lm = await loadLM((workerData as { modelDir: string }).modelDir);
  port.postMessage({ type: 'ready', config: lm.config });
  // A batch's requests by batch id, each with the switch its client's leaving turns off.
  const running = new Map<number, AbortController[]>();
  port.on(
    'message',
    async (
      msg:
        | { type: 'generate'; id: number; reqs: GenerateRequest[] }
        | { type: 'cancel'; id: number; index: number },
    ) => {
      if (msg.type === 'cancel') {
        running.get(msg.id)?.[msg.index]?.abort();
        return;
      }
      const left = msg.reqs.map(() => new AbortController());
      running.set(msg.id, left);
      try {
        const reqs = msg.reqs.map((r, i) => ({ ...r, signal: left[i].signal }));
        port.postMessage({ type: 'result', id: msg.id, results: await generateBatch(lm, reqs) });
      } catch (err) {
        port.postMessage({
          type: 'error',
          id: msg.id,
          message: err instanceof Error ? err.message : String(err),
        });
      } finally {
        running.delete(msg.id);
      }
    },
  );
} catch (err) {
  // A damaged or foreign checkpoint is the user's input (exit 2 with its hint), not a crash.
  const input = err instanceof InputError;
  port.postMessage({
    type: 'fatal',
    message: err instanceof Error ? err.message : String(err),
    ...(input && { input, hint: err.hint }),
  });
}
