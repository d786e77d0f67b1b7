import { afterEach, describe, expect, it } from 'vitest';
import { createAcceleratedClock } from '../src/clock';
import { describeStores } from './support/databases';
import { startTestServer, type TestServer } from './support/server';
import { waitFor } from './support/wait';

describeStores('hardening (review findings)', ({ db, kind, openAnother }) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  describe('bad input is never a 500', () => {
    it('forged cursors, out-of-range dates and backdated or forged deflection steps get 400s', async () => {
      server = await startTestServer(db());
      const user = { authorization: `Bearer ${await server.tokenFor('u-ada')}` };
      const agentKey = { authorization: `Bearer ${await server.apiKeyFor('agent-l1')}` };
      const cursor = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
      const get = (path: string, headers: Record<string, string>) =>
        fetch(`${server?.baseUrl}${path}`, { headers });
      const ticket = await server.userClient('u-ada').createTicket({ body: { subject: 's', body: 'b' } });
      const cases: [string, Record<string, string>][] = [
        [`/v1/tickets?cursor=${cursor(['garbage', 'x'])}`, user],
        [`/v1/agent/tickets?cursor=${cursor(['0000-01-01T00:00:00.000Z', 'x'])}`, agentKey],
        [`/v1/agent/tickets/${ticket.id}/events?cursor=${cursor([1.5])}`, agentKey],
        [`/v1/agent/tickets/${ticket.id}/events?cursor=${cursor([1e20])}`, agentKey],
        ['/v1/agent/metrics?from=0000-01-01T00:00:00Z', agentKey],
      ];
      for (const [path, headers] of cases) {
        const response = await get(path, headers);
        expect(response.status, path).toBe(400);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
      }
      const post = (events: unknown[]) =>
        fetch(`${server?.baseUrl}/v1/deflections`, {
          method: 'POST',
          headers: { ...user, 'content-type': 'application/json' },
          body: JSON.stringify({ events }),
        });
      const now = new Date().toISOString();
      expect(
        (
          await post([
            { type: 'search', sessionId: 's1', at: '0000-01-01T00:00:00Z', query: 'x', resultCount: 0 },
          ])
        ).status,
      ).toBe(400);
      expect(
        (await post([{ type: 'ticket.created', sessionId: 's1', at: now, ticketId: ticket.id }])).status,
      ).toBe(400);
      expect(
        (await post([{ type: 'search', sessionId: 's1', at: now, query: 'x', resultCount: 0 }])).status,
      ).toBe(202);
    });
  });

  it('policy edits sent with an Idempotency-Key (as the client always does) re-evaluate open tickets, durably', async () => {
    // This instance runs no scheduler: the re-evaluation work must survive it and be done by the next.
    server = await startTestServer(db(), { assistant: false, background: false });
    const ticket = await server.userClient('u-ada').createTicket({ body: { subject: 's', body: 'b' } });
    const lee = await server.agentClient('agent-l1');
    await lee.createSlaPolicy({
      body: {
        id: 'sla-urgent-first',
        name: 'Everything urgent',
        position: -1,
        conditions: {},
        targets: { first_response: { minutes: 5 } },
      },
    });
    const { rows } = await db().query<{ n: number }>(
      `SELECT count(*) AS n FROM timers WHERE key = 'policies_changed'`,
    );
    expect(rows[0]?.n).toBe(1);
    await server.close();
    server = await startTestServer(db(), { assistant: false, background: true });
    const agent = await server.agentClient('agent-l1');
    const updated = await waitFor(
      async () => {
        const view = await agent.getTicket({ params: { ticketId: ticket.id } });
        return view.ticket.version > ticket.version ? view.ticket : undefined;
      },
      10_000,
      'the re-evaluation',
    );
    const first = updated.sla.find((c) => c.metric === 'first_response' && c.kind === 'sla');
    expect(first?.policyId).toBe('sla-urgent-first');
    expect(first?.targetMs).toBe(5 * 60_000);
  });

  it('end users get the requester view: no assignee, internal tags, vendor or internal clocks', async () => {
    server = await startTestServer(db(), { assistant: false });
    const ada = server.userClient('u-ada');
    const ticket = await ada.createTicket({ body: { subject: 's', body: 'b' } });
    const lee = await server.agentClient('agent-l1');
    await lee.updateTicket({
      params: { ticketId: ticket.id },
      body: { assigneeId: 'agent-l1', tags: ['vip', 'churn-risk'] },
    });
    const mine = await ada.getMyTicket({ params: { ticketId: ticket.id } });
    expect(mine.ticket).toMatchObject({ assigneeId: null, tags: [], groupId: null, vendor: null });
    expect(mine.ticket.sla.every((c) => c.kind === 'sla')).toBe(true);
    const list = await ada.listMyTickets({ query: {} });
    expect(list.items[0]).toMatchObject({ assigneeId: null, tags: [] });
    const full = await lee.getTicket({ params: { ticketId: ticket.id } });
    expect(full.ticket).toMatchObject({ assigneeId: 'agent-l1', tags: ['vip', 'churn-risk'] });
    // Assigning an agent who does not exist is a 400, not a silent dangling id.
    const ghost = await fetch(`${server.baseUrl}/v1/agent/tickets/${ticket.id}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${await server.apiKeyFor('agent-l1')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ assigneeId: 'agent-ghost' }),
    });
    expect(ghost.status).toBe(400);
  });

  it('limits anonymous visitors: token minting per address, and no triage fields', async () => {
    server = await startTestServer(db(), {
      limits: { rateLimit: false, visitorTokens: { burst: 3, perSecond: 0.001 } },
    });
    const mint = () => fetch(`${server?.baseUrl}/v1/visitors?workspace=acme`, { method: 'POST' });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await mint()).status);
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    await server.close();
    server = await startTestServer(db());
    const { token } = (await (await mint()).json()) as { token: string };
    const create = (extra: object) =>
      fetch(`${server?.baseUrl}/v1/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 's', body: 'b', ...extra }),
      });
    expect((await create({ priority: 'urgent' })).status).toBe(403);
    expect((await create({ tags: ['vip'] })).status).toBe(403);
    expect((await create({})).status).toBe(201);
  });

  it('records the widget session → ticket link itself (deflection metrics)', async () => {
    server = await startTestServer(db(), { assistant: false });
    const ada = server.userClient('u-ada');
    const ticket = await ada.createTicket({ body: { subject: 's', body: 'b', sessionId: 'sess-1' } });
    const { rows } = await db().query<{ type: string; event: { ticketId: string } }>(
      `SELECT type, event FROM deflection_events WHERE session_id = 'sess-1'`,
    );
    expect(rows).toMatchObject([{ type: 'ticket.created', event: { ticketId: ticket.id } }]);
  });

  it('a hung assistant cannot strand a ticket at Tier 0: the durable hand-off moves it to L1', async () => {
    // Clock ×100: the hand-off (assistant timeout 3 s + 30 s grace, on the clock) is due after ~0.33 s
    // real, while the hung assistant still holds the request for 3 s real.
    server = await startTestServer(db(), {
      background: true,
      clock: createAcceleratedClock(100),
      assistantTimeoutMs: 3_000,
      assistant: (_ticket, _question, tools) =>
        new Promise((_, reject) => tools.signal.addEventListener('abort', () => reject(new Error('hung')))),
    });
    const ada = server.userClient('u-ada');
    const creating = ada.createTicket({ body: { subject: 'Anyone?', body: 'hello' } });
    const moved = await waitFor(
      async () => {
        const { rows } = await db().query<{ tier: number; id: string }>('SELECT tier, id FROM tickets');
        return rows[0]?.tier === 1 ? rows[0] : undefined;
      },
      2_500,
      'the durable hand-off',
    );
    const ticket = await creating;
    expect(ticket.id).toBe(moved.id);
    const lee = await server.agentClient('agent-l1');
    const full = await lee.getTicket({ params: { ticketId: ticket.id } });
    const moves = full.events.filter((e) => e.type === 'tier.changed');
    expect(moves).toMatchObject([{ from: 0, to: 1, reason: 'the assistant did not answer in time' }]);
  });

  it.skipIf(kind !== 'postgres')(
    'a long policy edit does not block ticket writes (no FOR UPDATE vs KEY SHARE wait)',
    async () => {
      server = await startTestServer(db(), { assistant: false });
      const ticket = await server.userClient('u-ada').createTicket({ body: { subject: 's', body: 'b' } });
      const other = await openAnother();
      let release: () => void = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      // A policy edit's transaction: one timer row per open ticket (foreign-key KEY SHARE locks), held open.
      const editing = other.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO timers (ticket_id, key, workspace_id, due_at) SELECT id, 'policies_changed', workspace_id, now() + interval '1 hour' FROM tickets`,
        );
        await held;
      });
      const lee = await server.agentClient('agent-l1');
      const started = Date.now();
      const noted = await lee.addNote({
        params: { ticketId: ticket.id },
        body: { body: 'written while a policy edit is open' },
      });
      expect(noted.version).toBeGreaterThan(ticket.version);
      expect(Date.now() - started).toBeLessThan(5_000);
      release();
      await editing;
    },
  );

  it('a timer key this version does not know is kept and retried, never silently consumed', async () => {
    server = await startTestServer(db(), { assistant: false, background: true });
    const ticket = await server.userClient('u-ada').createTicket({ body: { subject: 's', body: 'b' } });
    await db().query(
      `INSERT INTO timers (ticket_id, key, workspace_id, due_at) VALUES ($1, 'from_the_future', 'acme', now() - interval '1 second')`,
      [ticket.id],
    );
    await db().query(`SELECT pg_notify('tierdesk_timers', $1)`, [String(Date.now())]);
    const row = await waitFor(
      async () => {
        const { rows } = await db().query<{ attempts: number }>(
          `SELECT attempts FROM timers WHERE key = 'from_the_future'`,
        );
        return (rows[0]?.attempts ?? 0) > 0 ? rows[0] : undefined;
      },
      10_000,
      'a failed attempt on the unknown key',
    );
    expect(row?.attempts).toBeGreaterThan(0);
  });

  it("agents' proactive tickets at Tier 0 get no assistant hand-off", async () => {
    server = await startTestServer(db());
    const lee = await server.agentClient('agent-l1');
    await lee.createTicketForUser({
      body: { subject: 'We noticed an outage', body: 'FYI', requester: { id: 'u-ada' }, tier: 0 },
    });
    const { rows } = await db().query<{ n: number }>(
      `SELECT count(*) AS n FROM timers WHERE key = 'tier0_handoff'`,
    );
    expect(rows[0]?.n).toBe(0);
  });
});
