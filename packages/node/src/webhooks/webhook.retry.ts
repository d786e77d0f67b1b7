import { WebhookError } from './webhook.errors';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The default waits between attempts: after the first failed attempt 5 s, then 5 min, 30 min, 2 h, 5 h,
 * and 10 h six times. With the first attempt that makes 12 attempts over 67.6 h; jitter adds up to 10 %
 * to each wait, so a message is given up after about three days (67.6–74.4 h). The early waits are short
 * because most failures are deploys and blips; the long tail outlasts a weekend-long outage.
 */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE: readonly number[] = Object.freeze([
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
  10 * HOUR,
  10 * HOUR,
  10 * HOUR,
  10 * HOUR,
]);

/** The most jitter added to a wait, as a fraction of it. */
export const WEBHOOK_RETRY_JITTER = 0.1;

/**
 * Checks a retry schedule (finite, non-negative milliseconds) and returns a frozen copy. Throws a
 * {@link WebhookError} `invalid_options` otherwise.
 */
export function validateRetrySchedule(schedule: readonly number[]): readonly number[] {
  if (
    !Array.isArray(schedule) ||
    schedule.some((ms) => typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
  ) {
    throw new WebhookError('invalid_options', 'retrySchedule must be a list of non-negative milliseconds.');
  }
  return Object.freeze([...schedule]);
}

/**
 * How long to wait after failed attempt number `attempts` (1-based) before the next one, or undefined
 * when the schedule is exhausted and the message has failed for good. The wait grows from
 * `schedule[attempts - 1]` by a random 0–10 % so that messages which failed together (an endpoint
 * outage) do not all come back in the same instant.
 */
export function nextRetryDelay(
  attempts: number,
  schedule: readonly number[],
  random: () => number = Math.random,
): number | undefined {
  const base = schedule[attempts - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (1 + WEBHOOK_RETRY_JITTER * random()));
}
