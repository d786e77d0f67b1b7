// Item 5: three server processes on one PostgreSQL database: no SLA event or webhook twice, and the
// event stream of every instance carries what happened on the other two.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createApiKey,
  createPostgresDatabase,
  signIdentityToken,
  type TierdeskOptions,
} from '@tierdesk/node';
import { afterAll, describe, expect, it } from 'vitest';
import { createOwnDatabase, type OwnDatabase, TEST_DATABASE_URL } from './support/own-database';
import { AttemptLog, sendWithRetries } from './support/retrying-client';
import { killServerProcesses, type ServerProcess, startServerProcess } from './support/server-process';

const WORKSPACE = 'rel05';
const INSTANCES = 3;
const TICKETS = 150;
const AGENT = 'agent-rel';

interface Delivery {
  id: string;
  type: string;
  body: string;
}

/** A webhook receiver on loopback that answers 200 and records every delivery. */
async function startReceiver() {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const type = (JSON.parse(body) as { type: string }).type;
      deliveries.push({ id: String(req.headers['webhook-id']), type, body });
      res.statusCode = 200;
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    deliveries,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** Reads the agent event stream of one instance and records every timeline event it carries. */
function followStream(url: string, key: string) {
  const seen = new Set<string>();
  let ready = false;
  const controller = new AbortController();
  const onData = (text: string) => {
    const data = JSON.parse(text) as { type: string; ticketId?: string; event?: { seq: number } };
    if (data.type === 'stream.ready') ready = true;
    if (data.type === 'timeline.appended') seen.add(`${data.ticketId}/${data.event?.seq}`);
  };
  const done = (async () => {
    const response = await fetch(`${url}/v1/agent/stream`, {
      headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
      signal: controller.signal,
    });
    if (response.status !== 200 || response.body === null)
      throw new Error(`stream answered ${response.status}`);
    // Server-Sent Events: messages end with a blank line; the server sends one-line `data:` JSON.
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        for (const line of message.split('\n')) if (line.startsWith('data: ')) onData(line.slice(6));
        end = buffer.indexOf('\n\n');
      }
    }
  })().catch((error: unknown) => {
    if (!controller.signal.aborted) throw error;
  });
  return { seen, isReady: () => ready, stop: () => controller.abort(), done };
}

