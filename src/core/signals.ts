// The signals that stop a command, and the one way a command listens for them.

/** Ctrl-C, `kill` (a supervisor, a CI runner's cancel) and the terminal or ssh session going away:
 * each stops a command the same way, its run marked and its staged files removed. SIGHUP was left
 * to Node's default, which ended the process with none of that done. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** 128 + the signal's number, what a shell reports for a process the signal ended. */
export function signalExitCode(signal: StopSignal): 129 | 130 | 143 {
  return signal === 'SIGHUP' ? 129 : signal === 'SIGTERM' ? 143 : 130;
}

/** Calls `stop` on each stop signal: once per signal (the default; a second one of the same kind
 * then finds Node's default, or the other listeners), or on every one. Returns the function that
 * removes the handlers. */
export function onStopSignals(
  stop: (signal: StopSignal) => void,
  opts: { every?: boolean } = {},
): () => void {
  const handlers = STOP_SIGNALS.map((signal) => [signal, () => stop(signal)] as const);
  for (const [signal, h] of handlers) opts.every ? process.on(signal, h) : process.once(signal, h);
  return () => {
    for (const [signal, h] of handlers) process.off(signal, h);
  };
}
