/** The server's clock as the backend reports it: how fast it runs and what it showed just now. */
export interface DemoClock {
  speed: number;
  nowMs: number;
}

/**
 * Makes `Date.now()` follow the Tierdesk server's clock when the demo runs it faster than real time,
 * so that due times and countdowns on screen agree with the SLA warnings the server fires. Only for
 * the demo: a real server runs on the wall clock and this does nothing.
 */
export function followServerClock(clock: DemoClock): void {
  const realNow = Date.now.bind(Date);
  const realStart = realNow();
  if (clock.speed === 1 && Math.abs(clock.nowMs - realStart) < 5_000) return;
  Date.now = () => Math.round(clock.nowMs + (realNow() - realStart) * clock.speed);
}
