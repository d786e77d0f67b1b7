import type { Ticket } from '@tierdesk/core';
import {
  type ChangeWriter,
  createPgliteDatabase,
  createTierdesk,
  type SqlDatabase,
  silentLogger,
  type TicketService,
  type Tierdesk,
} from '@tierdesk/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpPager } from '../src/pager';
import { createPagerDispatcher, ensurePagerOutbox, pagerChangeWriter } from '../src/pager.outbox';
import { createRefundWorkflow, type RefundWorkflowEvent } from '../src/refund.workflow';
import { type PagerReceiver, startPagerReceiver } from './support';

// The pager outbox on its own: the page is written in the ticket change's transaction (a rolled-back
// change pages nobody), delivered after commit, retried on failure with the same id, given up after
// the last attempt, and never sent twice by two dispatchers.

let db: SqlDatabase;
let tierdesk: Tierdesk<RefundWorkflowEvent>;
let tickets: TicketService<RefundWorkflowEvent>;
let pager: PagerReceiver;
/** Tickets whose next change the failing writer rolls back. */
const failFor = new Set<string>();

const lee = { type: 'agent', id: 'agent-lee' } as const;

beforeAll(async () => {
  db = await createPgliteDatabase();
  await ensurePagerOutbox(db);
  const failing: ChangeWriter = async (_tx, change) => {
    if (failFor.has(change.ticket.id)) throw new Error('a later writer failed');
  };
  tierdesk = await createTierdesk<RefundWorkflowEvent>({
    store: { kind: 'database', database: db },
    workflow: createRefundWorkflow({ managers: ['agent-mia'] }),
    workspaces: [{ id: 'acme', name: 'Acme' }],
    writers: [pagerChangeWriter(), failing],
    serverSecret: 'server-secret-for-tests-0123456789-abcdefghijkl',
    logger: silentLogger,
    background: false,
  });
  tickets = tierdesk.tickets;
  pager = await startPagerReceiver();
}, 30_000);

afterAll(async () => {
  await tierdesk?.close();
  await db?.close();
  await pager?.close();
});

beforeEach(async () => {
  await db.query('DELETE FROM oncall_pages');
  pager.received.length = 0;
  pager.answers.length = 0;
});

async function ticketAtL2(subject: string): Promise<Ticket> {
  const ticket = await tickets.create({
    workspaceId: 'acme',
    requester: { id: 'u-ann', name: 'Ann', tags: [] },
    actor: lee,
    subject,
    body: 'Data is missing.',
  });
  return tickets.dispatch(
    { workspaceId: 'acme', ticketId: ticket.id },
    { type: 'TIER.ESCALATE', to: 2, reason: 'specialist', actor: lee },
  );
}

const toL3 = (ticket: Ticket) =>
  tickets.dispatch(
    { workspaceId: 'acme', ticketId: ticket.id },
    { type: 'TIER.ESCALATE', to: 3, reason: 'expert', actor: lee },
  );

const rows = async () =>
  (
    await db.query<{
      id: string;
      attempts: number;
      sent: boolean;
      failed: boolean;
      last_error: string | null;
    }>(
      `SELECT id, attempts, sent_at IS NOT NULL AS sent, failed_at IS NOT NULL AS failed, last_error
       FROM oncall_pages ORDER BY created_at`,
    )
  ).rows;

describe('pager outbox', () => {
  it('a change that rolls back pages nobody; the committed retry pages once', async () => {
    const ticket = await ticketAtL2('Rolled back');
    failFor.add(ticket.id);
    await expect(toL3(ticket)).rejects.toThrow('a later writer failed');
    expect(await rows()).toEqual([]);
    const stored = await tierdesk.db.query<{ tier: number }>('SELECT tier FROM tickets WHERE id = $1', [
      ticket.id,
    ]);
    expect(stored.rows[0]?.tier).toBe(2);

    failFor.delete(ticket.id);
    await toL3(ticket);
    const dispatcher = createPagerDispatcher({
      db,
      pager: httpPager({ url: pager.url }),
      logger: silentLogger,
    });
    expect(await dispatcher.drainOnce()).toBe(1);
    expect(await dispatcher.drainOnce()).toBe(0);
    expect(pager.received.map((p) => p.body.page.ticketId)).toEqual([ticket.id]);
  });

  it('a failed delivery is retried with the same page id, then recorded as sent', async () => {
    const ticket = await ticketAtL2('Retried');
    await toL3(ticket);
    pager.answers.push(503);
    const attemptsBefore = pager.attempts();
    const dispatcher = createPagerDispatcher({
      db,
      pager: httpPager({ url: pager.url }),
      logger: silentLogger,
      retryScheduleMs: [0],
    });
    expect(await dispatcher.drainOnce()).toBe(0);
    expect(await rows()).toEqual([
      expect.objectContaining({ attempts: 1, sent: false, last_error: expect.stringContaining('503') }),
    ]);
    expect(await dispatcher.drainOnce()).toBe(1);
    expect(pager.attempts() - attemptsBefore).toBe(2);
    const [row] = await rows();
    expect(row).toMatchObject({ attempts: 2, sent: true });
    expect(pager.received.map((p) => p.body.dedupKey)).toEqual([row?.id]);
  });

  it('gives up after the last attempt and keeps the error', async () => {
    const ticket = await ticketAtL2('Given up');
    await toL3(ticket);
    pager.answers.push(500, 500);
    const dispatcher = createPagerDispatcher({
      db,
      pager: httpPager({ url: pager.url }),
      logger: silentLogger,
      retryScheduleMs: [0],
      maxAttempts: 2,
    });
    await dispatcher.drainOnce();
    await dispatcher.drainOnce();
    expect(await dispatcher.drainOnce()).toBe(0);
    expect(await rows()).toEqual([expect.objectContaining({ attempts: 2, sent: false, failed: true })]);
    expect(pager.received).toEqual([]);
  });

  it('two dispatchers draining at once send every page once', async () => {
    const escalated = await Promise.all(['A', 'B', 'C', 'D'].map((s) => ticketAtL2(`Busy ${s}`)));
    for (const ticket of escalated) await toL3(ticket);
    const make = () =>
      createPagerDispatcher({ db, pager: httpPager({ url: pager.url }), logger: silentLogger });
    const [one, two] = await Promise.all([make().drainOnce(), make().drainOnce()]);
    expect((one ?? 0) + (two ?? 0)).toBe(4);
    const ids = pager.received.map((p) => p.body.page.ticketId).sort();
    expect(ids).toEqual(escalated.map((t) => t.id).sort());
  });
});
