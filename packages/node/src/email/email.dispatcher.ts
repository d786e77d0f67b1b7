import { consoleLogger, type Logger } from '../logger';
import type { SqlDatabase, SqlRow } from '../store';
import { OUTBOX_CHANNEL } from '../webhooks/webhook.outbox';
import {
  DEFAULT_WEBHOOK_RETRY_SCHEDULE,
  nextRetryDelay,
  validateRetrySchedule,
} from '../webhooks/webhook.retry';
import type { EmailTransport } from './email.config';
import { EMAIL_OUTBOX_TOPIC, type EmailOutboxPayload } from './email.outbox';

/** Options of {@link createEmailDispatcher}. */
export interface EmailDispatcherOptions {
  db: SqlDatabase;
  transport: EmailTransport;
  logger?: Logger;
  /** Waits between attempts, ms; a mail gets `length + 1` attempts. Default: the webhook schedule. */
  retrySchedule?: readonly number[];
  /** How long a claimed mail is reserved for this instance before another may retry it. Default 120 000 ms. */
  leaseMs?: number;
  /** The longest sleep between scans (a lost notification). Default 60 000 ms. */
  safetyScanMs?: number;
  /** Mails claimed per round. Default 10. */
  batchSize?: number;
}

/** What one {@link EmailDispatcher.drainOnce} did (attempts whose lease another instance took over are not counted). */
export interface EmailDrainResult {
  /** Mails the SMTP server (or transport) accepted. */
  sent: number;
  /** Failed attempts that will be retried. */
  retrying: number;
  /** Mails given up: the retry schedule ran out. */
  failed: number;
}

/** Sends notification mails from the outbox; see {@link createEmailDispatcher}. */
export interface EmailDispatcher {
  /** LISTENs for new mails and starts sending; resolves once listening. Idempotent. */
  start(): Promise<void>;
  /** Stops taking work and waits for the sends in flight. */
  stop(): Promise<void>;
  /** Sends every mail due now until none is left (tests, scripts). */
  drainOnce(): Promise<EmailDrainResult>;
}

interface ClaimedMail extends SqlRow {
  id: number;
  attempts: number;
  payload: EmailOutboxPayload;
}

const MIN_WAKE_MS = 20;
const ERROR_BACKOFF_MS = 5_000;

/**
 * Creates the email dispatcher of one server instance.
 *
 * - **Claims**: due `email` outbox rows are taken with `FOR UPDATE SKIP LOCKED` and leased in that short
 *   transaction (`available_at` moves past the lease, `attempts` counts up); the SMTP conversation runs
 *   after COMMIT, so the database is never held by a slow mail server. Two instances never take the same
 *   row; the outcome is recorded only while `attempts` still matches the claim.
 * - **Retries**: a failed send waits per the schedule (webhook.retry.ts, jittered), then fails for good.
 *   An instance that dies after the server accepted a mail but before recording it sends it once more
 *   when the lease ends (at least once, the same Message-ID, which receiving servers dedupe on).
 * - **Waking**: on `tierdesk_outbox` notifications with payload `email`, at the next due row, and at
 *   least every `safetyScanMs`.
 */
