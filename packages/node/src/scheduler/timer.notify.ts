import { notifyInTransaction, type SqlExecutor } from '../store';
import { TimerSchedulerError } from './timer.errors';

/** The LISTEN/NOTIFY channel on which every scheduler instance hears that timers changed. */
export const TIMERS_CHANNEL = 'tierdesk_timers';

/**
 * Tells every scheduler instance, at COMMIT of `tx`, that the timers of a ticket changed and the
 * earliest of them is due at `earliestDueMs` (epoch ms), so a scheduler sleeping until later re-arms.
 * Call it in the transaction that wrote the timer rows, after writing them: the notification is sent
 * only if that transaction commits (`pg_notify` is transactional), so no scheduler wakes for a timer
 * that does not exist, and by the time it is delivered the rows are visible.
 *
 * `null` (the ticket has no timer left) sends nothing: a removed timer never makes anything due
 * earlier, and a scheduler that wakes for a timer that is gone just finds nothing and sleeps again.
 *
 * @throws {TimerSchedulerError} `invalid_argument` when `earliestDueMs` is neither null nor a finite number.
 */
export async function notifyTimersChanged(tx: SqlExecutor, earliestDueMs: number | null): Promise<void> {
  if (earliestDueMs === null) return;
  if (typeof earliestDueMs !== 'number' || !Number.isFinite(earliestDueMs)) {
    throw new TimerSchedulerError(
      'invalid_argument',
      `notifyTimersChanged needs an epoch-millisecond number or null, got ${String(earliestDueMs)}.`,
    );
  }
  await notifyInTransaction(tx, TIMERS_CHANNEL, formatTimersPayload(earliestDueMs));
}

/** The payload of a {@link TIMERS_CHANNEL} notification: the earliest due time as integer epoch ms. */
export function formatTimersPayload(earliestDueMs: number): string {
  // Rounded down: waking a millisecond early is harmless (the claim compares with the clock), while
  // a fractional payload would only be noise for other listeners.
  return String(Math.floor(earliestDueMs));
}

/**
 * Reads a {@link TIMERS_CHANNEL} payload back into epoch ms; `undefined` when it is not one (sent by
 * something else, or a future format), which the scheduler answers by re-reading the table.
 */
export function parseTimersPayload(payload: string): number | undefined {
  if (!/^-?\d{1,16}$/.test(payload.trim())) return undefined;
  const value = Number(payload);
  return Number.isSafeInteger(value) ? value : undefined;
}
