import { errors as joseErrors } from 'jose';
import { ApiError } from '../http/api-error';

/**
 * The shortest HMAC secret accepted, in bytes. RFC 7518 §3.2 requires an HS256 key at least as long as
 * the hash output (256 bits); shorter secrets are a configuration error, reported loudly.
 */
export const MIN_SECRET_BYTES = 32;

/**
 * The longest token read at all, in characters. Real tokens are a few hundred characters; the bound
 * keeps hostile multi-megabyte headers away from base64 and JSON decoding.
 */
export const MAX_TOKEN_LENGTH = 8192;

/** The clock skew tolerated on `exp`, `nbf` and `iat` unless configured, in seconds. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;

/** The largest clock tolerance that may be configured, in seconds. */
export const MAX_CLOCK_TOLERANCE_SECONDS = 30;

/** The `WWW-Authenticate` challenges of RFC 6750 §3.1 the server answers 401s with. */
export type BearerError = 'invalid_token' | 'invalid_request';

/** A 401 `unauthorized` with the RFC 6750 challenge, so clients know a Bearer token is expected. */
export function unauthorized(
  message: string,
  error: BearerError = 'invalid_token',
  cause?: unknown,
): ApiError {
  return new ApiError('unauthorized', message, {
    headers: { 'WWW-Authenticate': `Bearer error="${error}"` },
    cause,
  });
}

/**
 * Turns a configured secret into HMAC key bytes. Strings are UTF-8 encoded. A secret shorter than
 * {@link MIN_SECRET_BYTES} throws a RangeError: it is the host's configuration that is wrong, not the
 * caller's token, so it must surface as a server error rather than as a 401.
 */
export function secretKey(secret: string | Uint8Array, what: string): Uint8Array {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`the ${what} must be a string or a Uint8Array`);
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new RangeError(`the ${what} must be at least ${MIN_SECRET_BYTES} bytes long`);
  }
  return bytes;
}

// Imported HMAC keys by secret: jose imports a raw secret into a WebCrypto key on every verification,
// which measured ~8 % of the server's CPU on an authenticated list route (BENCHMARKS.md). Secrets are
// few (one per workspace plus the server's), so the cache is small; it is cleared if it ever grows large.
const verifyKeys = new Map<string, Promise<CryptoKey>>();
const MAX_CACHED_KEYS = 1_000;

/**
 * The HS256 verification key of a configured secret, imported once and reused. Checks the secret like
 * {@link secretKey} (a short one throws a RangeError synchronously).
 */
export function verificationKey(secret: string | Uint8Array, what: string): Promise<CryptoKey> {
  const bytes = secretKey(secret, what);
  const id = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let key = verifyKeys.get(id);
  if (key === undefined) {
    if (verifyKeys.size >= MAX_CACHED_KEYS) verifyKeys.clear();
    key = crypto.subtle.importKey('raw', new Uint8Array(bytes), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'verify',
    ]);
    verifyKeys.set(id, key);
    // A failed import is not cached: the next call tries again.
    key.catch(() => verifyKeys.delete(id));
  }
  return key;
}

/** Validates a configured clock tolerance (a non-negative number of seconds, at most 30). */
export function checkClockTolerance(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_CLOCK_TOLERANCE_SECONDS) {
    throw new RangeError(`the clock tolerance must be between 0 and ${MAX_CLOCK_TOLERANCE_SECONDS} seconds`);
  }
  return seconds;
}

/** Whether an error is one of jose's own (a rejected token), as opposed to a bug or a runtime failure. */
export function isJoseError(error: unknown): error is InstanceType<typeof joseErrors.JOSEError> {
  return error instanceof joseErrors.JOSEError;
}

/** Whether jose rejected the token because it has expired. */
export function isExpired(error: unknown): boolean {
  return error instanceof joseErrors.JWTExpired;
}

/** Whether a token is a syntactically plausible compact JWS (three base64url parts, bounded length). */
export function looksLikeCompactJws(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/** The `iss` of server-issued visitor tokens; identity tokens signed by hosts never carry it. */
export const VISITOR_TOKEN_ISSUER = 'tierdesk';

/**
 * The `aud` of server-issued visitor tokens. Identity tokens carrying it are rejected and visitor
 * tokens lacking it are rejected, so neither kind can pass as the other even if a host reused the
 * server secret as a workspace secret.
 */
export const VISITOR_TOKEN_AUDIENCE = 'tierdesk:visitor';

/** Whether a JWT `aud` claim (a string or a list of strings) names the visitor audience. */
export function hasVisitorAudience(aud: unknown): boolean {
  return aud === VISITOR_TOKEN_AUDIENCE || (Array.isArray(aud) && aud.includes(VISITOR_TOKEN_AUDIENCE));
}
