import type { SlaPolicy, TicketEvent, TicketMachineInput } from '@tierdesk/core';
import { sendTicketEvent, startTicket, type TicketStep, toTicket } from '@tierdesk/core/machines';
import { describe, expect, it } from 'vitest';
import { createRefundWorkflow, PAGE_ON_CALL, type RefundWorkflowEvent } from './refund.workflow';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const lee = { type: 'agent', id: 'agent-lee' } as const;
const mia = { type: 'agent', id: 'agent-mia' } as const;
const customer = { type: 'customer', id: 'u-ann' } as const;
const system = { type: 'system' } as const;

const enterprise: SlaPolicy = {
  id: 'sla-enterprise',
  name: 'Enterprise',
  kind: 'sla',
  active: true,
  position: 0,
  conditions: { requesterPlans: ['enterprise'] },
  targets: { first_response: { minutes: 60 } },
  calendarId: null,
  warningFraction: 0.5,
  pauseOn: ['pending', 'on_hold'],
};
const standard: SlaPolicy = {
  ...enterprise,
  id: 'sla-standard',
  name: 'Standard',
  position: 1,
  conditions: {},
};

const workflow = createRefundWorkflow({ managers: ['agent-mia'] });
type Event = TicketEvent | RefundWorkflowEvent;

const input = (over: Partial<TicketMachineInput> = {}): TicketMachineInput => ({
  id: 't1',
  workspaceId: 'acme',
  subject: 'Charged twice for March',
  body: 'My card was charged twice.',
  requester: { id: 'u-ann', name: 'Ann', tags: [] },
  createdAt: at(0),
  status: 'open',
  tags: ['refund'],
  customFields: { refundAmount: 120 },
  sla: { policies: [enterprise, standard], calendars: [] },
  ...over,
});

/** Sends events through the stateless step, persisting as JSON in between like the server. */
function play(start: TicketStep, events: Event[]): TicketStep[] {
  const steps: TicketStep[] = [];
  let step = start;
  for (const event of events) {
    step = sendTicketEvent(workflow, JSON.parse(JSON.stringify(step.snapshot)), event);
    steps.push(step);
  }
  return steps;
}
const last = (steps: TicketStep[]) => steps[steps.length - 1] as TicketStep;
const send = (step: TicketStep, event: Event) => last(play(step, [event]));
const pages = (steps: TicketStep[]) =>
  steps.flatMap((s) => s.effects).filter((e) => e.type === 'workflow' && e.name === PAGE_ON_CALL);

const request = (minute: number, actor: RefundWorkflowEvent['actor'] = lee, reason = 'charged twice') =>
  ({ type: 'APPROVAL.REQUEST', reason, at: at(minute), actor }) as const;

describe('refund approval', () => {
  it('an agent asks for approval: awaiting_approval reports as open and the SLA keeps running', () => {
    const waiting = send(startTicket(workflow, input()), request(1));
    expect(waiting.accepted).toBe(true);
    expect(waiting.context.ticket).toMatchObject({ status: 'open', workflowState: 'awaiting_approval' });
    expect(waiting.events).toEqual([
      expect.objectContaining({
        type: 'status.changed',
        from: 'open',
        to: 'open',
        state: 'awaiting_approval',
        reason: 'charged twice',
        actor: lee,
      }),
    ]);
    // The customer waits on us: the clock runs on and its breach is still scheduled.
    const clocks = toTicket(waiting.context, { number: 1, version: 2, now: Date.parse(at(2)) }).sla;
    expect(clocks.map((c) => c.status)).toEqual(['running']);
    expect(waiting.timers.sla).toBe(Date.parse(at(30)));
  });

  it('a manager approves: refund_approved, still open, and the agent can go on and solve it', () => {
    const [, approved, solved] = play(startTicket(workflow, input()), [
      request(1),
      { type: 'APPROVAL.GRANT', at: at(2), actor: mia },
      { type: 'STATUS.SET', to: 'solved', at: at(3), actor: lee },
    ]);
    expect(approved?.context.ticket).toMatchObject({ status: 'open', workflowState: 'refund_approved' });
    expect(approved?.events[0]).toMatchObject({
      type: 'status.changed',
      state: 'refund_approved',
      actor: mia,
    });
    expect(solved?.context.ticket).toMatchObject({ status: 'solved', workflowState: 'solved' });
  });

  it('a manager rejects with a reason; the agent may ask again', () => {
    const [, rejected, again] = play(startTicket(workflow, input()), [
      request(1),
      { type: 'APPROVAL.REJECT', reason: 'over the monthly limit', at: at(2), actor: mia },
      request(3, lee, 'split into two refunds'),
    ]);
    expect(rejected?.context.ticket.workflowState).toBe('refund_rejected');
    expect(rejected?.events[0]).toMatchObject({ reason: 'over the monthly limit', state: 'refund_rejected' });
    expect(again?.context.ticket.workflowState).toBe('awaiting_approval');
  });

  it('refuses what the workflow does not allow, leaving the ticket as it was', () => {
    const s0 = startTicket(workflow, input());
    const refused = (step: TicketStep, event: Event) => {
      const next = send(step, event);
      expect(next.accepted, JSON.stringify(event)).toBe(false);
      expect(next.events).toEqual([]);
      expect(next.context.ticket.workflowState).toBe(step.context.ticket.workflowState);
    };
    // Only agents ask, only for tickets tagged refund with an amount, and only with a reason.
    refused(s0, request(1, customer));
    refused(s0, request(1, lee, '  '));
    refused(startTicket(workflow, input({ tags: [] })), request(1));
    refused(startTicket(workflow, input({ customFields: {} })), request(1));
    refused(startTicket(workflow, input({ customFields: { refundAmount: -5 } })), request(1));
    // Not from new (nobody has looked at it yet) and not twice.
    refused(startTicket(workflow, input({ status: 'new' })), request(1));
    const waiting = send(s0, request(1));
    refused(waiting, request(2));
    // No decision before a request; only a manager decides; a rejection needs a reason.
    refused(s0, { type: 'APPROVAL.GRANT', at: at(2), actor: mia });
    refused(waiting, { type: 'APPROVAL.GRANT', at: at(2), actor: lee });
    refused(waiting, { type: 'APPROVAL.GRANT', at: at(2), actor: { type: 'customer', id: 'agent-mia' } });
    refused(waiting, { type: 'APPROVAL.REJECT', reason: '', at: at(2), actor: mia });
    // Every event needs an instant and an actor, a team's own ones too.
    refused(waiting, { type: 'APPROVAL.GRANT', actor: mia } as unknown as Event);
  });

  it('a customer reply while waiting is recorded and keeps the ticket waiting', () => {
    const waiting = send(startTicket(workflow, input()), request(1));
    const replied = send(waiting, {
      type: 'MESSAGE.CUSTOMER',
      messageId: 'm2',
      body: 'Any news?',
      at: at(2),
      actor: customer,
    });
    expect(replied.accepted).toBe(true);
    expect(replied.context.ticket.workflowState).toBe('awaiting_approval');
  });
});

