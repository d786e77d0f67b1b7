import { afterEach, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from './webhook.test-receiver';
import {
  fetchTransport,
  nodeHttpTransport,
  type WebhookRequest,
  type WebhookTransport,
} from './webhook.transport';

let receivers: TestReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

async function receiver(...args: Parameters<typeof startTestReceiver>): Promise<TestReceiver> {
  const started = await startTestReceiver(...args);
  receivers.push(started);
  return started;
}

function request(url: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    url,
    headers: { 'content-type': 'application/json', 'webhook-id': 'evt_1' },
    body: '{"type":"t","timestamp":"2025-01-01T00:00:00Z","data":{"s":"ü"}}',
    timeoutMs: 2_000,
    allowPrivateNetworks: true,
    ...overrides,
  };
}

describe.each([
  ['node:http', nodeHttpTransport],
  ['fetch', fetchTransport(globalThis.fetch)],
] as [string, WebhookTransport][])('%s transport', (_, transport) => {
  it('POSTs the exact body and headers and reports the status', async () => {
    const target = await receiver((_r, res) => {
      res.statusCode = 202;
      res.end('ok');
    });
    const sent = request(target.url('/in?x=1'));
    expect(await transport(sent)).toEqual({ status: 202 });
    expect(target.received).toHaveLength(1);
    expect(target.received[0]).toMatchObject({ method: 'POST', path: '/in?x=1', body: sent.body });
    expect(target.received[0]?.headers).toMatchObject({
      'webhook-id': 'evt_1',
      'content-type': 'application/json',
    });
  });

  it('does not follow a redirect, even to a public-looking target', async () => {
    const other = await receiver();
    const target = await receiver((_r, res) => {
      res.statusCode = 302;
      res.setHeader('location', other.url());
      res.end();
    });
    expect(await transport(request(target.url()))).toEqual({ status: 302 });
    expect(other.received).toHaveLength(0);
  });

  it('gives up on a receiver that never answers', async () => {
    const target = await receiver(() => {});
    const started = Date.now();
    const outcome = await transport(request(target.url(), { timeoutMs: 200 }));
    expect(outcome).toMatchObject({ status: undefined, error: expect.stringMatching(/^timeout/) });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a reset connection', async () => {
    const target = await receiver((_r, res) => res.socket?.destroy());
    const outcome = await transport(request(target.url()));
    expect(outcome.status).toBeUndefined();
  });

  it('refuses a loopback receiver when private networks are not allowed, literal or by name', async () => {
    const target = await receiver();
    const byName = target.url().replace('127.0.0.1', 'localhost');
    for (const url of [target.url(), byName]) {
      const outcome = await transport(request(url, { allowPrivateNetworks: false }));
      expect(outcome).toMatchObject({
        status: undefined,
        error: expect.stringMatching(/^address_not_allowed/),
      });
    }
    expect(target.received).toHaveLength(0);
  });
});

describe('node:http transport', () => {
  it('does not let an endless response body hold the connection past the deadline', async () => {
    let closed = false;
    const target = await receiver((_r, res) => {
      res.writeHead(200);
      const drip = setInterval(() => res.write('x'), 20);
      res.on('close', () => {
        clearInterval(drip);
        closed = true;
      });
    });
    expect(await nodeHttpTransport(request(target.url(), { timeoutMs: 300 }))).toEqual({ status: 200 });
    await expect.poll(() => closed, { timeout: 2_000 }).toBe(true);
  });
});
