/**
 * Stable codes of scheduler failures:
 * - `invalid_options`: {@link createTimerScheduler} got an option it cannot work with;
 * - `invalid_argument`: a function of the scheduler module got an argument it cannot work with;
 * - `timer_changed`: a claimed timer row changed under its lock (recorded as a failed fire and retried).
 */
export type TimerSchedulerErrorCode = 'invalid_options' | 'invalid_argument' | 'timer_changed';

// A registry-wide symbol, so errors from a second copy of the package (ESM and CJS side by side) are
// still recognised where `instanceof` would fail.
const BRAND = Symbol.for('@tierdesk/node/timer-scheduler-error');

/** The error the scheduler module throws: a typed value with a stable `code`. */
export class TimerSchedulerError extends Error {
  override name = 'TimerSchedulerError';
  /** The stable, machine-readable code. */
  readonly code: TimerSchedulerErrorCode;

  /** Creates a scheduler error with a code and a message. */
  constructor(code: TimerSchedulerErrorCode, message: string) {
    super(message);
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** Whether a value is a {@link TimerSchedulerError}, also across duplicate copies of the package. */
export function isTimerSchedulerError(value: unknown): value is TimerSchedulerError {
  return typeof value === 'object' && value !== null && BRAND in value;
}
