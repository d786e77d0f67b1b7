import { notifyInTransaction, queueWrite, type SqlExecutor } from '../store';
import { WebhookError } from './webhook.errors';

/** The outbox topic of webhook events. */
export const WEBHOOK_OUTBOX_TOPIC = 'webhook';

/**
 * The channel that wakes outbox consumers. Producers notify it inside their transaction, so the
 * notification arrives at COMMIT and never for a rolled-back change; the payload is the topic.
 */
export const OUTBOX_CHANNEL = 'tierdesk_outbox';

/** One event to send to the workspace's webhook endpoints. */
export interface WebhookEvent {
  /**
   * The stable event id, sent as `webhook-id`; receivers dedupe on it, so the same change must always
   * produce the same id (e.g. `evt_<ticketId>_<seq>`). Visible ASCII, at most 255 characters.
   */
  id: string;
  /** The event type, e.g. `ticket.created`; endpoints filter on it. */
  type: string;
  /** When the event happened, an ISO 8601 date-time. */
  timestamp: string;
  /** The event's data; must be JSON-serialisable. */
  data: unknown;
}

/** The outbox payload of a webhook event: the event itself. @internal */
export interface WebhookOutboxPayload {
  id: string;
  type: string;
  timestamp: string;
  data: unknown;
}

// A header value that survives every HTTP stack unchanged: visible ASCII, no spaces.
const EVENT_ID = /^[\x21-\x7e]{1,255}$/;
const EVENT_TYPE = /^[\x21-\x7e]{1,200}$/;

/**
 * Validates an event and returns the request body every attempt will send: the JSON
 * `{ type, timestamp, data }`. Throws a {@link WebhookError} `invalid_event` otherwise.
 * @internal
 */
export function webhookBody(event: WebhookEvent): string {
  if (typeof event !== 'object' || event === null) {
    throw new WebhookError('invalid_event', 'A webhook event must be an object.');
  }
  if (typeof event.id !== 'string' || !EVENT_ID.test(event.id)) {
    throw new WebhookError('invalid_event', 'A webhook event id must be 1–255 visible ASCII characters.');
  }
  if (typeof event.type !== 'string' || !EVENT_TYPE.test(event.type)) {
    throw new WebhookError('invalid_event', 'A webhook event type must be 1–200 visible ASCII characters.');
  }
  if (typeof event.timestamp !== 'string' || Number.isNaN(Date.parse(event.timestamp))) {
    throw new WebhookError('invalid_event', 'A webhook event timestamp must be an ISO 8601 date-time.');
  }
  let body: string | undefined;
  try {
    body = JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data ?? null });
  } catch (error) {
    throw new WebhookError(
      'invalid_event',
      `The data of webhook event ${event.id} is not JSON-serialisable.`,
      {
        cause: error,
      },
    );
  }
  return body;
}

/**
 * Queues a webhook event for every matching endpoint of the workspace: inserts an outbox row with topic
 * `webhook` and notifies `tierdesk_outbox`, both on `tx`. Call it with the transaction that makes the
 * change, so the event exists exactly when the change does: a rollback drops the row and the
 * notification (notifications are delivered at COMMIT). Dispatchers fan the row out to the endpoints.
 *
 * Rejects with a {@link WebhookError} `invalid_event` for a malformed event (nothing is written), or the
 * store's error when a statement fails.
 */
export async function enqueueWebhookEvent(
  tx: SqlExecutor,
  workspaceId: string,
  event: WebhookEvent,
): Promise<void> {
  await enqueueWebhookEvents(tx, workspaceId, [event]);
}

/**
 * Queues several webhook events of one change like {@link enqueueWebhookEvent}, in their order, with one
 * INSERT and one notification: a ticket change usually has two or three events, and every statement in
 * the change's transaction costs CPU on both sides (BENCHMARKS.md). Every event is validated before
 * anything is written; an empty list writes nothing.
 */
export async function enqueueWebhookEvents(
  tx: SqlExecutor,
  workspaceId: string,
  events: readonly WebhookEvent[],
): Promise<void> {
  if (typeof workspaceId !== 'string' || workspaceId === '') {
    throw new WebhookError('invalid_event', 'A webhook event needs the id of its workspace.');
  }
  const payloads: WebhookOutboxPayload[] = events.map((event) => {
    webhookBody(event);
    return { id: event.id, type: event.type, timestamp: event.timestamp, data: event.data ?? null };
  });
  if (payloads.length === 0) return;
  // Row order is the events' order, so outbox ids (and deliveries) keep it.
  await queueWrite(
    tx,
    `INSERT INTO outbox (workspace_id, topic, payload)
     SELECT $1, $2, p.value FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS p(value, n) ORDER BY p.n`,
    [workspaceId, WEBHOOK_OUTBOX_TOPIC, JSON.stringify(payloads)],
  );
  await notifyInTransaction(tx, OUTBOX_CHANNEL, WEBHOOK_OUTBOX_TOPIC);
}
