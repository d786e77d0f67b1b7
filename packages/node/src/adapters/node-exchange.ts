import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { ApiError } from '../http/api-error';
import type { Logger } from '../logger';

/**
 * What an adapter knows about the connection beyond the Web `Request`. Handlers that need no more
 * than the request simply ignore it.
 */
export interface FetchContext {
  /**
   * The socket's peer address, in every adapter. Forwarded-for headers are deliberately not applied
   * here: the Tierdesk server's own `trustProxy` decides which hops to believe, in one place.
   */
  readonly remoteAddress?: string | undefined;
}

/**
 * The Tierdesk server as every runtime sees it: a Web-standard fetch handler. `createTierdesk(...).fetch`
 * is one; any `(request: Request) => Promise<Response>` fits too, as the context is optional.
 */
export type FetchHandler = (request: Request, context?: FetchContext) => Promise<Response>;

/**
 * The reason the request's `signal` is aborted with, and the response stream cancelled with, when the
 * client goes away before the response was fully written. Handlers can tell it from their own failures
 * by its `code`.
 */
export class ClientDisconnectedError extends Error {
  override name = 'ClientDisconnectedError';
  /** Stable code of this condition. */
  readonly code = 'client_disconnected' as const;

  /** Creates the error; the message is fixed because there is nothing more to say. */
  constructor() {
    super('The client closed the connection before the response was complete');
  }
}

/** A request body an adapter already holds in memory (e.g. after a framework's body parser read it). */
export interface BufferedRequestBody {
  /** The bytes the handler will read. */
  readonly bytes: Uint8Array;
  /** The Content-Type to present them with; the original header is kept when omitted. */
  readonly contentType?: string | undefined;
}

/** How {@link toWebRequest} builds the Web `Request` from a Node request. */
export interface ToWebRequestOptions {
  /** Path and query the handler sees (an adapter passes the part after its mount point); default `req.url`. */
  readonly path?: string | undefined;
  /** The scheme of the absolute URL; default `https` on TLS sockets, else `http`. */
  readonly protocol?: 'http' | 'https' | undefined;
  /** Headers to present instead of `req.headers` (e.g. a framework's view of them). */
  readonly headers?: IncomingHttpHeaders | undefined;
  /**
   * The body when it does not come from the request stream: a stream already piped through something
   * (Fastify's decompression hooks), or bytes a body parser left behind.
   */
  readonly body?: Readable | BufferedRequestBody | undefined;
  /** Aborts when the client disconnects. */
  readonly signal?: AbortSignal | undefined;
}

// `duplex` is required by undici for streamed bodies but missing from the DOM lib's RequestInit.
type StreamingRequestInit = RequestInit & { duplex: 'half' };

const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD']);
const HOP_BY_HOP_BODY_HEADERS = ['content-length', 'transfer-encoding', 'content-encoding'];

/**
 * Builds the absolute URL of a request from its Host header; the `Host` value is attacker-chosen, so
 * anything that is not a plain authority is rejected with a `bad_request` rather than reinterpreted.
 */
export function requestUrl(
  req: IncomingMessage,
  options: Pick<ToWebRequestOptions, 'path' | 'protocol'> = {},
): URL {
  const protocol = options.protocol ?? (isEncrypted(req) ? 'https' : 'http');
  const raw = options.path ?? req.url ?? '/';
  let path = raw;
  if (!raw.startsWith('/')) {
    // absolute-form (`GET http://host/path`), which proxies send; only its path and query matter here.
    try {
      const absolute = new URL(raw);
      path = `${absolute.pathname}${absolute.search}`;
    } catch {
      throw new ApiError('bad_request', 'Invalid request target');
    }
  }
  const host = firstValue(req.headers.host) ?? 'localhost';
  if (host.length === 0 || /[/?#@\\\s]/.test(host)) throw new ApiError('bad_request', 'Invalid Host header');
  try {
    // Concatenated, not resolved against a base: `new URL('//evil/x', base)` would switch hosts.
    return new URL(`${protocol}://${host}${path}`);
  } catch {
    throw new ApiError('bad_request', 'Invalid Host header');
  }
}

/**
 * Copies Node's request headers into Web `Headers`. Node has already joined repeated headers the way
 * HTTP defines (`, ` for lists, `; ` for cookies, first one kept for singletons such as Authorization);
 * reading `req.headers` rather than `rawHeaders` keeps changes made by earlier middleware.
 */
export function toWebHeaders(headers: IncomingHttpHeaders, omit: ReadonlyArray<string> = []): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    // HTTP/2 pseudo-headers (`:path`) are not headers in the Fetch sense.
    if (value === undefined || name.startsWith(':') || omit.includes(name)) continue;
    if (Array.isArray(value)) {
      for (const item of value) result.append(name, item);
    } else {
      result.append(name, String(value));
    }
  }
  return result;
}

