import type { AddressInfo } from 'node:net';
import { createClient, isTierdeskError, type Ticket, type TierdeskClient } from '@tierdesk/core';
import { createAcceleratedClock, createNodeServer, signIdentityToken, silentLogger } from '@tierdesk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApprovalClient, createApprovalClient } from '../src/approval.client';
import { type CustomWorkflowServer, createCustomWorkflowServer } from '../src/custom-workflow.server';
import { httpPager } from '../src/pager';
import { staffTokenAuth } from '../src/staff-auth';
import { exampleWorkspace, MANAGERS } from '../src/workspace';
import { type PagerReceiver, startPagerReceiver, waitFor } from './support';

// The refund workflow inside a real server: embedded PGlite, a real socket, the core client, the
// scheduler on a clock 30× faster (the enterprise SLA warns after 2 s and breaches after 4 s: far enough
// apart that a busy machine still sees two moves), and a real HTTP server as the pager service.

const IDENTITY_SECRET = 'acme-identity-secret-0123456789-abcdefghijklmnop';
const STAFF = {
  'staff-token-lee-0123456789': { workspaceId: 'acme', agentId: 'agent-lee', name: 'Lee' },
  'staff-token-kim-0123456789': { workspaceId: 'acme', agentId: 'agent-kim', name: 'Kim' },
  'staff-token-mia-0123456789': { workspaceId: 'acme', agentId: 'agent-mia', name: 'Mia' },
};

let pager: PagerReceiver;
let server: CustomWorkflowServer;
let http: ReturnType<typeof createNodeServer>;
let baseUrl: string;
let lee: TierdeskClient;
let leeApprovals: ApprovalClient;
let miaApprovals: ApprovalClient;

const clientFor = (token: string) => createClient({ baseUrl, getToken: () => token });
const approvalsFor = (token: string) => createApprovalClient({ baseUrl, getToken: () => token });

/** The error a call failed with (the test fails if it did not). */
async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (isTierdeskError(error)) return error as Error & { code: string; status?: number; issues?: unknown };
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** A ticket an agent opened for Ann, open, tagged refund, with a refund amount. */
async function refundTicket(subject: string): Promise<Ticket> {
  const created = await lee.createTicketForUser({
    body: {
      subject,
      body: 'The customer was charged twice.',
      tags: ['refund'],
      requester: { id: 'u-ann', name: 'Ann', tags: [] },
    },
  });
  return lee.updateTicket({
    params: { ticketId: created.id },
    body: { status: 'open', customFields: { refundAmount: 120 } },
    ifMatch: created.version,
  });
}

async function storedState(ticketId: string) {
  const { rows } = await server.tierdesk.db.query<{
    workflow_state: string;
    status: string;
    value: unknown;
    version: number;
  }>(
    `SELECT data->>'workflowState' AS workflow_state, status, snapshot->'value' AS value, version
     FROM tickets WHERE id = $1`,
    [ticketId],
  );
  return rows[0];
}

beforeAll(async () => {
  pager = await startPagerReceiver();
  server = await createCustomWorkflowServer({
    workspaces: [exampleWorkspace({ identitySecret: IDENTITY_SECRET })],
    managers: MANAGERS,
    authenticateAgent: staffTokenAuth(STAFF),
    pager: httpPager({ url: pager.url, timeoutMs: 2_000 }),
    serverSecret: 'server-secret-for-tests-0123456789-abcdefghijkl',
    clock: createAcceleratedClock(30),
    logger: process.env.TIERDESK_TEST_LOG ? undefined : silentLogger,
  });
  http = createNodeServer(server.fetch);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  lee = clientFor('staff-token-lee-0123456789');
  leeApprovals = approvalsFor('staff-token-lee-0123456789');
  miaApprovals = approvalsFor('staff-token-mia-0123456789');
}, 30_000);

afterAll(async () => {
  http?.closeAllConnections();
  await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
  await server?.close();
  await pager?.close();
});

