import type { StreamEvent } from '../contract/inputs.schema';
import type { RouteDef, RouteInput, RouteOutput } from '../contract/route';
import type { RouteName, Routes } from '../contract/routes';

// Core compiles without the DOM lib (it must not lean on browser globals), yet hosts pass the
// standard `fetch` and `AbortSignal`. These aliases resolve to the real global types wherever the
// host's program has them (DOM lib or @types/node), and to a minimal structural shape otherwise.

/** The subset of a fetch `Response` the client reads. */
export interface FetchResponseLike {
  /** HTTP status code. */
  readonly status: number;
  /** Response headers (case-insensitive lookup). */
  readonly headers: { get(name: string): string | null };
  /** Reads the body as text. */
  text(): Promise<string>;
}

/**
 * A standard `Blob` (browsers, Node ≥ 18), described structurally for programs without the DOM lib;
 * in a browser it is a real `Blob` (`URL.createObjectURL(blob as Blob)`).
 */
export interface BlobLike {
  /** Bytes. */
  readonly size: number;
  /** The media type the server sent. */
  readonly type: string;
  /** Reads the bytes. */
  arrayBuffer(): Promise<ArrayBuffer>;
  /** Reads the bytes as UTF-8 text. */
  text(): Promise<string>;
}

/** A standard `AbortSignal`, described structurally for programs without the DOM lib. */
export interface AbortSignalLike {
  /** Whether the signal has fired. */
  readonly aborted: boolean;
  /** Why it fired. */
  readonly reason: unknown;
  /** Throws `reason` when aborted. */
  throwIfAborted(): void;
}

/** The standard `AbortSignal` type where the host's program declares it, {@link AbortSignalLike} otherwise. */
export type TierdeskAbortSignal = typeof globalThis extends { AbortSignal: { prototype: infer S } }
  ? S
  : AbortSignalLike;

/**
 * The standard `fetch` function type where the host's program declares it; otherwise a function
 * receiving a `Request` (ky always passes one) and an init object.
 */
export type TierdeskFetch = typeof globalThis extends { fetch: infer F }
  ? F
  : (input: { readonly url: string; readonly method: string }, init?: object) => Promise<FetchResponseLike>;

/** Retry settings of a client. See {@link ClientOptions.retry} for the policy. */
export interface ClientRetryOptions {
  /** Retries after the first attempt (so `2` means up to three attempts). Default `2`; `0` disables retries. */
  limit?: number;
  /** Upper bound of one exponential backoff delay, in milliseconds. Default: no bound. */
  backoffLimitMs?: number;
  /**
   * The longest `Retry-After` the client waits for, in milliseconds. When the server asks for a
   * longer wait the call fails at once with {@link TierdeskApiError.retryAfterMs} set, so the UI can
   * say when to try again instead of hanging. Default `30_000`.
   */
  maxRetryAfterMs?: number;
}

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Where the API is mounted, without `/v1` (e.g. `https://help.example.com` or `/support`). */
  baseUrl: string;
  /**
   * Returns the credential sent as `Authorization: Bearer <token>`: the end user's identity token
   * (signed by the host's backend) or an agent API key. Called once per call; nothing is sent when it
   * returns `null`, `undefined` or `''`. Errors it throws reach the caller unchanged.
   */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /** The `fetch` to use (e.g. a framework's SSR-aware fetch). Default `globalThis.fetch`. */
  fetch?: TierdeskFetch;
  /**
   * Retries with exponential backoff (300 ms × 2ⁿ, jittered to 50–100 %, capped by `backoffLimitMs`).
   * Only retried: GET and HEAD, POSTs (each carries an `Idempotency-Key`, generated when not given),
   * and PUT/PATCH/DELETE only when the caller passes an `Idempotency-Key`; on network errors and on
   * 408, 429, 500, 502, 503 and 504, honouring `Retry-After` on 429 and 503. An attempt that times
   * out is retried for GET and HEAD only (a write may still be carried out). Other 4xx are never
   * retried.
   */
  retry?: ClientRetryOptions;
  /** Time allowed for each attempt to receive the response headers, in milliseconds. Default `10_000`. */
  timeoutMs?: number;
  /** Headers sent with every call. */
  headers?: Record<string, string>;
  /** Makes a fresh `Idempotency-Key`. Default `crypto.randomUUID()` (with a `getRandomValues` fallback). */
  idempotencyKey?: () => string;
}