/**
 * Converts a Node request into a Web `Request`: absolute URL, headers, a lazily read body stream for
 * methods that carry one, and the given abort signal.
 *
 * @throws {ApiError} `bad_request` when the Host header or request target cannot form a URL.
 */
export function toWebRequest(req: IncomingMessage, options: ToWebRequestOptions = {}): Request {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = requestUrl(req, options);
  const source = options.body;
  const buffered = source !== undefined && isBufferedBody(source) ? source : undefined;
  const headers = toWebHeaders(options.headers ?? req.headers, buffered ? HOP_BY_HOP_BODY_HEADERS : []);
  const init: StreamingRequestInit = { method, headers, duplex: 'half' };
  if (options.signal) init.signal = options.signal;
  if (!METHODS_WITHOUT_BODY.has(method)) {
    if (buffered) {
      headers.set('content-length', String(buffered.bytes.byteLength));
      if (buffered.contentType !== undefined) headers.set('content-type', buffered.contentType);
      // The DOM lib only admits ArrayBuffer-backed views; undici takes any (Buffers share a pool).
      init.body = buffered.bytes as Uint8Array<ArrayBuffer>;
    } else {
      init.body = readableToWebStream(source && !isBufferedBody(source) ? source : req);
    }
  }
  return new Request(url, init);
}

/**
 * Wraps a Node readable in a Web stream that pulls only when its reader asks. Unlike
 * `Readable.toWeb`, nothing is read ahead: a handler that never touches the body leaves it in the
 * socket (so a middleware that falls through can still read it) and a slow handler applies
 * backpressure all the way to the uploading client.
 */
export function readableToWebStream(readable: Readable): ReadableStream<Uint8Array> {
  // Detaches the listeners of the pull in progress: after a cancel, an event must not reach the
  // closed controller (enqueue would throw inside an event listener and take the process down).
  let detach: (() => void) | undefined;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        return new Promise<void>((resolve) => {
          const finish = (): void => {
            readable.off('readable', attempt);
            readable.off('end', onEnd);
            readable.off('error', onError);
            readable.off('close', onClose);
            detach = undefined;
            resolve();
          };
          const onEnd = (): void => {
            finish();
            controller.close();
          };
          const onError = (error: unknown): void => {
            finish();
            controller.error(error);
          };
          const onClose = (): void => {
            if (!readable.readableEnded) onError(new ClientDisconnectedError());
          };
          function attempt(): void {
            const chunk: unknown = readable.read();
            if (chunk !== null) {
              finish();
              controller.enqueue(toBytes(chunk));
            } else if (readable.readableEnded) {
              onEnd();
            } else if (readable.destroyed) {
              onClose();
            }
          }
          detach = finish;
          readable.on('readable', attempt);
          readable.on('end', onEnd);
          readable.on('error', onError);
          readable.on('close', onClose);
          attempt();
        });
      },
      cancel() {
        detach?.();
        // Discard what still arrives, so a client uploading while the handler works on is not stalled.
        // (Once the answer is written, Node itself closes a connection whose body was not read to the
        // end.) Deferred: removing the 'readable' listener only leaves paused mode on the next tick.
        setImmediate(() => readable.resume());
      },
    },
    // highWaterMark 0: pull only while a read is pending (no read-ahead, see above).
    { highWaterMark: 0 },
  );
}

/** Options of {@link writeWebResponse}. */
export interface WriteWebResponseOptions {
  /** The request method; a HEAD response gets its headers but no body. */
  readonly method?: string | undefined;
  /** Where a body stream that fails after the headers went out is reported. */
  readonly logger?: Logger | undefined;
}

const STATUSES_WITHOUT_BODY = new Set([204, 205, 304]);
const EARLY_BUFFER_LIMIT_BYTES = 64 * 1024;
const NEXT_MACROTASK = Symbol('next-macrotask');

