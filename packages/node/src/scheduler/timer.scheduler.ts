import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { isStoreError, type SqlDatabase } from '../store';
import { type ClaimOutcome, claimAndFire, describeError, MAX_TIMERS_PER_TRANSACTION } from './timer.claim';
import { TimerSchedulerError } from './timer.errors';
import { parseTimersPayload, TIMERS_CHANNEL } from './timer.notify';
import type { FireTimer } from './timer.types';

/** Options of {@link createTimerScheduler}. */
export interface TimerSchedulerOptions {
  /** The database holding the `timers` table (migration 004 applied). */
  db: SqlDatabase;
  /** Where "now" comes from: due times are compared with `clock.now()`, sleeps use `realDelayUntil`. */
  clock: Clock;
  /** Receives failed fires (warn, then error from the 5th attempt) and failed runs (error). */
  logger: Logger;
  /** Delivers a due timer, inside the transaction that claimed it (see {@link FireTimer}). */
  fire: FireTimer;
  /**
   * The most timers fired per run before the scheduler yields to the event loop and looks again (so
   * a backlog after downtime does not starve the process). They are claimed in transactions of at
   * most 50 timers (see `MAX_TIMERS_PER_TRANSACTION`). Default 100.
   */
  batchSize?: number;
  /**
   * Real milliseconds between safety scans, which catch what a notification missed (the LISTEN
   * connection dropped, a writer that forgot to notify). Default 300 000 (5 minutes).
   */
  safetyScanMs?: number;
  /**
   * Clock milliseconds before the first retry of a timer whose fire failed; each further failure
   * doubles it, up to {@link TimerSchedulerOptions.maxRetryDelayMs}. Measured on `clock` like due
   * times, so an accelerated demo clock retries faster too. Default 1 000.
   */
  retryDelayMs?: number;
  /** The longest back-off between retries, clock milliseconds. Default 3 600 000 (1 hour). */
  maxRetryDelayMs?: number;
}

/** A running (or stopped) durable timer scheduler; see {@link createTimerScheduler}. */
export interface TimerScheduler {
  /**
   * Starts listening for timer changes, then fires everything already due (a restart loses nothing)
   * and sleeps until the next due time. Resolves once listening; the catch-up runs in the background.
   * Calling it while started does nothing.
   *
   * @throws {StoreError} when the LISTEN cannot be set up.
   */
  start(): Promise<void>;
  /**
   * Stops gracefully: no new batch is claimed, the batch in flight (one transaction, at most 50
   * timers) is awaited to its COMMIT, and the LISTEN is removed. Timers left due stay in the table
   * for the next start or another instance. The scheduler may be started again afterwards.
   */
  stop(): Promise<void>;
  /**
   * Fires up to `batchSize` due timers now and returns how many fired (failed fires are recorded for
   * retry and not counted). Independent of `start`; meant for tests and tools.
   *
   * @throws {StoreError} when the database cannot be used.
   */
  runDueOnce(): Promise<number>;
}

/** Node clamps longer timeouts to 1 ms (with a warning); longer sleeps are chained. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const RUN_RETRY_BASE_MS = 1_000;
const RUN_RETRY_MAX_MS = 30_000;
/** From this attempt on, a failing fire is logged as an error instead of a warning. */
const ERROR_FROM_ATTEMPT = 5;
/**
 * Real milliseconds before looking again at due timers a claim had to skip because their ticket (or
 * row) was locked, typically by a request in the middle of changing that ticket: short, since such
 * transactions last milliseconds, doubled per round while skipped timers remain so that a long one
 * costs two queries a second at most, not a hot loop.
 */
const BUSY_RETRY_BASE_MS = 20;
const BUSY_RETRY_MAX_MS = 500;

interface BatchResult {
  fired: number;
  /** The batch ended at batchSize with perhaps more due: look again without sleeping. */
  full: boolean;
  /**
   * Clock ms read just before the batch's last claim: a timer due by then that is still in the table
   * and not held by another instance was skipped by that claim (its ticket was busy).
   */
  lookedAtMs: number;
}

/** What the table holds beyond the last claim. */
interface LookAhead {
  /** The earliest fire_at still to come (clock epoch ms), if any. */
  nextFireAt: number | undefined;
  /** Some timer was due at the last claim yet not claimed: its ticket or row was locked. */
  busy: boolean;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TimerSchedulerError(
      'invalid_options',
      `${name} must be a positive integer, got ${String(value)}.`,
    );
  }
  return value;
}

function nonNegativeNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TimerSchedulerError(
      'invalid_options',
      `${name} must be a finite number ≥ 0, got ${String(value)}.`,
    );
  }
  return value;
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}

/**
 * Creates the durable timer scheduler: SLA warnings and breaches, auto-close, snooze reminders.
 *
 * Due times live only in the `timers` table; the one in-memory timer is a wake-up call, never state.
 * The scheduler sleeps until the earliest `fire_at` (the due time, or the retry time of a failed fire),
 * wakes early when a `tierdesk_timers` notification announces an earlier timer (see
 * `notifyTimersChanged`), looks again every `safetyScanMs`, and on start. While nothing is due it runs no
 * query at all. Each due timer is claimed with `FOR UPDATE SKIP LOCKED` and deleted in the transaction
 * that fires it, so any number of instances on one PostgreSQL fire each timer exactly once; a fire that
 * throws is rolled back and retried after a back-off, never dropped and never early. The claim locks
 * the timer's ticket too, without waiting (no deadlock with a request that holds the ticket and
 * rewrites its timers): a timer whose ticket is busy is looked at again after 20 ms, doubling up to
 * 500 ms for as long as such timers remain.
 *
 * @throws {TimerSchedulerError} `invalid_options` for a non-positive batch size or a negative delay.
 */
