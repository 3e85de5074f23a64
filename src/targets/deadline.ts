// A request's deadline, counted in time this process could have read the reply. A plain timer
// counts wall time: when the event loop is held (offline judges classifying a batch, the embedded
// model, a CPU the machine's other processes took), the timer comes due while the reply waits
// unread in the socket, and Node runs due timers before it reads sockets, so a reply that came in
// time was failed as a timeout. Counted in steps instead, a stretch the loop was held counts as one
// step at most, while a server that is slow while this process runs freely still times out on time.

export interface Deadline {
  /** Starts the count again (activity on the connection, for an idle deadline). */
  restart(): void;
  clear(): void;
}

/** Calls `onExpire` once `ms` have passed with the event loop free to read a reply. */
export function startDeadline(ms: number, onExpire: () => void): Deadline {
  // A quarter of the deadline, at most 1 s: a held stretch costs at most that, and a slow server
  // still times out within a few turns of the loop when this process gets little CPU (a deadline of
  // many small steps would stretch as each came late).
  const step = Math.max(1, Math.min(1_000, Math.ceil(ms / 4)));
  let counted = 0;
  let last = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const now = performance.now();
    counted += Math.min(now - last, step);
    last = now;
    if (counted >= ms) {
      timer = undefined;
      onExpire();
    } else timer = setTimeout(tick, Math.min(step, ms - counted));
  };
  timer = setTimeout(tick, Math.min(step, ms));
  return {
    restart() {
      counted = 0;
      last = performance.now();
    },
    clear() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
