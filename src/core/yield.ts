// Long synchronous work (building the world, training the tokenizer, encoding a corpus) that lets
// the event loop in now and then: a signal handler only runs there, so Ctrl-C waited for the whole
// job (seconds each) before `model pretrain` stopped.

/** Runs a job written as a generator to its end, at once: the job's own result. */
export function runToEnd<T>(job: Generator<unknown, T>): T {
  for (;;) {
    const step = job.next();
    if (step.done) return step.value;
  }
}

/** Runs a job written as a generator to its end, letting the event loop in (a pending signal, a
 * timer) once `everyMs` have passed since it last did. The result is the one runToEnd gives. */
export async function runYielding<T>(job: Generator<unknown, T>, everyMs = 50): Promise<T> {
  let since = performance.now();
  for (;;) {
    const step = job.next();
    if (step.done) return step.value;
    if (performance.now() - since >= everyMs) {
      await new Promise<void>((r) => setImmediate(r));
      since = performance.now();
    }
  }
}
