// The generation thread of the OpenAI-compatible server: loads the model once, then answers batches
// of requests with one generateBatch each, so the server's event loop never runs the model.
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../core/errors.js';
import { loadLM } from './checkpoint.js';
import type { GenerateRequest } from './generate.js';
import { generateBatch } from './generate.js';

const port = parentPort!;
try {
  const lm = await loadLM((workerData as { modelDir: string }).modelDir);
  port.postMessage({ type: 'ready', config: lm.config });
  port.on('message', async (msg: { id: number; reqs: GenerateRequest[] }) => {
    try {
      port.postMessage({ type: 'result', id: msg.id, results: await generateBatch(lm, msg.reqs) });
    } catch (err) {
      port.postMessage({
        type: 'error',
        id: msg.id,
        message: err instanceof Error ? err.message : String(err),
      });
    }
  });
} catch (err) {
  // A damaged or foreign checkpoint is the user's input (exit 2 with its hint), not a crash.
  const input = err instanceof InputError;
  port.postMessage({
    type: 'fatal',
    message: err instanceof Error ? err.message : String(err),
    ...(input && { input, hint: err.hint }),
  });
}
