import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../http/api-error';
import { consoleLogger, type Logger } from '../logger';
import {
  type BufferedRequestBody,
  describeError,
  type FetchHandler,
  serveNodeExchange,
  writeErrorResponse,
} from './node-exchange';

// Structural types only: importing `express` (even its types) would make it a dependency of every
// consumer's type-check. Express 5's Request and Response extend these node:http classes.

/** The parts of an Express request the adapter reads. */
export interface ExpressLikeRequest extends IncomingMessage {
  /** What a body parser (`express.json()`, `express.text()`, ...) produced, if one ran. */
  body?: unknown;
  /** `http` or `https` under Express's `trust proxy` setting. */
  readonly protocol?: string | undefined;
}

/** Express's `next`: called to pass the request on to the following middleware. */
export type ExpressLikeNext = (error?: unknown) => void;

/** An Express-compatible middleware. */
export type ExpressLikeMiddleware = (
  req: ExpressLikeRequest,
  res: ServerResponse,
  next: ExpressLikeNext,
) => void;

/**
 * Decides, from the handler's answer, whether the request should go on to the next Express
 * middleware instead of being answered.
 */
export type FallthroughPredicate = (request: Request, response: Response) => boolean;

/** Options of {@link tierdeskExpress}. */
export interface TierdeskExpressOptions {
  /**
   * Pass requests the Tierdesk handler does not own on to the next middleware. `true` falls through
   * on a 404 for a path outside Tierdesk's namespace (`/v1/...`, `/healthz`, `/readyz`), so a 404 for a
   * missing ticket is still answered; a function decides itself. Default `false`: every request that
   * reaches the mount is answered by Tierdesk.
   */
  readonly fallthrough?: boolean | FallthroughPredicate | undefined;
  /** Where handler failures are reported; default {@link consoleLogger}. */
  readonly logger?: Logger | undefined;
}

/**
 * Mounts a fetch handler in Express. The handler sees the URL relative to the mount point
 * (`app.use('/support', tierdeskExpress(handler))` maps `/support/v1/tickets` to `/v1/tickets`), the
 * headers as earlier middleware left them (an auth middleware may add one), the scheme from
 * `req.protocol` (so under Express's `trust proxy`) and the socket's address as `context.remoteAddress`
 * (the Tierdesk server's own `trustProxy` interprets forwarded-for headers).
 *
 * Mount it before any body parser: the body then streams to the handler untouched, with its size
 * limits and exact bytes. If a parser already consumed it, the handler gets `req.body` back: bytes
 * and strings as they are, anything else re-serialised as JSON (`Content-Type: application/json`).
 *
 * @example
 * ```ts
 * app.use('/support', tierdeskExpress(tierdesk.fetch));
 * ```
 */
export function tierdeskExpress(
  handler: FetchHandler,
  options: TierdeskExpressOptions = {},
): ExpressLikeMiddleware {
  const logger = options.logger ?? consoleLogger;
  const decline = fallthroughPredicate(options.fallthrough);
  return (req, res, next) => {
    const protocol = req.protocol === 'https' || req.protocol === 'http' ? req.protocol : undefined;
    serveNodeExchange(handler, req, res, {
      // Express rewrites req.url to the part after the mount path (and restores it on next()).
      path: req.url,
      protocol,
      remoteAddress: req.socket.remoteAddress,
      body: parsedBody(req),
      logger,
      decline,
    }).then(
      (outcome) => {
        if (outcome === 'declined') next();
      },
      (error: unknown) => {
        logger.error('Tierdesk adapter failed', { error: describeError(error) });
        writeErrorResponse(res, new ApiError('internal', 'Internal error'));
      },
    );
  };
}

const TIERDESK_PATHS = ['/v1', '/healthz', '/readyz'];

/**
 * The default fall-through rule: a 404 for a path outside Tierdesk's namespace. A 404 inside it
 * (an unknown ticket, an unknown `/v1` route) is Tierdesk's answer and is kept.
 */
export function isOutsideTierdesk(request: Request, response: Response): boolean {
  if (response.status !== 404) return false;
  const path = new URL(request.url).pathname;
  return !TIERDESK_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

function fallthroughPredicate(
  option: TierdeskExpressOptions['fallthrough'],
): FallthroughPredicate | undefined {
  if (typeof option === 'function') return option;
  return option === true ? isOutsideTierdesk : undefined;
}

/** The body a parser left in `req.body`, or undefined when the stream is still unread. */
function parsedBody(req: ExpressLikeRequest): BufferedRequestBody | undefined {
  // body-parser flags what it read with `_body`; other readers at least leave the stream ended.
  const consumed = (req as { _body?: unknown })._body === true || req.readableEnded;
  if (!consumed) return undefined;
  const body = req.body;
  if (body === undefined || body === null) return { bytes: new Uint8Array(0) };
  if (body instanceof Uint8Array) return { bytes: body };
  if (typeof body === 'string') return { bytes: Buffer.from(body) };
  return { bytes: Buffer.from(JSON.stringify(body)), contentType: 'application/json' };
}