/** Options of one call. */
export interface CallOptions {
  /** Cancels the call, waits between retries included (the call fails with code `aborted`). */
  signal?: TierdeskAbortSignal;
  /**
   * The `Idempotency-Key` of this logical call, used by all its retries. POSTs get a fresh one when
   * omitted; giving one to a PUT, PATCH or DELETE makes it retriable. Ignored on GET and HEAD.
   */
  idempotencyKey?: string;
  /** Extra headers for this call; they override the client's. */
  headers?: Record<string, string>;
}

// The contract's `defineRoute` currently widens `stream` to `boolean | undefined`, so a GET without
// a response schema is also read as a stream: no JSON route answers a GET with nothing.
type IsStreamRoute<R extends RouteDef> = R['stream'] extends true
  ? true
  : R['method'] extends 'GET'
    ? R['response'] extends undefined
      ? true
      : false
    : false;

/** Names of the routes that answer with JSON, i.e. every route but the event streams. */
export type JsonRouteName = {
  [K in RouteName]: IsStreamRoute<Routes[K]> extends true ? never : K;
}[RouteName];

/** Names of the event-stream routes (open them with `EventSource` at {@link TierdeskClient.streamUrl}). */
export type StreamRouteName = Exclude<RouteName, JsonRouteName>;

// `true extends R['versioned']` holds for `versioned: true` and for the widened `boolean | undefined`
// the contract currently produces; it stays correct once the contract keeps the literal.
type IfMatchInput<R extends RouteDef> = true extends R['versioned']
  ? {
      /** The ticket version the change is based on, sent as `If-Match: "<version>"` (stale → 412). */
      ifMatch?: number;
    }
  : unknown;

type OrEmpty<T> = unknown extends T ? Record<string, never> : T;

/** What a call to route `R` takes: its `params`, `query` and `body`, plus `ifMatch` on versioned routes. */
export type RouteCallInput<R extends RouteDef> = OrEmpty<RouteInput<R> & IfMatchInput<R>>;

/** The arguments of a call to route `R`; the input is optional when every part of it is. */
export type RouteCallArgs<R extends RouteDef> =
  Record<never, never> extends RouteCallInput<R>
    ? [input?: RouteCallInput<R>, options?: CallOptions]
    : [input: RouteCallInput<R>, options?: CallOptions];

/** A route as a client method: validates the input, sends it, validates and returns the answer. */
export type RouteCall<R extends RouteDef> = (...args: RouteCallArgs<R>) => Promise<RouteOutput<R>>;

/** One method per JSON route of the contract, named after the route. */
export type RouteMethods = { readonly [K in JsonRouteName]: RouteCall<Routes[K]> };

/**
 * The typed API client: one method per route (`client.createTicket({ body })`,
 * `client.updateTicket({ params, body, ifMatch })`), a generic {@link TierdeskClient.request} and
 * {@link TierdeskClient.streamUrl} for the event streams. Every method rejects with a
 * {@link TierdeskError} subclass.
 */
export interface TierdeskClient extends RouteMethods {
  /** Calls a route by name; the same as `client[name](input, options)`. */
  request<K extends JsonRouteName>(
    name: K,
    ...args: RouteCallArgs<Routes[K]>
  ): Promise<RouteOutput<Routes[K]>>;
  /** The absolute URL of an event-stream route, for `new EventSource(url)`. */
  streamUrl(name: StreamRouteName): string;
  /**
   * Checks one parsed event-stream message (`JSON.parse(message.data)`) and returns it as a
   * {@link StreamEvent}; throws a {@link TierdeskError} with code `invalid_response` when it is not one.
   * {@link createClient} checks against the contract's schema, `createLeanClient` the shape only.
   */
  parseStreamEvent(data: unknown): StreamEvent;
  /**
   * Downloads the bytes of an attachment the server keeps (one with an `id`, e.g. a file of an inbound
   * mail): `scope: 'agent'` uses the agent route, otherwise the end user's (own tickets only). Rejects
   * with a {@link TierdeskError} like every call (`not_found` for someone else's file).
   */
  downloadAttachment(
    input: { ticketId: string; attachmentId: string; scope?: 'user' | 'agent' },
    options?: CallOptions,
  ): Promise<BlobLike>;
}
