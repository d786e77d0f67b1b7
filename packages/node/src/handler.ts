import { randomUUID } from 'node:crypto';
import { matchPath, matchSegments, type RouteDef, type RouteName, routes } from '@tierdesk/core';
import { createOpenApiDocument } from '@tierdesk/core/openapi';
import * as z from 'zod/mini';
import type { FetchContext, FetchHandler } from './adapters/node-exchange';
import { ApiError, errorResponse, isApiError } from './http/api-error';
import {
  fingerprintRequest,
  parseIdempotencyKey,
  runIdempotent,
  type StoredAnswer,
} from './http/idempotency';
import { readJsonBody } from './http/request-body';
import { type Identity, identityKey } from './identity';
import { routeImpls } from './routes';
import type { AppServices, RouteAnswer, RouteContext } from './routes/route.types';
import { isStoreError, type SqlExecutor } from './store';

/** Optional per-request context an adapter passes (the socket's address, for rate limits of anonymous callers). */
export type RequestContext = FetchContext;
export type { FetchHandler };

/** The outcome of a rate-limit check. */
export interface RateDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

/** Limits of the HTTP layer. */
export interface HttpLimits {
  /** The largest accepted request body in bytes (413 beyond). Default 256 KiB. */
  maxBodyBytes: number;
}

/** Cross-origin settings for browsers calling the API from the host's pages. */
export interface CorsOptions {
  /** Origins allowed to call the API (`https://app.example.com`), or `*` for any (only without cookies). */
  origins: readonly string[] | '*';
}

/**
 * Paths answered as another route of the contract (same scope, checks and answer). `/v1/metrics` is
 * the short name operators look for; the contract keeps agent routes under `/v1/agent`.
 */
const PATH_ALIASES: Readonly<Record<string, string>> = { '/v1/metrics': '/v1/agent/metrics' };

/** What the handler is built from. */
export interface HandlerOptions {
  app: AppServices;
  /** Establishes who is calling; null without credentials, throws ApiError for bad ones. */
  authenticate: (request: Request, options: { allowQueryToken: boolean }) => Promise<Identity | null>;
  /** Rate limit per caller (identity, or client address without one). */
  rateLimit?: ((key: string, request: Request, context: RequestContext) => RateDecision) | undefined;
  limits?: Partial<HttpLimits> | undefined;
  cors?: CorsOptions | undefined;
  /** Extra public routes (e.g. issuing visitor tokens), answered before the contract's routes. */
  extraRoutes?: ReadonlyArray<{
    method: string;
    path: string;
    /** `path` may hold `:name` parameters, matched as the contract's paths are. */
    handle: (request: Request, context: RequestContext, params: Record<string, string>) => Promise<Response>;
    /** A limit per client address for this route. */
    rateLimit?: (key: string) => RateDecision;
  }>;
  /** Whether the server is ready to take traffic (`/readyz`). */
  ready?: () => Promise<boolean>;
  /** Called once per request with its outcome (metrics). For streams, when the stream starts. */
  onRequest?: ((info: RequestMetrics) => void) | undefined;
}

