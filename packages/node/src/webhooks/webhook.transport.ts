import http from 'node:http';
import https from 'node:https';
import { isWebhookError } from './webhook.errors';
import { assertDeliverableUrl, createGuardedLookup, parseDeliverableUrl } from './webhook.url-guard';

/** One HTTP attempt to deliver a signed message. @internal */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivateNetworks: boolean;
}

/**
 * How an attempt ended: with an HTTP status (any, including 3xx, which is never followed), or without
 * one, with a short reason (timeout, connection reset, refused address, …). @internal
 */
export type WebhookAttemptOutcome = { status: number } | { status: undefined; error: string };

/** Sends one attempt and reports how it ended; never rejects. @internal */
export type WebhookTransport = (request: WebhookRequest) => Promise<WebhookAttemptOutcome>;

// How much of a response body is read (and dropped) before the connection is cut.
const MAX_DRAINED_BYTES = 64 * 1024;

function describeFailure(error: unknown): string {
  if (isWebhookError(error)) return `${error.code}: ${error.message}`;
  // net may wrap the lookup's error; a refused address must still read as one.
  if (error instanceof Error && isWebhookError(error.cause)) return describeFailure(error.cause);
  if (error instanceof AggregateError && error.errors.length > 0) return describeFailure(error.errors[0]);
  const code =
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
      ? `${(error as { code: string }).code}: `
      : '';
  return `${code}${error instanceof Error ? error.message : String(error)}`;
}

/**
 * The built-in transport: one POST over a fresh `node:http(s)` connection (no pooling, no proxy, no
 * redirects). When private networks are not allowed the connection resolves its host through
 * {@link createGuardedLookup}, so the SSRF check applies to the very addresses the socket connects to.
 * The whole attempt (DNS, connect, TLS, request, response headers) is bounded by `timeoutMs`; the
 * response body is drained and ignored.
 * @internal
 */
export const nodeHttpTransport: WebhookTransport = (request) =>
  new Promise((resolve) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (outcome: WebhookAttemptOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    let url: URL;
    try {
      url = parseDeliverableUrl(request.url, { allowPrivateNetworks: request.allowPrivateNetworks });
    } catch (error) {
      finish({ status: undefined, error: describeFailure(error) });
      return;
    }
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        agent: false,
        ...(request.allowPrivateNetworks ? {} : { lookup: createGuardedLookup() }),
      },
      (res) => {
        finish({ status: res.statusCode ?? 0 });
        // The status is the answer. The body is read and dropped, so the receiver is not cut off
        // mid-write, but only up to a size and within the same deadline: an endless or dripping body
        // must not hold the socket.
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > MAX_DRAINED_BYTES) res.destroy();
        });
        res.on('error', () => {});
        res.on('close', () => clearTimeout(timer));
      },
    );
    timer = setTimeout(() => {
      const error = new Error(`timed out after ${request.timeoutMs} ms`);
      finish({ status: undefined, error: `timeout: ${error.message}` });
      req.destroy(error);
    }, request.timeoutMs);
    req.on('error', (error) => {
      finish({ status: undefined, error: describeFailure(error) });
      clearTimeout(timer);
    });
    req.on('close', () => {
      if (settled) return;
      clearTimeout(timer);
      finish({ status: undefined, error: 'ECONNRESET: the connection closed before a response' });
    });
    req.end(request.body);
  });

/**
 * A transport around a host-provided `fetch` (e.g. one that goes through an egress proxy). The URL is
 * checked with {@link assertDeliverableUrl} right before every attempt; pinning the connection to the
 * checked addresses is then up to that fetch. Redirects are not followed (`redirect: 'manual'`).
 * @internal
 */
export function fetchTransport(fetchImpl: typeof globalThis.fetch): WebhookTransport {
  return async (request) => {
    const signal = AbortSignal.timeout(request.timeoutMs);
    try {
      await assertDeliverableUrl(request.url, {
        allowPrivateNetworks: request.allowPrivateNetworks,
        resolveTimeoutMs: request.timeoutMs,
      });
      const response = await fetchImpl(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal,
      });
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status };
    } catch (error) {
      if (signal.aborted)
        return { status: undefined, error: `timeout: timed out after ${request.timeoutMs} ms` };
      return { status: undefined, error: describeFailure(error) };
    }
  };
}
