import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { describeStores } from '../../tests/support/databases';
import { silentLogger } from '../logger';
import type { SqlDatabase } from '../store';
import {
  createWebhookDispatcher,
  type WebhookDispatcher,
  type WebhookDispatcherOptions,
} from './webhook.dispatcher';
import { syncWebhookEndpoints, type WebhookEndpointConfig } from './webhook.endpoints';
import { isWebhookError } from './webhook.errors';
import { enqueueWebhookEvent, type WebhookEvent } from './webhook.outbox';
import { generateWebhookSecret } from './webhook.signature';
import { type ReceivedRequest, startTestReceiver, type TestReceiver } from './webhook.test-receiver';

const WS = 'ws_1';
// Tiny waits so retries happen within a test; the shape (attempts = waits + 1) is the real one.
const TEST_SCHEDULE = [30, 60, 90];

function event(n: number, type = 'ticket.created'): WebhookEvent {
  return {
    id: `evt_tkt_${n}_1`,
    type,
    timestamp: '2025-03-01T10:00:00.000Z',
    data: { ticketId: `tkt_${n}`, n },
  };
}

function verify(secret: string, request: ReceivedRequest): unknown {
  return new Webhook(secret).verify(request.body, request.headers);
}

describeStores('webhook dispatcher', ({ db, kind, openAnother }) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function receiver(...args: Parameters<typeof startTestReceiver>): Promise<TestReceiver> {
    const started = await startTestReceiver(...args);
    cleanups.push(() => started.close());
    return started;
  }

  function dispatcher(options: Partial<WebhookDispatcherOptions> = {}): WebhookDispatcher {
    const created = createWebhookDispatcher({
      db: db(),
      logger: silentLogger,
      allowPrivateNetworks: true,
      retrySchedule: TEST_SCHEDULE,
      timeoutMs: 2_000,
      ...options,
    });
    cleanups.push(() => created.stop());
    return created;
  }

  async function setup(endpoints: WebhookEndpointConfig[]): Promise<void> {
    await db().query(`INSERT INTO workspaces (id, name) VALUES ($1, 'Acme')`, [WS]);
    await syncWebhookEndpoints(db(), WS, endpoints, { allowPrivateNetworks: true });
  }

  async function enqueue(...events: WebhookEvent[]): Promise<void> {
    await db().transaction(async (tx) => {
      for (const e of events) await enqueueWebhookEvent(tx, WS, e);
    });
  }

  async function deliveries(on: SqlDatabase = db()) {
    const { rows } = await on.query<{
      endpoint_id: string;
      message_id: string;
      attempts: number;
      delivered: boolean;
      failed: boolean;
      last_status: number | null;
      last_error: string | null;
    }>(
      `SELECT endpoint_id, message_id, attempts, delivered_at IS NOT NULL AS delivered, failed_at IS NOT NULL AS failed,
              last_status, last_error
       FROM webhook_deliveries ORDER BY endpoint_id, message_id`,
    );
    return rows;
  }

  it('delivers a signed event that the official verifier accepts, only to matching endpoints', async () => {
    const target = await receiver();
    const secret = generateWebhookSecret();
    await setup([
      { id: 'all', url: target.url('/all'), secret },
      {
        id: 'closed-only',
        url: target.url('/closed'),
        secret: generateWebhookSecret(),
        events: ['ticket.closed'],
      },
    ]);
    const running = dispatcher();
    await running.start();
    await enqueue(event(1));
    await target.waitFor((r) => r.length >= 1);

    const request = target.received[0] as ReceivedRequest;
    expect(request.path).toBe('/all');
    expect(request.headers['webhook-id']).toBe('evt_tkt_1_1');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(verify(secret, request)).toEqual({
      type: 'ticket.created',
      timestamp: '2025-03-01T10:00:00.000Z',
      data: { ticketId: 'tkt_1', n: 1 },
    });
    await expect
      .poll(() => deliveries())
      .toMatchObject([{ endpoint_id: 'all', attempts: 1, delivered: true, failed: false, last_status: 204 }]);
    expect(target.received).toHaveLength(1);
  });

  describe.each([
    [
      '500',
      (_r: ReceivedRequest, res: import('node:http').ServerResponse) => {
        res.statusCode = 500;
        res.end('boom');
      },
      /^HTTP 500$/,
    ],
    ['a timeout', () => {}, /^timeout/],
    [
      'a reset connection',
      (_r: ReceivedRequest, res: import('node:http').ServerResponse) => res.socket?.destroy(),
      /./,
    ],
  ])('a receiver failing with %s, then succeeding', (_, fail, errorPattern) => {
    it('gets the same webhook-id again and the delivery is recorded once', async () => {
      const errors: string[] = [];
      const target = await receiver((request, res, count) => {
        if (count === 1) {
          fail(request, res);
          return;
        }
        res.statusCode = 200;
        res.end();
      });
      const secret = generateWebhookSecret();
      await setup([{ id: 'crm', url: target.url(), secret }]);
      const logger = {
        ...silentLogger,
        info: (_m: string, f?: Record<string, unknown>) => errors.push(String(f?.error)),
      };
      const running = dispatcher({ timeoutMs: 300, logger });
      await running.start();
      await enqueue(event(7));
      await target.waitFor((r) => r.length >= 2);
      await expect
        .poll(() => deliveries())
        .toMatchObject([{ attempts: 2, delivered: true, last_status: 200 }]);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(errorPattern);

      const [first, second] = target.received as [ReceivedRequest, ReceivedRequest];
      expect(second.headers['webhook-id']).toBe('evt_tkt_7_1');
      expect(first.headers['webhook-id']).toBe(second.headers['webhook-id']);
      expect(first.body).toBe(second.body);
      expect(verify(secret, first)).toEqual(verify(secret, second));
      // Nothing more arrives once delivered.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(target.received).toHaveLength(2);
    });
  });

  it('gives up after the last retry and records why', async () => {
    const target = await receiver((_r, res) => {
      res.statusCode = 503;
      res.end();
    });
    await setup([{ id: 'crm', url: target.url(), secret: generateWebhookSecret() }]);
    const running = dispatcher({ retrySchedule: [10, 10] });
    await running.start();
    await enqueue(event(1));
    await expect
      .poll(() => deliveries())
      .toMatchObject([
        { attempts: 3, delivered: false, failed: true, last_status: 503, last_error: 'HTTP 503' },
      ]);
    expect(target.received).toHaveLength(3);
  });

  it('disables the endpoint on 410 Gone and sends it nothing more', async () => {
    const target = await receiver((_r, res) => {
      res.statusCode = 410;
      res.end();
    });
    const other = await receiver();
    await setup([
      { id: 'gone', url: target.url(), secret: generateWebhookSecret() },
      { id: 'other', url: other.url(), secret: generateWebhookSecret() },
    ]);
    const running = dispatcher({ concurrency: 1 });
    await enqueue(event(1), event(2));
    const result = await running.drainOnce();
    expect(result).toMatchObject({ delivered: 2, failed: 1, cancelled: 0 });
    expect(target.received).toHaveLength(1);
    const { rows } = await db().query<{ disabled_reason: string | null }>(
      `SELECT disabled_reason FROM webhook_endpoints WHERE id = 'gone'`,
    );
    expect(rows).toEqual([{ disabled_reason: 'gone' }]);
    expect((await deliveries()).filter((d) => d.endpoint_id === 'gone')).toMatchObject([
      { attempts: 1, failed: true, last_status: 410 },
      { attempts: 0, failed: true, last_error: expect.stringContaining('410 Gone') },
    ]);

    await enqueue(event(3));
    expect(await running.drainOnce()).toMatchObject({ attempts: 1, delivered: 1 });
    expect(target.received).toHaveLength(1);
    expect(other.received.map((r) => r.headers['webhook-id']).sort()).toEqual([
      'evt_tkt_1_1',
      'evt_tkt_2_1',
      'evt_tkt_3_1',
    ]);
    // Restarting with the same configuration keeps it disabled; a new secret (or URL) re-enables it.
    const goneSecret = (
      await db().query<{ secret: string }>(`SELECT secret FROM webhook_endpoints WHERE id = 'gone'`)
    ).rows[0]?.secret as string;
    const resync = (secret: string) =>
      syncWebhookEndpoints(db(), WS, [{ id: 'gone', url: target.url(), secret }], {
        allowPrivateNetworks: true,
      });
    expect(await resync(goneSecret)).toMatchObject({ active: [], disabled: ['gone'] });
    expect(await resync(generateWebhookSecret())).toMatchObject({ active: ['gone'], disabled: [] });
  });

  it('delivers nothing for an enqueueing transaction that rolled back', async () => {
    const target = await receiver();
    await setup([{ id: 'crm', url: target.url(), secret: generateWebhookSecret() }]);
    const running = dispatcher();
    await running.start();
    await expect(
      db().transaction(async (tx) => {
        await enqueueWebhookEvent(tx, WS, event(1));
        throw new Error('version conflict');
      }),
    ).rejects.toThrow('version conflict');
    await enqueue(event(2));
    await target.waitFor((r) => r.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await running.drainOnce()).toMatchObject({ attempts: 0 });
    expect(target.received.map((r) => r.headers['webhook-id'])).toEqual(['evt_tkt_2_1']);
  });

  it('stop() waits for the attempt in flight and records it', async () => {
    let release: () => void = () => {};
    const target = await receiver((_r, res) => {
      release = () => {
        res.statusCode = 204;
        res.end();
      };
    });
    await setup([{ id: 'crm', url: target.url(), secret: generateWebhookSecret() }]);
    const running = dispatcher();
    await running.start();
    await enqueue(event(1));
    await target.waitFor((r) => r.length >= 1);
    let stopped = false;
    const stopping = running.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await deliveries()).toMatchObject([{ delivered: true, attempts: 1 }]);
  });

  it('sleeps while idle instead of polling', async () => {
    await setup([]);
    let statements = 0;
    const counting: SqlDatabase = {
      kind: db().kind,
      query: (text, params) => {
        statements += 1;
        return db().query(text, params);
      },
      transaction: (fn) => {
        statements += 1;
        return db().transaction(fn);
      },
      listen: (channel, onPayload) => db().listen(channel, onPayload),
      notify: (channel, payload) => db().notify(channel, payload),
      close: () => db().close(),
    };
    const running = dispatcher({ db: counting });
    await running.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const afterStart = statements;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(afterStart).toBeLessThan(6);
    expect(statements).toBe(afterStart);
  });

  it('does not take an attempt another instance holds, but takes it over once its lease ran out', async () => {
    const target = await receiver();
    await setup([{ id: 'crm', url: target.url(), secret: generateWebhookSecret() }]);
    await enqueue(event(1));
    const running = dispatcher();
    // A second message whose attempt another instance has claimed and is still sending.
    await db().query(
      `INSERT INTO webhook_messages (workspace_id, id, type, body) VALUES ($1, 'evt_x', 't', '{}')`,
      [WS],
    );
    await db().query(
      `INSERT INTO webhook_deliveries (workspace_id, endpoint_id, message_id, next_attempt_at, attempts, lease_token, lease_until)
       VALUES ($1, 'crm', 'evt_x', now(), 1, 'other', now() + interval '1 hour')`,
      [WS],
    );
    expect(await running.drainOnce()).toMatchObject({ attempts: 1 }); // only evt_tkt_1_1
    expect(target.received.map((r) => r.headers['webhook-id'])).toEqual(['evt_tkt_1_1']);
    await db().query(
      `UPDATE webhook_deliveries SET lease_until = now() - interval '1 second' WHERE message_id = 'evt_x'`,
    );
    expect(await running.drainOnce()).toMatchObject({ attempts: 1, delivered: 1 });
    expect((await deliveries()).find((d) => d.message_id === 'evt_x')).toMatchObject({
      attempts: 2,
      delivered: true,
    });
  });

  describe('SSRF', () => {
    const refused = (port: number) => [
      `http://127.0.0.1:${port}/hook`,
      `http://localhost:${port}/hook`,
      'http://10.0.0.1/hook',
      'http://169.254.169.254/latest/meta-data/',
      `http://[::1]:${port}/hook`,
      'http://[fd00::1]/hook',
      `http://[::ffff:127.0.0.1]:${port}/hook`,
    ];

    it('refuses private targets when endpoints are synced', async () => {
      const target = await receiver();
      await db().query(`INSERT INTO workspaces (id, name) VALUES ($1, 'Acme')`, [WS]);
      for (const url of refused(Number(new URL(target.url()).port))) {
        const error = await syncWebhookEndpoints(db(), WS, [
          { id: 'x', url, secret: generateWebhookSecret() },
        ]).catch((e: unknown) => e);
        expect(isWebhookError(error) && error.code, url).toBe('address_not_allowed');
      }
    });

    it('refuses them again at delivery, without connecting', async () => {
      const target = await receiver();
      const urls = refused(Number(new URL(target.url()).port));
      // Stored while allowed (a configuration that changed, or DNS that now points inside).
      await setup(urls.map((url, i) => ({ id: `e${i}`, url, secret: generateWebhookSecret() })));
      const running = dispatcher({ allowPrivateNetworks: false, retrySchedule: [] });
      await enqueue(event(1));
      expect(await running.drainOnce()).toMatchObject({
        attempts: urls.length,
        failed: urls.length,
        delivered: 0,
      });
      const rows = await deliveries();
      expect(rows).toHaveLength(urls.length);
      for (const row of rows) expect(row.last_error).toMatch(/^address_not_allowed/);
      expect(target.received).toHaveLength(0);
    });

    it('does not follow a redirect (built-in transport)', async () => {
      const inside = await receiver();
      const target = await receiver((_r, res) => {
        res.statusCode = 307;
        res.setHeader('location', inside.url('/internal'));
        res.end();
      });
      await setup([{ id: 'crm', url: target.url(), secret: generateWebhookSecret() }]);
      const running = dispatcher({ retrySchedule: [] });
      await enqueue(event(1));
      expect(await running.drainOnce()).toMatchObject({ attempts: 1, failed: 1 });
      expect(inside.received).toHaveLength(0);
      expect(await deliveries()).toMatchObject([
        { last_status: 307, last_error: expect.stringContaining('redirect') },
      ]);
    });

    it('does not follow a redirect to a private address from a public receiver (custom fetch)', async () => {
      // A public address stands for the receiver; the fetch routes it to the local receiver, as if the
      // internet were in between. The SSRF guard itself stays on (allowPrivateNetworks false).
      const target = await receiver((_r, res) => {
        res.statusCode = 302;
        res.setHeader('location', 'http://169.254.169.254/latest/meta-data/');
        res.end();
      });
      const port = new URL(target.url()).port;
      const calls: RequestInit[] = [];
      const routed: typeof fetch = (input, init) => {
        calls.push(init ?? {});
        return fetch(String(input).replace('93.184.216.34', '127.0.0.1'), init);
      };
      await db().query(`INSERT INTO workspaces (id, name) VALUES ($1, 'Acme')`, [WS]);
      await syncWebhookEndpoints(db(), WS, [
        { id: 'crm', url: `http://93.184.216.34:${port}/hook`, secret: generateWebhookSecret() },
      ]);
      const running = dispatcher({ allowPrivateNetworks: false, fetch: routed, retrySchedule: [] });
      await enqueue(event(1));
      expect(await running.drainOnce()).toMatchObject({ attempts: 1, failed: 1 });
      expect(calls).toHaveLength(1);
      expect(calls[0]?.redirect).toBe('manual');
      expect(target.received).toHaveLength(1);
      expect(await deliveries()).toMatchObject([{ last_status: 302 }]);
    });
  });

  it.skipIf(kind === 'pglite')(
    'two instances on one PostgreSQL deliver each of 200 events exactly once per endpoint',
    async () => {
      const target = await receiver();
      const secrets = { a: generateWebhookSecret(), b: generateWebhookSecret() };
      await setup([
        { id: 'a', url: target.url('/a'), secret: secrets.a },
        { id: 'b', url: target.url('/b'), secret: secrets.b },
      ]);
      const otherDb = await openAnother();
      const first = dispatcher({ concurrency: 6 });
      const second = dispatcher({ db: otherDb, concurrency: 6 });
      await Promise.all([first.start(), second.start()]);
      for (let batch = 0; batch < 20; batch++) {
        await enqueue(...Array.from({ length: 10 }, (_, i) => event(batch * 10 + i)));
      }
      await target.waitFor((r) => r.length >= 400, 20_000);
      await Promise.all([first.stop(), second.stop()]);
      expect(target.received).toHaveLength(400);
      for (const path of ['/a', '/b'] as const) {
        const ids = target.received.filter((r) => r.path === path).map((r) => r.headers['webhook-id']);
        expect(new Set(ids).size).toBe(200);
        expect(ids).toHaveLength(200);
        for (const request of target.received.filter((r) => r.path === path)) {
          expect(() => verify(path === '/a' ? secrets.a : secrets.b, request)).not.toThrow();
        }
      }
      const rows = await deliveries(otherDb);
      expect(rows).toHaveLength(400);
      expect(rows.every((row) => row.delivered && row.attempts === 1)).toBe(true);
    },
    30_000,
  );
});
