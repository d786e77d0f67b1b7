import type { Diagnostics } from '@tierdesk/core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeStores } from './support/databases';
import { startTestServer, type TestServer } from './support/server';

// The widget's opt-in diagnostics reach the agent's ticket view (getTicket) and nothing the requester
// reads: they may hold page URLs and error texts the team needs and the user never has to see again.

const DIAGNOSTICS: Diagnostics = {
  appVersion: '4.2.1+build.77',
  page: 'https://app.example.com/settings/billing?tab=invoices',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
  locale: 'de-DE',
  recentErrors: [
    'TypeError: cannot read properties of undefined (reading "total")',
    'HTTP 502 /api/invoices',
  ],
};

describeStores('diagnostics in the agent ticket view', ({ db }) => {
  let server: TestServer;
  // describeStores empties the database before each test, the seeded workspaces with it.
  beforeEach(async () => {
    server = await startTestServer(db(), { assistant: false });
  });
  afterEach(async () => {
    await server.close();
  });

  it('shows an agent exactly the diagnostics the user sent with a new ticket', async () => {
    const ada = server.userClient('u-ada');
    const ticket = await ada.createTicket({
      body: { subject: 'Invoices page is blank', body: 'Nothing loads', diagnostics: DIAGNOSTICS },
    });
    const lee = await server.agentClient('agent-l1');
    const view = await lee.getTicket({ params: { ticketId: ticket.id } });
    expect(view.diagnostics).toEqual(DIAGNOSTICS);
    expect(view.ticket.id).toBe(ticket.id);

    // Partial diagnostics stay partial: nothing is filled in or invented.
    const partial = await ada.createTicket({
      body: { subject: 'Second', body: 'x', diagnostics: { locale: 'en-GB' } },
    });
    const raw = await fetch(`${server.baseUrl}/v1/agent/tickets/${partial.id}`, {
      headers: { authorization: `Bearer ${await server.apiKeyFor('agent-l1')}` },
    });
    expect(raw.status).toBe(200);
    expect(((await raw.json()) as { diagnostics: unknown }).diagnostics).toEqual({ locale: 'en-GB' });
  });

  it('answers null for a ticket opened without diagnostics', async () => {
    const ticket = await server
      .userClient('u-bob')
      .createTicket({ body: { subject: 'Plain', body: 'No extras' } });
    const lee = await server.agentClient('agent-l1');
    const raw = await fetch(`${server.baseUrl}/v1/agent/tickets/${ticket.id}`, {
      headers: { authorization: `Bearer ${await server.apiKeyFor('agent-l1')}` },
    });
    const body = (await raw.json()) as Record<string, unknown>;
    expect('diagnostics' in body).toBe(true);
    expect(body.diagnostics).toBeNull();
    expect((await lee.getTicket({ params: { ticketId: ticket.id } })).diagnostics).toBeNull();
  });

  it('shows diagnostics an agent attached to a proactive ticket', async () => {
    const lee = await server.agentClient('agent-l1');
    const ticket = await lee.createTicketForUser({
      body: {
        subject: 'We saw errors in your account',
        body: 'Looking into it',
        requester: { id: 'u-cy' },
        diagnostics: { appVersion: '4.2.0' },
      },
    });
    expect((await lee.getTicket({ params: { ticketId: ticket.id } })).diagnostics).toEqual({
      appVersion: '4.2.0',
    });
  });

  it("leaves the requester's own ticket view without diagnostics (no field, none of the values)", async () => {
    const ada = server.userClient('u-dee');
    const ticket = await ada.createTicket({
      body: { subject: 'Private details', body: 'See the details', diagnostics: DIAGNOSTICS },
    });
    const token = await server.tokenFor('u-dee');
    const raw = await fetch(`${server.baseUrl}/v1/tickets/${ticket.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(raw.status).toBe(200);
    const text = await raw.text();
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['events', 'ticket']);
    expect(text).not.toContain('diagnostics');
    for (const value of [DIAGNOSTICS.appVersion, DIAGNOSTICS.page, DIAGNOSTICS.userAgent]) {
      expect(text).not.toContain(value);
    }
    // The list and the create answer do not carry them either.
    const list = await fetch(`${server.baseUrl}/v1/tickets`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await list.text()).not.toContain(DIAGNOSTICS.appVersion);
    expect(JSON.stringify(ticket)).not.toContain(DIAGNOSTICS.appVersion);
  });
});
