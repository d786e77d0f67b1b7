import ky, { HTTPError, TimeoutError } from 'ky';
import { ERROR_STATUS } from '../contract/error-status';
import type { ErrorCode, ErrorIssue } from '../contract/errors';
import type { StreamEvent } from '../contract/inputs.schema';
import { buildPath, type HttpMethod } from '../contract/route';
import type { BlobLike, CallOptions, ClientOptions, FetchResponseLike, TierdeskClient } from './client.types';
import {
  type InputLocation,
  TierdeskApiError,
  TierdeskError,
  TierdeskNetworkError,
  TierdeskResponseError,
  TierdeskValidationError,
} from './errors';

// The transport both clients share (retries, idempotency keys, timeouts, typed errors). What differs
// is how much they check: `createClient` validates inputs and answers against the contract's schemas,
// `createLeanClient` leaves that to the server and bundles no schema library.

/** A route as the transport sees it: a `RouteDef` (schemas in the slots) or a `routeTable` entry (`true`). */
export interface ClientRoute<S = unknown> {
  method: HttpMethod;
  path: string;
  params?: S | undefined;
  query?: S | true | undefined;
  body?: S | true | undefined;
  response?: S | true | undefined;
  versioned?: boolean;
  stream?: boolean;
}

/** The error body the server sends: `{ error: { code, message, issues? } }`. */
export interface ClientErrorBody {
  code: string;
  message: string;
  issues?: ErrorIssue[];
}

/** How a client checks what goes out and what comes in. */
export interface ClientChecks<S> {
  /** Validates one part of a call's input; returns what to send (or throws a `TierdeskValidationError`). */
  input(name: string, location: InputLocation, schema: S | true | undefined, value: unknown): unknown;
  /** Validates a JSON answer; returns what the caller gets (or throws a `TierdeskResponseError`). */
  output(name: string, schema: S | true, data: unknown, details: ResponseDetails): unknown;
  /** Reads the error body of a failed call, or `undefined` when it is not the API's shape. */
  errorBody(data: unknown): ClientErrorBody | undefined;
  /** Checks one parsed event-stream message; returns the event or an error message. */
  streamEvent(data: unknown): { event: StreamEvent } | { problem: string };
}

/** Details attached to errors about an answer. */
export interface ResponseDetails {
  route: string;
  status: number;
  requestId?: string;
}

const RETRY_STATUS_CODES = [408, 429, 500, 502, 503, 504];
const RETRY_AFTER_STATUS_CODES = [429, 503];
// Only reads are retried by default. A write is retried only when it carries an Idempotency-Key,
// so the server can recognise the retry: every POST gets one, other writes when the caller gives one.
const SAFE_METHODS = new Set(['GET', 'HEAD']);
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY_LIMIT = 2;
const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;

/** The loose shape of a call's input once the route's types have done their work. */
interface LooseInput {
  params?: unknown;
  query?: unknown;
  body?: unknown;
  ifMatch?: unknown;
}