describe.skipIf(TEST_DATABASE_URL === undefined)('reliability 05: three instances on one PostgreSQL', () => {
  let own: OwnDatabase | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterAll(async () => {
    await killServerProcesses();
    await receiver?.close();
    await own?.drop();
  }, 30_000);

  it('fires each SLA event and delivers each webhook once; every instance streams every event', async () => {
    own = await createOwnDatabase(TEST_DATABASE_URL as string, 'td_rel05');
    receiver = await startReceiver();
    const secret = randomBytes(32).toString('base64url');
    const options: TierdeskOptions = {
      store: { kind: 'postgres', connectionString: own.url },
      workspaces: [
        {
          id: WORKSPACE,
          name: 'Three instances',
          identitySecret: secret,
          agents: [{ id: AGENT, name: 'Rel', tiers: [0, 1, 2] }],
          // A warning at 12 s and a breach at 15 s after each ticket opens.
          policies: {
            slaPolicies: [{ id: 'fast', name: 'Fast', targets: { first_response: { minutes: 0.25 } } }],
          },
          webhooks: [
            {
              id: 'receiver',
              url: receiver.url,
              secret: `whsec_${randomBytes(32).toString('base64')}`,
            },
          ],
        },
      ],
      serverSecret: 'reliability-05-server-secret-0123456789',
      assistant: false,
      limits: { rateLimit: false },
      webhooks: { allowPrivateNetworks: true },
    };
    // All three start together: the migrations run once, under the advisory lock. Each instance's
    // connections carry its name as application_name, so the rows below say which instance wrote them.
    const servers: ServerProcess[] = await Promise.all(
      Array.from({ length: INSTANCES }, (_, i) =>
        startServerProcess({
          ...options,
          store: {
            kind: 'postgres',
            connectionString: `${(own as OwnDatabase).url}?application_name=instance-${i}`,
          },
        }),
      ),
    );

    const db = await createPostgresDatabase({ connectionString: own.url, max: 2 });
    await db.query(
      "ALTER TABLE ticket_events ADD COLUMN written_by text DEFAULT current_setting('application_name')",
    );
    await db.query('ALTER TABLE webhook_deliveries ADD COLUMN delivered_by text');
    await db.query(`CREATE FUNCTION rel05_delivered_by() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.delivered_at IS NOT NULL AND OLD.delivered_at IS NULL THEN
          NEW.delivered_by := current_setting('application_name');
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(
      'CREATE TRIGGER rel05_delivered_by BEFORE UPDATE ON webhook_deliveries FOR EACH ROW EXECUTE FUNCTION rel05_delivered_by()',
    );
    const { key } = await createApiKey(db, { workspaceId: WORKSPACE, agentId: AGENT });
    const streams = servers.map((s) => followStream(s.url, key));
    while (!streams.every((s) => s.isReady())) await sleep(50);

    // Tickets opened round-robin on the three instances by ten users.
    const tokens = await Promise.all(
      Array.from({ length: 10 }, (_, u) =>
        signIdentityToken({ userId: `user-${u}`, workspaceId: WORKSPACE }, secret, {
          expiresInSeconds: 3600,
        }),
      ),
    );
    const log = new AttemptLog();
    const startedAt = performance.now();
    await Promise.all(
      Array.from({ length: TICKETS }, async (_, i) => {
        const server = servers[i % INSTANCES] as ServerProcess;
        const answer = await sendWithRetries(
          () => server.url,
          '/v1/tickets',
          {
            method: 'POST',
            headers: {
              authorization: `Bearer ${tokens[i % tokens.length]}`,
              'content-type': 'application/json',
              'idempotency-key': `rel05-${i}`,
            },
            body: JSON.stringify({ subject: `Instance test #${i}`, body: 'Which instance answers?' }),
          },
          log,
        );
        expect(answer.status).toBe(201);
      }),
    );
    const createMs = Math.round(performance.now() - startedAt);

    // Wait for the warnings and breaches (the timers race on three schedulers) and their webhooks.
    const slaCount = async () => {
      const { rows } = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM ticket_events WHERE workspace_id = $1 AND type IN ('sla.warning', 'sla.breached')",
        [WORKSPACE],
      );
      return Number(rows[0]?.n);
    };
    // Webhook outbox rows fan out into one delivery per endpoint; done when every one is delivered.
    const undelivered = async () => {
      const { rows } = await db.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM outbox WHERE workspace_id = $1 AND topic = 'webhook')
              - (SELECT count(*) FROM webhook_deliveries WHERE workspace_id = $1 AND delivered_at IS NOT NULL) AS n`,
        [WORKSPACE],
      );
      return Number(rows[0]?.n);
    };
    const waitStarted = performance.now();
    while (performance.now() - waitStarted < 60_000) {
      if ((await slaCount()) >= 2 * TICKETS && (await undelivered()) === 0) break;
      await sleep(250);
    }
    await sleep(1_500); // a duplicate fire or delivery, or a late stream event, would show up now

    const { rows: events } = await db.query<{
      ticket_id: string;
      seq: number;
      type: string;
      written_by: string;
    }>('SELECT ticket_id, seq, type, written_by FROM ticket_events WHERE workspace_id = $1', [WORKSPACE]);
    const { rows: deliveredBy } = await db.query<{ delivered_by: string | null; n: string }>(
      'SELECT delivered_by, count(*) AS n FROM webhook_deliveries WHERE workspace_id = $1 GROUP BY 1 ORDER BY 1',
      [WORKSPACE],
    );
    const { rows: outbox } = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM outbox WHERE workspace_id = $1 AND topic = 'webhook'",
      [WORKSPACE],
    );
    for (const s of streams) s.stop();
    await Promise.all(streams.map((s) => s.done));
    await db.close();

    const sla = events.filter((e) => e.type === 'sla.warning' || e.type === 'sla.breached');
    const perTicketSignal = new Map<string, number>();
    for (const e of sla)
      perTicketSignal.set(
        `${e.ticket_id}/${e.type}`,
        (perTicketSignal.get(`${e.ticket_id}/${e.type}`) ?? 0) + 1,
      );
    const slaDuplicated = [...perTicketSignal.values()].reduce((sum, n) => sum + n - 1, 0);
    const deliveries = receiver.deliveries;
    const deliveryIds = new Map<string, number>();
    for (const d of deliveries) deliveryIds.set(d.id, (deliveryIds.get(d.id) ?? 0) + 1);
    const webhookDuplicated = [...deliveryIds.values()].reduce((sum, n) => sum + n - 1, 0);
    const all = events.map((e) => `${e.ticket_id}/${e.seq}`);
    const missingPerInstance = streams.map((s) => all.filter((id) => !s.seen.has(id)).length);
    const slaWebhooks = deliveries.filter((d) => d.type.startsWith('ticket.sla.')).length;
    const firedBy = new Map<string, number>();
    for (const e of sla) firedBy.set(e.written_by, (firedBy.get(e.written_by) ?? 0) + 1);
    const split = (m: Iterable<[string | null, number]>) =>
      [...m]
        .sort()
        .map(([who, n]) => `${who} ${n}`)
        .join(', ');

    console.log(
      `[reliability 05] ${INSTANCES} instances, ${TICKETS} tickets round-robin in ${createMs} ms (${log.summary()}); ` +
        `SLA events ${sla.length} (expected ${2 * TICKETS}), duplicated ${slaDuplicated}; webhooks: outbox ${Number(outbox[0]?.n)}, ` +
        `delivered ${deliveries.length} (${slaWebhooks} SLA), distinct ids ${deliveryIds.size}, duplicated ${webhookDuplicated}; ` +
        `stream events per instance ${streams.map((s) => s.seen.size).join('/')} of ${all.length}, ` +
        `missing ${missingPerInstance.join('/')}`,
    );
    console.log(
      `[reliability 05] SLA events fired by: ${split(firedBy)}; webhooks delivered by: ` +
        split(deliveredBy.map((r) => [r.delivered_by, Number(r.n)] as [string | null, number])),
    );
    expect(sla).toHaveLength(2 * TICKETS);
    expect(slaDuplicated).toBe(0);
    expect(webhookDuplicated).toBe(0);
    expect(deliveries).toHaveLength(Number(outbox[0]?.n));
    expect(slaWebhooks).toBe(2 * TICKETS);
    for (const missing of missingPerInstance) expect(missing).toBe(0);
    // Exactly once is a result of the locking, not of one instance doing all the work.
    expect(firedBy.size).toBeGreaterThanOrEqual(2);
    expect(deliveredBy.filter((r) => r.delivered_by !== null).length).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
