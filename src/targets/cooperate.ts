// Cooperative time slicing for the synchronous work each request brings (building it, judging its
// reply). At high concurrency hundreds of replies can arrive in one turn of the event loop; their
// work would then run back to back and hold every timer (request timeouts, progress) for seconds.
// `cooperate()` lets work go on while the current turn has used less than `sliceMs`, and otherwise
// waits for a later turn, so no turn grows long however many requests are in flight.
// The real timers, taken at load: a test that fakes timers later must not stall every request.
const nextCheck = setImmediate;
const nextTimer = setTimeout;
let sliceStart = -1;
const endSlice = () => {
  sliceStart = -1;
};

export async function cooperate(sliceMs = 20): Promise<void> {
  for (;;) {
    const now = performance.now();
    if (sliceStart < 0) {
      // The first work of this turn opens the slice; the check phase at the turn's end closes it.
      sliceStart = now;
      nextCheck(endSlice);
    }
    if (now - sliceStart < sliceMs) return;
    await new Promise<void>((resolve) => nextTimer(resolve, 0));
  }
}