export function createEmailDispatcher(options: EmailDispatcherOptions): EmailDispatcher {
  const { db, transport } = options;
  const logger = options.logger ?? consoleLogger;
  const schedule = validateRetrySchedule(options.retrySchedule ?? DEFAULT_WEBHOOK_RETRY_SCHEDULE);
  const leaseMs = options.leaseMs ?? 120_000;
  const safetyScanMs = options.safetyScanMs ?? 60_000;
  const batchSize = options.batchSize ?? 10;

  async function claim(): Promise<ClaimedMail[]> {
    return db.transaction(async (tx) => {
      const { rows } = await tx.query<ClaimedMail>(
        `UPDATE outbox o
            SET attempts = o.attempts + 1,
                available_at = now() + $3::double precision * interval '1 millisecond'
           FROM (SELECT id FROM outbox
                  WHERE topic = $1 AND delivered_at IS NULL AND failed_at IS NULL AND available_at <= now()
                  ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED) c
          WHERE o.id = c.id
        RETURNING o.id, o.attempts, o.payload`,
        [EMAIL_OUTBOX_TOPIC, batchSize, leaseMs],
      );
      return rows.sort((a, b) => a.id - b.id);
    });
  }

  // Only the attempt this instance claimed, and only while still pending.
  const OWN = 'id = $1 AND attempts = $2 AND delivered_at IS NULL AND failed_at IS NULL';

  async function attempt(mail: ClaimedMail): Promise<'sent' | 'retrying' | 'failed' | 'stale'> {
    const fields = { outboxId: mail.id, notificationId: mail.payload.notificationId, attempt: mail.attempts };
    try {
      await transport.send(mail.payload.message);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const delay = nextRetryDelay(mail.attempts, schedule);
      if (delay === undefined) {
        const { rowCount } = await db.query(
          `UPDATE outbox SET failed_at = now(), last_error = $3 WHERE ${OWN}`,
          [mail.id, mail.attempts, reason],
        );
        if (rowCount === 0) return 'stale';
        logger.warn('notification mail failed for good', { ...fields, error: reason });
        return 'failed';
      }
      const { rowCount } = await db.query(
        `UPDATE outbox SET available_at = now() + $3::double precision * interval '1 millisecond', last_error = $4
          WHERE ${OWN}`,
        [mail.id, mail.attempts, delay, reason],
      );
      if (rowCount === 0) return 'stale';
      logger.info('notification mail failed; will retry', { ...fields, error: reason, retryInMs: delay });
      return 'retrying';
    }
    const recorded = await db.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE outbox SET delivered_at = now(), last_error = NULL WHERE ${OWN}`,
        [mail.id, mail.attempts],
      );
      if (rowCount === 0) return false;
      await tx.query('UPDATE email_notifications SET sent_at = now() WHERE id = $1', [
        mail.payload.notificationId,
      ]);
      return true;
    });
    if (!recorded) {
      // The send outlasted the lease and another instance took the row over: it owns the outcome.
      logger.warn('notification mail sent after its lease ended; another attempt owns the row', fields);
      return 'stale';
    }
    logger.debug('notification mail sent', fields);
    return 'sent';
  }

  async function drainOnce(): Promise<EmailDrainResult> {
    const result: EmailDrainResult = { sent: 0, retrying: 0, failed: 0 };
    for (;;) {
      const mails = await claim();
      if (mails.length === 0) return result;
      // One by one: mail servers throttle bursts, and order within a ticket's thread is kept.
      for (const mail of mails) {
        const outcome = await attempt(mail);
        if (outcome !== 'stale') result[outcome] += 1;
      }
    }
  }

  async function nextWakeMs(): Promise<number> {
    const { rows } = await db.query<{ wait_ms: number | null }>(
      `SELECT (EXTRACT(EPOCH FROM (min(available_at) - now())) * 1000)::float8 AS wait_ms
         FROM outbox WHERE topic = $1 AND delivered_at IS NULL AND failed_at IS NULL`,
      [EMAIL_OUTBOX_TOPIC],
    );
    const wait = rows[0]?.wait_ms;
    return Math.max(
      MIN_WAKE_MS,
      Math.ceil(wait == null ? safetyScanMs : Math.min(safetyScanMs, Number(wait))),
    );
  }

  let started = false;
  let stopping = false;
  let unlisten: (() => Promise<void>) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  function schedule_(ms: number): void {
    clearTimeout(timer);
    timer = setTimeout(pump, ms);
    timer.unref();
  }

  function pump(): void {
    if (stopping) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = (async () => {
      let wait = safetyScanMs;
      try {
        do {
          again = false;
          await drainOnce();
        } while (again && !stopping);
        wait = await nextWakeMs();
      } catch (error) {
        logger.error('email dispatcher scan failed', { error: String(error) });
        wait = ERROR_BACKOFF_MS;
      } finally {
        running = undefined;
      }
      if (!stopping) schedule_(wait);
    })();
  }

  return {
    async start() {
      if (started) return;
      started = true;
      stopping = false;
      unlisten = await db.listen(OUTBOX_CHANNEL, (payload) => {
        if (payload === EMAIL_OUTBOX_TOPIC) pump();
      });
      pump();
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await unlisten?.();
      unlisten = undefined;
      await running;
      started = false;
    },
    drainOnce,
  };
}
