// Test support only (not exported): a minimal node:http bridge around a fetch-style handler and an SSE
// client over a real socket, parsed with eventsource-parser. The real adapters live in src/adapters.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** A running test server. */
export interface TestServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `handler` on 127.0.0.1; the request's signal aborts when the client goes away. */
export async function serve(
  handler: (request: Request) => Response | Promise<Response>,
): Promise<TestServer> {
  const server = http.createServer((req, res) => {
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    const request = new Request(`http://127.0.0.1${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      signal: abort.signal,
    });
    void (async () => {
      const response = await handler(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.flushHeaders();
      if (response.body === null) {
        res.end();
        return;
      }
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!res.write(value)) {
          await new Promise<void>((resolve) => {
            res.once('drain', resolve);
            res.once('close', resolve);
          });
        }
      }
      res.end();
    })().catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** An open SSE response as the test sees it. */
export interface SseClient {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** Every event received so far, in order. */
  readonly events: EventSourceMessage[];
  /** Every comment line received so far. */
  readonly comments: string[];
  /** The raw body (for error responses). */
  text(): string;
  /** Whether the server ended the response. */
  ended(): boolean;
  /** Resolves once `predicate` holds; rejects after `timeoutMs` with what was received. */
  waitFor(predicate: (client: SseClient) => boolean, timeoutMs?: number): Promise<void>;
  /** Drops the connection, as a closed browser tab would. */
  close(): void;
}

/** Opens `url` over a real socket and parses the event stream as it arrives. */
export function connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      const events: EventSourceMessage[] = [];
      const comments: string[] = [];
      let raw = '';
      let ended = false;
      const parser = createParser({
        onEvent: (event) => events.push(event),
        onComment: (comment) => comments.push(comment),
      });
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        raw += chunk;
        parser.feed(chunk);
      });
      response.on('end', () => {
        ended = true;
      });
      response.on('error', () => {
        ended = true;
      });
      const client: SseClient = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        events,
        comments,
        text: () => raw,
        ended: () => ended,
        async waitFor(predicate, timeoutMs = 8_000) {
          const deadline = Date.now() + timeoutMs;
          while (!predicate(client)) {
            if (Date.now() > deadline) {
              throw new Error(
                `timed out; received ${JSON.stringify(events.map((e) => `${e.id} ${e.event}`))}, ended=${ended}`,
              );
            }
            await new Promise((r) => setTimeout(r, 10));
          }
        },
        close: () => request.destroy(),
      };
      resolve(client);
    });
    request.on('error', reject);
  });
}
