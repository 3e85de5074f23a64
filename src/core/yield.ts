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
  const breathe = yielder(everyMs);
  for (;;) {
    const step = job.next();
    if (step.done) return step.value;
    const turn = breathe();
    if (turn) await turn;
  }
}

/** A function to call between steps of long work: it lets the event loop in (setImmediate) once
 * `everyMs` have passed since it last did, and otherwise returns at once, so that the work pays for
 * a turn of the loop only that often. */
export function yielder(everyMs: number): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < everyMs) return undefined;
    return new Promise<void>((r) =>
      setImmediate(() => {
        since = performance.now();
        r();
      }),
    );
  };
}