export function createTimerScheduler(options: TimerSchedulerOptions): TimerScheduler {
  const { db, clock, logger, fire } = options;
  const batchSize = positiveInteger('batchSize', options.batchSize, 100);
  const safetyScanMs = positiveInteger('safetyScanMs', options.safetyScanMs, 300_000);
  const retryBaseMs = nonNegativeNumber('retryDelayMs', options.retryDelayMs, 1_000);
  const retryMaxMs = nonNegativeNumber('maxRetryDelayMs', options.maxRetryDelayMs, 3_600_000);
  if (safetyScanMs > MAX_TIMEOUT_MS) {
    throw new TimerSchedulerError('invalid_options', `safetyScanMs must be below 2^31, got ${safetyScanMs}.`);
  }
  const retryDelayMs = (attempts: number): number =>
    Math.min(retryBaseMs * 2 ** Math.max(0, attempts - 1), Math.max(retryBaseMs, retryMaxMs));
  const claimDeps = { db, clock, fire, retryDelayMs };

  let started = false;
  let stopping = false;
  /** Bumped by every start and stop, so a start still awaiting its LISTEN knows it was overtaken. */
  let generation = 0;
  let unlisten: (() => Promise<void>) | undefined;
  let safetyTimer: ReturnType<typeof setInterval> | undefined;
  /** The wake-up for the earliest known fire_at, and that instant (clock ms). */
  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  let armedAtMs: number | undefined;
  /** The back-off wake-up after a run that could not reach the database. */
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let runFailures = 0;
  /** The short wake-up for timers skipped because their ticket was busy, and how many rounds in a row. */
  let busyTimer: ReturnType<typeof setTimeout> | undefined;
  let busyRounds = 0;
  /** The run in progress; at most one per scheduler. */
  let cycle: Promise<void> | undefined;
  /** Set when a wake-up asked for a run while one was in progress: look again when it ends. */
  let rerun = false;
  /** The earliest due time notified while a run was in progress (its final look may predate it). */
  let notifiedDuringRunMs: number | undefined;

  function logOutcome(outcome: ClaimOutcome): void {
    if (outcome.kind === 'fired') {
      const { timer } = outcome;
      logger.debug('timer fired', {
        ticketId: timer.ticketId,
        key: timer.key,
        attempt: timer.attempt,
        latenessMs: outcome.firedAt - timer.dueAt,
      });
    } else {
      const { timer } = outcome;
      const log = timer.attempt >= ERROR_FROM_ATTEMPT ? logger.error : logger.warn;
      log.call(logger, 'timer fire failed; it will be retried', {
        ticketId: timer.ticketId,
        key: timer.key,
        workspaceId: timer.workspaceId,
        attempt: timer.attempt,
        nextAttemptAt: new Date(outcome.nextAttemptAt).toISOString(),
        error: describeError(outcome.error),
      });
    }
  }

  async function fireDueBatch(shouldStop: () => boolean): Promise<BatchResult> {
    let fired = 0;
    let claimed = 0;
    let lookedAtMs = clock.now();
    // After a batch transaction failed as a whole: how many timers to take one transaction each, so
    // the one that breaks its transaction is found, recorded and backed off alone.
    let oneByOne = 0;
    while (claimed < batchSize) {
      if (shouldStop()) return { fired, full: false, lookedAtMs };
      const limit = oneByOne > 0 ? 1 : Math.min(batchSize - claimed, MAX_TIMERS_PER_TRANSACTION);
      let outcomes: ClaimOutcome[];
      // Before the claim reads the clock itself: what was due now is surely due for the claim.
      lookedAtMs = clock.now();
      try {
        outcomes = await claimAndFire(claimDeps, limit);
      } catch (error) {
        // Unreachable database: no timer is to blame, so back off rather than retry one by one.
        if (limit === 1 || (isStoreError(error) && error.code === 'unavailable')) throw error;
        logger.warn('a batch of timers was rolled back as a whole; retrying them one transaction each', {
          error: describeError(error),
          timers: limit,
        });
        oneByOne = limit;
        continue;
      }
      for (const outcome of outcomes) {
        logOutcome(outcome);
        if (outcome.kind === 'fired') fired += 1;
      }
      claimed += outcomes.length;
      if (oneByOne > 0) oneByOne -= 1;
      // Fewer than asked for: nothing else is due, or other instances or busy tickets hold it.
      if (outcomes.length < limit) return { fired, full: false, lookedAtMs };
    }
    return { fired, full: true, lookedAtMs };
  }

  async function lookAhead(lookedAtMs: number): Promise<LookAhead> {
    // Skipping rows another instance has claimed (and is firing or failing right now): counting them
    // would arm a wake-up in the past and spin until that instance commits. KEY SHARE does not conflict
    // with the ticket service's upserts or with a lock on the ticket, so a timer being rescheduled, or
    // whose ticket is busy, is seen: then it was due at the claim (compared like the claim does, to
    // the microsecond) and is reported as busy instead of arming a wake-up in the past.
    const claimedAt = new Date(Math.floor(lookedAtMs));
    const first = await db.query<{ fire_at: Date; busy: boolean }>(
      `SELECT fire_at, fire_at <= $1 AS busy
         FROM timers ORDER BY fire_at LIMIT 1 FOR KEY SHARE SKIP LOCKED`,
      [claimedAt],
    );
    const head = first.rows[0];
    if (head === undefined || !head.busy) return { nextFireAt: head?.fire_at.getTime(), busy: false };
    // The busy ones are retried on their own short back-off; the wake-up is for the next timer after.
    const next = await db.query<{ fire_at: Date }>(
      `SELECT fire_at FROM timers WHERE fire_at > $1
        ORDER BY fire_at LIMIT 1 FOR KEY SHARE SKIP LOCKED`,
      [claimedAt],
    );
    return { nextFireAt: next.rows[0]?.fire_at.getTime(), busy: true };
  }

  function retryBusySoon(): void {
    busyRounds += 1;
    const retryInMs = Math.min(BUSY_RETRY_BASE_MS * 2 ** (busyRounds - 1), BUSY_RETRY_MAX_MS);
    logger.debug('due timers skipped because their ticket is busy; looking again shortly', {
      retryInMs,
      rounds: busyRounds,
    });
    // Real time, not the clock: this waits for another transaction's lock, not for a due time.
    busyTimer = setTimeout(() => {
      busyTimer = undefined;
      kick();
    }, retryInMs);
    busyTimer.unref();
  }

  function disarm(): void {
    clearTimeout(wakeTimer);
    wakeTimer = undefined;
    armedAtMs = undefined;
  }

  function arm(atMs: number): void {
    clearTimeout(wakeTimer);
    armedAtMs = atMs;
    const delayMs = Math.min(Math.max(0, clock.realDelayUntil(atMs)), MAX_TIMEOUT_MS);
    wakeTimer = setTimeout(onWake, delayMs);
    // A sleeping scheduler must not keep a host alive that is otherwise done.
    wakeTimer.unref();
  }

  function onWake(): void {
    wakeTimer = undefined;
    const atMs = armedAtMs;
    if (!started || stopping || atMs === undefined) return;
    // A sleep chained past the 2^31 ms cap, or a timer that fired a hair early: sleep on, no query.
    if (clock.realDelayUntil(atMs) > 0) {
      arm(atMs);
      return;
    }
    armedAtMs = undefined;
    kick();
  }

  function onNotification(payload: string): void {
    if (!started || stopping) return;
    const dueMs = parseTimersPayload(payload);
    // Not our format: we cannot tell what changed, so look at the table.
    if (dueMs === undefined) {
      kick();
      return;
    }
    if (cycle !== undefined) {
      notifiedDuringRunMs = Math.min(notifiedDuringRunMs ?? dueMs, dueMs);
      return;
    }
    // Later than the wake-up already armed (or a retry back-off pending): nothing to do, no query.
    if (armedAtMs !== undefined && dueMs >= armedAtMs) return;
    arm(dueMs);
  }

  function kick(): void {
    if (!started || stopping) return;
    if (cycle !== undefined) {
      rerun = true;
      return;
    }
    disarm();
    clearTimeout(retryTimer);
    retryTimer = undefined;
    clearTimeout(busyTimer);
    busyTimer = undefined;
    cycle = runCycle().finally(() => {
      cycle = undefined;
    });
  }

  async function runCycle(): Promise<void> {
    for (;;) {
      rerun = false;
      notifiedDuringRunMs = undefined;
      let batch: BatchResult;
      let ahead: LookAhead = { nextFireAt: undefined, busy: false };
      try {
        batch = await fireDueBatch(() => stopping);
        if (stopping) return;
        if (!batch.full && !rerun) ahead = await lookAhead(batch.lookedAtMs);
        runFailures = 0;
      } catch (error) {
        runFailures += 1;
        const retryInMs = Math.min(RUN_RETRY_BASE_MS * 2 ** (runFailures - 1), RUN_RETRY_MAX_MS);
        logger.error('timer scheduler could not run; it will try again', {
          error: describeError(error),
          retryInMs,
          failures: runFailures,
        });
        if (!stopping) {
          // Real time, not the clock: this waits for the database, not for a due time.
          retryTimer = setTimeout(() => {
            retryTimer = undefined;
            kick();
          }, retryInMs);
          retryTimer.unref();
        }
        return;
      }
      if (stopping) return;
      if (batch.full || rerun) {
        // Let requests, notifications and a stop in between a long backlog.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (stopping) return;
        continue;
      }
      const wakeAtMs = earliest(ahead.nextFireAt, notifiedDuringRunMs);
      // Nothing left at all: sleep without any timer until a notification or the safety scan.
      if (wakeAtMs !== undefined) arm(wakeAtMs);
      if (ahead.busy) {
        retryBusySoon();
      } else {
        busyRounds = 0;
      }
      return;
    }
  }

  return {
    async start(): Promise<void> {
      if (started) return;
      started = true;
      stopping = false;
      runFailures = 0;
      busyRounds = 0;
      const mine = ++generation;
      let subscription: () => Promise<void>;
      try {
        // LISTEN before the first look: a timer committed in between is then either seen or notified.
        subscription = await db.listen(TIMERS_CHANNEL, onNotification);
      } catch (error) {
        if (mine === generation) started = false;
        throw error;
      }
      if (mine !== generation) {
        // stop() came while we waited for the LISTEN: undo it, the scheduler stays stopped.
        await subscription();
        return;
      }
      unlisten = subscription;
      safetyTimer = setInterval(kick, safetyScanMs);
      safetyTimer.unref();
      kick();
    },

    async stop(): Promise<void> {
      if (!started || stopping) return;
      stopping = true;
      generation += 1;
      clearInterval(safetyTimer);
      clearTimeout(retryTimer);
      clearTimeout(busyTimer);
      safetyTimer = undefined;
      retryTimer = undefined;
      busyTimer = undefined;
      disarm();
      try {
        // runCycle never rejects: its failures are logged and retried.
        await cycle;
      } finally {
        const remove = unlisten;
        unlisten = undefined;
        started = false;
        stopping = false;
        await remove?.();
      }
    },

    async runDueOnce(): Promise<number> {
      const { fired } = await fireDueBatch(() => false);
      return fired;
    },
  };
}