/** Builds a client over a route map with the given checks. */
export function createClientWith<S>(
  contract: Readonly<Record<string, ClientRoute<S>>>,
  checks: ClientChecks<S>,
  options: ClientOptions,
): TierdeskClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retryLimit = options.retry?.limit ?? DEFAULT_RETRY_LIMIT;
  const backoffLimitMs = options.retry?.backoffLimitMs;
  const maxRetryAfterMs = options.retry?.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const makeIdempotencyKey = options.idempotencyKey ?? randomIdempotencyKey;
  const clientHeaders = lowerCaseKeys(options.headers);

  async function call(name: string, rawInput: unknown, callOptions: CallOptions = {}): Promise<unknown> {
    const route = contract[name];
    if (route === undefined) throw new TierdeskError('invalid_usage', `Unknown route "${name}"`);
    if (route.stream === true) {
      throw new TierdeskError(
        'invalid_usage',
        `${name} is an event stream, not a JSON call: open client.streamUrl('${name}') with EventSource`,
        { route: name },
      );
    }
    const input: LooseInput = isObject(rawInput) ? rawInput : {};

    const body = checks.input(name, 'body', route.body, input.body);
    // The query is validated but sent as given, so the server's defaults stay out of URLs.
    checks.input(name, 'query', route.query, input.query ?? {});
    checks.input(name, 'params', route.params, input.params);
    // Checked here too, so a client without schemas still fails with a typed error, not a TypeError.
    const missing = missingPathParams(route.path, input.params);
    if (missing.length > 0) {
      throw new TierdeskValidationError(
        'params',
        missing.map((param) => ({ path: [param], code: 'invalid_type', message: 'Required path parameter' })),
        { route: name },
      );
    }
    const url =
      baseUrl +
      buildPath(route.path, input.params as Record<string, string | number> | undefined) +
      encodeQuery(route.query === undefined ? undefined : input.query);

    const headers: Record<string, string> = {
      ...clientHeaders,
      ...lowerCaseKeys(callOptions.headers),
      accept: 'application/json',
    };
    if (input.ifMatch !== undefined) {
      if (route.versioned !== true) {
        throw new TierdeskError(
          'invalid_usage',
          `${name} does not take ifMatch: it is not a versioned route`,
          {
            route: name,
          },
        );
      }
      if (typeof input.ifMatch !== 'number' || !Number.isInteger(input.ifMatch)) {
        throw new TierdeskError('invalid_usage', `ifMatch must be an integer ticket version`, {
          route: name,
        });
      }
      headers['if-match'] = `"${input.ifMatch}"`;
    }
    const response = await send(name, route.method, url, headers, body, callOptions);
    return readAnswer(name, route, response, checks);
  }

  /** Sends one request with auth, idempotency key, timeout and retries; failures become typed errors. */
  async function send(
    name: string,
    method: string,
    url: string,
    headers: Record<string, string>,
    body: unknown,
    callOptions: CallOptions,
  ): Promise<FetchResponseLike> {
    if (headers.authorization === undefined) {
      const token = await options.getToken?.();
      if (token) headers.authorization = `Bearer ${token}`;
    }

    const safe = SAFE_METHODS.has(method);
    // One key per logical call: ky resends the same Request on every retry, so the server can
    // recognise a retry of a POST it already carried out and replay its first answer.
    const idempotencyKey = safe
      ? undefined
      : (callOptions.idempotencyKey ??
        headers['idempotency-key'] ??
        (method === 'POST' ? makeIdempotencyKey() : undefined));
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    else delete headers['idempotency-key'];
    const retriable = safe || idempotencyKey !== undefined;

    const signal = callOptions.signal;
    let response: FetchResponseLike;
    try {
      response = await ky(url, {
        method,
        headers,
        json: body,
        signal: signal as never,
        fetch: options.fetch as never,
        timeout: timeoutMs,
        throwHttpErrors: true,
        retry: {
          limit: retryLimit,
          methods: retriable ? [method.toLowerCase()] : [],
          statusCodes: RETRY_STATUS_CODES,
          afterStatusCodes: RETRY_AFTER_STATUS_CODES,
          // Also bounds ky's fallbacks to `RateLimit-Reset` and friends.
          maxRetryAfter: maxRetryAfterMs,
          ...(backoffLimitMs === undefined ? {} : { backoffLimit: backoffLimitMs }),
          jitter: (delayMs: number) => delayMs * (0.5 + Math.random() * 0.5),
          // A write that timed out may still be carried out by the server: only reads are resent.
          retryOnTimeout: safe,
          shouldRetry: ({ error }) => {
            if (signal?.aborted) return false;
            if (error instanceof HTTPError) {
              const waitMs = parseRetryAfter(error.response.headers.get('retry-after'));
              // Fail at once rather than hang when the server asks for a long pause.
              return waitMs !== undefined && waitMs > maxRetryAfterMs ? false : undefined;
            }
            if (error instanceof TimeoutError) return safe ? undefined : false;
            // fetch rejects with a TypeError when the network fails; anything else is not transient.
            return error instanceof TypeError ? undefined : false;
          },
        },
      });
    } catch (error) {
      throw await toCallError(name, error, signal?.aborted === true, timeoutMs, checks);
    }
    return response;
  }

  async function downloadAttachment(
    input: { ticketId: string; attachmentId: string; scope?: 'user' | 'agent' },
    callOptions: CallOptions = {},
  ): Promise<BlobLike> {
    const path = `${input.scope === 'agent' ? '/v1/agent' : '/v1'}/tickets/:ticketId/attachments/:attachmentId`;
    const params = { ticketId: input.ticketId, attachmentId: input.attachmentId };
    const missing = missingPathParams(path, params);
    if (missing.length > 0) {
      throw new TierdeskValidationError(
        'params',
        missing.map((param) => ({ path: [param], code: 'invalid_type', message: 'Required path parameter' })),
        { route: 'downloadAttachment' },
      );
    }
    const headers = { ...clientHeaders, ...lowerCaseKeys(callOptions.headers), accept: '*/*' };
    const response = await send(
      'downloadAttachment',
      'GET',
      baseUrl + buildPath(path, params),
      headers,
      undefined,
      callOptions,
    );
    return (response as FetchResponseLike & { blob(): Promise<BlobLike> }).blob();
  }

  function streamUrl(name: string): string {
    const route = contract[name];
    if (route?.stream !== true) {
      throw new TierdeskError('invalid_usage', `${name} is not an event-stream route`, { route: name });
    }
    return baseUrl + buildPath(route.path, undefined);
  }

  const client: Record<string, unknown> = {
    request: (name: string, input?: unknown, callOptions?: CallOptions) => call(name, input, callOptions),
    streamUrl,
    downloadAttachment,
    parseStreamEvent(data: unknown): StreamEvent {
      const checked = checks.streamEvent(data);
      if ('event' in checked) return checked.event;
      throw new TierdeskError(
        'invalid_response',
        `An event-stream message does not match the contract: ${checked.problem}`,
        { route: 'stream' },
      );
    },
  };
  for (const name of Object.keys(contract)) {
    client[name] = (input?: unknown, callOptions?: CallOptions) => call(name, input, callOptions);
  }
  return client as unknown as TierdeskClient;
}

