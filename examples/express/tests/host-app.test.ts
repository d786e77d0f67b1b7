import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, TierdeskApiError, type TierdeskClient } from '@tierdesk/core';
import { silentLogger } from '@tierdesk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostApp, type HostApp } from '../src/host-app';

// The example app as a user runs it: Express 5 on a real socket, Tierdesk on real (in-memory) PGlite
// under /support, the app's own login and sessions in front. Every request goes over HTTP.

let host: HostApp;
let server: Server;
let origin: string;

beforeAll(async () => {
  host = await createHostApp({
    logger: silentLogger,
    serverSecret: 'example-server-secret-0123456789-abcdefghijkl',
  });
  server = host.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await host?.close();
});

/** Signs in through the app's own login; the session cookie (`name=value`) it set. */
async function login(email: string, password: string): Promise<string> {
  const res = await fetch(`${origin}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(200);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0] as string;
}

/** The end user's identity token from the app's token route. */
async function supportToken(cookie: string): Promise<string> {
  const res = await fetch(`${origin}/api/support-token`, { method: 'POST', headers: { cookie } });
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return ((await res.json()) as { token: string }).token;
}

function agentClient(cookie: string): TierdeskClient {
  return createClient({ baseUrl: `${origin}/support`, headers: { cookie } });
}

async function errorOf(promise: Promise<unknown>): Promise<TierdeskApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TierdeskApiError);
  return error as TierdeskApiError;
}

describe('the host app’s own auth and routes', () => {
  it('logs in with a password into an HttpOnly, SameSite=Lax session cookie, and refuses a wrong one', async () => {
    const wrong = await fetch(`${origin}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@customer.example', password: 'guess' }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const res = await fetch(`${origin}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ADA@customer.example', password: 'ada-demo-password' }),
    });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^host_session=[\w-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
  });

  it('still serves its own routes beside the mount, with its JSON parser and its sessions', async () => {
    expect((await fetch(`${origin}/api/me`)).status).toBe(401);
    const cookie = await login('ada@customer.example', 'ada-demo-password');
    const me = await fetch(`${origin}/api/me`, { headers: { cookie } });
    expect(await me.json()).toEqual({
      user: { id: 'cust-ada', email: 'ada@customer.example', name: 'Ada', role: 'customer' },
      agentId: null,
    });
    const orders = await fetch(`${origin}/api/orders`, { headers: { cookie } });
    expect(await orders.json()).toEqual({ orders: [{ id: 'ord-cust-ada-1', total: 4200, currency: 'EUR' }] });
    const kim = await login('kim@acme.example', 'kim-demo-password');
    expect(await (await fetch(`${origin}/api/me`, { headers: { cookie: kim } })).json()).toMatchObject({
      agentId: 'agent-kim',
    });
    // Tierdesk answers its own paths under the mount.
    expect((await fetch(`${origin}/support/healthz`)).status).toBe(200);
  });
});

describe('staff mapped to Tierdesk agents', () => {
  it('refuses agent routes without a session, with a customer’s, an unmapped staff member’s or a forged one', async () => {
    const queue = `${origin}/support/v1/agent/tickets`;
    const anonymous = await fetch(queue);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('unauthorized');

    const ada = await login('ada@customer.example', 'ada-demo-password');
    const finn = await login('finn@acme.example', 'finn-demo-password');
    for (const cookie of [ada, finn, 'host_session=forged-session-id']) {
      expect((await errorOf(agentClient(cookie).queue({ query: {} }))).status).toBe(401);
    }
    // An end user's own identity token is no agent credential either.
    const token = await supportToken(ada);
    const asUser = await fetch(queue, { headers: { authorization: `Bearer ${token}` } });
    expect(asUser.status).toBe(403);
  });

  it('lets a customer open a ticket with the app’s token and a staff member answer it as the mapped agent', async () => {
    const adaCookie = await login('ada@customer.example', 'ada-demo-password');
    const token = await supportToken(adaCookie);
    const ada = createClient({ baseUrl: `${origin}/support`, getToken: () => token });
    const ticket = await ada.createTicket({
      body: { subject: 'Invoice export is empty', body: 'The CSV has only a header row.' },
    });
    expect(ticket.requester).toMatchObject({ id: 'cust-ada', name: 'Ada', email: 'ada@customer.example' });

    const kim = agentClient(await login('kim@acme.example', 'kim-demo-password'));
    const queue = await kim.queue({ query: {} });
    expect(queue.items.map((t) => t.id)).toContain(ticket.id);

    const current = await kim.getTicket({ params: { ticketId: ticket.id } });
    const replied = await kim.replyAsAgent({
      params: { ticketId: ticket.id },
      body: { body: 'Reset the period filter and export again.' },
      ifMatch: current.ticket.version,
    });
    expect(replied.status).toBe('open');

    const mine = await ada.getMyTicket({ params: { ticketId: ticket.id } });
    const reply = mine.events.find(
      (e) => e.type === 'message.public' && e.body === 'Reset the period filter and export again.',
    );
    expect(reply).toMatchObject({ actor: { type: 'agent', id: 'agent-kim' } });
  });

  it('treats a staff member holding an identity token as an end user, and a logged-out session as nobody', async () => {
    const leeCookie = await login('lee@acme.example', 'lee-demo-password');
    const lee = agentClient(leeCookie);
    await expect(lee.queue({ query: {} })).resolves.toMatchObject({ items: expect.any(Array) });

    // The widget on a staff member's screen sends the token: the ticket is Lee's own, as a requester.
    const token = await supportToken(leeCookie);
    const res = await fetch(`${origin}/support/v1/tickets`, {
      method: 'POST',
      headers: { cookie: leeCookie, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'My laptop', body: 'It does not boot.' }),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { requester: { id: string } }).requester.id).toBe('staff-lee');

    const logout = await fetch(`${origin}/logout`, { method: 'POST', headers: { cookie: leeCookie } });
    expect(logout.status).toBe(204);
    expect((await errorOf(lee.queue({ query: {} }))).status).toBe(401);
  });
});
