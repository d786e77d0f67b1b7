import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TimelineEvent } from '@tierdesk/core';
import { Webhook } from 'standardwebhooks';
import { afterEach, expect, it } from 'vitest';
import { createAcceleratedClock } from '../src/clock';
import { generateWebhookSecret } from '../src/webhooks';
import { describeStores } from './support/databases';
import { startTestServer, type TestServer, testWorkspaces } from './support/server';
import { openSse } from './support/sse';
import { waitFor } from './support/wait';

/** Reads a server-sent-event stream into an array as events arrive. */
function openStream(url: string, token: string) {
  return openSse(url, { authorization: `Bearer ${token}` }, (message) => ({
    event: message.event ?? 'message',
    data: JSON.parse(message.data) as unknown,
    id: message.id ?? '',
  }));
}

describeStores('server wiring: timers, realtime and webhooks through createTierdesk', ({ db }) => {
  let server: TestServer | undefined;
  let receiver: Server | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
    receiver = undefined;
  });

  it('fires the SLA warning from the durable timer and the rule escalates L1 → L2, each exactly once', async () => {
    const workspaces = testWorkspaces();
    const acme = workspaces[0];
    if (acme?.policies === undefined) throw new Error('fixture');
    acme.policies.escalationRules = [
      {
        id: 'warn-to-l2',
        name: 'First response at risk goes to L2',
        trigger: { on: 'sla.warning', metrics: ['first_response'] },
        to: 'next',
        reason: 'first response at risk',
      },
    ];
    // One real second is an hour of SLA time: the 48-minute warning comes after ~0.8 s, the breach after ~1 s.
    server = await startTestServer(db(), {
      workspaces,
      background: true,
      clock: createAcceleratedClock(3600),
    });
    const ada = server.userClient('u-ada');
    const ticket = await ada.createTicket({ body: { subject: 'Urgent-ish', body: 'Please look' } });
    const lee = await server.agentClient('agent-l1');
    const escalated = await waitFor(
      async () => {
        const view = await lee.getTicket({ params: { ticketId: ticket.id } });
        return view.events.some((e) => e.type === 'sla.breached') ? view : undefined;
      },
      15_000,
      'the breach',
    );
    expect(escalated.ticket.tier).toBe(2);
    const count = (type: TimelineEvent['type']) => escalated.events.filter((e) => e.type === type).length;
    expect(count('sla.warning')).toBe(1);
    expect(count('sla.breached')).toBe(1);
    const moves = escalated.events.filter((e) => e.type === 'tier.changed');
    // Tier 0 → L1 by the assistant (no article to offer), then L1 → L2 by the SLA rule, once.
    expect(moves).toMatchObject([
      { from: 0, to: 1, ruleId: 'tier0-assistant' },
      { from: 1, to: 2, ruleId: 'warn-to-l2', reason: 'first response at risk' },
    ]);
    // The warning was not early: it happened at or after 80 % of the target on the server's clock.
    const created = Date.parse(ticket.createdAt);
    const warning = escalated.events.find((e) => e.type === 'sla.warning');
    expect(Date.parse(warning?.at ?? '')).toBeGreaterThanOrEqual(created + 48 * 60_000);
  }, 30_000);

  it('streams a new ticket and an agent reply live to the agent and the requester (SSE), and nothing of others', async () => {
    server = await startTestServer(db(), { background: true });
    const agentKey = await server.apiKeyFor('agent-l1');
    const adaToken = await server.tokenFor('u-ada');
    const bobToken = await server.tokenFor('u-bob');
    const agentStream = await openStream(`${server.baseUrl}/v1/agent/stream`, agentKey);
    const adaStream = await openStream(`${server.baseUrl}/v1/stream`, adaToken);
    const bobStream = await openStream(`${server.baseUrl}/v1/stream`, bobToken);
    try {
      const ada = server.userClient('u-ada');
      const ticket = await ada.createTicket({ body: { subject: 'Live?', body: 'hello' } });
      const lee = await server.agentClient('agent-l1');
      await lee.addNote({ params: { ticketId: ticket.id }, body: { body: 'secret note' } });
      await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'Hi Ada!' } });
      const isReply = (e: { event: string; data: unknown }) =>
        e.event === 'timeline.appended' &&
        (e.data as { event: TimelineEvent }).event.type === 'message.public' &&
        (e.data as { event: { body: string } }).event.body === 'Hi Ada!';
      await waitFor(
        async () => (adaStream.events.some(isReply) ? true : undefined),
        10_000,
        "the reply on Ada's stream",
      );
      await waitFor(
        async () => (agentStream.events.some(isReply) ? true : undefined),
        10_000,
        "the reply on the agent's stream",
      );
      const noteTo = (events: { data: unknown }[]) =>
        events.some((e) => JSON.stringify(e.data).includes('secret note'));
      expect(noteTo(agentStream.events)).toBe(true);
      expect(noteTo(adaStream.events)).toBe(false);
      expect(
        bobStream.events.filter((e) => e.event === 'timeline.appended' || e.event === 'ticket.updated'),
      ).toEqual([]);
    } finally {
      agentStream.close();
      adaStream.close();
      bobStream.close();
    }
  }, 30_000);

  it('delivers signed webhooks for ticket events, verifiable with the standardwebhooks package', async () => {
    const secret = generateWebhookSecret();
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver?.listen(0, '127.0.0.1', r));
    const { port } = receiver.address() as AddressInfo;
    const workspaces = testWorkspaces();
    (workspaces[0] as { webhooks?: unknown }).webhooks = [
      { id: 'hook-1', url: `http://127.0.0.1:${port}/hooks`, secret },
    ];
    server = await startTestServer(db(), {
      workspaces,
      background: true,
      webhooks: { allowPrivateNetworks: true },
    });
    const ada = server.userClient('u-ada');
    const ticket = await ada.createTicket({ body: { subject: 'Hook me', body: 'please' } });
    await waitFor(async () => (received.length >= 2 ? true : undefined), 10_000, 'two webhook deliveries');
    const verifier = new Webhook(secret);
    const payloads = received.map((r) =>
      verifier.verify(r.body, {
        'webhook-id': String(r.headers['webhook-id']),
        'webhook-timestamp': String(r.headers['webhook-timestamp']),
        'webhook-signature': String(r.headers['webhook-signature']),
      }),
    ) as { type: string; data: { ticket: { id: string } } }[];
    expect(payloads.map((p) => p.type)).toEqual(
      expect.arrayContaining(['ticket.created', 'ticket.message.public']),
    );
    expect(payloads.every((p) => p.data.ticket.id === ticket.id)).toBe(true);
    expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(received.length);
  }, 30_000);
});