/** One request's outcome, for the host's metrics (Prometheus, OpenTelemetry, logs). */
export interface RequestMetrics {
  requestId: string;
  method: string;
  /** The contract route's name, or null (404, health, OpenAPI, preflight). */
  route: RouteName | null;
  status: number;
  /** The error code of an error answer, else null. */
  errorCode: string | null;
  /** Time to the response head (for streams: until the stream opened). */
  durationMs: number;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
const ALLOWED_HEADERS = 'authorization, content-type, idempotency-key, if-match, last-event-id';
const EXPOSED_HEADERS = 'etag, retry-after, x-request-id, idempotency-replayed, content-disposition';

type Entry = { name: RouteName; route: RouteDef; segments: readonly string[]; staticness: number };
/**
 * The contract's routes, split once and grouped by segment count: a request's path is split once and
 * tried only against routes as long as it (the list benchmark's profile had route matching at 2.4 %).
 */
const ENTRIES_BY_LENGTH = new Map<number, Entry[]>();
for (const [name, route] of Object.entries(routes)) {
  const segments = route.path.split('/');
  const entry: Entry = { name: name as RouteName, route, segments, staticness: staticness(segments) };
  ENTRIES_BY_LENGTH.set(segments.length, [...(ENTRIES_BY_LENGTH.get(segments.length) ?? []), entry]);
}

/**
 * Builds the API's fetch handler: routing over the core contract, authentication and scope checks,
 * rate limits, validation with the contract's zod schemas (issues with their paths), body limits,
 * `If-Match` and `Idempotency-Key`, CORS, and errors as `{ error: { code, message, issues? } }` —
 * never a stack trace.
 */
export function createFetchHandler(options: HandlerOptions): FetchHandler {
  const { app } = options;
  const maxBodyBytes = options.limits?.maxBodyBytes ?? 256 * 1024;
  let openApiJson: string | undefined;

  function corsHeaders(request: Request): Record<string, string> {
    const origin = request.headers.get('origin');
    const allowed = options.cors?.origins;
    if (origin === null || allowed === undefined) return {};
    if (allowed !== '*' && !allowed.includes(origin)) return {};
    return {
      'access-control-allow-origin': allowed === '*' ? '*' : origin,
      'access-control-expose-headers': EXPOSED_HEADERS,
      vary: 'Origin',
    };
  }

  async function handle(
    request: Request,
    context: RequestContext,
    seen: { route: RouteName | null },
  ): Promise<Response> {
    const url = new URL(request.url);
    const trimmed =
      url.pathname.length > 1 && url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
    const path = PATH_ALIASES[trimmed] ?? trimmed;
    const method = request.method.toUpperCase();

    if (method === 'OPTIONS') {
      const cors = corsHeaders(request);
      if (Object.keys(cors).length === 0) return new Response(null, { status: 204 });
      return new Response(null, {
        status: 204,
        headers: {
          ...cors,
          'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
          'access-control-allow-headers': ALLOWED_HEADERS,
          'access-control-max-age': '600',
        },
      });
    }
    if (method === 'GET' && path === '/healthz') return json(200, { ok: true });
    if (method === 'GET' && path === '/readyz') {
      const ready = (await options.ready?.()) ?? true;
      return ready
        ? json(200, { ready: true })
        : errorResponse(new ApiError('unavailable', 'Not ready.'), { 'retry-after': '1' });
    }
    if (method === 'GET' && path === '/v1/openapi.json') {
      openApiJson ??= JSON.stringify(createOpenApiDocument());
      return new Response(openApiJson, { status: 200, headers: JSON_HEADERS });
    }
    for (const extra of options.extraRoutes ?? []) {
      if (extra.method !== method) continue;
      const extraParams = extra.path.includes(':')
        ? matchPath(extra.path, path)
        : extra.path === path
          ? {}
          : null;
      if (extraParams === null) continue;
      // Public routes have no identity to limit: they are limited per client address, per route.
      if (extra.rateLimit !== undefined) {
        const decision = extra.rateLimit(`ip:${context.remoteAddress ?? 'unknown'}:${path}`);
        if (!decision.allowed) {
          throw new ApiError('rate_limited', 'Too many requests; slow down.', {
            headers: { 'retry-after': String(Math.max(1, Math.ceil(decision.retryAfterSeconds))) },
          });
        }
      }
      return extra.handle(request, context, extraParams);
    }

    let found: { entry: Entry; params: Record<string, string> } | undefined;
    const allowedMethods = new Set<string>();
    const segments = path.split('/');
    for (const entry of ENTRIES_BY_LENGTH.get(segments.length) ?? []) {
      const params = matchSegments(entry.segments, segments);
      if (params === null) continue;
      allowedMethods.add(entry.route.method);
      // Static segments win over parameters (`/v1/articles/search` before `/v1/articles/:articleId`).
      if (
        entry.route.method === method &&
        (found === undefined || entry.staticness > found.entry.staticness)
      ) {
        found = { entry, params };
      }
    }
    if (found === undefined) {
      if (allowedMethods.size > 0) {
        throw new ApiError('method_not_allowed', `${method} is not allowed here.`, {
          headers: { allow: [...allowedMethods].join(', ') },
        });
      }
      throw new ApiError('not_found', `No route for ${method} ${path}.`);
    }
    const { entry } = found;
    seen.route = entry.name;
    const route = entry.route;

    const identity =
      route.scope === 'public'
        ? null
        : await options.authenticate(request, { allowQueryToken: route.stream === true });
    if (route.scope !== 'public') {
      if (identity === null) {
        throw new ApiError('unauthorized', 'Authentication required: send Authorization: Bearer <token>.', {
          headers: { 'www-authenticate': 'Bearer' },
        });
      }
      if (route.scope === 'agent' && identity.kind !== 'agent') {
        throw new ApiError('forbidden', 'This route is for agents.');
      }
      if (route.scope === 'user' && identity.kind !== 'user') {
        throw new ApiError('forbidden', 'This route is for end users; agents use the /v1/agent routes.');
      }
      if (
        route.scope === 'user' &&
        identity.kind === 'user' &&
        identity.anonymous &&
        route.anonymous !== true
      ) {
        throw new ApiError('forbidden', 'Anonymous visitors cannot use this route; identify the user first.');
      }
    }
    if (options.rateLimit !== undefined) {
      const key =
        identity === null
          ? `ip:${context.remoteAddress ?? 'unknown'}`
          : `${identity.workspaceId}:${identityKey(identity)}`;
      const decision = options.rateLimit(key, request, context);
      if (!decision.allowed) {
        throw new ApiError('rate_limited', 'Too many requests; slow down.', {
          headers: { 'retry-after': String(Math.max(1, Math.ceil(decision.retryAfterSeconds))) },
        });
      }
    }

    const params = parsePart('params', route.params, found.params);
    const query = parsePart('query', route.query, queryObject(url.searchParams, route.query));
    let rawBody = '';
    let body: unknown;
    if (route.body !== undefined) {
      const read = await readJsonBody(request, maxBodyBytes);
      rawBody = read.text;
      body = parsePart('body', route.body, read.value);
    }
    const ifMatch = route.versioned ? parseIfMatch(request.headers.get('if-match')) : undefined;

    const impl = routeImpls[entry.name] as unknown as (
      ctx: RouteContext<RouteDef>,
    ) => Promise<RouteAnswer<RouteDef>>;
    const deferred: (() => Promise<void>)[] = [];
    const runDeferred = async (): Promise<void> => {
      for (const task of deferred.splice(0)) {
        try {
          await task();
        } catch (error) {
          // The route's own change is committed; a follow-up failing must not turn it into an error.
          app.logger.error('a follow-up of a committed request failed', {
            route: entry.name,
            error: String(error),
          });
        }
      }
    };
    const makeContext = (tx: SqlExecutor | undefined): RouteContext<RouteDef> => ({
      defer: (task) => {
        deferred.push(task);
      },
      request,
      identity,
      params: params as never,
      query: query as never,
      body: body as never,
      ifMatch,
      exec: tx ?? app.db,
      tx,
      app,
    });
    const toStored = (answer: RouteAnswer<RouteDef>): StoredAnswer | Response => {
      if ('response' in answer) return answer.response;
      const status = answer.status ?? route.status;
      const headers: Record<string, string> = { ...answer.headers };
      const version = versionOf(answer.body);
      if (version !== undefined) headers.etag = `"${version}"`;
      return { status, body: answer.body, headers };
    };

    const idempotencyKey =
      method === 'POST' && identity !== null
        ? parseIdempotencyKey(request.headers.get('idempotency-key'))
        : undefined;
    if (idempotencyKey !== undefined && identity !== null) {
      const result = await runIdempotent(
        app.db,
        {
          workspaceId: identity.workspaceId,
          identity: identityKey(identity),
          key: idempotencyKey,
          fingerprint: fingerprintRequest(method, `${path}${url.search}`, rawBody),
          nowMs: app.clock.now(),
        },
        async (tx) => {
          const stored = toStored(await impl(makeContext(tx)));
          if (stored instanceof Response) throw new Error('stream routes are never POSTs');
          return stored;
        },
      );
      if (!result.replayed) await runDeferred();
      return answerResponse(result, result.replayed ? { 'idempotency-replayed': 'true' } : {});
    }
    const stored = toStored(await impl(makeContext(undefined)));
    await runDeferred();
    return stored instanceof Response ? stored : answerResponse(stored, {});
  }

  return async (request, context = {}) => {
    const requestId = request.headers.get('x-request-id')?.slice(0, 100) || randomUUID();
    const startedAt = performance.now();
    const seen: { route: RouteName | null } = { route: null };
    let response: Response;
    let errorCode: string | null = null;
    try {
      response = await handle(request, context, seen);
    } catch (error) {
      const apiError = toApiError(error, app, requestId);
      errorCode = apiError.code;
      response = errorResponse(apiError);
    }
    if (options.onRequest !== undefined) {
      try {
        options.onRequest({
          requestId,
          method: request.method,
          route: seen.route,
          status: response.status,
          errorCode,
          durationMs: performance.now() - startedAt,
        });
      } catch (error) {
        app.logger.warn('the onRequest hook threw', { requestId, error: String(error) });
      }
    }
    const headers = new Headers(response.headers);
    headers.set('x-request-id', requestId);
    for (const [name, value] of Object.entries(corsHeaders(request))) headers.set(name, value);
    // Streams keep their body untouched; every other answer is rebuilt with the extra headers.
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

// The data exceptions only input can cause (too long, out of range, impossible dates, bad encoding);
// others of class 22 (division by zero, a bad cast in our own SQL) are the server's bugs: 500, logged.
const INPUT_DATA_EXCEPTIONS = new Set(['22001', '22003', '22007', '22008', '22021', '22P05']);

function staticness(segments: readonly string[]): number {
  return segments.filter((s) => s !== '' && !s.startsWith(':')).length;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

function answerResponse(answer: StoredAnswer, extra: Record<string, string>): Response {
  if (answer.status === 204 || answer.body === undefined) {
    return new Response(null, {
      status: answer.status === 200 ? 204 : answer.status,
      headers: { ...answer.headers, ...extra },
    });
  }
  return json(answer.status, answer.body, { ...answer.headers, ...extra });
}

function versionOf(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as { version?: unknown; ticket?: { version?: unknown } };
  if (typeof record.version === 'number') return record.version;
  if (typeof record.ticket?.version === 'number') return record.ticket.version;
  return undefined;
}

function parsePart(
  where: 'params' | 'query' | 'body',
  schema: z.ZodMiniType | undefined,
  value: unknown,
): unknown {
  if (schema === undefined) return undefined;
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const error = ApiError.fromZod(where, result.error.issues);
  // A text over its length limit (a message, a subject, an article) is a length limit: 413, with
  // the same issue paths, so clients can tell "too long" from "wrong".
  const tooLong = result.error.issues.every(
    (issue) => issue.code === 'too_big' && (issue as { origin?: string }).origin === 'string',
  );
  if (where === 'body' && tooLong) {
    throw new ApiError('payload_too_large', error.message.replace(/^Invalid body/, 'Too long'), {
      issues: error.issues,
    });
  }
  throw error;
}

// Array-valued query fields take repeated keys (`status=open&status=pending`, as the client sends them);
// a single value of such a field is still an array. Other fields keep their last value.
function queryObject(params: URLSearchParams, schema: z.ZodMiniType | undefined): Record<string, unknown> {
  const shape = (schema as { shape?: Record<string, z.ZodMiniType> } | undefined)?.shape ?? {};
  const out: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = isArraySchema(shape[key]) ? values : values.at(-1);
  }
  return out;
}

function isArraySchema(schema: z.ZodMiniType | undefined): boolean {
  let s = schema as { _zod?: { def?: { type?: string; innerType?: unknown } } } | undefined;
  // Unwrap optional/default wrappers.
  for (let depth = 0; depth < 5 && s?._zod?.def !== undefined; depth++) {
    const def = s._zod.def;
    if (def.type === 'array') return true;
    if (def.innerType === undefined) return false;
    s = def.innerType as typeof s;
  }
  return false;
}

function parseIfMatch(value: string | null): number | undefined {
  if (value === null) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,10})"?\s*$/.exec(value);
  if (match === null) {
    throw new ApiError('bad_request', 'If-Match must carry the ticket version, e.g. If-Match: "3".');
  }
  return Number(match[1]);
}

function toApiError(error: unknown, app: AppServices, requestId: string): ApiError {
  if (isApiError(error)) return error;
  if (isStoreError(error)) {
    if (error.code === 'unavailable' || error.code === 'serialization') {
      app.logger.warn('database unavailable', { requestId, code: error.code, message: error.message });
      return new ApiError('unavailable', 'The service is temporarily unavailable; retry shortly.', {
        headers: { 'retry-after': '2' },
        cause: error,
      });
    }
    if (error.code === 'conflict') {
      return new ApiError('conflict', 'The change conflicts with existing data.', { cause: error });
    }
    // SQLSTATE class 22 (data exception: a value out of range, an impossible date) comes from input
    // that passed validation but not the database: it is the caller's, not the server's.
    if (error.sqlState !== undefined && INPUT_DATA_EXCEPTIONS.has(error.sqlState)) {
      app.logger.warn('input rejected by the database', {
        requestId,
        sqlState: error.sqlState,
        message: error.message,
      });
      return new ApiError('bad_request', 'A value in the request is out of the range the server can store.', {
        cause: error,
      });
    }
  }
  app.logger.error('unhandled error', {
    requestId,
    error:
      error instanceof Error
        ? { name: error.name, message: error.message, stack: error.stack }
        : String(error),
  });
  return new ApiError('internal', `Internal error (request ${requestId}).`, { cause: error });
}
