import type * as z from 'zod/mini';

/** HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: `public` (anyone, e.g. health), `user` (an identified end user or an
 * anonymous visitor where `anonymous` is set), `agent` (a support agent or API key).
 */
export type RouteScope = 'public' | 'user' | 'agent';

/** Any zod (mini) schema. */
export type AnySchema = z.ZodMiniType;

/** One route of the API contract: the single source for the client, the server and OpenAPI. */
export interface RouteDef<
  M extends HttpMethod = HttpMethod,
  P extends string = string,
  Params extends AnySchema | undefined = AnySchema | undefined,
  Query extends AnySchema | undefined = AnySchema | undefined,
  Body extends AnySchema | undefined = AnySchema | undefined,
  Res extends AnySchema | undefined = AnySchema | undefined,
  V extends boolean = boolean,
  St extends boolean = boolean,
> {
  method: M;
  /** Path with `:name` parameters, e.g. `/v1/tickets/:ticketId`. */
  path: P;
  scope: RouteScope;
  /** End-user routes that anonymous visitors may call too. */
  anonymous?: boolean;
  summary: string;
  params: Params;
  query: Query;
  body: Body;
  /** Success body schema; undefined for 204 or a stream. */
  response: Res;
  /** Success status. */
  status: 200 | 201 | 202 | 204;
  /** The route accepts `If-Match` with the ticket version (stale → 412). */
  versioned: V;
  /** The route answers with a `text/event-stream`. */
  stream: St;
}

/**
 * A route without its schemas (see `routeTable`): what a client needs to call it when validation is
 * left to the server. Flags are present only when set.
 */
export interface RouteTableEntry {
  method: HttpMethod;
  path: string;
  /** The route takes a query string. */
  query?: true;
  /** The route takes a JSON body. */
  body?: true;
  /** The route answers with a JSON body. */
  response?: true;
  /** The route accepts `If-Match`. */
  versioned?: true;
  /** The route answers with a `text/event-stream`. */
  stream?: true;
}

/** The schema-free projection of a route definition (what `routeTable` holds for it). */
export function toRouteTableEntry(route: RouteDef): RouteTableEntry {
  return {
    method: route.method,
    path: route.path,
    ...(route.query === undefined ? {} : { query: true }),
    ...(route.body === undefined ? {} : { body: true }),
    ...(route.response === undefined ? {} : { response: true }),
    ...(route.versioned === true ? { versioned: true } : {}),
    ...(route.stream === true ? { stream: true } : {}),
  };
}

/** Builds a route definition with its literal types kept. */
export function defineRoute<
  const M extends HttpMethod,
  const P extends string,
  Params extends AnySchema | undefined = undefined,
  Query extends AnySchema | undefined = undefined,
  Body extends AnySchema | undefined = undefined,
  Res extends AnySchema | undefined = undefined,
  const V extends boolean = false,
  const St extends boolean = false,
>(def: {
  method: M;
  path: P;
  scope: RouteScope;
  anonymous?: boolean;
  summary: string;
  params?: Params;
  query?: Query;
  body?: Body;
  response?: Res;
  status?: 200 | 201 | 202 | 204;
  versioned?: V;
  stream?: St;
}): RouteDef<M, P, Params, Query, Body, Res, V, St> {
  return {
    ...def,
    versioned: (def.versioned ?? false) as V,
    stream: (def.stream ?? false) as St,
    params: def.params as Params,
    query: def.query as Query,
    body: def.body as Body,
    response: def.response as Res,
    status:
      def.status ?? (def.response === undefined && !def.stream ? 204 : def.method === 'POST' ? 201 : 200),
  };
}

type Out<S> = S extends AnySchema ? z.output<S> : undefined;
type In<S> = S extends AnySchema ? z.input<S> : undefined;

/** What a caller passes to a route (only the parts the route has). */
export type RouteInput<R extends RouteDef> = (R['params'] extends AnySchema
  ? { params: In<R['params']> }
  : unknown) &
  (R['query'] extends AnySchema ? { query?: In<R['query']> } : unknown) &
  (R['body'] extends AnySchema ? { body: In<R['body']> } : unknown) &
  (R['versioned'] extends true ? { ifMatch?: number } : unknown);

/** What a route answers with. */
export type RouteOutput<R extends RouteDef> = Out<R['response']>;

/** Fills `:name` parameters of a path, encoding each value. */
export function buildPath(path: string, params: Record<string, string | number> | undefined): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new TypeError(`missing path parameter "${name}" for ${path}`);
    return encodeURIComponent(String(value));
  });
}

/** Matches a concrete path against a route path, returning its raw parameters or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  return matchSegments(pattern.split('/'), pathname.split('/'));
}

/**
 * {@link matchPath} on paths already split on `/`: a router splits each route's path once and the
 * request's path once per request, instead of both for every route it tries.
 */
export function matchSegments(
  pattern: readonly string[],
  segments: readonly string[],
): Record<string, string> | null {
  if (pattern.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const seg = pattern[i] as string;
    const got = segments[i] as string;
    if (seg.startsWith(':')) {
      if (got === '') return null;
      try {
        params[seg.slice(1)] = decodeURIComponent(got);
      } catch {
        return null;
      }
    } else if (seg !== got) return null;
  }
  return params;
}
