// A per-request deadline. The inner call gets an AbortSignal that fires at the deadline (or when the
// caller aborts); a call that ignores the signal is still cut off by racing a timer.
import { type ChatOptions, type Message, type Reply, type Target, TargetError } from '../core/index.js';
import { type Deadline, startDeadline } from './deadline.js';

export function withTimeout(target: Target, timeoutMs: number): Target {
  return {
    id: target.id,
    async chat(messages: Message[], options?: ChatOptions): Promise<Reply> {
      const controller = new AbortController();
      const outer = options?.signal;
      if (outer?.aborted) throw new TargetError(`${target.id}: request aborted`, 'aborted');
      // The deadline starts once the SDK is loaded: on a busy machine loading it took 3-4 s, and every
      // first request of a run that waited on it timed out under a short timeoutMs.
      await target.ready?.();
      if (outer?.aborted) throw new TargetError(`${target.id}: request aborted`, 'aborted');
      const onOuterAbort = () => controller.abort(outer?.reason);
      outer?.addEventListener('abort', onOuterAbort, { once: true });
      let timedOut = false;
      let timer: Deadline | undefined;
      // (counted while this process can read the reply: startDeadline)
      const deadline = new Promise<never>((_, reject) => {
        timer = startDeadline(timeoutMs, () => {
          timedOut = true;
          controller.abort(new Error('timeout'));
          reject(new TargetError(`${target.id}: no reply within ${timeoutMs} ms`, 'timeout'));
        });
      });
      try {
        return await Promise.race([
          target.chat(messages, { ...options, signal: controller.signal }),
          deadline,
        ]);
      } catch (err) {
        if (timedOut) throw new TargetError(`${target.id}: no reply within ${timeoutMs} ms`, 'timeout');
        if (outer?.aborted) throw new TargetError(`${target.id}: request aborted`, 'aborted');
        throw err;
      } finally {
        timer?.clear();
        outer?.removeEventListener('abort', onOuterAbort);
        deadline.catch(() => undefined);
      }
    },
    close: target.close?.bind(target),
  };
}
