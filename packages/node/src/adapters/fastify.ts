import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { ApiError } from '../http/api-error';
import { consoleLogger, type Logger } from '../logger';
import { describeError, type FetchHandler, serveNodeExchange, writeErrorResponse } from './node-exchange';

// Structural types only: importing `fastify` (even its types) would make it a dependency of every
// consumer's type-check. These are the few members the plugin touches.

/** The parts of a Fastify request the plugin reads. */
export interface FastifyLikeRequest {
  /** The Node request. */
  readonly raw: IncomingMessage;
  /** The URL as routed (after any `rewriteUrl`), including the plugin's prefix. */
  readonly url: string;
  /** The headers as hooks left them. */
  readonly headers: IncomingHttpHeaders;
  /** `http` or `https` under Fastify's `trustProxy` setting. */
  readonly protocol?: string | undefined;
  /** What the plugin's content-type parser produced: the unread body stream. */
  readonly body?: unknown;
}

/** The parts of a Fastify reply the plugin uses. */
export interface FastifyLikeReply {
  /** The Node response the plugin writes to. */
  readonly raw: ServerResponse;
  /** Tells Fastify the plugin writes the response itself. */
  hijack(): unknown;
}

/** A Fastify content-type parser's completion callback. */
export type FastifyLikeParserDone = (error: Error | null, body?: unknown) => void;

/** The parts of a Fastify instance the plugin uses. */
export interface FastifyLikeInstance {
  /** The full prefix of the plugin's encapsulation context ('' when registered without one). */
  readonly prefix: string;
  /** Drops the inherited parsers in this context only (the plugin is encapsulated). */
  removeAllContentTypeParsers(): unknown;
  /** Adds a body parser in this context. */
  addContentTypeParser(
    contentType: string,
    parser: (request: never, payload: IncomingMessage, done: FastifyLikeParserDone) => void,
  ): unknown;
  /** Adds a route in this context. */
  route(options: {
    method: string[];
    url: string;
    exposeHeadRoute?: boolean;
    handler: (request: FastifyLikeRequest, reply: FastifyLikeReply) => void;
  }): unknown;
}

/** Options of {@link tierdeskFastify}. */
export interface TierdeskFastifyOptions {
  /** The Tierdesk fetch handler. */
  readonly handler: FetchHandler;
  /**
   * Where to mount it (`/support` serves `/support/v1/...`); Fastify's `register` applies it, and the
   * handler sees paths relative to it.
   */
  readonly prefix?: string | undefined;
  /** Where handler failures are reported; default {@link consoleLogger}. */
  readonly logger?: Logger | undefined;
}

const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/**
 * A Fastify plugin serving a fetch handler on every method under its prefix. Inside its own
 * encapsulation context it replaces the body parsers with one that passes the raw stream through, so
 * the handler reads the exact bytes under its own limits while the application's other routes keep
 * Fastify's parsers. The reply is hijacked and written by the same code as the `node:http` adapter.
 * The scheme follows `request.protocol` (so Fastify's `trustProxy`); `context.remoteAddress` is the
 * socket's address (the Tierdesk server's own `trustProxy` interprets forwarded-for headers).
 *
 * Do not wrap it in `fastify-plugin`: the parser swap must stay scoped.
 *
 * @example
 * ```ts
 * await app.register(tierdeskFastify, { handler: tierdesk.fetch, prefix: '/support' });
 * ```
 */
export function tierdeskFastify(
  fastify: FastifyLikeInstance,
  options: TierdeskFastifyOptions,
  done: (error?: Error) => void,
): void {
  const { handler } = options;
  const logger = options.logger ?? consoleLogger;
  if (typeof handler !== 'function') {
    done(new TypeError('tierdeskFastify needs a `handler` option (the Tierdesk fetch handler)'));
    return;
  }
  const prefix = fastify.prefix;
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, payload, parsed) => parsed(null, payload));

  const serve = (request: FastifyLikeRequest, reply: FastifyLikeReply): void => {
    reply.hijack();
    const res = reply.raw;
    const protocol =
      request.protocol === 'https' || request.protocol === 'http' ? request.protocol : undefined;
    // The parser hands over the payload Fastify's preParsing hooks produced (e.g. decompressed).
    const body = isReadable(request.body) ? request.body : undefined;
    serveNodeExchange(handler, request.raw, res, {
      path: relativePath(request.url, prefix),
      protocol,
      headers: request.headers,
      body,
      remoteAddress: request.raw.socket.remoteAddress,
      logger,
    }).catch((error: unknown) => {
      logger.error('Tierdesk adapter failed', { error: describeError(error) });
      writeErrorResponse(res, new ApiError('internal', 'Internal error'));
    });
  };
  const route = { method: METHODS, exposeHeadRoute: false, handler: serve };
  // '/' under a prefix also answers the bare prefix; '/*' everything below it.
  fastify.route({ ...route, url: '/' });
  fastify.route({ ...route, url: '/*' });
  done();
}

function relativePath(url: string, prefix: string): string {
  if (prefix === '' || !url.startsWith(prefix)) return url;
  const rest = url.slice(prefix.length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

function isReadable(value: unknown): value is Readable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Readable).read === 'function' &&
    typeof (value as Readable).on === 'function'
  );
}
