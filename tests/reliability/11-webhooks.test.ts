import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIdentityToken } from '../../packages/node/src/auth';
import { silentLogger } from '../../packages/node/src/logger';
import { createPgliteDatabase, migrate, type SqlDatabase } from '../../packages/node/src/store';
import {
  createWebhookDispatcher,
  enqueueWebhookEvent,
  generateWebhookSecret,
  syncWebhookEndpoints,
} from '../../packages/node/src/webhooks';

// Item 11: a receiver that fails ~30 % of attempts (500s, timeouts, connection resets) while the sending
// server process is SIGKILLed twice mid-run and restarted: every event the server committed reaches
// the receiver at least once, under one stable id with one body, and every delivery verifies with the
// `standardwebhooks` package. Then: loopback, private, link-local, metadata and disguised addresses are
// refused as targets, at configuration and again at delivery, and redirects are not followed.

const ROOT = resolve(import.meta.dirname, '../..');
const SENDER_MAIN = join(ROOT, 'tests/reliability/support/webhook-sender-main.ts');
const TEST_DATABASE_URL = process.env.TIERDESK_TEST_DATABASE_URL;
const IDENTITY_SECRET = 'acme-identity-secret-for-r11-0123456789-abcdefgh';
const TICKETS_PER_PHASE = 100;
const PHASES = 3;

interface Receiver {
  url: string;
  server: Server;
  /** Verified deliveries per webhook-id, with the bodies seen. */
  delivered: Map<string, { count: number; bodies: Set<string> }>;
  outcomes: { ok: number; error500: number; timeout: number; reset: number; badSignature: number };
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A receiver that answers ~10 % 500, ~10 % never (the sender times out), ~10 % resets the connection. */
async function startFlakyReceiver(secret: string): Promise<Receiver> {
  const verifier = new Webhook(secret);
  const delivered: Receiver['delivered'] = new Map();
  const outcomes = { ok: 0, error500: 0, timeout: 0, reset: 0, badSignature: 0 };
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const roll = Math.random();
    if (roll < 0.1) {
      outcomes.error500 += 1;
      res.writeHead(500).end('boom');
      return;
    }
    if (roll < 0.2) {
      outcomes.timeout += 1;
      setTimeout(() => req.socket.destroy(), 3_000).unref();
      return;
    }
    if (roll < 0.3) {
      outcomes.reset += 1;
      req.socket.resetAndDestroy();
      return;
    }
    const headers = {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    };
    try {
      verifier.verify(body, headers);
    } catch {
      outcomes.badSignature += 1;
      res.writeHead(400).end('bad signature');
      return;
    }
    outcomes.ok += 1;
    const seen = delivered.get(headers['webhook-id']) ?? { count: 0, bodies: new Set<string>() };
    seen.count += 1;
    seen.bodies.add(body);
    delivered.set(headers['webhook-id'], seen);
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/tierdesk`,
    server,
    delivered,
    outcomes,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

interface Sender {
  child: ChildProcess;
  url: string;
  kill(): Promise<void>;
}

function startSender(options: object): Promise<Sender> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', SENDER_MAIN], {
    cwd: ROOT,
    env: { ...process.env, TIERDESK_WEBHOOK_SENDER: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err = (err + c.toString()).slice(-8000);
  });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the sender did not start:\n${out}\n${err}`));
    }, 60_000);
    child.once('exit', (code) => reject(new Error(`the sender exited with ${code}:\n${out}\n${err}`)));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match === null) return;
      clearTimeout(timer);
      resolvePromise({
        child,
        url: match[1] as string,
        kill: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
      });
    });
  });
}

const run = TEST_DATABASE_URL === undefined ? describe.skip : describe;