/** The `:name` parameters of a path that the input leaves out or leaves empty. */
function missingPathParams(path: string, params: unknown): string[] {
  const given = isObject(params) ? params : {};
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)]
    .map((match) => match[1] as string)
    .filter((name) => {
      const value = given[name];
      return (typeof value !== 'string' && typeof value !== 'number') || value === '';
    });
}

/** Encodes a query object; arrays become repeated keys (`status=open&status=pending`). */
function encodeQuery(query: unknown): string {
  if (!isObject(query)) return '';
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      const text = item instanceof Date ? item.toISOString() : String(item);
      pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
    }
  }
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

async function readAnswer<S>(
  name: string,
  route: ClientRoute<S>,
  response: FetchResponseLike,
  checks: ClientChecks<S>,
): Promise<unknown> {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  const details: ResponseDetails = {
    route: name,
    status: response.status,
    ...(requestId === undefined ? {} : { requestId }),
  };
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new TierdeskNetworkError('network', `${name}: the connection failed while reading the answer`, {
      route: name,
      cause: error,
    });
  }
  if (route.response === undefined) return undefined;
  if (text === '')
    throw new TierdeskResponseError(`${name} answered ${response.status} without a body`, details);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new TierdeskResponseError(`${name} answered with a body that is not JSON`, {
      ...details,
      cause: error,
    });
  }
  return checks.output(name, route.response, data, details);
}

async function toCallError(
  name: string,
  error: unknown,
  aborted: boolean,
  timeoutMs: number,
  checks: ClientChecks<unknown>,
): Promise<TierdeskError> {
  if (error instanceof HTTPError) return toApiError(name, error.response as FetchResponseLike, checks);
  if (error instanceof TimeoutError) {
    return new TierdeskNetworkError('timeout', `${name} got no answer within ${timeoutMs} ms`, {
      route: name,
      cause: error,
    });
  }
  if (aborted || (error instanceof Error && error.name === 'AbortError')) {
    return new TierdeskNetworkError('aborted', `${name} was aborted`, { route: name, cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new TierdeskNetworkError('network', `${name} could not reach the server (${reason})`, {
    route: name,
    cause: error,
  });
}

async function toApiError(
  name: string,
  response: FetchResponseLike,
  checks: ClientChecks<unknown>,
): Promise<TierdeskApiError> {
  const status = response.status;
  const requestId = response.headers.get('x-request-id') ?? undefined;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  const details = {
    route: name,
    status,
    ...(requestId === undefined ? {} : { requestId }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The status already says what failed; an unreadable error body adds nothing.
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  const parsed = checks.errorBody(data);
  if (parsed !== undefined) {
    const { code, message, issues } = parsed;
    return new TierdeskApiError(code, message, { ...details, ...(issues === undefined ? {} : { issues }) });
  }
  return new TierdeskApiError(codeForStatus(status), `${name} failed with HTTP ${status}`, details);
}

const CODE_BY_STATUS = new Map<number, ErrorCode>();
for (const [code, status] of Object.entries(ERROR_STATUS) as [ErrorCode, number][]) {
  // The first code listed for a status is its generic one (400 → bad_request, 409 → conflict).
  if (!CODE_BY_STATUS.has(status)) CODE_BY_STATUS.set(status, code);
}

/** The API error code for a status when the body does not carry one. */
function codeForStatus(status: number): ErrorCode {
  const known = CODE_BY_STATUS.get(status);
  if (known !== undefined && known !== 'idempotency_mismatch') return known;
  if (status === 408 || status === 502 || status === 504) return 'unavailable';
  return status >= 500 ? 'internal' : 'bad_request';
}

/** `Retry-After` in milliseconds: delay-seconds or an HTTP date. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) out[key.toLowerCase()] = value;
  return out;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

interface CryptoLike {
  randomUUID?: () => string;
  getRandomValues?: (array: Uint8Array) => Uint8Array;
}

/** A v4 UUID; `randomUUID` is missing outside secure contexts, `getRandomValues` is not. */
function randomIdempotencyKey(): string {
  const crypto = (globalThis as { crypto?: CryptoLike }).crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  if (typeof crypto?.getRandomValues !== 'function') {
    throw new TierdeskError(
      'invalid_usage',
      'No crypto in this runtime: pass createClient({ idempotencyKey })',
    );
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
