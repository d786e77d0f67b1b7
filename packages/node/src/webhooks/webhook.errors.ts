/**
 * Stable codes of webhook failures:
 * - `invalid_url`: the endpoint URL is not an absolute http(s) URL, or carries credentials;
 * - `address_not_allowed`: the host is, or resolves to, an address webhooks must never reach (loopback,
 *   private, link-local, unique-local, CGNAT, multicast, unspecified, reserved, or an IPv6 form of one);
 * - `dns_failed`: the host name could not be resolved (or resolving took too long);
 * - `invalid_secret`: a signing secret is not `whsec_` followed by standard base64 of 24 to 64 bytes;
 * - `invalid_endpoint`: an endpoint configuration is malformed (id, events, a duplicate id);
 * - `invalid_event`: an event handed to the outbox is malformed (id, type, timestamp, data not JSON);
 * - `invalid_options`: the dispatcher was configured with impossible values.
 */
export type WebhookErrorCode =
  | 'invalid_url'
  | 'address_not_allowed'
  | 'dns_failed'
  | 'invalid_secret'
  | 'invalid_endpoint'
  | 'invalid_event'
  | 'invalid_options';

/** Options of the {@link WebhookError} constructor. */
export interface WebhookErrorOptions {
  /** The refused IP address, for `address_not_allowed`. */
  address?: string | undefined;
  /** The ipaddr.js range name of the refused address (e.g. `loopback`, `private`), for `address_not_allowed`. */
  range?: string | undefined;
  /** The underlying failure. */
  cause?: unknown;
}

// A registry-wide symbol, so errors from a second copy of the package (ESM and CJS side by side) are
// still recognised by `isWebhookError`, where `instanceof` would fail.
const BRAND = Symbol.for('@tierdesk/node/webhook-error');

/** The one error type of the webhooks module: a typed value with a stable `code`. */
export class WebhookError extends Error {
  override name = 'WebhookError';
  /** The stable, machine-readable code. */
  readonly code: WebhookErrorCode;
  /** The refused IP address (only for `address_not_allowed`). */
  readonly address: string | undefined;
  /** The range the refused address belongs to, e.g. `loopback` (only for `address_not_allowed`). */
  readonly range: string | undefined;

  /** Creates a webhook error with a code, a message and optional details. */
  constructor(code: WebhookErrorCode, message: string, options: WebhookErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.address = options.address;
    this.range = options.range;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** Whether a value is a {@link WebhookError}, also across duplicate copies of the package. */
export function isWebhookError(value: unknown): value is WebhookError {
  return typeof value === 'object' && value !== null && BRAND in value;
}