describe('refund approval over HTTP', () => {
  it('request → awaiting_approval → grant → refund_approved, stored and shown by the core API', async () => {
    const ticket = await refundTicket('Charged twice for March');
    const waiting = await leeApprovals.request({
      ticketId: ticket.id,
      reason: 'duplicate charge on 3 March',
      ifMatch: ticket.version,
    });
    expect(waiting).toMatchObject({ status: 'open', workflowState: 'awaiting_approval' });
    expect(waiting.version).toBeGreaterThan(ticket.version);
    // The customer SLA (resolution: an agent opened the ticket) keeps running while a manager decides.
    expect(waiting.sla.map((c) => [c.metric, c.status])).toEqual([['resolution', 'running']]);
    expect(await storedState(ticket.id)).toMatchObject({
      workflow_state: 'awaiting_approval',
      status: 'open',
      value: { status: 'awaiting_approval', tier: 'tier1' },
      version: waiting.version,
    });

    const approved = await miaApprovals.grant({ ticketId: ticket.id, ifMatch: waiting.version });
    expect(approved.workflowState).toBe('refund_approved');
    const view = await lee.getTicket({ params: { ticketId: ticket.id } });
    expect(view.ticket).toMatchObject({ workflowState: 'refund_approved', version: approved.version });
    const changes = view.events.filter((e) => e.type === 'status.changed');
    expect(changes.slice(-2)).toEqual([
      expect.objectContaining({
        state: 'awaiting_approval',
        reason: 'duplicate charge on 3 March',
        actor: { type: 'agent', id: 'agent-lee', name: 'Lee' },
      }),
      expect.objectContaining({
        state: 'refund_approved',
        actor: { type: 'agent', id: 'agent-mia', name: 'Mia' },
      }),
    ]);

    // Built-in moves still work from the custom state.
    const solved = await lee.updateTicket({
      params: { ticketId: ticket.id },
      body: { status: 'solved' },
      ifMatch: approved.version,
    });
    expect(solved).toMatchObject({ status: 'solved', workflowState: 'solved' });
  });

  it('a rejection records its reason, and the agent may ask again', async () => {
    const ticket = await refundTicket('Refund for an unused seat');
    const waiting = await leeApprovals.request({ ticketId: ticket.id, reason: 'seat never used' });
    const rejected = await miaApprovals.reject({ ticketId: ticket.id, reason: 'past the 30-day window' });
    expect(rejected.workflowState).toBe('refund_rejected');
    expect(rejected.version).toBe(waiting.version + 1);
    const again = await leeApprovals.request({ ticketId: ticket.id, reason: 'goodwill: long-time customer' });
    expect(again.workflowState).toBe('awaiting_approval');
    const { events } = await lee.getTicket({ params: { ticketId: ticket.id } });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'status.changed',
        state: 'refund_rejected',
        reason: 'past the 30-day window',
      }),
    );
  });

  it('invalid steps are typed 4xx errors and change nothing', async () => {
    const ticket = await refundTicket('Refund, the wrong way round');
    const before = await storedState(ticket.id);

    // The workflow refuses: nothing to decide yet (409), and no amount, no request.
    expect(await failure(miaApprovals.grant({ ticketId: ticket.id }))).toMatchObject({
      code: 'transition_rejected',
      status: 409,
    });
    const noAmount = await lee.createTicketForUser({
      body: { subject: 'No amount', body: 'x', tags: ['refund'], requester: { id: 'u-bo', tags: [] } },
    });
    await lee.updateTicket({
      params: { ticketId: noAmount.id },
      body: { status: 'open' },
      ifMatch: noAmount.version,
    });
    expect(await failure(leeApprovals.request({ ticketId: noAmount.id, reason: 'refund' }))).toMatchObject({
      code: 'transition_rejected',
      status: 409,
    });

    // Input, version and permissions are checked before the workflow runs.
    expect(await failure(leeApprovals.request({ ticketId: ticket.id, reason: '   ' }))).toMatchObject({
      code: 'validation_failed',
      status: 400,
      issues: [expect.objectContaining({ path: ['reason'] })],
    });
    expect(
      await failure(
        leeApprovals.request({ ticketId: ticket.id, reason: 'charged twice', ifMatch: ticket.version - 1 }),
      ),
    ).toMatchObject({ code: 'precondition_failed', status: 412 });
    expect(
      await failure(approvalsFor('not-a-staff-token-0123').request({ ticketId: ticket.id, reason: 'x' })),
    ).toMatchObject({ code: 'unauthorized', status: 401 });
    const userToken = await signIdentityToken({ userId: 'u-ann', workspaceId: 'acme' }, IDENTITY_SECRET, {
      expiresInSeconds: 3600,
    });
    expect(
      await failure(approvalsFor(userToken).request({ ticketId: ticket.id, reason: 'x' })),
    ).toMatchObject({
      code: 'unauthorized',
      status: 401,
    });
    expect(await failure(miaApprovals.grant({ ticketId: 'tkt_doesnotexist' }))).toMatchObject({
      code: 'not_found',
      status: 404,
    });
    expect(await storedState(ticket.id)).toEqual(before);

    // A non-manager cannot decide (403); a manager can, once (then 409).
    await leeApprovals.request({ ticketId: ticket.id, reason: 'charged twice' });
    expect(await failure(leeApprovals.grant({ ticketId: ticket.id }))).toMatchObject({
      code: 'forbidden',
      status: 403,
    });
    expect(await failure(miaApprovals.reject({ ticketId: ticket.id, reason: '' }))).toMatchObject({
      code: 'validation_failed',
    });
    await miaApprovals.grant({ ticketId: ticket.id });
    expect(await failure(miaApprovals.grant({ ticketId: ticket.id }))).toMatchObject({
      code: 'transition_rejected',
      status: 409,
    });
  });

  it('the route speaks the API: 415 without JSON, 405 for GET, unknown fields refused', async () => {
    const ticket = await refundTicket('Refund, raw requests');
    const url = `${baseUrl}/v1/agent/tickets/${ticket.id}/approval`;
    const auth = { authorization: 'Bearer staff-token-lee-0123456789' };
    const text = await fetch(url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    const get = await fetch(url, { headers: auth });
    expect(get.status).toBe(405);
    const extra = await fetch(url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'ok', actor: { type: 'system' } }),
    });
    expect(extra.status).toBe(400);
    const post = (body: string) =>
      fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
    const broken = await post('{"reason":');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { code: 'validation_failed' } });
    const huge = await post(JSON.stringify({ reason: 'x'.repeat(20_000) }));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    expect((await storedState(ticket.id))?.workflow_state).toBe('open');
  });
});

