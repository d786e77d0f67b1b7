import type { Logger } from '../logger';
import type { SqlDatabase } from '../store';
import { isWebhookError, WebhookError } from './webhook.errors';
import { decodeWebhookSecret } from './webhook.signature';
import { assertDeliverableUrl, type WebhookHostResolver } from './webhook.url-guard';

/** One webhook endpoint as configured in the server options. */
export interface WebhookEndpointConfig {
  /** A stable id chosen by the host, unique in the workspace (1–100 of `A–Z a–z 0–9 _ . -`). */
  id: string;
  /** Where events are POSTed: an http(s) URL on a public address. */
  url: string;
  /** The signing secret, `whsec_<base64>` (see `generateWebhookSecret`). */
  secret: string;
  /** The event types to receive (e.g. `['ticket.created']`); omitted receives every type. */
  events?: readonly string[] | undefined;
}

/** The `webhooks` section of the server options. */
export interface WebhookOptions {
  /** The endpoints of the workspace. */
  endpoints: readonly WebhookEndpointConfig[];
  /** Allow endpoints on loopback and private networks (development and tests only). Default false. */
  allowPrivateNetworks?: boolean;
}

/** Options of {@link syncWebhookEndpoints}. */
export interface SyncWebhookEndpointsOptions {
  /** Allow endpoints on loopback and private networks (development and tests only). Default false. */
  allowPrivateNetworks?: boolean;
  /** Receives a warning when a host name cannot be resolved at start. */
  logger?: Logger;
  /** Resolves host names for the SSRF check. Default: the operating system's resolver. */
  resolve?: WebhookHostResolver;
}

/** What {@link syncWebhookEndpoints} did. */
export interface SyncWebhookEndpointsResult {
  /** Ids of the configured endpoints that will receive events. */
  active: string[];
  /** Ids of configured endpoints that stay disabled (a receiver answered 410 and nothing changed since). */
  disabled: string[];
  /** Ids of endpoints that left the configuration now. */
  removed: string[];
}

const ENDPOINT_ID = /^[A-Za-z0-9_.-]{1,100}$/;
const EVENT_TYPE = /^[\x21-\x7e]{1,200}$/;

function validateEndpoint(endpoint: WebhookEndpointConfig, index: number): void {
  const where = `webhooks.endpoints[${index}]`;
  if (typeof endpoint !== 'object' || endpoint === null) {
    throw new WebhookError('invalid_endpoint', `${where} must be an object.`);
  }
  if (typeof endpoint.id !== 'string' || !ENDPOINT_ID.test(endpoint.id)) {
    throw new WebhookError('invalid_endpoint', `${where}.id must be 1–100 of A–Z a–z 0–9 _ . -`);
  }
  if (typeof endpoint.url !== 'string')
    throw new WebhookError('invalid_url', `${where}.url must be a string.`);
  decodeWebhookSecret(endpoint.secret);
  if (endpoint.events !== undefined) {
    if (!Array.isArray(endpoint.events) || endpoint.events.length === 0) {
      throw new WebhookError(
        'invalid_endpoint',
        `${where}.events must be a non-empty list of event types; omit it to receive every type.`,
      );
    }
    for (const type of endpoint.events) {
      if (typeof type !== 'string' || !EVENT_TYPE.test(type)) {
        throw new WebhookError('invalid_endpoint', `${where}.events holds an invalid event type.`);
      }
    }
  }
}

/**
 * Makes the stored endpoints of a workspace match the configuration; call it at every start. Each
 * endpoint is validated (id, secret, and the SSRF guard on its URL) before anything is written; an
 * invalid one rejects the whole call with a {@link WebhookError} (`invalid_endpoint`, `invalid_secret`,
 * `invalid_url`, `address_not_allowed`). A host name that cannot be resolved right now is only logged:
 * a receiver's DNS outage must not stop the server, and every delivery checks again.
 *
 * Endpoints are upserted by id in one transaction. An endpoint disabled because its receiver answered
 * 410 Gone stays disabled until its URL or secret changes. Endpoints missing from the list are marked
 * removed (their pending deliveries are cancelled, their history kept); listing one again revives it.
 * The workspace row must exist.
 */
export async function syncWebhookEndpoints(
  db: SqlDatabase,
  workspaceId: string,
  endpoints: readonly WebhookEndpointConfig[],
  options: SyncWebhookEndpointsOptions = {},
): Promise<SyncWebhookEndpointsResult> {
  if (!Array.isArray(endpoints))
    throw new WebhookError('invalid_endpoint', 'webhooks.endpoints must be a list.');
  const seen = new Set<string>();
  for (const [index, endpoint] of endpoints.entries()) {
    validateEndpoint(endpoint, index);
    if (seen.has(endpoint.id)) {
      throw new WebhookError(
        'invalid_endpoint',
        `Two webhook endpoints share the id ${JSON.stringify(endpoint.id)}.`,
      );
    }
    seen.add(endpoint.id);
  }
  // DNS before the transaction: a slow resolver must not hold a connection and row locks.
  for (const endpoint of endpoints) {
    try {
      await assertDeliverableUrl(endpoint.url, {
        allowPrivateNetworks: options.allowPrivateNetworks === true,
        ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
      });
    } catch (error) {
      if (!isWebhookError(error) || error.code !== 'dns_failed') throw error;
      options.logger?.warn('webhook endpoint host cannot be resolved now; deliveries will retry', {
        workspaceId,
        endpointId: endpoint.id,
        error: error.message,
      });
    }
  }

  return db.transaction(async (tx) => {
    const active: string[] = [];
    const disabled: string[] = [];
    for (const endpoint of endpoints) {
      const { rows } = await tx.query<{ disabled: boolean }>(
        `INSERT INTO webhook_endpoints AS e (workspace_id, id, url, secret, events)
         VALUES ($1, $2, $3, $4, $5::text[])
         ON CONFLICT (workspace_id, id) DO UPDATE SET
           disabled_at = CASE WHEN e.url = excluded.url AND e.secret = excluded.secret THEN e.disabled_at END,
           disabled_reason = CASE WHEN e.url = excluded.url AND e.secret = excluded.secret THEN e.disabled_reason END,
           url = excluded.url,
           secret = excluded.secret,
           events = excluded.events,
           removed_at = NULL,
           updated_at = now()
         RETURNING e.disabled_at IS NOT NULL AS disabled`,
        [workspaceId, endpoint.id, endpoint.url, endpoint.secret, endpoint.events ?? null],
      );
      (rows[0]?.disabled === true ? disabled : active).push(endpoint.id);
    }
    const { rows: removedRows } = await tx.query<{ id: string }>(
      `UPDATE webhook_endpoints SET removed_at = now(), updated_at = now()
       WHERE workspace_id = $1 AND removed_at IS NULL AND NOT (id = ANY($2::text[]))
       RETURNING id`,
      [workspaceId, [...seen]],
    );
    const removed = removedRows.map((row) => row.id);
    if (removed.length > 0) {
      await tx.query(
        `UPDATE webhook_deliveries SET failed_at = now(), last_error = 'endpoint removed from the configuration',
           lease_token = NULL, lease_until = NULL
         WHERE workspace_id = $1 AND endpoint_id = ANY($2::text[]) AND delivered_at IS NULL AND failed_at IS NULL`,
        [workspaceId, removed],
      );
    }
    return { active, disabled, removed };
  });
}
