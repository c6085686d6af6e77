// Background work a server runs on a timer (job worker, pruning): one run at a time, never keeping the
// process alive, and a stop that waits for the run in progress, so shutdown closes the store only after it.

export interface Periodic {
  stop(): Promise<void>;
}

/** Runs `work` every `intervalMs` (and at once when `immediately`); `work` should return soon after
 *  `shouldStop()` turns true. A failure goes to `onError` and the next tick tries again. */
export function runPeriodically(
  work: (shouldStop: () => boolean) => Promise<unknown>,
  onError: (e: unknown) => void,
  intervalMs: number,
  immediately = false,
): Periodic {
  let stopping = false;
  let busy = false;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    if (busy || stopping) return;
    busy = true;
    running = work(() => stopping)
      .then(() => undefined, onError)
      .finally(() => {
        busy = false;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  if (immediately) tick();
  return {
    async stop() {
      stopping = true;
      clearInterval(timer);
      await running;
    },
  };
}