describe('paging the on-call at L3', () => {
  const pagesFor = (ticketId: string) => pager.received.filter((p) => p.body.page.ticketId === ticketId);

  it('a manual escalation to L3 pages exactly once, after the change committed', async () => {
    const ticket = await refundTicket('Export corrupts invoices');
    const l2 = await lee.escalate({ params: { ticketId: ticket.id }, body: { to: 2, reason: 'specialist' } });
    const l3 = await lee.escalate({
      params: { ticketId: ticket.id },
      body: { to: 3, reason: 'data loss' },
      ifMatch: l2.version,
    });
    expect(l3.tier).toBe(3);
    const [page] = await waitFor('the page', async () =>
      pagesFor(ticket.id).length > 0 ? pagesFor(ticket.id) : undefined,
    );
    expect(page?.body).toMatchObject({
      summary: 'L3: Export corrupts invoices',
      page: { ticketId: ticket.id, tier: 3 },
    });
    expect(page?.headers['idempotency-key']).toBe(page?.body.dedupKey);

    // More work at L3 pages nobody; draining again finds nothing.
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'We are on it.' } });
    await lee.addNote({ params: { ticketId: ticket.id }, body: { body: 'DB team looped in' } });
    expect(await server.drainPages()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pagesFor(ticket.id)).toHaveLength(1);
    const { rows } = await server.tierdesk.db.query<{ sent: boolean }>(
      'SELECT sent_at IS NOT NULL AS sent FROM oncall_pages WHERE ticket_id = $1',
      [ticket.id],
    );
    expect(rows).toEqual([{ sent: true }]);
  });

  it('an enterprise ticket climbs to L2 on its SLA warning and L3 on its breach, by the rule, with one page', async () => {
    const created = await lee.createTicketForUser({
      body: {
        subject: 'Checkout down for all EU users',
        body: 'Nobody can pay.',
        requester: { id: 'u-eve', name: 'Eve', plan: 'enterprise', tags: [] },
      },
    });
    // The agent's first message does not start first response; the customer's does.
    await lee.updateTicket({
      params: { ticketId: created.id },
      body: { status: 'open' },
      ifMatch: created.version,
    });
    const token = await signIdentityToken(
      { userId: 'u-eve', workspaceId: 'acme', plan: 'enterprise' },
      IDENTITY_SECRET,
      { expiresInSeconds: 3600 },
    );
    await clientFor(token).replyAsUser({ params: { ticketId: created.id }, body: { body: 'Still down!' } });

    const view = await waitFor(
      'the ticket at L3',
      async () => {
        const v = await lee.getTicket({ params: { ticketId: created.id } });
        return v.ticket.tier === 3 ? v : undefined;
      },
      20_000,
    );
    const moves = view.events.filter((e) => e.type === 'tier.changed');
    expect(moves).toEqual([
      expect.objectContaining({ from: 1, to: 2, ruleId: 'enterprise-sla', actor: { type: 'system' } }),
      expect.objectContaining({ from: 2, to: 3, ruleId: 'enterprise-sla', actor: { type: 'system' } }),
    ]);
    expect(view.events.map((e) => e.type)).toEqual(expect.arrayContaining(['sla.warning', 'sla.breached']));
    await waitFor('the page', async () => (pagesFor(created.id).length > 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pagesFor(created.id)).toHaveLength(1);
  }, 30_000);
});