run('[reliability 11] webhooks: flaky receiver, sender killed mid-run [postgres]', () => {
  const dbName = `td_r11_${randomBytes(5).toString('hex')}`;
  let dbUrl = '';
  let receiver: Receiver;
  let sender: Sender | undefined;
  let admin: pg.Client;
  const webhookSecret = generateWebhookSecret();

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${dbName}"`);
    const url = new URL(TEST_DATABASE_URL as string);
    url.pathname = `/${dbName}`;
    dbUrl = url.toString();
    receiver = await startFlakyReceiver(webhookSecret);
  }, 30_000);

  afterAll(async () => {
    await sender?.kill();
    await receiver?.close();
    await admin?.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin?.end();
  });

  it('delivers every committed event at least once, with a stable id and a verifiable signature', async () => {
    const startedAt = Date.now();
    const options = {
      store: { kind: 'postgres', connectionString: dbUrl, max: 6 },
      workspaces: [
        {
          id: 'acme',
          name: 'Acme',
          identitySecret: IDENTITY_SECRET,
          webhooks: [{ id: 'crm', url: receiver.url, secret: webhookSecret }],
        },
      ],
      serverSecret: 'server-secret-for-r11-0123456789-abcdefghijkl',
      assistant: false,
      limits: { rateLimit: false },
      webhooks: {
        allowPrivateNetworks: true,
        timeoutMs: 400,
        retrySchedule: [50, 100, 200, 400, 800, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
      },
    };
    sender = await startSender(options);
    let kills = 0;
    let created = 0;
    let retriedCreates = 0;

    /** Creates one ticket through whichever sender is up, retrying across kills with one key. */
    const createTicket = async (n: number): Promise<void> => {
      const key = randomUUID();
      const token = await signIdentityToken({ userId: `u-${n % 20}`, workspaceId: 'acme' }, IDENTITY_SECRET, {
        expiresInSeconds: 3600,
      });
      for (let attempt = 0; attempt < 200; attempt++) {
        try {
          const response = await fetch(`${sender?.url}/v1/tickets`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'idempotency-key': key,
            },
            body: JSON.stringify({ subject: `Ticket ${n}`, body: `Body of ticket ${n}` }),
          });
          if (response.status === 201 || response.status === 200) {
            await response.arrayBuffer();
            created += 1;
            return;
          }
          await response.arrayBuffer();
        } catch {
          // the sender is down: retry with the same key
        }
        retriedCreates += 1;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`ticket ${n} could not be created`);
    };
    const createPhase = async (phase: number) => {
      const ids = Array.from({ length: TICKETS_PER_PHASE }, (_, i) => phase * TICKETS_PER_PHASE + i);
      for (let i = 0; i < ids.length; i += 10) await Promise.all(ids.slice(i, i + 10).map(createTicket));
    };

    // Each phase but the last is cut by a SIGKILL halfway through its creations, while deliveries of
    // the earlier tickets are in flight; clients retry with their idempotency keys until the restart.
    for (let phase = 0; phase < PHASES; phase++) {
      const creating = createPhase(phase);
      if (phase < PHASES - 1) {
        const half = phase * TICKETS_PER_PHASE + TICKETS_PER_PHASE / 2;
        while (created < half) await new Promise((r) => setTimeout(r, 5));
        await sender.kill();
        kills += 1;
        sender = await startSender(options);
      }
      await creating;
    }

    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      const expectedIds = async () =>
        (
          await db.query<{ id: string }>(`SELECT payload->>'id' AS id FROM outbox WHERE topic = 'webhook'`)
        ).rows.map((r) => r.id);
      // Leases of attempts the killed processes held expire after the timeout + 30 s; then they are retried.
      const deadline = Date.now() + 75_000;
      let expected = await expectedIds();
      while (Date.now() < deadline) {
        expected = await expectedIds();
        if (expected.length > 0 && expected.every((id) => receiver.delivered.has(id))) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const missing = expected.filter((id) => !receiver.delivered.has(id));
      const duplicates = [...receiver.delivered.values()].reduce((sum, d) => sum + d.count - 1, 0);
      const unstable = [...receiver.delivered].filter(([, d]) => d.bodies.size !== 1).map(([id]) => id);
      const unexpected = [...receiver.delivered.keys()].filter((id) => !expected.includes(id));
      const { rows: failed } = await db.query(
        `SELECT message_id FROM webhook_deliveries WHERE failed_at IS NOT NULL`,
      );
      const { rows: tickets } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM tickets`);
      const o = receiver.outcomes;
      const attempts = o.ok + o.error500 + o.timeout + o.reset + o.badSignature;
      console.log(
        `[reliability 11] tickets=${tickets[0]?.n} (created ${created}, ${retriedCreates} client retries across kills) events=${expected.length} delivered=${expected.length - missing.length} missing=${missing.length} duplicates=${duplicates} unstable-ids=${unstable.length} bad-signatures=${o.badSignature} failed-deliveries=${failed.length} kills=${kills} attempts=${attempts} (ok ${o.ok}, 500 ${o.error500}, timeout ${o.timeout}, reset ${o.reset}; ${Math.round((100 * (attempts - o.ok)) / attempts)} % failed) in ${Math.round((Date.now() - startedAt) / 1000)} s`,
      );
      expect(Number(tickets[0]?.n)).toBe(PHASES * TICKETS_PER_PHASE);
      // Every ticket has at least its created event and its first message.
      expect(expected.length).toBeGreaterThanOrEqual(2 * PHASES * TICKETS_PER_PHASE);
      expect(missing).toEqual([]);
      expect(unstable).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(o.badSignature).toBe(0);
      expect(failed).toEqual([]);
      expect(kills).toBe(PHASES - 1);
      // The receiver really was hostile.
      expect(o.error500 + o.timeout + o.reset).toBeGreaterThan(attempts * 0.15);
    } finally {
      await db.end();
    }
  }, 150_000);
});

describe('[reliability 11] webhooks: SSRF targets are refused', () => {
  let db: SqlDatabase;
  let trap: Server;
  let trapHits = 0;
  let trapUrl = '';
  let redirector: Server;
  let redirectorUrl = '';

  beforeAll(async () => {
    db = await createPgliteDatabase();
    await migrate(db);
    await db.query(`INSERT INTO workspaces (id, name) VALUES ('acme', 'Acme')`);
    trap = createServer((_req, res) => {
      trapHits += 1;
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
    trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/`;
    // A receiver that redirects to the trap (as a hostile public receiver could redirect inwards).
    redirector = createServer((_req, res) => {
      res.writeHead(307, { location: trapUrl }).end();
    });
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/`;
  }, 60_000);

  afterAll(async () => {
    trap?.closeAllConnections();
    redirector?.closeAllConnections();
    await new Promise<void>((r) => trap.close(() => r()));
    await new Promise<void>((r) => redirector.close(() => r()));
    await db?.close();
  });

  const TARGETS = [
    'http://127.0.0.1/hook',
    'http://127.1/hook',
    'http://2130706433/hook',
    'http://0x7f000001/hook',
    'http://0177.0.0.1/hook',
    'http://0.0.0.0/hook',
    'http://localhost/hook',
    'http://LOCALHOST./hook',
    'http://[::1]/hook',
    'http://[::]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[::ffff:7f00:1]/hook',
    'http://[fe80::1]/hook',
    'http://[fd00::1]/hook',
    'http://10.0.0.1/hook',
    'http://172.16.5.4/hook',
    'http://192.168.1.1/hook',
    'http://100.64.0.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://198.18.0.1/hook',
    'http://224.0.0.1/hook',
    'http://255.255.255.255/hook',
    'file:///etc/passwd',
    'gopher://127.0.0.1:6379/_INFO',
    'ftp://example.com/hook',
    'http://user:pass@127.0.0.1/hook',
  ];

  it('refuses loopback, private, link-local, metadata and disguised targets at configuration', async () => {
    let refused = 0;
    for (const url of TARGETS) {
      await expect(
        syncWebhookEndpoints(db, 'acme', [{ id: 'evil', url, secret: generateWebhookSecret() }], {
          resolve: async (host) =>
            host.toLowerCase().replace(/\.$/, '') === 'localhost'
              ? [{ address: '127.0.0.1', family: 4 }]
              : [],
        }),
        url,
      ).rejects.toThrow();
      refused += 1;
    }
    const { rows } = await db.query(`SELECT id FROM webhook_endpoints WHERE id = 'evil'`);
    expect(rows).toEqual([]);
    console.log(`[reliability 11] SSRF at configuration: ${refused}/${TARGETS.length} targets refused`);
  });

  it('refuses them again at delivery (an endpoint stored while allowed) and never follows a redirect', async () => {
    // Endpoints stored by an instance that allowed private networks (development), then delivered by
    // one that does not: the check runs before every attempt.
    await syncWebhookEndpoints(
      db,
      'acme',
      [
        { id: 'loopback', url: trapUrl, secret: generateWebhookSecret() },
        { id: 'by-name', url: trapUrl.replace('127.0.0.1', 'localhost'), secret: generateWebhookSecret() },
      ],
      { allowPrivateNetworks: true },
    );
    await db.transaction((tx) =>
      enqueueWebhookEvent(tx, 'acme', {
        id: 'evt_ssrf_1',
        type: 'ticket.created',
        timestamp: new Date().toISOString(),
        data: {},
      }),
    );
    const strict = createWebhookDispatcher({ db, logger: silentLogger, retrySchedule: [1] });
    const first = await strict.drainOnce();
    expect(trapHits).toBe(0);
    const { rows } = await db.query<{
      endpoint_id: string;
      delivered_at: unknown;
      last_error: string | null;
    }>(`SELECT endpoint_id, delivered_at, last_error FROM webhook_deliveries ORDER BY endpoint_id`);
    expect(rows.map((r) => r.endpoint_id)).toEqual(['by-name', 'loopback']);
    for (const row of rows) expect(row.delivered_at).toBeNull();

    // A receiver the host allowed redirects inwards: the redirect is a failed attempt, not followed.
    await syncWebhookEndpoints(
      db,
      'acme',
      [{ id: 'redirects', url: redirectorUrl, secret: generateWebhookSecret() }],
      {
        allowPrivateNetworks: true,
      },
    );
    await db.transaction((tx) =>
      enqueueWebhookEvent(tx, 'acme', {
        id: 'evt_ssrf_2',
        type: 'ticket.created',
        timestamp: new Date().toISOString(),
        data: {},
      }),
    );
    const lenient = createWebhookDispatcher({
      db,
      logger: silentLogger,
      allowPrivateNetworks: true,
      retrySchedule: [60_000],
    });
    const second = await lenient.drainOnce();
    expect(second.delivered).toBe(0);
    expect(trapHits).toBe(0);
    const { rows: redirected } = await db.query<{ last_status: number | null; delivered_at: unknown }>(
      `SELECT last_status, delivered_at FROM webhook_deliveries WHERE endpoint_id = 'redirects'`,
    );
    expect(redirected[0]?.last_status).toBe(307);
    expect(redirected[0]?.delivered_at).toBeNull();
    console.log(
      `[reliability 11] SSRF at delivery: ${first.attempts} attempts to stored loopback endpoints, ${trapHits} requests reached the target; 307 redirect not followed`,
    );
  });
});
