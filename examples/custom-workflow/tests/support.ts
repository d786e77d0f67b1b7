import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the pager service received: one entry per POST. */
export interface ReceivedPage {
  headers: IncomingHttpHeaders;
  body: { dedupKey: string; summary: string; page: { id: string; ticketId: string; tier: number } };
}

/** A real local HTTP server standing in for the pager service. */
export interface PagerReceiver {
  url: string;
  received: ReceivedPage[];
  /** Status codes to answer with, in order; 202 once they run out. */
  answers: number[];
  /** Every POST, answered with an error or not. */
  attempts(): number;
  close(): Promise<void>;
}

/** Starts the pager service on 127.0.0.1 (a random port). */
export async function startPagerReceiver(): Promise<PagerReceiver> {
  const received: ReceivedPage[] = [];
  const answers: number[] = [];
  let attempts = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts += 1;
      const status = answers.shift() ?? 202;
      if (status < 300) {
        received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/pages`,
    received,
    answers,
    attempts: () => attempts,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
