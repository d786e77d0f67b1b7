import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../clock';
import { consoleLogger, type Logger } from '../logger';
import type { SqlDatabase, SqlExecutor, SqlRow } from '../store';
import { WebhookError } from './webhook.errors';
import { OUTBOX_CHANNEL, WEBHOOK_OUTBOX_TOPIC, type WebhookEvent, webhookBody } from './webhook.outbox';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE, nextRetryDelay, validateRetrySchedule } from './webhook.retry';
import { signWebhook } from './webhook.signature';
import {
  fetchTransport,
  nodeHttpTransport,
  type WebhookAttemptOutcome,
  type WebhookTransport,
} from './webhook.transport';

/** Options of {@link createWebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  /** The database holding the outbox and the webhook tables. */
  db: SqlDatabase;
  /** Where retry times come from. Default: the wall clock. */
  clock?: Clock;
  /** Receives delivery failures and background errors. Default: JSON lines on the console. */
  logger?: Logger;
  /** Allow receivers on loopback and private networks (development and tests only). Default false. */
  allowPrivateNetworks?: boolean;
  /** How long one attempt may take, DNS to response headers. Default 10 000 ms. */
  timeoutMs?: number;
  /**
   * The waits between attempts in ms (see {@link DEFAULT_WEBHOOK_RETRY_SCHEDULE}); a message gets
   * `retrySchedule.length + 1` attempts. Each wait grows by a random 0–10 %.
   */
  retrySchedule?: readonly number[];
  /**
   * Send through this fetch instead of the built-in `node:http` transport (e.g. via an egress proxy).
   * The SSRF check then runs before each attempt, but only the built-in transport also pins the
   * connection to the checked addresses.
   */
  fetch?: typeof globalThis.fetch;
  /** The most attempts in flight at once in this instance. Default 8. */
  concurrency?: number;
  /**
   * The longest sleep between scans, a safety net for notifications lost while the LISTEN connection
   * was down. Default 60 000 ms.
   */
  safetyScanMs?: number;
}

/** What one {@link WebhookDispatcher.drainOnce} did. */
export interface WebhookDrainResult {
  /** HTTP attempts made. */
  attempts: number;
  /** Attempts answered with a 2xx. */
  delivered: number;
  /** Failed attempts that will be retried. */
  retrying: number;
  /** Deliveries given up: the retry schedule ran out, or the receiver answered 410 Gone. */
  failed: number;
  /** Deliveries cancelled without an attempt because their endpoint is disabled or removed. */
  cancelled: number;
}

/** Delivers webhook messages from the outbox; see {@link createWebhookDispatcher}. */
export interface WebhookDispatcher {
  /** LISTENs for new events and starts delivering; resolves once listening. Idempotent. */
  start(): Promise<void>;
  /** Stops taking work and waits for the attempts in flight to be sent and recorded. */
  stop(): Promise<void>;
  /** Fans out the outbox and sends every attempt due now, until none is left (tests, scripts). */
  drainOnce(): Promise<WebhookDrainResult>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_CONCURRENCY = 8;
const DEFAULT_SAFETY_SCAN_MS = 60_000;
// A claimed attempt is protected this long beyond its timeout, time enough to record the outcome.
const LEASE_MARGIN_MS = 30_000;
const FANOUT_BATCH = 100;
// After a failed scan (database unreachable), how long to wait before the next one.
const ERROR_BACKOFF_MS = 5_000;
// Never wake sooner than this: a due row another instance is claiming right now must not cause a spin.
const MIN_WAKE_MS = 20;

interface ClaimedDelivery extends SqlRow {
  id: number;
  workspace_id: string;
  endpoint_id: string;
  message_id: string;
  attempts: number;
  url: string;
  secret: string;
  body: string;
  lease_token: string;
}

type AttemptResult = 'delivered' | 'retrying' | 'failed' | 'stale';

function positive(name: string, value: number | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value <= 0 ||
    (integer && !Number.isInteger(value))
  ) {
    throw new WebhookError(
      'invalid_options',
      `${name} must be a positive ${integer ? 'integer' : 'number'}.`,
    );
  }
  return value;
}

function isWebhookEvent(value: unknown): value is WebhookEvent {
  return (
    typeof value === 'object' && value !== null && 'id' in value && 'type' in value && 'timestamp' in value
  );
}

