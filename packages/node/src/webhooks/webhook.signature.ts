import { createHmac, randomBytes } from 'node:crypto';
import { WebhookError } from './webhook.errors';

/** The prefix of Standard Webhooks signing secrets. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

// Standard base64 with padding, as the reference verifiers (standardwebhooks, svix) decode it strictly:
// a secret Node would decode leniently but they would reject must be refused here, not at the receiver.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

/** The three Standard Webhooks headers of one signed message. */
export interface WebhookSignatureHeaders {
  /** The message id, the same on every attempt; receivers dedupe on it. */
  'webhook-id': string;
  /** The attempt's time, integer seconds since the epoch. */
  'webhook-timestamp': string;
  /** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
  'webhook-signature': string;
}

/** What {@link signWebhook} signs. */
export interface SignWebhookInput {
  /** The message id (`webhook-id`). */
  id: string;
  /** When the attempt is sent: a Date, or integer seconds since the epoch. */
  timestamp: Date | number;
  /** The exact request body, byte for byte as it will be sent. */
  body: string;
  /** The endpoint's secret, `whsec_<base64>`. */
  secret: string;
}

/**
 * Decodes a `whsec_<base64>` secret to its key bytes. Throws a {@link WebhookError} `invalid_secret`
 * when the prefix is missing, the base64 is not strict standard base64, or the key is not 24–64 bytes
 * (the Standard Webhooks recommendation).
 */
export function decodeWebhookSecret(secret: string): Buffer {
  if (typeof secret !== 'string' || !secret.startsWith(WEBHOOK_SECRET_PREFIX)) {
    throw new WebhookError('invalid_secret', `A webhook secret must start with "${WEBHOOK_SECRET_PREFIX}".`);
  }
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (encoded.length === 0 || !BASE64.test(encoded)) {
    throw new WebhookError(
      'invalid_secret',
      'A webhook secret must be "whsec_" followed by padded standard base64.',
    );
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new WebhookError(
      'invalid_secret',
      `A webhook secret must decode to ${MIN_SECRET_BYTES}–${MAX_SECRET_BYTES} bytes (got ${key.length}).`,
    );
  }
  return key;
}

/** A new random signing secret: `whsec_` and the base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * Signs one webhook message per Standard Webhooks and returns its three headers: the HMAC-SHA256,
 * keyed with the base64-decoded secret, of `"<id>.<timestamp>.<body>"`, sent as `v1,<base64>`.
 * Throws a {@link WebhookError} `invalid_secret` for a malformed secret, `invalid_event` for an
 * invalid timestamp.
 */
export function signWebhook(input: SignWebhookInput): WebhookSignatureHeaders {
  const key = decodeWebhookSecret(input.secret);
  const seconds =
    input.timestamp instanceof Date
      ? Math.floor(input.timestamp.getTime() / 1000)
      : Math.floor(input.timestamp);
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new WebhookError(
      'invalid_event',
      'The webhook timestamp must be a valid date or non-negative seconds.',
    );
  }
  const signature = createHmac('sha256', key)
    .update(`${input.id}.${seconds}.${input.body}`, 'utf8')
    .digest('base64');
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': `v1,${signature}`,
  };
}
