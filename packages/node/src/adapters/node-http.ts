import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import { ApiError } from '../http/api-error';
import { consoleLogger, type Logger } from '../logger';
import { describeError, type FetchHandler, serveNodeExchange, writeErrorResponse } from './node-exchange';

export type { FetchContext, FetchHandler } from './node-exchange';

/** Options of {@link toNodeListener} and {@link createNodeServer}. */
export interface NodeAdapterOptions {
  /**
   * Take the URL scheme from the first `X-Forwarded-Proto` value. Only for servers reachable solely
   * through a proxy that sets it: otherwise any client can claim `https`. Default `false`.
   */
  readonly trustProxy?: boolean | undefined;
  /** Where handler failures are reported; default {@link consoleLogger}. Clients only ever see a 500. */
  readonly logger?: Logger | undefined;
}

/** Options of {@link createNodeServer}: the adapter's, plus `node:http`'s own server options. */
export interface NodeServerOptions extends NodeAdapterOptions {
  /** Passed to `http.createServer` (timeouts, header limits...). */
  readonly server?: ServerOptions | undefined;
}

/** A `node:http` request listener. */
export type NodeRequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Turns a fetch handler into a `node:http` request listener: the request becomes a Web `Request`
 * (absolute URL from the Host header, streamed body, a signal that aborts when the client leaves) and
 * the handler's `Response` is streamed back chunk by chunk. The handler gets `{ remoteAddress }` of the
 * socket as its second argument. Handler failures answer 500 and never reach the process.
 *
 * @example
 * ```ts
 * http.createServer(toNodeListener(tierdesk.fetch)).listen(3000);
 * ```
 */
export function toNodeListener(handler: FetchHandler, options: NodeAdapterOptions = {}): NodeRequestListener {
  const logger = options.logger ?? consoleLogger;
  return (req, res) => {
    serveNodeExchange(handler, req, res, {
      protocol: forwardedProtocol(req, options.trustProxy === true),
      remoteAddress: req.socket.remoteAddress,
      logger,
    }).catch((error: unknown) => {
      // serveNodeExchange is written never to reject; this is the belt to its braces, since an
      // unhandled rejection would take the whole process down.
      logger.error('Tierdesk adapter failed', { error: describeError(error) });
      writeErrorResponse(res, new ApiError('internal', 'Internal error'));
    });
  };
}

/**
 * Creates a `node:http` server around a fetch handler (see {@link toNodeListener}); call `listen` on it.
 *
 * @example
 * ```ts
 * const server = createNodeServer(tierdesk.fetch, { trustProxy: true });
 * server.listen(3000);
 * ```
 */
export function createNodeServer(handler: FetchHandler, options: NodeServerOptions = {}): Server {
  // noDelay is on by default in Node 20, set anyway: Server-Sent Events depend on it.
  return createServer({ noDelay: true, ...options.server }, toNodeListener(handler, options));
}

function forwardedProtocol(req: IncomingMessage, trustProxy: boolean): 'http' | 'https' | undefined {
  if (!trustProxy) return undefined;
  const header = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https' || first === 'http' ? first : undefined;
}
