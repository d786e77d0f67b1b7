import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type TierdeskClient } from '@tierdesk/core';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, expect, it } from 'vitest';
import { createNodeServer, tierdeskExpress, tierdeskFastify } from '../src/adapters';
import { createApiKey, signIdentityToken } from '../src/auth';
import { silentLogger } from '../src/logger';
import type { SqlDatabase } from '../src/store';
import { createTierdesk, type Tierdesk, type TierdeskOptions } from '../src/tierdesk';
import { describeStores } from './support/databases';
import { SECRET_ACME, testWorkspaces } from './support/server';
import { openSse } from './support/sse';
import { waitUntil } from './support/wait';

// The real server (createTierdesk) mounted the three ways a host application mounts it, each driven
// end to end with the typed core client over a real socket: an end user opens a ticket, an agent sees
// it in the queue and replies, and the agent's event stream delivers both live.

/** One server-sent event as parsed off the wire. */
interface SseEvent {
  event: string;
  id: string;
  data: { type?: string; ticketId?: string; event?: { type?: string; body?: string } };
}

/** Opens an SSE response and collects its events as they arrive. */
function openStream(url: string, headers: Record<string, string>) {
  return openSse<SseEvent>(url, headers, (message) => ({
    event: message.event ?? 'message',
    id: message.id ?? '',
    data: JSON.parse(message.data) as SseEvent['data'],
  }));
}

