import { describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import { BusinessCalendarSchema } from '../sla/calendar.schema';
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
    const esc: TicketEvent = { type: 'TIER.ESCALATE', reason: 'wants a human', at: at(1), actor: agent };
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

describe('ticket machine — met targets record business time', () => {
  it('records the business minutes used across a weekend and a pending pause (Berlin 9–17 Mon–Fri)', () => {
    const berlin = BusinessCalendarSchema.parse({
      id: 'berlin',
      timeZone: 'Europe/Berlin',
      weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
    });
    const office: SlaPolicy = {
      ...policy,
      id: 'p-office',
      targets: { first_response: { minutes: 240 }, resolution: { minutes: 600 } },
      calendarId: 'berlin',
    };
    // Berlin is UTC+1 in early March: Friday 2026-03-06 15:00 local is 14:00Z.
    const s0 = startTicket(
      ticketMachine,
      input({ createdAt: '2026-03-06T14:00:00.000Z', sla: { policies: [office], calendars: [berlin] } }),
    );
    const { step, all } = play(ticketMachine, s0, [
      // Fri 16:00: waiting on the customer — both clocks pause after 60 business minutes.
      { type: 'STATUS.SET', to: 'pending', at: '2026-03-06T15:00:00.000Z', actor: agent },
      // Sat 10:00: the customer answers; the clocks resume, but nothing counts until Monday 09:00.
      {
        type: 'MESSAGE.CUSTOMER',
        messageId: 'm2',
        body: 'Here',
        at: '2026-03-07T09:00:00.000Z',
        actor: customer,
      },
      // Mon 10:30: first reply — 60 + 90 business minutes (67.5 h of wall time).
      {
        type: 'MESSAGE.AGENT',
        messageId: 'm3',
        body: 'Fixed?',
        at: '2026-03-09T09:30:00.000Z',
        actor: agent,
      },
      // Mon 12:00: solved — 60 + 180 business minutes.
      { type: 'STATUS.SET', to: 'solved', at: '2026-03-09T11:00:00.000Z', actor: agent },
    ]);
    const met = all.flatMap((e) =>
      e.type === 'sla.met' ? [[e.metric, e.elapsedMs / 60_000, e.breached]] : [],
    );
    expect(met).toEqual([
      ['first_response', 150, false],
      ['resolution', 240, false],
    ]);
    const now = Date.parse('2026-03-10T12:00:00.000Z');
    const summary = toTicket(step.context, { number: 1, version: 1, now }).sla;
    expect(summary.map((c) => [c.metric, c.status, c.elapsedMs / 60_000, c.metAt])).toEqual([
      ['first_response', 'met', 150, '2026-03-09T09:30:00.000Z'],
      ['resolution', 'met', 240, '2026-03-09T11:00:00.000Z'],
    ]);
  });
});

describe('ticket machine — SLA signals exactly once per clock run', () => {
  const system = { type: 'system' } as const;
  const ruleOn = (on: 'sla.warning' | 'sla.breached'): EscalationRule => ({
    id: `r-${on}`,
    name: on,
    active: true,
    trigger: { on, metrics: ['first_response'] },
    to: 'next',
    reason: on,
  });
  const count = (events: { type: string }[], type: string) => events.filter((e) => e.type === type).length;
  // The same policies, re-sent: a replay that recomputes every signal already written.
  const update = (minute: number): TicketEvent => ({
    type: 'POLICIES.UPDATE',
    sla: { policies: [{ ...policy }], calendars: [] },
    at: at(minute),
    actor: system,
  });

  it('warning → POLICIES.UPDATE → SLA.TICK writes one warning and runs its rule once', () => {
    const s0 = startTicket(ticketMachine, input({ escalationRules: [ruleOn('sla.warning')] }));
    const { step, all, steps } = play(ticketMachine, s0, [
      { type: 'SLA.TICK', at: at(48), actor: system },
      update(50),
      { type: 'SLA.TICK', at: at(55), actor: system },
      update(56),
    ]);
    expect(steps[0]?.events.map((e) => e.type)).toEqual(['sla.warning', 'tier.changed']);
    expect(steps.slice(1).flatMap((s) => s.events)).toEqual([]);
    expect(count(all, 'sla.warning')).toBe(1);
    expect(count(all, 'tier.changed')).toBe(1);
    expect(step.context.ticket.tier).toBe(2);
  });

  it('breach → POLICIES.UPDATE writes no second breach and does not escalate again', () => {
    const s0 = startTicket(ticketMachine, input({ escalationRules: [ruleOn('sla.breached')] }));
    const { step, all, steps } = play(ticketMachine, s0, [
      { type: 'SLA.TICK', at: at(60), actor: system },
      update(61),
      { type: 'SLA.TICK', at: at(62), actor: system },
    ]);
    expect(steps[0]?.events.map((e) => e.type)).toEqual(['sla.warning', 'sla.breached', 'tier.changed']);
    expect(steps.slice(1).flatMap((s) => s.events)).toEqual([]);
    expect(count(all, 'sla.breached')).toBe(1);
    expect(count(all, 'tier.changed')).toBe(1);
    expect(step.context.ticket.tier).toBe(2);
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

describe('ticket machine — extension hooks: tiers, effects, reasons', () => {
  type DecisionEvent =
    | ({ type: 'REVIEW.START' } & EventMeta)
    | ({ type: 'REVIEW.REJECT'; reason: string } & EventMeta);
  const machine = createTicketMachine<DecisionEvent>({
    states: { in_review: { reportsAs: 'open', on: { 'REVIEW.REJECT': { target: 'open' } } } },
    transitions: { open: { 'REVIEW.START': { target: 'in_review' } } },
    tiers: { 3: { entry: ['pageOnCall'], exit: ['standDown'] } },
    actions: {
      pageOnCall: ({ context, emit }) => emit('page_on_call', { tier: context.ticket.tier }),
      standDown: ({ emit }) => emit('stand_down'),
    },
  });

  it("runs a tier's entry and exit actions, whose effects come back as data for the host", () => {
    const s0 = startTicket(machine, input());
    expect(s0.effects.filter((e) => e.type === 'workflow')).toEqual([]);
    const l2 = sendTicketEvent(machine, s0.snapshot, {
      type: 'TIER.ESCALATE',
      to: 2,
      reason: 'specialist',
      at: at(1),
      actor: agent,
    });
    expect(l2.effects.filter((e) => e.type === 'workflow')).toEqual([]);
    const l3 = sendTicketEvent(machine, l2.snapshot, {
      type: 'TIER.ESCALATE',
      reason: 'expert',
      at: at(2),
      actor: agent,
    });
    // the entry action sees the ticket already at L3
    expect(l3.effects.filter((e) => e.type === 'workflow')).toEqual([
      { type: 'workflow', name: 'page_on_call', ticketId: 't1', data: { tier: 3 } },
    ]);
    // staying at L3 enters nothing again
    const note = sendTicketEvent(machine, l3.snapshot, {
      type: 'NOTE.ADD',
      noteId: 'n1',
      body: 'looking',
      at: at(3),
      actor: agent,
    });
    expect(note.effects).toEqual([]);
    const down = sendTicketEvent(machine, note.snapshot, {
      type: 'TIER.DEESCALATE',
      to: 2,
      reason: 'not a bug',
      at: at(4),
      actor: agent,
    });
    expect(down.effects.filter((e) => e.type === 'workflow')).toEqual([
      { type: 'workflow', name: 'stand_down', ticketId: 't1', data: {} },
    ]);
    // a ticket created at L3 has entered L3
    expect(startTicket(machine, input({ tier: 3 })).effects).toContainEqual({
      type: 'workflow',
      name: 'page_on_call',
      ticketId: 't1',
      data: { tier: 3 },
    });
  });

  it("lets a custom escalation rule see the requester's plan and tags", () => {
    const seen: unknown[] = [];
    const byPlan = createTicketMachine({
      escalationRules: [
        {
          id: 'enterprise-to-l2',
          evaluate: (trigger, t) => {
            seen.push([t.requesterPlan, t.requesterTags]);
            return trigger.on === 'priority' && t.requesterPlan === 'enterprise'
              ? { to: 2, reason: 'enterprise plan' }
              : null;
          },
        },
      ],
    });
    const requester = { id: 'u1', name: 'Ada', plan: 'enterprise', tags: ['beta'] };
    expect(startTicket(byPlan, input({ requester })).context.ticket.tier).toBe(2);
    expect(seen[0]).toEqual(['enterprise', ['beta']]);
    expect(startTicket(byPlan, input()).context.ticket.tier).toBe(1);
  });

  it("records a custom event's reason on the status change it causes", () => {
    const s0 = startTicket(machine, input({ status: 'open' }));
    const review = sendTicketEvent(machine, s0.snapshot, { type: 'REVIEW.START', at: at(1), actor: agent });
    expect(review.context.ticket.workflowState).toBe('in_review');
    const back = sendTicketEvent(machine, review.snapshot, {
      type: 'REVIEW.REJECT',
      reason: ' over the limit ',
      at: at(2),
      actor: agent,
    });
    expect(back.events).toEqual([
      expect.objectContaining({ type: 'status.changed', from: 'open', to: 'open', reason: 'over the limit' }),
    ]);
  });
});

describe('ticket machine — guards', () => {
  const system = { type: 'system' } as const;
  const send = (step: TicketStep, event: TicketEvent) =>
    sendTicketEvent(ticketMachine, JSON.parse(JSON.stringify(step.snapshot)), event);
  const solvedTicket = () =>
    play(ticketMachine, startTicket(ticketMachine, input({ tier: 2 })), [
      { type: 'STATUS.SET', to: 'solved', at: at(5), actor: agent },
    ]).step;

  it('L4 needs a vendor and a reference that are not blank', () => {
    const s0 = startTicket(ticketMachine, input({ tier: 3 }));
    for (const vendor of [
      { vendor: '', reference: '' },
      { vendor: 'Acme DB', reference: '   ' },
      { vendor: ' ', reference: 'CASE-77' },
    ]) {
      const step = send(s0, { type: 'TIER.ESCALATE', reason: 'vendor bug', vendor, at: at(1), actor: agent });
      expect(step.accepted, JSON.stringify(vendor)).toBe(false);
      expect(step.context.ticket.tier).toBe(3);
    }
    const ok = send(s0, {
      type: 'TIER.ESCALATE',
      reason: 'vendor bug',
      vendor: { vendor: ' Acme DB ', reference: ' CASE-77 ' },
      at: at(1),
      actor: agent,
    });
    expect(ok.context.ticket.vendor).toEqual({ vendor: 'Acme DB', reference: 'CASE-77', since: at(1) });
  });

  it('only the system may escalate by rule id, and only a rule skips the self-service requirement', () => {
    const s0 = startTicket(ticketMachine, input({ tier: 0, settings: { requireSelfServiceFirst: true } }));
    const byRule = { type: 'TIER.ESCALATE', reason: 'rule', ruleId: 'r1', at: at(1) } as const;
    expect(send(s0, { ...byRule, actor: agent }).accepted).toBe(false);
    expect(send(s0, { ...byRule, actor: customer }).accepted).toBe(false);
    expect(send(s0, { ...byRule, actor: system }).context.ticket.tier).toBe(1);
    // an agent claiming a rule id is refused even where no self-service is required
    const l1 = startTicket(ticketMachine, input());
    expect(send(l1, { ...byRule, actor: agent }).accepted).toBe(false);
    expect(send(l1, { ...byRule, actor: system }).context.ticket.tier).toBe(2);
  });

  it('a customer changes the ticket only through messages, ratings and self-service', () => {
    const s0 = startTicket(ticketMachine, input({ tier: 2 }));
    const refused: TicketEvent[] = [
      { type: 'TIER.ESCALATE', reason: 'faster please', at: at(1), actor: customer },
      { type: 'TIER.DEESCALATE', to: 1, reason: 'simpler', at: at(1), actor: customer },
      { type: 'STATUS.SET', to: 'solved', at: at(1), actor: customer },
      { type: 'STATUS.SET', to: 'open', at: at(1), actor: customer },
      { type: 'PRIORITY.SET', to: 'urgent', at: at(1), actor: customer },
      { type: 'ASSIGNEE.SET', to: 'a9', at: at(1), actor: customer },
      { type: 'TAGS.SET', tags: ['vip'], at: at(1), actor: customer },
      { type: 'FIELDS.SET', subject: 'mine now', at: at(1), actor: customer },
      { type: 'NOTE.ADD', noteId: 'n1', body: 'internal?', at: at(1), actor: customer },
      { type: 'TICKET.MERGE', into: 't9', at: at(1), actor: customer },
      { type: 'MESSAGE.AGENT', messageId: 'm9', body: 'I am the agent', at: at(1), actor: customer },
      { type: 'LINK.PROBLEM', problemId: 'p1', at: at(1), actor: customer },
    ];
    for (const event of refused) {
      const step = send(s0, event);
      expect(step.accepted, `${event.type} by a customer`).toBe(false);
      expect(step.events, event.type).toEqual([]);
      expect(step.context).toEqual(s0.context);
    }
    // what a customer may do
    const replied = send(s0, {
      type: 'MESSAGE.CUSTOMER',
      messageId: 'm2',
      body: 'more',
      at: at(1),
      actor: customer,
    });
    expect(replied.accepted).toBe(true);
    expect(send(s0, { type: 'SELF_SERVICE.ATTEMPTED', at: at(1), actor: customer }).accepted).toBe(true);
  });

  it('events without an actor (or an instant) are refused, not recorded as the system', () => {
    const s0 = startTicket(ticketMachine, input());
    const withoutActor = [
      { type: 'TIER.ESCALATE', reason: 'no one asked', at: at(1) },
      { type: 'STATUS.SET', to: 'solved', at: at(1) },
      { type: 'PRIORITY.SET', to: 'high', at: at(1) },
      { type: 'NOTE.ADD', noteId: 'n1', body: 'ghost', at: at(1) },
      { type: 'MESSAGE.AGENT', messageId: 'm1', body: 'ghost', at: at(1) },
      { type: 'TIER.ESCALATE', reason: 'no time', actor: agent },
      { type: 'STATUS.SET', to: 'solved', at: 'yesterday', actor: agent },
    ] as unknown as TicketEvent[];
    for (const event of withoutActor) {
      const step = send(s0, event);
      expect(step.accepted, JSON.stringify(event)).toBe(false);
      expect(step.events).toEqual([]);
    }
  });

  it('a ticket merges only into another ticket, once', () => {
    const s0 = startTicket(ticketMachine, input());
    expect(send(s0, { type: 'TICKET.MERGE', into: 't1', at: at(1), actor: agent }).accepted).toBe(false);
    expect(send(s0, { type: 'TICKET.MERGE', into: '', at: at(1), actor: agent }).accepted).toBe(false);
    expect(send(s0, { type: 'TICKET.MERGE', into: '  ', at: at(1), actor: agent }).accepted).toBe(false);
    const merged = send(s0, { type: 'TICKET.MERGE', into: 't9', at: at(1), actor: agent });
    expect(merged.context.ticket.links.mergedInto).toBe('t9');
    expect(send(merged, { type: 'TICKET.MERGE', into: 't8', at: at(2), actor: agent }).accepted).toBe(false);
    // a solved duplicate merges too, and is then closed for good
    const solved = solvedTicket();
    const mergedSolved = send(solved, { type: 'TICKET.MERGE', into: 't9', at: at(6), actor: agent });
    expect(mergedSolved.context.ticket.status).toBe('closed');
    expect(send(mergedSolved, { type: 'TICKET.MERGE', into: 't8', at: at(7), actor: agent }).accepted).toBe(
      false,
    );
  });

  it('CSAT comes from the requester, as a whole score from 1 to 5, after solve', () => {
    const solved = solvedTicket();
    const rate = (score: number, actor: TicketEvent['actor']) =>
      send(solved, { type: 'CSAT.SUBMIT', score, at: at(6), actor }).accepted;
    expect(rate(5, agent)).toBe(false);
    expect(rate(5, system)).toBe(false);
    expect(rate(5, { type: 'customer', id: 'someone-else' })).toBe(false);
    expect(rate(0, customer)).toBe(false);
    expect(rate(6, customer)).toBe(false);
    expect(rate(4.5, customer)).toBe(false);
    expect(rate(Number.NaN, customer)).toBe(false);
    expect(rate(1, customer)).toBe(true);
    expect(rate(5, customer)).toBe(true);
  });

  it('at L4, setting the ticket open keeps the tier and the vendor reference (documented)', () => {
    const s0 = startTicket(ticketMachine, input({ tier: 3 }));
    const l4 = send(s0, {
      type: 'TIER.ESCALATE',
      reason: 'vendor bug',
      vendor: { vendor: 'Acme DB', reference: 'CASE-77' },
      at: at(1),
      actor: agent,
    });
    expect(l4.context.ticket.status).toBe('on_hold');
    const opened = send(l4, { type: 'STATUS.SET', to: 'open', at: at(2), actor: agent });
    expect(opened.context.ticket).toMatchObject({
      status: 'open',
      tier: 4,
      vendor: { vendor: 'Acme DB', reference: 'CASE-77', since: at(1) },
    });
    expect(opened.snapshot).toMatchObject({ value: { status: 'open', tier: 'tier4' } });
    // coming back from the vendor later clears the reference and leaves the status as it is
    const back = send(opened, { type: 'TIER.DEESCALATE', to: 3, reason: 'fixed', at: at(3), actor: agent });
    expect(back.context.ticket).toMatchObject({ status: 'open', tier: 3, vendor: null });
    expect(back.events.filter((e) => e.type === 'status.changed')).toEqual([]);
  });

  it('solved and closed tickets are not de-escalated', () => {
    const solved = solvedTicket();
    const down = { type: 'TIER.DEESCALATE', to: 1, reason: 'simpler', at: at(6), actor: agent } as const;
    expect(send(solved, down).accepted).toBe(false);
    expect(send(solved, down).context.ticket.tier).toBe(2);
    const closed = send(solved, { type: 'STATUS.SET', to: 'closed', at: at(7), actor: agent });
    expect(send(closed, { ...down, at: at(8) }).accepted).toBe(false);
  });
});
