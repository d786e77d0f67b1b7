// One clock for every countdown on the page: a single interval runs while at least one component
// listens and stops with the last one, so a queue of a hundred rows costs one timer, not a hundred.
// Nothing starts at import time (SSR): the interval begins on the first subscription, in an effect.

/** How often the shared clock ticks, in ms. Countdowns show minutes, so a second is ample. */
export const NOW_TICK_MS = 1000;

const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
let now = 0;

function tick(): void {
  now = Date.now();
  for (const listener of listeners) listener();
}

/**
 * Subscribes to the shared clock (`useSyncExternalStore` shape); returns the unsubscribe function.
 * The first subscriber starts the interval, the last one to leave stops it.
 */
export function subscribeNow(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    now = Date.now();
    timer = setInterval(tick, NOW_TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The shared clock's current time (epoch ms): the last tick, or the time of reading before any. */
export function getNow(): number {
  return timer === undefined ? Date.now() : now;
}

/** How many components listen to the shared clock (for tests and diagnostics). */
export function nowListenerCount(): number {
  return listeners.size;
}

/** Whether the shared interval is running (for tests and diagnostics). */
export function isNowTicking(): boolean {
  return timer !== undefined;
}
