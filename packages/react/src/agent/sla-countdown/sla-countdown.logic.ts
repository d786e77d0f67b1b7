import type { ClockSummary } from '@tierdesk/core';
import type { DueKind } from '../../i18n/i18n.types';

/** What a countdown shows about a clock at one instant. */
export type SlaDisplayState = 'running' | 'warning' | 'overdue' | 'paused' | 'met' | 'stopped';

/** A clock as a countdown shows it: its state and how far its due time is. */
export interface SlaDisplay {
  /** `warning` once the warning time has passed, `overdue` once the due time has (or it breached). */
  state: SlaDisplayState;
  /** Ms until due (negative once overdue); for paused clocks the business time left in the run. */
  remainingMs: number | null;
  /** Which phrase describes the deadline: resolution targets read "Resolution due…", the rest "Reply due…". */
  dueKind: DueKind;
}

// The order clocks compete in for the one spot a queue row has: a breach beats a warning beats a
// running clock (earliest due first), and a paused clock beats one that already ended.
const RANK: Record<SlaDisplayState, number> = {
  overdue: 0,
  warning: 1,
  running: 2,
  paused: 3,
  met: 4,
  stopped: 5,
};

/** Describes a clock at `now` (epoch ms). */
export function describeClock(clock: ClockSummary, now: number): SlaDisplay {
  const dueKind: DueKind = clock.metric === 'resolution' ? 'resolution' : 'reply';
  if (clock.status === 'met') return { state: 'met', remainingMs: null, dueKind };
  if (clock.status === 'stopped') return { state: 'stopped', remainingMs: null, dueKind };
  if (clock.status === 'paused') {
    return {
      state: clock.breached ? 'overdue' : 'paused',
      remainingMs: clock.targetMs - clock.elapsedMs,
      dueKind,
    };
  }
  // A running clock carries its due instant, computed on the server over the business calendar.
  const due = clock.dueAt === null ? null : Date.parse(clock.dueAt);
  const remainingMs = due === null ? null : due - now;
  const warningAt = clock.warningAt === null ? null : Date.parse(clock.warningAt);
  const state: SlaDisplayState =
    clock.breached || (remainingMs !== null && remainingMs <= 0)
      ? 'overdue'
      : clock.warned || (warningAt !== null && now >= warningAt)
        ? 'warning'
        : 'running';
  return { state, remainingMs, dueKind };
}

/**
 * The clock a one-line countdown should show: the most urgent one (breached, then at risk, then the
 * running clock due first, then paused); `undefined` when the ticket has no clocks.
 */
export function pickUrgentClock(clocks: readonly ClockSummary[], now: number): ClockSummary | undefined {
  let best: { clock: ClockSummary; rank: number; remaining: number } | undefined;
  for (const clock of clocks) {
    const display = describeClock(clock, now);
    const rank = RANK[display.state];
    const remaining = display.remainingMs ?? Number.POSITIVE_INFINITY;
    if (best === undefined || rank < best.rank || (rank === best.rank && remaining < best.remaining)) {
      best = { clock, rank, remaining };
    }
  }
  return best?.clock;
}
