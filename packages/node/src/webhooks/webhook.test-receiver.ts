import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a {@link TestReceiver} got. @internal */
export interface ReceivedRequest {
  method: string;
  path: string;
  /** Header names lower-cased; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Answers one received request. `count` is how many requests this receiver has seen, this one included.
 * Return without answering to let the request hang (a timeout), or destroy `res.socket` (a reset).
 * @internal
 */
export type ReceiverHandler = (request: ReceivedRequest, res: ServerResponse, count: number) => void;

/** A real HTTP server on 127.0.0.1 that records what it receives (test support). @internal */
export interface TestReceiver {
  /** The URL of `path` on this receiver. */
  url(path?: string): string;
  /** Every request received, in order. */
  readonly received: ReceivedRequest[];
  /** Replaces how requests are answered (default: 204). */
  setHandler(handler: ReceiverHandler): void;
  /** Resolves once `predicate` holds for the received requests; rejects after `timeoutMs`. */
  waitFor(predicate: (received: readonly ReceivedRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Stops the server, cutting any hanging connection. */
  close(): Promise<void>;
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Starts a {@link TestReceiver} on an ephemeral port of 127.0.0.1. @internal */
export async function startTestReceiver(handler?: ReceiverHandler): Promise<TestReceiver> {
  let answer: ReceiverHandler =
    handler ??
    ((_request, res) => {
      res.statusCode = 204;
      res.end();
    });
  const received: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: headersOf(req),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      answer(request, res, received.length);
      for (const waiter of [...waiters]) waiter();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    received,
    setHandler(next) {
      answer = next;
    },
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!predicate(received)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the receiver did not get the expected requests within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
