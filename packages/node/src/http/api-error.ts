import { ERROR_STATUS, type ErrorCode, type ErrorIssue, toErrorIssues } from '@tierdesk/core';

/** Options of {@link ApiError}. */
export interface ApiErrorOptions {
  /** Validation problems, each with the path into the input that caused it. */
  issues?: ErrorIssue[] | undefined;
  /** Extra response headers (e.g. `Retry-After`, `WWW-Authenticate`). */
  headers?: Record<string, string> | undefined;
  /** The underlying failure (logged, never sent to the client). */
  cause?: unknown;
}

const BRAND = Symbol.for('@tierdesk/node/api-error');

/**
 * The one error type the HTTP layer answers with: a stable `code` from the contract's error codes,
 * its HTTP status, a message safe to show, and the zod issues of rejected input. Anything else
 * thrown inside a handler becomes a 500 `internal` whose details are logged, never sent.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  /** The machine-readable code, one of the contract's `ERROR_CODES`. */
  readonly code: ErrorCode;
  /** The HTTP status the code is sent with. */
  readonly status: number;
  /** Validation issues, when the input was rejected. */
  readonly issues: ErrorIssue[] | undefined;
  /** Extra response headers. */
  readonly headers: Record<string, string>;

  /** Creates an API error; the status follows from the code. */
  constructor(code: ErrorCode, message: string, options: ApiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.issues = options.issues;
    this.headers = options.headers ?? {};
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** A `validation_failed` error from zod issues (paths kept), prefixed with where the input was. */
  static fromZod(
    where: 'body' | 'query' | 'params' | 'headers',
    issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; code: string; message: string }>,
  ): ApiError {
    const converted = toErrorIssues(issues);
    const first = converted[0];
    const at = first === undefined || first.path.length === 0 ? where : `${where}.${first.path.join('.')}`;
    return new ApiError('validation_failed', `Invalid ${where}: ${first?.message ?? 'rejected'} (at ${at})`, {
      issues: converted,
    });
  }

  /** The JSON error body `{ error: { code, message, issues? } }`. */
  toBody(): { error: { code: ErrorCode; message: string; issues?: ErrorIssue[] } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.issues === undefined ? {} : { issues: this.issues }),
      },
    };
  }
}

/** Whether a value is an {@link ApiError}, also across duplicate copies of the package. */
export function isApiError(value: unknown): value is ApiError {
  return typeof value === 'object' && value !== null && BRAND in value;
}

/** Builds the JSON response of an error (no stack, no internals). */
export function errorResponse(error: ApiError, extraHeaders: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(error.toBody()), {
    status: error.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...error.headers, ...extraHeaders },
  });
}