/**
 * Writes a Web `Response` to a Node response: status, headers (every Set-Cookie kept), then the body
 * chunk by chunk with backpressure, each chunk handed to the socket at once. A body that completes
 * without waiting on I/O (a JSON answer) goes out in one write with a Content-Length; one that waits
 * (Server-Sent Events) gets its headers flushed immediately. When the client goes away the body stream
 * is cancelled with a {@link ClientDisconnectedError}. Never rejects: a body that fails midway is
 * logged and the connection destroyed so the client sees a truncated response, not a complete one.
 */
export async function writeWebResponse(
  res: ServerResponse,
  response: Response,
  options: WriteWebResponseOptions = {},
): Promise<void> {
  const body = response.body;
  if (isGone(res)) {
    await cancelQuietly(body, new ClientDisconnectedError());
    return;
  }
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  copyResponseHeaders(res, response.headers);
  const method = options.method?.toUpperCase();
  if (
    body === null ||
    method === 'HEAD' ||
    STATUSES_WITHOUT_BODY.has(response.status) ||
    response.status < 200
  ) {
    await cancelQuietly(body, undefined);
    res.end();
    return;
  }
  await pipeBody(res, body, options.logger);
}

function copyResponseHeaders(res: ServerResponse, headers: Headers): void {
  for (const [name, value] of headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  // Set-Cookie must stay one header per cookie: joined with commas it is unparseable (dates contain commas).
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
}

async function pipeBody(res: ServerResponse, body: ReadableStream<Uint8Array>, logger: Logger | undefined) {
  const reader = body.getReader();
  let gone = false;
  const onClose = (): void => {
    if (res.writableFinished) return;
    gone = true;
    reader.cancel(new ClientDisconnectedError()).catch(() => {
      // The stream's own cancel hook failed while the client was already gone: nobody to tell.
    });
  };
  res.on('close', onClose);
  try {
    let pending = reader.read();
    const early: Uint8Array[] = [];
    let earlyBytes = 0;
    const nextMacrotask = new Promise<typeof NEXT_MACROTASK>((resolve) =>
      setImmediate(resolve, NEXT_MACROTASK),
    );
    for (;;) {
      const step = await Promise.race([pending, nextMacrotask]);
      if (step === NEXT_MACROTASK) break;
      if (step.done) {
        if (gone) return;
        if (!res.hasHeader('content-length') && !res.hasHeader('transfer-encoding')) {
          res.setHeader('content-length', earlyBytes);
        }
        res.end(Buffer.concat(early));
        return;
      }
      const chunk = toBytes(step.value);
      early.push(chunk);
      earlyBytes += chunk.byteLength;
      pending = reader.read();
      if (earlyBytes >= EARLY_BUFFER_LIMIT_BYTES) break;
    }
    // The body is still being produced (a stream of events): the client should see the status now.
    if (!gone) res.flushHeaders();
    for (const chunk of early) await writeChunk(res, chunk);
    for (;;) {
      const step = await pending;
      if (step.done || gone) break;
      await writeChunk(res, toBytes(step.value));
      pending = reader.read();
    }
    if (!gone) res.end();
  } catch (error) {
    if (gone) return;
    logger?.error('Tierdesk response body failed after the headers were sent', {
      error: describeError(error),
    });
    await cancelQuietly(reader, error);
    res.destroy(error instanceof Error ? error : new Error('Response body failed'));
  } finally {
    res.off('close', onClose);
  }
}

function writeChunk(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  if (isGone(res)) return Promise.resolve();
  const accepted = res.write(chunk);
  // `compression` (and similar) buffer inside res until flushed; events must not wait there.
  const flushable = res as ServerResponse & { flush?: unknown };
  if (typeof flushable.flush === 'function') (flushable.flush as () => void).call(res);
  if (accepted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Options of {@link serveNodeExchange}. */
export interface NodeExchangeOptions extends Omit<ToWebRequestOptions, 'signal'> {
  /** The peer address handed to the handler as `context.remoteAddress`. */
  readonly remoteAddress?: string | undefined;
  /** Where handler failures are reported (never to the client). */
  readonly logger: Logger;
  /**
   * Asked before anything is written; `true` leaves `res` untouched and resolves `'declined'` so a
   * framework can pass the request on (the response body is cancelled).
   */
  readonly decline?: ((request: Request, response: Response) => boolean) | undefined;
}

/** What {@link serveNodeExchange} did with the request. */
export type NodeExchangeOutcome = 'served' | 'declined';

/**
 * Runs one request through a fetch handler and writes its answer: the code path every Node adapter
 * shares. A handler that throws (or returns something that is not a Response) gets a 500 `internal`
 * with no details; the failure is logged. The request's signal aborts when the client disconnects.
 * Never rejects.
 */
export async function serveNodeExchange(
  handler: FetchHandler,
  req: IncomingMessage,
  res: ServerResponse,
  options: NodeExchangeOptions,
): Promise<NodeExchangeOutcome> {
  const { logger } = options;
  const controller = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) controller.abort(new ClientDisconnectedError());
  };
  res.on('close', onClose);
  try {
    // Events must leave as they are written, not wait for Nagle's algorithm to fill a segment.
    req.socket?.setNoDelay(true);
    let request: Request;
    try {
      request = toWebRequest(req, { ...options, signal: controller.signal });
    } catch (error) {
      if (error instanceof ApiError) {
        writeErrorResponse(res, error);
        return 'served';
      }
      throw error;
    }
    let response: Response;
    try {
      const answer: unknown = await handler(request, { remoteAddress: options.remoteAddress });
      if (!isResponse(answer))
        throw new TypeError('The Tierdesk handler resolved to something other than a Response');
      response = answer;
    } catch (error) {
      const fields = {
        error: describeError(error),
        method: request.method,
        path: new URL(request.url).pathname,
      };
      if (controller.signal.aborted && isAbortFailure(error, controller.signal)) {
        // The handler gave up because we told it to: expected, and there is no one left to answer.
        logger.debug('Tierdesk handler stopped after the client disconnected', fields);
        return 'served';
      }
      logger.error('Tierdesk handler failed', fields);
      writeErrorResponse(res, internalError(error));
      return 'served';
    }
    if (options.decline?.(request, response)) {
      await cancelQuietly(response.body, undefined);
      return 'declined';
    }
    await writeWebResponse(res, response, { method: request.method, logger });
    return 'served';
  } catch (error) {
    logger.error('Tierdesk adapter failed', { error: describeError(error) });
    writeErrorResponse(res, internalError(error));
    return 'served';
  } finally {
    res.off('close', onClose);
  }
}

/**
 * Sends an {@link ApiError} as the JSON error body; when headers already went out the connection is
 * destroyed instead, since a second status cannot be sent.
 */
export function writeErrorResponse(res: ServerResponse, error: ApiError): void {
  if (isGone(res) || res.writableEnded) return;
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  const payload = Buffer.from(JSON.stringify(error.toBody()));
  res.writeHead(error.status, {
    ...error.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(payload.byteLength),
  });
  res.end(payload);
}

function internalError(cause: unknown): ApiError {
  return new ApiError('internal', 'Internal error', { cause });
}

/** Error fields for a log record: name, message, code and stack (logs are server-side only). */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      ...(code === undefined ? {} : { code }),
      stack: error.stack,
    };
  }
  return { value: String(error) };
}

function isAbortFailure(error: unknown, signal: AbortSignal): boolean {
  return (
    error === signal.reason ||
    error instanceof ClientDisconnectedError ||
    (error instanceof Error && error.name === 'AbortError')
  );
}

function isResponse(value: unknown): value is Response {
  if (value instanceof Response) return true;
  // Another realm's or library's Response (e.g. the `undici` package) is just as good.
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Response).status === 'number' &&
    (value as Response).headers instanceof Headers &&
    'body' in value
  );
}

function isBufferedBody(value: Readable | BufferedRequestBody): value is BufferedRequestBody {
  return (value as BufferedRequestBody).bytes instanceof Uint8Array;
}

function isGone(res: ServerResponse): boolean {
  return res.destroyed || res.socket?.destroyed === true;
}

function isEncrypted(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: unknown } | null)?.encrypted === true;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError(`Body chunks must be bytes, got ${typeof chunk}`);
}

async function cancelQuietly(
  stream: ReadableStream<Uint8Array> | ReadableStreamDefaultReader<Uint8Array> | null,
  reason: unknown,
): Promise<void> {
  if (stream === null) return;
  try {
    await stream.cancel(reason);
  } catch {
    // A locked or already-errored stream refuses cancellation; either way it will not be read again.
  }
}