describe('enterprise SLA rule and paging the on-call at L3', () => {
  const ent = {
    requester: { id: 'u-ann', name: 'Ann', plan: 'enterprise', tags: [] },
    status: 'new' as const,
  };

  it('an enterprise ticket goes to L2 on the SLA warning and to L3 on the breach, paging once', () => {
    const s0 = startTicket(workflow, input(ent));
    expect(pages([s0])).toEqual([]);
    const steps = play(s0, [
      { type: 'SLA.TICK', at: at(30), actor: system },
      { type: 'SLA.TICK', at: at(45), actor: system },
      { type: 'SLA.TICK', at: at(60), actor: system },
      { type: 'NOTE.ADD', noteId: 'n1', body: 'on it', at: at(61), actor: lee },
      { type: 'SLA.TICK', at: at(90), actor: system },
    ]);
    const [warned, , breached] = steps;
    expect(warned?.context.ticket.tier).toBe(2);
    expect(warned?.events).toContainEqual(
      expect.objectContaining({
        type: 'tier.changed',
        from: 1,
        to: 2,
        ruleId: 'enterprise-sla',
        actor: system,
      }),
    );
    expect(breached?.context.ticket.tier).toBe(3);
    expect(breached?.events).toContainEqual(
      expect.objectContaining({ type: 'tier.changed', from: 2, to: 3, ruleId: 'enterprise-sla' }),
    );
    expect(pages(steps)).toEqual([
      {
        type: 'workflow',
        name: PAGE_ON_CALL,
        ticketId: 't1',
        data: {
          subject: 'Charged twice for March',
          priority: 'normal',
          tier: 3,
          workspaceId: 'acme',
          seq: breached?.context.seq,
        },
      },
    ]);
    expect(pages([breached as TicketStep])).toHaveLength(1);
  });

  it('other plans stay where they are on the same signals', () => {
    const steps = play(startTicket(workflow, input({ status: 'new' })), [
      { type: 'SLA.TICK', at: at(30), actor: system },
      { type: 'SLA.TICK', at: at(60), actor: system },
    ]);
    expect(last(steps).context.ticket.tier).toBe(1);
    expect(last(steps).events.map((e) => e.type)).toEqual(['sla.breached']);
    expect(pages(steps)).toEqual([]);
  });

  it('a manual escalation to L3 pages once; reaching L3 again after a de-escalation pages again', () => {
    const steps = play(startTicket(workflow, input()), [
      { type: 'TIER.ESCALATE', to: 2, reason: 'specialist', at: at(1), actor: lee },
      { type: 'TIER.ESCALATE', reason: 'data loss', at: at(2), actor: lee },
      { type: 'MESSAGE.AGENT', messageId: 'm2', body: 'Looking into it', at: at(3), actor: lee },
      { type: 'PRIORITY.SET', to: 'urgent', at: at(4), actor: lee },
    ]);
    expect(steps.map((s) => pages([s]).length)).toEqual([0, 1, 0, 0]);
    const down = send(last(steps), {
      type: 'TIER.DEESCALATE',
      to: 2,
      reason: 'config issue',
      at: at(5),
      actor: lee,
    });
    const up = send(down, {
      type: 'TIER.ESCALATE',
      to: 3,
      reason: 'it is a bug after all',
      at: at(6),
      actor: lee,
    });
    expect(pages([down])).toEqual([]);
    expect(pages([up])).toHaveLength(1);
    // Each page is its own: the timeline position differs.
    expect(pages([up])[0]).not.toEqual(pages([steps[1] as TicketStep])[0]);
  });

  it('a ticket opened at L3 pages at once; L4 is reached from L3 without a new page', () => {
    const s0 = startTicket(workflow, input({ tier: 3 }));
    expect(pages([s0])).toHaveLength(1);
    const vendor = send(s0, {
      type: 'TIER.ESCALATE',
      reason: 'vendor bug',
      vendor: { vendor: 'Acme DB', reference: 'CASE-7' },
      at: at(1),
      actor: lee,
    });
    expect(vendor.context.ticket.tier).toBe(4);
    expect(pages([vendor])).toEqual([]);
  });
});