function startTierdesk(db: SqlDatabase, extra: Partial<TierdeskOptions> = {}): Promise<Tierdesk> {
  return createTierdesk({
    store: { kind: 'database', database: db },
    workspaces: testWorkspaces(),
    serverSecret: 'server-secret-for-tests-0123456789-abcdefghijkl',
    logger: silentLogger,
    background: false,
    limits: { rateLimit: false },
    ...extra,
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function endUserToken(userId: string): Promise<string> {
  return signIdentityToken({ userId, workspaceId: 'acme', name: 'Ada' }, SECRET_ACME, {
    expiresInSeconds: 3600,
  });
}

/**
 * The common scenario: the agent's stream is open first; the end user's new ticket and the agent's
 * reply must both arrive on it live; the queue shows the ticket; the requester reads the reply.
 */
async function supportRoundTrip(
  baseUrl: string,
  agentHeaders: Record<string, string>,
  agentId: string,
): Promise<void> {
  const token = await endUserToken('u-ada');
  const ada: TierdeskClient = createClient({ baseUrl, getToken: () => token });
  const agent: TierdeskClient = createClient({ baseUrl, headers: agentHeaders });
  const streamUrl = agent.streamUrl('agentStream');
  expect(streamUrl).toBe(`${baseUrl}/v1/agent/stream`);
  const stream = await openStream(streamUrl, agentHeaders);
  try {
    await waitUntil(() => stream.events.some((e) => e.data.type === 'stream.ready'), 'stream.ready');

    const ticket = await ada.createTicket({ body: { subject: 'Mounted?', body: 'Hello from the widget' } });
    expect(ticket).toMatchObject({ subject: 'Mounted?', status: 'new', requester: { id: 'u-ada' } });
    await waitUntil(
      () =>
        stream.events.some(
          (e) =>
            e.data.type === 'timeline.appended' &&
            e.data.ticketId === ticket.id &&
            e.data.event?.type === 'ticket.created',
        ),
      'ticket.created on the agent stream',
    );

    const queue = await agent.queue({ query: {} });
    expect(queue.items.map((t) => t.id)).toEqual([ticket.id]);

    const replied = await agent.replyAsAgent({
      params: { ticketId: ticket.id },
      body: { body: 'Hello from the host app' },
    });
    expect(replied.status).toBe('open');
    await waitUntil(
      () =>
        stream.events.some(
          (e) => e.data.type === 'timeline.appended' && e.data.event?.body === 'Hello from the host app',
        ),
      'the reply on the agent stream',
    );
    // Every event carries a resume position.
    expect(stream.events.every((e) => /^\d+-\d+(-t)?$/.test(e.id))).toBe(true);

    const mine = await ada.getMyTicket({ params: { ticketId: ticket.id } });
    const reply = mine.events.find(
      (e) => e.type === 'message.public' && e.body === 'Hello from the host app',
    );
    expect(reply).toMatchObject({ actor: { type: 'agent', id: agentId } });
  } finally {
    stream.close();
  }
}

describeStores('the real server mounted in host applications', ({ db }) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('Express 5 under /support: host auth middleware, express.json(), staff mapped to agents by the hook', async () => {
    // The host's session store: its own staff and customers, keyed by a session cookie.
    const sessions = new Map([
      ['s-kim', { id: 'staff-7', name: 'Kim', role: 'staff' as const }],
      ['s-carol', { id: 'cust-1', name: 'Carol', role: 'customer' as const }],
    ]);
    const agentOfStaff = new Map([['staff-7', 'agent-l2']]);
    const sessionOf = (cookie: string | null | undefined) => {
      const id = /(?:^|;\s*)host_session=([^;]+)/.exec(cookie ?? '')?.[1];
      return id === undefined ? undefined : sessions.get(id);
    };
    const hookCalls: string[] = [];
    const tierdesk = await startTierdesk(db(), {
      // The hook reads the request the adapter forwards (cookies included) against the same store.
      authenticateAgent: async (request) => {
        hookCalls.push(new URL(request.url).pathname);
        const user = sessionOf(request.headers.get('cookie'));
        const agentId = user?.role === 'staff' ? agentOfStaff.get(user.id) : undefined;
        return agentId === undefined ? null : { workspaceId: 'acme', agentId, name: user?.name };
      },
    });
    cleanups.push(() => tierdesk.close());

    type HostRequest = IncomingMessage & { user?: { id: string; role: string } };
    const app = express();
    app.disable('x-powered-by');
    app.use(express.json()); // app-wide, before the mount: the adapter gets the parsed body back
    app.use((req, res, next) => {
      const user = sessionOf(req.headers.cookie);
      if (req.headers.cookie?.includes('host_session=') && user === undefined) {
        res.status(401).json({ host: 'bad session' });
        return;
      }
      (req as HostRequest).user = user;
      next();
    });
    app.get('/api/hello', (req, res) => {
      res.json({ hello: (req as HostRequest).user?.id ?? 'anonymous' });
    });
    app.post('/api/echo', (req, res) => {
      res.json({ echoed: req.body as unknown });
    });
    app.use('/support', tierdeskExpress(tierdesk.fetch, { logger: silentLogger }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    cleanups.push(() => closeServer(server));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    await supportRoundTrip(`${origin}/support`, { cookie: 'host_session=s-kim' }, 'agent-l2');
    expect(hookCalls.length).toBeGreaterThan(0);
    expect(hookCalls.every((p) => p.startsWith('/v1/'))).toBe(true); // paths relative to the mount

    // The host's own routes are untouched, with their JSON parser and auth.
    const hello = await fetch(`${origin}/api/hello`, { headers: { cookie: 'host_session=s-carol' } });
    expect(await hello.json()).toEqual({ hello: 'cust-1' });
    const echo = await fetch(`${origin}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: [1, 2] }),
    });
    expect(await echo.json()).toEqual({ echoed: { a: [1, 2] } });

    // A customer's session is no agent credential, and a forged host header changes nothing.
    const customer = await fetch(`${origin}/support/v1/agent/tickets`, {
      headers: { cookie: 'host_session=s-carol', 'x-host-user': 'staff-7' },
    });
    expect(customer.status).toBe(401);
    expect(((await customer.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    // Tierdesk's own errors come back through the mount as typed JSON.
    const invalid = await fetch(`${origin}/support/v1/tickets`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await endUserToken('u-ada')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ subject: '', body: 'x' }),
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
  });

  it('Fastify 5 with prefix /support next to its own routes', async () => {
    const tierdesk = await startTierdesk(db());
    cleanups.push(() => tierdesk.close());
    const app = Fastify();
    app.get('/api/hello', async () => ({ hello: 'fastify' }));
    app.post('/api/echo', async (request) => ({ echoed: request.body }));
    await app.register(tierdeskFastify, {
      handler: tierdesk.fetch,
      prefix: '/support',
      logger: silentLogger,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(async () => {
      app.server.closeAllConnections();
      await app.close();
    });
    const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    const { key } = await createApiKey(db(), { workspaceId: 'acme', agentId: 'agent-l1' });
    await supportRoundTrip(`${origin}/support`, { authorization: `Bearer ${key}` }, 'agent-l1');

    expect(await (await fetch(`${origin}/api/hello`)).json()).toEqual({ hello: 'fastify' });
    // Fastify's JSON parser still serves the app's own routes (the plugin's raw parser is scoped).
    const echo = await fetch(`${origin}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ b: true }),
    });
    expect(await echo.json()).toEqual({ echoed: { b: true } });
    const health = await fetch(`${origin}/support/healthz`);
    expect(health.status).toBe(200);
  });

  it('node:http through createNodeServer, at the root', async () => {
    const tierdesk = await startTierdesk(db());
    cleanups.push(() => tierdesk.close());
    const server = createNodeServer(tierdesk.fetch, { logger: silentLogger });
    const port = await listen(server);
    cleanups.push(() => closeServer(server));

    const { key } = await createApiKey(db(), { workspaceId: 'acme', agentId: 'agent-l1' });
    await supportRoundTrip(`http://127.0.0.1:${port}`, { authorization: `Bearer ${key}` }, 'agent-l1');
  });
});
