/**
 * Stable codes of store failures:
 * - `unavailable`: the database cannot be reached (refused, dropped, shut down, closed store) — retry later;
 * - `conflict`: a unique constraint was violated (SQLSTATE 23505);
 * - `serialization`: a serialization failure or deadlock (40001, 40P01) — retry the whole transaction;
 * - `invalid_usage`: the store was used in a way it cannot support (a nested transaction, a statement
 *   on the database from inside one of its own transactions, an invalid identifier);
 * - `migration`: applying the versioned SQL migrations failed;
 * - `unknown`: any other database error (its SQLSTATE is still on the error).
 */
export type StoreErrorCode =
  | 'unavailable'
  | 'conflict'
  | 'serialization'
  | 'invalid_usage'
  | 'migration'
  | 'unknown';

/** Options of the {@link StoreError} constructor. */
export interface StoreErrorOptions {
  /** The five-character SQLSTATE the database reported, when it reported one. */
  sqlState?: string | undefined;
  /** The violated constraint, when the database named one. */
  constraint?: string | undefined;
  /** The underlying driver error. */
  cause?: unknown;
}

// A registry-wide symbol, so errors from a second copy of the package (ESM and CJS loaded side by side)
// are still recognised by `isStoreError`, where `instanceof` would fail.
const BRAND = Symbol.for('@tierdesk/node/store-error');

/** The one error type the store throws: a typed value with a stable `code` and the SQLSTATE. */
export class StoreError extends Error {
  override name = 'StoreError';
  /** The stable, machine-readable code. */
  readonly code: StoreErrorCode;
  /** The SQLSTATE the database reported, e.g. `23505`; undefined for failures outside the database. */
  readonly sqlState: string | undefined;
  /** The violated constraint, e.g. `workspaces_pkey`, when the database named one. */
  readonly constraint: string | undefined;

  /** Creates a store error with a code, a message and optional details. */
  constructor(code: StoreErrorCode, message: string, options: StoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.sqlState = options.sqlState;
    this.constraint = options.constraint;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** Whether a value is a {@link StoreError}, also across duplicate copies of the package. */
export function isStoreError(value: unknown): value is StoreError {
  return typeof value === 'object' && value !== null && BRAND in value;
}

// Errors raised by Node's sockets before any Postgres protocol exists (not SQLSTATEs, though EPIPE
// has the same shape, hence the explicit list).
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

// pg and PGlite report lost or closed connections with plain Errors that carry no code.
const CONNECTION_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Cannot use a pool after calling end|PGlite is closed|Client was closed/i;

// SQLSTATEs meaning "the server is not there for you right now" rather than "your statement is wrong".
function isConnectionSqlState(sqlState: string): boolean {
  return (
    sqlState.startsWith('08') || // connection_exception
    sqlState.startsWith('28') || // invalid_authorization_specification
    sqlState === '3D000' || // invalid_catalog_name: the database does not exist
    sqlState === '53300' || // too_many_connections
    sqlState === '57P01' || // admin_shutdown
    sqlState === '57P02' || // crash_shutdown
    sqlState === '57P03' // cannot_connect_now
  );
}

function readString(value: object, key: string): string | undefined {
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}

/**
 * Translates any error a driver threw into a {@link StoreError}, keeping the original as `cause`.
 * A StoreError is returned unchanged. Both pg and PGlite errors carry the SQLSTATE in `code` next to
 * a `severity`, which tells them apart from Node's socket errors.
 */
export function toStoreError(error: unknown): StoreError {
  if (isStoreError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof error !== 'object' || error === null)
    return new StoreError('unknown', message, { cause: error });

  const rawCode = readString(error, 'code');
  const sqlState =
    rawCode !== undefined && /^[0-9A-Z]{5}$/.test(rawCode) && readString(error, 'severity') !== undefined
      ? rawCode
      : undefined;
  const constraint = readString(error, 'constraint');
  const details = { sqlState, constraint, cause: error };

  if (sqlState === '23505') return new StoreError('conflict', message, details);
  if (sqlState === '40001' || sqlState === '40P01') return new StoreError('serialization', message, details);
  if (
    (sqlState !== undefined && isConnectionSqlState(sqlState)) ||
    (sqlState === undefined && rawCode !== undefined && NETWORK_ERROR_CODES.has(rawCode)) ||
    (sqlState === undefined && CONNECTION_MESSAGE.test(message)) ||
    // Connecting to a host with several addresses fails with an AggregateError of socket errors.
    (error instanceof AggregateError &&
      error.errors.some((inner) => toStoreError(inner).code === 'unavailable'))
  ) {
    return new StoreError('unavailable', message, details);
  }
  return new StoreError('unknown', message, details);
}
