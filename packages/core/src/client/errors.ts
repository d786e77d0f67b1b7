import type { ErrorCode, ErrorIssue } from '../contract/errors';

/** Codes of failures the client detects itself, without an error answer from the server. */
export type TierdeskClientErrorCode =
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'invalid_response'
  | 'invalid_usage';

// `string & {}` keeps editor completion for the known codes while accepting codes a newer server adds.
/**
 * Every code a {@link TierdeskError} can carry: the API's codes ({@link ErrorCode}), the client's
 * own ({@link TierdeskClientErrorCode}), and any code a newer server adds. Switch on the known ones
 * and keep a default branch.
 */
export type TierdeskErrorCode = ErrorCode | TierdeskClientErrorCode | (string & {});

/** Where invalid input was found before sending. */
export type InputLocation = 'params' | 'query' | 'body';

/** The plain-object form of a {@link TierdeskError}, for logs and transport (see `toJSON`). */
export interface TierdeskErrorJson {
  /** The error class name, e.g. `TierdeskApiError`. */
  name: string;
  /** The stable code. */
  code: TierdeskErrorCode;
  /** A human-readable description. */
  message: string;
  /** The route called, when known. */
  route?: string;
  /** The HTTP status, when the server answered. */
  status?: number;
  /** Validation issues with their paths. */
  issues?: ErrorIssue[];
  /** Where invalid input was found (client-side validation). */
  location?: InputLocation;
  /** How long the server asked to wait before retrying. */
  retryAfterMs?: number;
  /** The server's `x-request-id`, for support conversations. */
  requestId?: string;
}

/** Options shared by the error constructors. */
export interface TierdeskErrorOptions {
  /** The route called. */
  route?: string;
  /** The underlying error. */
  cause?: unknown;
}

// A registry-wide symbol, so errors from a second copy of the package (ESM and CJS loaded side by
// side) are still recognised by `isTierdeskError`, where `instanceof` would fail.
const BRAND = Symbol.for('@tierdesk/core/error');

/** Base of every error the client throws: a typed value with a stable `code`. */
export class TierdeskError extends Error {
  override name = 'TierdeskError';
  /** The stable, machine-readable code. */
  readonly code: TierdeskErrorCode;
  /** The route called, when known. */
  readonly route: string | undefined;

  /** Creates an error with a code and a message. */
  constructor(code: TierdeskErrorCode, message: string, options: TierdeskErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.route = options.route;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** The error as a plain, JSON-safe object (the cause is left out). */
  toJSON(): TierdeskErrorJson {
    const json: TierdeskErrorJson = { name: this.name, code: this.code, message: this.message };
    if (this.route !== undefined) json.route = this.route;
    return json;
  }
}

/** Details of a {@link TierdeskApiError}. */
export interface TierdeskApiErrorDetails extends TierdeskErrorOptions {
  /** The HTTP status. */
  status: number;
  /** The server's validation issues. */
  issues?: ErrorIssue[];
  /** From `Retry-After`. */
  retryAfterMs?: number;
  /** From `x-request-id`. */
  requestId?: string;
}

/**
 * The server answered with an error status. `code` is the server's error code, or one derived from
 * the status when the body is not the API's error shape (e.g. an HTML page from a proxy).
 */
export class TierdeskApiError extends TierdeskError {
  override name = 'TierdeskApiError';
  /** The server's code: one of {@link ErrorCode}, or a code a newer server added. */
  declare readonly code: ErrorCode | (string & {});
  /** The HTTP status. */
  readonly status: number;
  /** The server's validation issues, paths kept (empty when none). */
  readonly issues: ErrorIssue[];
  /** How long the server asked to wait before retrying (`Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** The server's `x-request-id`. */
  readonly requestId: string | undefined;

  /** Creates an API error. */
  constructor(code: ErrorCode | (string & {}), message: string, details: TierdeskApiErrorDetails) {
    super(code, message, details);
    this.status = details.status;
    this.issues = details.issues ?? [];
    this.retryAfterMs = details.retryAfterMs;
    this.requestId = details.requestId;
  }

  override toJSON(): TierdeskErrorJson {
    const json = super.toJSON();
    json.status = this.status;
    if (this.issues.length > 0) json.issues = this.issues;
    if (this.retryAfterMs !== undefined) json.retryAfterMs = this.retryAfterMs;
    if (this.requestId !== undefined) json.requestId = this.requestId;
    return json;
  }
}

/**
 * The input failed the route's schema before anything was sent. Its code is `validation_failed`, the
 * code the server uses for the same problem, so forms can treat both alike; issue paths are relative
 * to `location` (for a body, `['subject']` is the body's `subject`).
 */
export class TierdeskValidationError extends TierdeskError {
  override name = 'TierdeskValidationError';
  declare readonly code: 'validation_failed';
  /** The part of the input that failed. */
  readonly location: InputLocation;
  /** What failed, with zod's paths. */
  readonly issues: ErrorIssue[];

  /** Creates a client-side validation error. */
  constructor(location: InputLocation, issues: ErrorIssue[], options: TierdeskErrorOptions = {}) {
    const first = issues[0];
    const where = first && first.path.length > 0 ? `${location}.${first.path.join('.')}` : location;
    super('validation_failed', `Invalid ${where}: ${first?.message ?? 'invalid input'}`, options);
    this.location = location;
    this.issues = issues;
  }

  override toJSON(): TierdeskErrorJson {
    return { ...super.toJSON(), location: this.location, issues: this.issues };
  }
}

/** Details of a {@link TierdeskResponseError}. */
export interface TierdeskResponseErrorDetails extends TierdeskErrorOptions {
  /** The HTTP status of the answer. */
  status: number;
  /** Where the body departs from the contract (empty when it is not JSON at all). */
  issues?: ErrorIssue[];
  /** From `x-request-id`. */
  requestId?: string;
}

/** A success answer that does not match the contract (not JSON, or failing the response schema). */
export class TierdeskResponseError extends TierdeskError {
  override name = 'TierdeskResponseError';
  declare readonly code: 'invalid_response';
  /** The HTTP status of the answer. */
  readonly status: number;
  /** Where the body departs from the response schema. */
  readonly issues: ErrorIssue[];
  /** The server's `x-request-id`. */
  readonly requestId: string | undefined;

  /** Creates a response error. */
  constructor(message: string, details: TierdeskResponseErrorDetails) {
    super('invalid_response', message, details);
    this.status = details.status;
    this.issues = details.issues ?? [];
    this.requestId = details.requestId;
  }

  override toJSON(): TierdeskErrorJson {
    const json: TierdeskErrorJson = { ...super.toJSON(), status: this.status, issues: this.issues };
    if (this.requestId !== undefined) json.requestId = this.requestId;
    return json;
  }
}

/** No answer: the network failed (`network`), an attempt timed out (`timeout`) or the caller aborted (`aborted`). */
export class TierdeskNetworkError extends TierdeskError {
  override name = 'TierdeskNetworkError';
  declare readonly code: 'network' | 'timeout' | 'aborted';

  /** Creates a network error. */
  constructor(code: 'network' | 'timeout' | 'aborted', message: string, options: TierdeskErrorOptions = {}) {
    super(code, message, options);
  }
}

/** Whether a value is a {@link TierdeskError}, also across duplicate copies of the package. */
export function isTierdeskError(value: unknown): value is TierdeskError {
  return (
    value instanceof TierdeskError ||
    (typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true)
  );
}
