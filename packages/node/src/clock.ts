/**
 * Where the server takes time from. Business state never sits in an in-memory timer: due times live in
 * the database and are compared with `now()`. The demo runs a faster clock so SLA warnings and breaches
 * can be watched within minutes.
 */
export interface Clock {
  /** The current instant, epoch milliseconds. */
  now(): number;
  /** How many real milliseconds to wait until the clock shows `instantMs` (0 when already past). */
  realDelayUntil(instantMs: number): number;
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  realDelayUntil: (instantMs) => Math.max(0, instantMs - Date.now()),
};

/**
 * A clock that runs `factor` times faster than real time from `startMs` (default: now). With factor 60
 * an hour of SLA passes in a minute.
 */
export function createAcceleratedClock(factor: number, startMs: number = Date.now()): Clock {
  if (!(factor > 0) || !Number.isFinite(factor))
    throw new RangeError('the clock factor must be a positive number');
  const realStart = Date.now();
  const now = (): number => startMs + (Date.now() - realStart) * factor;
  return { now, realDelayUntil: (instantMs) => Math.max(0, (instantMs - now()) / factor) };
}
