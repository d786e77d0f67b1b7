import { describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import type { SlaPolicy } from '../sla/sla.schema';
import type { EscalationRule } from '../tiers/escalation.schema';
import { createTicketMachine, ticketMachine } from './ticket.machine';
import { sendTicketEvent, startTicket, type TicketStep, toTicket } from './ticket.runtime';
import type { EventMeta, TicketEvent, TicketMachineInput } from './ticket.types';

const T0 = Date.parse('2026-03-02T09:00:00.000Z'); // a Monday
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const customer = { type: 'customer', id: 'u1' } as const;
const agent = { type: 'agent', id: 'a1' } as const;

const policy: SlaPolicy = {
  id: 'p-default',
  name: 'Default 24/7',
  kind: 'sla',
  active: true,
  position: 0,
  conditions: {},
  targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
  calendarId: null,
  warningFraction: 0.8,
  pauseOn: ['pending', 'on_hold'],
};

const input = (over: Partial<TicketMachineInput> = {}): TicketMachineInput => ({
  id: 't1',
  workspaceId: 'w1',
  subject: 'Cannot export invoices',
  body: 'The export button does nothing.',
  requester: { id: 'u1', name: 'Ada', tags: [] },
  createdAt: at(0),
  sla: { policies: [policy], calendars: [] },
  ...over,
});

/** Runs events one by one through the stateless step, persisting as JSON in between like a server. */
function play(machine: typeof ticketMachine, start: TicketStep, events: TicketEvent[]) {
  let step = start;
  const all = [...start.events];
  const steps: TicketStep[] = [];
  for (const e of events) {
    step = sendTicketEvent(machine, JSON.parse(JSON.stringify(step.snapshot)), e);
    all.push(...step.events);
    steps.push(step);
  }
  return { step, all, steps };
}

describe('ticket machine — lifecycle', () => {
  it('records creation: ticket.created, the first message, clocks and an assignment request', () => {
    const s = startTicket(ticketMachine, input());
    expect(s.events.map((e) => e.type)).toEqual(['ticket.created', 'message.public']);
    expect(s.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(s.context.ticket.status).toBe('new');
    expect(s.context.ticket.tier).toBe(1);
    expect(s.effects).toContainEqual({ type: 'assign', ticketId: 't1', tier: 1, groupId: null });
    // first response 60 min → warning at 48 min (0.8), the earliest SLA timer.
    expect(s.timers.sla).toBe(T0 + 48 * 60_000);
    const ticket = toTicket(s.context, { number: 1, version: 1, now: T0 });
    expect(ticket.sla.map((c) => c.id).sort()).toEqual(['sla:first_response', 'sla:resolution']);
  });

  it('agent reply opens the ticket and meets first response; pending pauses; customer reply reopens work', () => {
    const s0 = startTicket(ticketMachine, input());
    const { step, all } = play(ticketMachine, s0, [
      { type: 'MESSAGE.AGENT', messageId: 'm1', body: 'Looking into it', at: at(10), actor: agent },
      { type: 'STATUS.SET', to: 'pending', at: at(11), actor: agent },
      { type: 'MESSAGE.CUSTOMER', messageId: 'm2', body: 'Any news?', at: at(30), actor: customer },
    ]);
    expect(step.context.ticket.status).toBe('open');
    const types = all.map((e) => e.type);
    expect(types).toContain('sla.met');
    const met = all.find((e) => e.type === 'sla.met');
    expect(met).toMatchObject({ metric: 'first_response', elapsedMs: 10 * 60_000, breached: false });
    const statuses = all
      .filter((e) => e.type === 'status.changed')
      .map((e) => (e.type === 'status.changed' ? `${e.from}>${e.to}` : ''));
    expect(statuses).toEqual(['new>open', 'open>pending', 'pending>open']);
    // seq numbers are gap-free across persisted steps
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
  });

  it('cannot close before solved; solve then auto-close after the delay, not before', () => {
    const s0 = startTicket(ticketMachine, input({ settings: { autoCloseAfterMs: 60 * 60_000 } }));
    const rejected = sendTicketEvent(ticketMachine, s0.snapshot, {
      type: 'STATUS.SET',
      to: 'closed',
      at: at(1),
      actor: agent,
    });
    expect(rejected.accepted).toBe(false);
    expect(rejected.context.ticket.status).toBe('new');
    const { step } = play(ticketMachine, s0, [{ type: 'STATUS.SET', to: 'solved', at: at(5), actor: agent }]);
    expect(step.context.ticket.status).toBe('solved');
    expect(step.timers.auto_close).toBe(T0 + 65 * 60_000);
    const early = sendTicketEvent(ticketMachine, step.snapshot, {
      type: 'TIMER.FIRED',
      key: 'auto_close',
      at: at(64),
      actor: { type: 'system' },
    });
    expect(early.accepted).toBe(false);
    const due = sendTicketEvent(ticketMachine, step.snapshot, {
      type: 'TIMER.FIRED',
      key: 'auto_close',
      at: at(65),
      actor: { type: 'system' },
    });
    expect(due.context.ticket.status).toBe('closed');
    expect(due.timers).toEqual({ sla: null, auto_close: null, snooze: null });
  });

  it('a customer reply reopens a solved ticket and counts the reopen', () => {
    const s0 = startTicket(ticketMachine, input());
    const { step } = play(ticketMachine, s0, [
      { type: 'STATUS.SET', to: 'solved', at: at(5), actor: agent },
      { type: 'MESSAGE.CUSTOMER', messageId: 'm2', body: 'Still broken', at: at(9), actor: customer },
    ]);
    expect(step.context.ticket.status).toBe('open');
    expect(step.context.ticket.reopenCount).toBe(1);
    expect(step.context.ticket.solvedAt).toBeNull();
  });

  it('snooze reopens a pending ticket at the set time', () => {
    const s0 = startTicket(ticketMachine, input());
    const { step } = play(ticketMachine, s0, [
      { type: 'STATUS.SET', to: 'pending', until: at(120), at: at(5), actor: agent },
    ]);
    expect(step.timers.snooze).toBe(T0 + 120 * 60_000);
    const fired = sendTicketEvent(ticketMachine, step.snapshot, {
      type: 'TIMER.FIRED',
      key: 'snooze',
      at: at(120),
      actor: { type: 'system' },
    });
    expect(fired.context.ticket.status).toBe('open');
    expect(fired.events.find((e) => e.type === 'status.changed')).toMatchObject({ reason: 'snooze ended' });
  });

  it('CSAT is accepted once, only after solve', () => {
    const s0 = startTicket(ticketMachine, input());
    expect(
      sendTicketEvent(ticketMachine, s0.snapshot, {
        type: 'CSAT.SUBMIT',
        score: 5,
        at: at(1),
        actor: customer,
      }).accepted,
    ).toBe(false);
    const { step } = play(ticketMachine, s0, [
      { type: 'STATUS.SET', to: 'solved', at: at(5), actor: agent },
      { type: 'CSAT.SUBMIT', score: 4, comment: 'Quick', at: at(6), actor: customer },
    ]);
    expect(step.context.ticket.csat).toEqual({ score: 4, comment: 'Quick', at: at(6) });
    expect(
      sendTicketEvent(ticketMachine, step.snapshot, {
        type: 'CSAT.SUBMIT',
        score: 1,
        at: at(7),
        actor: customer,
      }).accepted,
    ).toBe(false);
  });

  it('an accepted Tier 0 answer solves the ticket as deflected', () => {
    const s0 = startTicket(ticketMachine, input({ tier: 0 }));
    const { step, all } = play(ticketMachine, s0, [
      { type: 'MESSAGE.BOT', messageId: 'b1', body: 'Try this article', at: at(0), actor: { type: 'bot' } },
      { type: 'ASSISTANT.ACCEPTED', articleId: 'kb1', at: at(2), actor: customer },
    ]);
    expect(step.context.ticket.status).toBe('solved');
    expect(all.map((e) => e.type)).toContain('ticket.deflected');
    // at L1 the answer cannot solve
    const l1 = startTicket(ticketMachine, input());
    expect(
      sendTicketEvent(ticketMachine, l1.snapshot, { type: 'ASSISTANT.ACCEPTED', at: at(2), actor: customer })
        .accepted,
    ).toBe(false);
  });

  it('merging closes the duplicate with a link', () => {
    const s0 = startTicket(ticketMachine, input());
    const { step } = play(ticketMachine, s0, [{ type: 'TICKET.MERGE', into: 't9', at: at(3), actor: agent }]);
    expect(step.context.ticket.status).toBe('closed');
    expect(step.context.ticket.links.mergedInto).toBe('t9');
  });
});

describe('ticket machine — tiers', () => {
  it('manual escalation needs a reason; it records actor, from, to and reason and clears the assignee', () => {
    const s0 = startTicket(ticketMachine, input());
    const assigned = sendTicketEvent(ticketMachine, s0.snapshot, {
      type: 'ASSIGNEE.SET',
      to: 'a1',
      at: at(1),
      actor: agent,
    });
    const noReason = sendTicketEvent(ticketMachine, assigned.snapshot, {
      type: 'TIER.ESCALATE',
      reason: '  ',
      at: at(2),
      actor: agent,
    });
    expect(noReason.accepted).toBe(false);
    const ok = sendTicketEvent(ticketMachine, assigned.snapshot, {
      type: 'TIER.ESCALATE',
      reason: 'needs DB access',
      at: at(2),
      actor: agent,
    });
    expect(ok.context.ticket.tier).toBe(2);
    expect(ok.context.ticket.assigneeId).toBeNull();
    expect(ok.events[0]).toMatchObject({
      type: 'tier.changed',
      from: 1,
      to: 2,
      reason: 'needs DB access',
      actor: agent,
    });
    expect(ok.effects).toContainEqual({ type: 'assign', ticketId: 't1', tier: 2, groupId: null });
  });

  it('L4 needs a vendor reference and puts the ticket on hold; coming back resumes work', () => {
    const s0 = startTicket(ticketMachine, input({ tier: 3 }));
    const noVendor = sendTicketEvent(ticketMachine, s0.snapshot, {
      type: 'TIER.ESCALATE',
      reason: 'vendor bug',
      at: at(1),
      actor: agent,
    });
    expect(noVendor.accepted).toBe(false);
    const { step } = play(ticketMachine, s0, [
      {
        type: 'TIER.ESCALATE',
        reason: 'vendor bug',
        vendor: { vendor: 'Acme DB', reference: 'CASE-77' },
        at: at(1),
        actor: agent,
      },
    ]);
    expect(step.context.ticket.tier).toBe(4);
    expect(step.context.ticket.status).toBe('on_hold');
    expect(step.context.ticket.vendor).toEqual({ vendor: 'Acme DB', reference: 'CASE-77', since: at(1) });
    const back = sendTicketEvent(ticketMachine, step.snapshot, {
      type: 'TIER.DEESCALATE',
      to: 3,
      reason: 'vendor fixed it',
      at: at(30),
      actor: agent,
    });
    expect(back.context.ticket.tier).toBe(3);
    expect(back.context.ticket.status).toBe('open');
    expect(back.context.ticket.vendor).toBeNull();
  });

  it('de-escalation needs a lower tier and a reason', () => {
    const s0 = startTicket(ticketMachine, input({ tier: 2 }));
    expect(
      sendTicketEvent(ticketMachine, s0.snapshot, {
        type: 'TIER.DEESCALATE',
        to: 3,
        reason: 'x y z',
        at: at(1),
        actor: agent,
      }).accepted,
    ).toBe(false);
    expect(
      sendTicketEvent(ticketMachine, s0.snapshot, {
        type: 'TIER.DEESCALATE',
        to: 1,
        reason: '',
        at: at(1),
        actor: agent,
      }).accepted,
    ).toBe(false);
    expect(
      sendTicketEvent(ticketMachine, s0.snapshot, {
        type: 'TIER.DEESCALATE',
        to: 1,
        reason: 'L1 can do it',
        at: at(1),
        actor: agent,
      }).context.ticket.tier,
    ).toBe(1);
  });

  it('leaving Tier 0 needs a self-service attempt where the workspace requires it', () => {
    const s0 = startTicket(ticketMachine, input({ tier: 0, settings: { requireSelfServiceFirst: true } }));
    const esc: TicketEvent = { type: 'TIER.ESCALATE', reason: 'wants a human', at: at(1), actor: customer };
    expect(sendTicketEvent(ticketMachine, s0.snapshot, esc).accepted).toBe(false);
    const tried = sendTicketEvent(ticketMachine, s0.snapshot, {
      type: 'SELF_SERVICE.ATTEMPTED',
      at: at(1),
      actor: customer,
    });
    expect(sendTicketEvent(ticketMachine, tried.snapshot, esc).context.ticket.tier).toBe(1);
  });

  it('a rule escalates automatically on SLA breach, with the rule id and the system as actor', () => {
    const rule: EscalationRule = {
      id: 'r-frt-breach',
      name: 'FRT breach to L2',
      active: true,
      trigger: { on: 'sla.breached', metrics: ['first_response'] },
      to: 'next',
      reason: 'first response breached',
    };
    const s0 = startTicket(ticketMachine, input({ escalationRules: [rule] }));
    const warned = sendTicketEvent(ticketMachine, s0.snapshot, {
      type: 'SLA.TICK',
      at: at(48),
      actor: { type: 'system' },
    });
    expect(warned.events.map((e) => e.type)).toEqual(['sla.warning']);
    expect(warned.context.ticket.tier).toBe(1);
    const breached = sendTicketEvent(ticketMachine, warned.snapshot, {
      type: 'SLA.TICK',
      at: at(60),
      actor: { type: 'system' },
    });
    expect(breached.events.map((e) => e.type)).toEqual(['sla.breached', 'tier.changed']);
    expect(breached.events[1]).toMatchObject({
      from: 1,
      to: 2,
      ruleId: 'r-frt-breach',
      actor: { type: 'system' },
    });
    // a second tick fires nothing again
    const again = sendTicketEvent(ticketMachine, breached.snapshot, {
      type: 'SLA.TICK',
      at: at(61),
      actor: { type: 'system' },
    });
    expect(again.events).toEqual([]);
  });

  it('priority and keyword rules escalate at creation, once', () => {
    const rules: EscalationRule[] = [
      {
        id: 'r-urgent',
        name: 'urgent',
        active: true,
        trigger: { on: 'priority', priorities: ['urgent'] },
        to: 2,
        reason: 'urgent',
      },
      {
        id: 'r-kw',
        name: 'security',
        active: true,
        trigger: { on: 'tags', tags: [], keywords: ['data breach'] },
        to: 3,
        reason: 'security keyword',
      },
    ];
    const s = startTicket(
      ticketMachine,
      input({ priority: 'urgent', body: 'We think there was a DATA BREACH', escalationRules: rules }),
    );
    // the highest target wins in one move
    expect(s.context.ticket.tier).toBe(3);
    const moves = s.events.filter((e) => e.type === 'tier.changed');
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({ ruleId: 'r-kw', from: 1, to: 3 });
  });

  it('a deactivated policy leaves no running clock and no later escalation', () => {
    const rule: EscalationRule = {
      id: 'r1',
      name: 'breach',
      active: true,
      trigger: { on: 'sla.breached' },
      to: 'next',
      reason: 'breach',
    };
    const s0 = startTicket(ticketMachine, input({ escalationRules: [rule] }));
    const updated = sendTicketEvent(ticketMachine, s0.snapshot, {
      type: 'POLICIES.UPDATE',
      sla: { policies: [{ ...policy, active: false }], calendars: [] },
      at: at(30),
      actor: { type: 'system' },
    });
    expect(updated.timers.sla).toBeNull();
    const late = sendTicketEvent(ticketMachine, updated.snapshot, {
      type: 'SLA.TICK',
      at: at(600),
      actor: { type: 'system' },
    });
    expect(late.events).toEqual([]);
    expect(late.context.ticket.tier).toBe(1);
  });
});

describe('ticket machine — hosts and persistence', () => {
  it('named side effects can be replaced with .provide()', () => {
    const notify = vi.fn();
    const machine = ticketMachine.provide({ actions: { notify: (_, params) => notify(params.reason) } });
    const actor = createActor(machine, { input: input() }).start();
    actor.send({ type: 'MESSAGE.AGENT', messageId: 'm1', body: 'hi', at: at(1), actor: agent });
    actor.send({ type: 'STATUS.SET', to: 'solved', at: at(2), actor: agent });
    expect(notify.mock.calls.map((c) => c[0])).toEqual(['agent_reply', 'csat_request']);
  });

  it('a persisted snapshot restored and continued ends where an uninterrupted run ends', () => {
    const events: TicketEvent[] = [
      { type: 'MESSAGE.AGENT', messageId: 'm1', body: 'hi', at: at(10), actor: agent },
      { type: 'STATUS.SET', to: 'pending', at: at(20), actor: agent },
      { type: 'MESSAGE.CUSTOMER', messageId: 'm2', body: 'back', at: at(200), actor: customer },
      { type: 'SLA.TICK', at: at(500), actor: { type: 'system' } },
      { type: 'TIER.ESCALATE', reason: 'hard one', at: at(501), actor: agent },
    ];
    const live = createActor(ticketMachine, { input: input() }).start();
    for (const e of events) live.send(e);
    const { step } = play(ticketMachine, startTicket(ticketMachine, input()), events);
    expect(step.context).toEqual(live.getSnapshot().context);
    expect(JSON.parse(JSON.stringify(step.snapshot))).toEqual(
      JSON.parse(JSON.stringify(live.getPersistedSnapshot())),
    );
  });
});

describe('ticket machine — extension', () => {
  type ApprovalEvent =
    | ({ type: 'APPROVAL.REQUEST' } & EventMeta)
    | ({ type: 'APPROVAL.GRANT' } & EventMeta)
    | ({ type: 'APPROVAL.DENY' } & EventMeta);

  it('adds an awaiting_approval step with its own events, guard, action and rule, without forking', () => {
    const paged: string[] = [];
    const machine = createTicketMachine<ApprovalEvent>({
      states: {
        awaiting_approval: {
          reportsAs: 'on_hold',
          on: {
            'APPROVAL.GRANT': { target: 'open', actions: ['logApproval'] },
            'APPROVAL.DENY': { target: 'solved' },
          },
        },
      },
      transitions: { open: { 'APPROVAL.REQUEST': { target: 'awaiting_approval', guard: 'isRefund' } } },
      guards: { isRefund: ({ context }) => context.ticket.tags.includes('refund') },
      actions: { logApproval: ({ context }) => paged.push(`approved ${context.ticket.id}`) },
      escalationRules: [
        {
          id: 'vip-skip-l1',
          evaluate: (trigger, t) =>
            trigger.on === 'priority' && t.priority === 'urgent' ? { to: 2, reason: 'VIP' } : null,
        },
      ],
    });
    const s0 = startTicket(machine, input({ tags: ['refund'] }));
    const opened = sendTicketEvent(machine, s0.snapshot, {
      type: 'STATUS.SET',
      to: 'open',
      at: at(1),
      actor: agent,
    });
    const waiting = sendTicketEvent(machine, opened.snapshot, {
      type: 'APPROVAL.REQUEST',
      at: at(2),
      actor: agent,
    });
    expect(waiting.context.ticket.workflowState).toBe('awaiting_approval');
    expect(waiting.context.ticket.status).toBe('on_hold');
    expect(waiting.events[0]).toMatchObject({
      type: 'status.changed',
      from: 'open',
      to: 'on_hold',
      state: 'awaiting_approval',
    });
    // the step pauses SLA clocks like on_hold does
    expect(
      toTicket(waiting.context, { number: 1, version: 3, now: T0 }).sla.every((c) => c.status === 'paused'),
    ).toBe(true);
    // inherits built-in transitions of on_hold: a customer message reopens work
    const granted = sendTicketEvent(machine, waiting.snapshot, {
      type: 'APPROVAL.GRANT',
      at: at(3),
      actor: agent,
    });
    expect(granted.context.ticket.workflowState).toBe('open');
    expect(paged).toEqual(['approved t1']);
    // guard: without the refund tag the request is refused
    const plain = startTicket(machine, input());
    const plainOpen = sendTicketEvent(machine, plain.snapshot, {
      type: 'STATUS.SET',
      to: 'open',
      at: at(1),
      actor: agent,
    });
    expect(
      sendTicketEvent(machine, plainOpen.snapshot, { type: 'APPROVAL.REQUEST', at: at(2), actor: agent })
        .accepted,
    ).toBe(false);
    // the custom rule ran
    expect(startTicket(machine, input({ priority: 'urgent' })).context.ticket.tier).toBe(2);
  });
});