function outcomeText(outcome: WebhookAttemptOutcome): string {
  if (outcome.status === undefined) return outcome.error;
  if (outcome.status >= 300 && outcome.status < 400)
    return `HTTP ${outcome.status} (redirects are not followed)`;
  return `HTTP ${outcome.status}`;
}

/**
 * Creates the webhook dispatcher of one server instance. It turns `webhook` outbox rows into one
 * message and one delivery per matching endpoint, then POSTs the JSON `{ type, timestamp, data }`
 * signed per Standard Webhooks (the same `webhook-id` on every attempt).
 *
 * - **Claims**: due deliveries are taken with `FOR UPDATE SKIP LOCKED` and leased in that short
 *   transaction (`lease_until`, database time); the HTTP request runs after COMMIT. Several instances on
 *   one PostgreSQL therefore never send the same attempt twice; an instance that dies mid-attempt loses
 *   its lease and the attempt is made again (delivery is at least once; receivers dedupe on
 *   `webhook-id`).
 * - **Outcomes**: 2xx delivers. 410 Gone disables the endpoint (reason recorded, pending deliveries
 *   cancelled) until its URL or secret changes. Anything else (other statuses, 3xx since redirects are
 *   never followed, timeouts, resets, a refused address) is retried per `retrySchedule`, then failed.
 * - **SSRF**: every attempt checks the URL again and, with the built-in transport, the addresses the
 *   connection resolves, so a host that rebinds to a private address is refused.
 * - **Waking**: on `tierdesk_outbox` notifications, at the next due time (`clock.realDelayUntil`), and
 *   at least every `safetyScanMs`; nothing polls in between, so an idle dispatcher costs no CPU.
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { db } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? consoleLogger;
  const allowPrivateNetworks = options.allowPrivateNetworks === true;
  const timeoutMs = positive('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS);
  const concurrency = positive('concurrency', options.concurrency, DEFAULT_CONCURRENCY, true);
  const safetyScanMs = positive('safetyScanMs', options.safetyScanMs, DEFAULT_SAFETY_SCAN_MS);
  const retrySchedule = validateRetrySchedule(options.retrySchedule ?? DEFAULT_WEBHOOK_RETRY_SCHEDULE);
  const transport: WebhookTransport =
    options.fetch === undefined ? nodeHttpTransport : fetchTransport(options.fetch);
  const leaseMs = timeoutMs + LEASE_MARGIN_MS;

  /** Moves up to FANOUT_BATCH webhook rows of the outbox into messages and deliveries; returns how many. */
  async function fanOut(): Promise<number> {
    return db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: number; workspace_id: string; payload: unknown }>(
        `SELECT id, workspace_id, payload FROM outbox
         WHERE topic = $1 AND delivered_at IS NULL AND failed_at IS NULL
         ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [WEBHOOK_OUTBOX_TOPIC, FANOUT_BATCH],
      );
      if (rows.length === 0) return 0;
      const messages: { workspace_id: string; id: string; type: string; body: string }[] = [];
      const done: number[] = [];
      for (const row of rows) {
        try {
          if (!isWebhookEvent(row.payload)) {
            throw new WebhookError('invalid_event', 'The outbox payload is not a webhook event.');
          }
          const body = webhookBody(row.payload);
          messages.push({ workspace_id: row.workspace_id, id: row.payload.id, type: row.payload.type, body });
          done.push(row.id);
        } catch (error) {
          // A malformed row can never succeed: park it visibly instead of blocking the ones behind it.
          const reason = error instanceof Error ? error.message : String(error);
          logger.error('webhook outbox row is malformed and was skipped', {
            outboxId: row.id,
            error: reason,
          });
          await tx.query(
            'UPDATE outbox SET failed_at = now(), attempts = attempts + 1, last_error = $2 WHERE id = $1',
            [row.id, reason],
          );
        }
      }
      if (messages.length > 0) {
        const json = JSON.stringify(messages);
        await tx.query(
          `INSERT INTO webhook_messages (workspace_id, id, type, body)
           SELECT m.workspace_id, m.id, m.type, m.body
           FROM jsonb_to_recordset($1::jsonb) AS m(workspace_id text, id text, type text, body text)
           ON CONFLICT DO NOTHING`,
          [json],
        );
        await tx.query(
          `INSERT INTO webhook_deliveries (workspace_id, endpoint_id, message_id, next_attempt_at)
           SELECT m.workspace_id, e.id, m.id, $2
           FROM jsonb_to_recordset($1::jsonb) AS m(workspace_id text, id text, type text)
           JOIN webhook_endpoints e ON e.workspace_id = m.workspace_id
             AND e.disabled_at IS NULL AND e.removed_at IS NULL
             AND (e.events IS NULL OR m.type = ANY (e.events))
           ON CONFLICT DO NOTHING`,
          [json, new Date(clock.now())],
        );
        await tx.query(
          `UPDATE outbox SET delivered_at = now(), attempts = attempts + 1
           WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb))`,
          [JSON.stringify(done)],
        );
      }
      return rows.length;
    });
  }

  async function fanOutAll(): Promise<void> {
    while ((await fanOut()) === FANOUT_BATCH) {
      // Keep going: a full batch means more may be waiting.
    }
  }

  /** Claims up to `limit` due deliveries; cancels those whose endpoint is no longer active. */
  async function claim(limit: number): Promise<{ claimed: ClaimedDelivery[]; cancelled: number }> {
    const now = new Date(clock.now());
    const token = randomBytes(12).toString('base64url');
    return db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: number; inactive: boolean }>(
        `SELECT d.id, (e.disabled_at IS NOT NULL OR e.removed_at IS NOT NULL) AS inactive
         FROM webhook_deliveries d
         JOIN webhook_endpoints e ON e.workspace_id = d.workspace_id AND e.id = d.endpoint_id
         WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= $1
           AND (d.lease_until IS NULL OR d.lease_until <= now())
         ORDER BY d.next_attempt_at, d.id
         LIMIT $2
         FOR UPDATE OF d SKIP LOCKED`,
        [now, limit],
      );
      const inactive = rows.filter((row) => row.inactive).map((row) => row.id);
      const live = rows.filter((row) => !row.inactive).map((row) => row.id);
      if (inactive.length > 0) {
        // Deliveries created while the endpoint was being disabled elsewhere end here.
        await tx.query(
          `UPDATE webhook_deliveries SET failed_at = $2, last_error = 'endpoint disabled or removed', lease_token = NULL, lease_until = NULL
           WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb))`,
          [JSON.stringify(inactive), now],
        );
      }
      if (live.length === 0) return { claimed: [], cancelled: inactive.length };
      const { rows: claimed } = await tx.query<ClaimedDelivery>(
        `UPDATE webhook_deliveries d
         SET attempts = d.attempts + 1, lease_token = $2,
             lease_until = now() + $3::double precision * interval '1 millisecond', last_attempt_at = $4
         FROM webhook_messages m, webhook_endpoints e
         WHERE d.id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb))
           AND m.workspace_id = d.workspace_id AND m.id = d.message_id
           AND e.workspace_id = d.workspace_id AND e.id = d.endpoint_id
         RETURNING d.id, d.workspace_id, d.endpoint_id, d.message_id, d.attempts, e.url, e.secret, m.body, d.lease_token`,
        [JSON.stringify(live), token, leaseMs, now],
      );
      return { claimed, cancelled: inactive.length };
    });
  }

  // Updates only the attempt this instance holds, and only while it is still pending: a lease that
  // expired and was taken over, or a delivery cancelled meanwhile, must not be overwritten.
  const OWN_PENDING = 'id = $1 AND lease_token = $2 AND delivered_at IS NULL AND failed_at IS NULL';

  async function disableEndpoint(tx: SqlExecutor, delivery: ClaimedDelivery, now: Date): Promise<void> {
    // Only the endpoint as it was claimed: a 410 from an old URL must not disable a reconfigured one.
    const { rowCount } = await tx.query(
      `UPDATE webhook_endpoints SET disabled_at = $4, disabled_reason = 'gone', updated_at = now()
       WHERE workspace_id = $1 AND id = $2 AND url = $3 AND disabled_at IS NULL`,
      [delivery.workspace_id, delivery.endpoint_id, delivery.url, now],
    );
    if (rowCount === 0) return;
    await tx.query(
      `UPDATE webhook_deliveries SET failed_at = $3, last_error = 'endpoint disabled: the receiver answered 410 Gone',
         lease_token = NULL, lease_until = NULL
       WHERE workspace_id = $1 AND endpoint_id = $2 AND delivered_at IS NULL AND failed_at IS NULL`,
      [delivery.workspace_id, delivery.endpoint_id, now],
    );
    logger.warn('webhook endpoint disabled: the receiver answered 410 Gone', {
      workspaceId: delivery.workspace_id,
      endpointId: delivery.endpoint_id,
    });
  }

  /** Sends one claimed attempt and records its outcome. */
  async function attempt(delivery: ClaimedDelivery): Promise<AttemptResult> {
    // The Standard Webhooks timestamp is checked against the receiver's wall clock (±5 min), so it
    // must be real time even when the server runs an accelerated clock.
    const signed = signWebhook({
      id: delivery.message_id,
      timestamp: new Date(),
      body: delivery.body,
      secret: delivery.secret,
    });
    let outcome: WebhookAttemptOutcome;
    try {
      outcome = await transport({
        url: delivery.url,
        headers: { 'content-type': 'application/json', 'user-agent': 'tierdesk-webhooks/1', ...signed },
        body: delivery.body,
        timeoutMs,
        allowPrivateNetworks,
      });
    } catch (error) {
      // A custom fetch that throws synchronously or a transport bug still counts as a failed attempt.
      outcome = { status: undefined, error: error instanceof Error ? error.message : String(error) };
    }
    const now = new Date(clock.now());
    const fields = {
      workspaceId: delivery.workspace_id,
      endpointId: delivery.endpoint_id,
      messageId: delivery.message_id,
      attempt: delivery.attempts,
    };
    const status = outcome.status ?? null;
    const error = outcomeText(outcome);

    if (outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300) {
      const { rowCount } = await db.query(
        `UPDATE webhook_deliveries SET delivered_at = $3, last_status = $4, last_error = NULL,
           lease_token = NULL, lease_until = NULL WHERE ${OWN_PENDING}`,
        [delivery.id, delivery.lease_token, now, outcome.status],
      );
      logger.debug('webhook delivered', { ...fields, status: outcome.status });
      return rowCount === 0 ? 'stale' : 'delivered';
    }

    if (outcome.status === 410) {
      return db.transaction(async (tx) => {
        const { rowCount } = await tx.query(
          `UPDATE webhook_deliveries SET failed_at = $3, last_status = 410, last_error = $4,
             lease_token = NULL, lease_until = NULL WHERE ${OWN_PENDING}`,
          [delivery.id, delivery.lease_token, now, 'the receiver answered 410 Gone; endpoint disabled'],
        );
        if (rowCount === 0) return 'stale';
        await disableEndpoint(tx, delivery, now);
        return 'failed';
      });
    }

    const delayMs = nextRetryDelay(delivery.attempts, retrySchedule);
    if (delayMs === undefined) {
      const { rowCount } = await db.query(
        `UPDATE webhook_deliveries SET failed_at = $3, last_status = $4, last_error = $5,
           lease_token = NULL, lease_until = NULL WHERE ${OWN_PENDING}`,
        [delivery.id, delivery.lease_token, now, status, error],
      );
      logger.warn('webhook delivery failed for good', { ...fields, status, error });
      return rowCount === 0 ? 'stale' : 'failed';
    }
    const nextAttemptAt = new Date(now.getTime() + delayMs);
    const { rowCount } = await db.query(
      `UPDATE webhook_deliveries SET next_attempt_at = $3, last_status = $4, last_error = $5,
         lease_token = NULL, lease_until = NULL WHERE ${OWN_PENDING}`,
      [delivery.id, delivery.lease_token, nextAttemptAt, status, error],
    );
    logger.info('webhook attempt failed; will retry', { ...fields, status, error, retryInMs: delayMs });
    return rowCount === 0 ? 'stale' : 'retrying';
  }

  /** Real milliseconds until something may be due: the next attempt, or another instance's lease ending. */
  async function nextWakeMs(): Promise<number> {
    const { rows } = await db.query<{ next_due: Date | null; lease_ms: number | null }>(
      `SELECT min(next_attempt_at) FILTER (WHERE lease_until IS NULL OR lease_until <= now()) AS next_due,
              (EXTRACT(EPOCH FROM (min(lease_until) FILTER (WHERE lease_until > now()) - now())) * 1000)::float8 AS lease_ms
       FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL`,
    );
    const row = rows[0];
    let wait = safetyScanMs;
    if (row?.next_due != null) wait = Math.min(wait, clock.realDelayUntil(new Date(row.next_due).getTime()));
    if (row?.lease_ms != null) wait = Math.min(wait, Number(row.lease_ms));
    return Math.max(MIN_WAKE_MS, Math.ceil(wait));
  }

  // --- the background loop (start/stop) ---
  let started = false;
  let stopping = false;
  let unlisten: (() => Promise<void>) | undefined;
  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  let pumping: Promise<void> | undefined;
  let pumpRequested = false;
  const inFlight = new Set<Promise<void>>();

  function setWake(ms: number): void {
    clearTimeout(wakeTimer);
    wakeTimer = setTimeout(requestPump, ms);
    // The server's own handles keep the process alive; a pending retry alone must not.
    wakeTimer.unref();
  }

  function launch(delivery: ClaimedDelivery): void {
    const running: Promise<void> = attempt(delivery)
      .then(() => undefined)
      .catch((error: unknown) => {
        // Recording failed (database gone): the lease runs out and another scan retries the attempt.
        logger.error('webhook attempt could not be recorded', {
          deliveryId: delivery.id,
          error: error instanceof Error ? error.message : String(error),
        });
      })
      .finally(() => {
        inFlight.delete(running);
        requestPump();
      });
    inFlight.add(running);
  }

  async function pumpOnce(): Promise<void> {
    await fanOutAll();
    while (!stopping) {
      const free = concurrency - inFlight.size;
      if (free <= 0) return;
      const { claimed } = await claim(free);
      for (const delivery of claimed) launch(delivery);
      if (claimed.length < free) return;
    }
  }

  function requestPump(): void {
    if (!started || stopping) return;
    if (pumping !== undefined) {
      pumpRequested = true;
      return;
    }
    clearTimeout(wakeTimer);
    pumping = (async () => {
      try {
        do {
          pumpRequested = false;
          await pumpOnce();
        } while (pumpRequested && !stopping);
        if (!stopping) setWake(await nextWakeMs());
      } catch (error) {
        logger.error('webhook dispatcher scan failed; retrying soon', {
          error: error instanceof Error ? error.message : String(error),
        });
        if (!stopping) setWake(Math.min(ERROR_BACKOFF_MS, safetyScanMs));
      }
    })().finally(() => {
      pumping = undefined;
      if (pumpRequested) requestPump();
    });
  }

  return {
    async start() {
      if (started) return;
      if (stopping)
        throw new WebhookError('invalid_options', 'A stopped webhook dispatcher cannot be restarted.');
      started = true;
      try {
        unlisten = await db.listen(OUTBOX_CHANNEL, (payload) => {
          // The channel is shared by every outbox topic; the payload names the topic.
          if (payload === WEBHOOK_OUTBOX_TOPIC || payload === '') requestPump();
        });
      } catch (error) {
        started = false;
        throw error;
      }
      requestPump();
    },

    async stop() {
      if (stopping) {
        await pumping;
        await Promise.all(inFlight);
        return;
      }
      stopping = true;
      clearTimeout(wakeTimer);
      const stopListening = unlisten;
      unlisten = undefined;
      try {
        await stopListening?.();
      } finally {
        await pumping;
        await Promise.all(inFlight);
      }
    },

    async drainOnce() {
      const result: WebhookDrainResult = { attempts: 0, delivered: 0, retrying: 0, failed: 0, cancelled: 0 };
      for (;;) {
        await fanOutAll();
        const { claimed, cancelled } = await claim(concurrency);
        result.cancelled += cancelled;
        if (claimed.length === 0 && cancelled === 0) return result;
        const outcomes = await Promise.all(claimed.map(attempt));
        result.attempts += claimed.length;
        for (const outcome of outcomes) if (outcome !== 'stale') result[outcome] += 1;
      }
    },
  };
}
