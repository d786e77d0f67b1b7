import { describe, expect, it } from 'vitest';
import type { Actor } from '../shared/primitives.schema';
import type { TimelineEvent } from '../tickets/timeline.schema';
import { type BusinessCalendar, BusinessCalendarSchema } from './calendar.schema';
import { replaySla, summarizeClocks } from './sla.clock';
import { computeClocks, explainClock, slaFactsFromTimeline } from './sla.evaluate';
import { type ClockSummary, type SlaPolicy, type SlaPolicyInput, SlaPolicySchema } from './sla.schema';
import type { SlaEnvironment } from './sla.types';

// Times are minutes after T0 = Monday 2026-03-02 09:00 Berlin (08:00Z, CET = UTC+1).
const MIN = 60_000;
const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const at = (minutes: number): number => T0 + minutes * MIN;
const isoAt = (minutes: number): string => new Date(at(minutes)).toISOString();

const berlin: BusinessCalendar = BusinessCalendarSchema.parse({
  id: 'berlin',
  timeZone: 'Europe/Berlin',
  weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
});

const policy = (input: Partial<SlaPolicyInput> & { id: string }): SlaPolicy =>
  SlaPolicySchema.parse({ name: input.id, targets: {}, ...input });
const envOf = (...policies: SlaPolicy[]): SlaEnvironment => ({ policies, calendars: [berlin] });

const customerActor: Actor = { type: 'customer', id: 'u1' };
const agentActor: Actor = { type: 'agent', id: 'a1' };

const createdEvent = (seq: number, iso: string, actor: Actor = customerActor): TimelineEvent => ({
  type: 'ticket.created',
  seq,
  at: iso,
  actor,
  subject: 'Printer on fire',
  status: 'new',
  priority: 'normal',
  tier: 1,
  channel: 'email',
  requester: { id: 'u1', plan: 'pro', tags: ['vip'] },
  tags: ['hardware'],
});
const message = (seq: number, iso: string, role: 'customer' | 'agent' | 'bot'): TimelineEvent => ({
  type: 'message.public',
  seq,
  at: iso,
  actor: role === 'customer' ? customerActor : role === 'agent' ? agentActor : { type: 'bot' },
  messageId: `m${seq}`,
  role,
  body: 'Hello',
  attachments: [],
});
const statusEvent = (
  seq: number,
  iso: string,
  from: 'new' | 'open',
  to: 'open' | 'on_hold',
): TimelineEvent => ({
  type: 'status.changed',
  seq,
  at: iso,
  actor: agentActor,
  from,
  to,
});

describe('slaFactsFromTimeline', () => {
  it('maps the SLA-relevant events in seq order and ignores the rest', () => {
    const events: TimelineEvent[] = [
      message(3, isoAt(5), 'bot'),
      createdEvent(1, isoAt(0)),
      { type: 'note.internal', seq: 2, at: isoAt(1), actor: agentActor, noteId: 'n1', body: 'checking' },
      message(4, isoAt(10), 'agent'),
      message(5, isoAt(20), 'customer'),
      statusEvent(6, isoAt(30), 'new', 'on_hold'),
      { type: 'priority.changed', seq: 7, at: isoAt(40), actor: agentActor, from: 'normal', to: 'urgent' },
      {
        type: 'tier.changed',
        seq: 8,
        at: isoAt(50),
        actor: agentActor,
        from: 1,
        to: 4,
        reason: 'vendor bug',
      },
      { type: 'tags.changed', seq: 9, at: isoAt(55), actor: agentActor, added: ['x'], removed: [] },
      {
        type: 'sla.breached',
        seq: 10,
        at: isoAt(60),
        actor: { type: 'system' },
        clockId: 'sla:resolution',
        kind: 'sla',
        metric: 'resolution',
        dueAt: isoAt(60),
      },
    ];
    expect(slaFactsFromTimeline(events)).toEqual([
      {
        type: 'created',
        at: at(0),
        byCustomer: true,
        // Policies match on the requester's plan and tags, not on the ticket's own tags.
        ticket: {
          status: 'new',
          priority: 'normal',
          tier: 1,
          channel: 'email',
          requesterPlan: 'pro',
          requesterTags: ['vip'],
        },
      },
      { type: 'agent_message', at: at(10) },
      { type: 'customer_message', at: at(20) },
      { type: 'status', at: at(30), to: 'on_hold' },
      { type: 'attributes', at: at(40), changes: { priority: 'urgent' } },
      { type: 'attributes', at: at(50), changes: { tier: 4 } },
    ]);
  });

  it('marks a ticket an agent opened as not created by the customer', () => {
    const [fact] = slaFactsFromTimeline([createdEvent(1, isoAt(0), agentActor)]);
    expect(fact).toMatchObject({ type: 'created', byCustomer: false });
  });
});

describe('computeClocks', () => {
  it('does not let a bot answer meet a human first response', () => {
    const env = envOf(policy({ id: 'p', targets: { first_response: { minutes: 60 } } }));
    const [first] = computeClocks([createdEvent(1, isoAt(0)), message(2, isoAt(1), 'bot')], env, at(30));
    expect(first).toMatchObject({ metric: 'first_response', status: 'running', elapsedMs: 30 * MIN });
  });

  it('previews the same timeline under another calendar (what-if)', () => {
    // Created Fri 6 March 16:00 Berlin; looked at Mon 9 March 08:00 Berlin (07:00Z), before opening.
    const events = [createdEvent(1, '2026-03-06T15:00:00.000Z')];
    const now = Date.parse('2026-03-09T07:00:00Z');
    const allWeek = policy({ id: 'p', targets: { resolution: { minutes: 120 } } });
    const officeHours = { ...allWeek, calendarId: 'berlin' };

    // 24/7: Fri 15:00Z → Mon 07:00Z is 24 + 24 + 16 = 64 h; due Fri 18:00 Berlin (17:00Z), long breached.
    const [before] = computeClocks(events, envOf(allWeek), now);
    expect(before).toMatchObject({
      elapsedMs: 64 * 60 * MIN,
      breached: true,
      dueAt: '2026-03-06T17:00:00.000Z',
    });
    // Business hours: only Fri 16:00–17:00 counted; due Mon 10:00 Berlin (09:00Z), not breached.
    const [after] = computeClocks(events, envOf(officeHours), now);
    expect(after).toMatchObject({ elapsedMs: 60 * MIN, breached: false, dueAt: '2026-03-09T09:00:00.000Z' });
  });

  it('equals the summaries of the replay', () => {
    const env = envOf(
      policy({ id: 'p', targets: { resolution: { minutes: 120 }, first_response: { minutes: 30 } } }),
    );
    const events = [
      createdEvent(1, isoAt(0)),
      message(2, isoAt(10), 'agent'),
      statusEvent(3, isoAt(20), 'new', 'on_hold'),
    ];
    const state = replaySla(slaFactsFromTimeline(events), env).state;
    expect(computeClocks(events, env, at(90))).toEqual(summarizeClocks(state, env, at(90)));
  });
});

describe('explainClock', () => {
  const vendorWait = policy({ id: 'p', targets: { resolution: { minutes: 480 } } });

  it('explains a pause: waiting on the vendor since 10:02', () => {
    const env = envOf(vendorWait);
    // Runs 09:00–10:02 (62 min), then on hold.
    const events = [createdEvent(1, isoAt(0)), statusEvent(2, isoAt(62), 'new', 'on_hold')];
    const [clock] = computeClocks(events, env, at(120));
    expect(explainClock(clock as ClockSummary, env, at(120), 'on_hold')).toEqual({
      state: 'paused',
      reason: 'on_hold',
      since: Date.parse('2026-03-02T09:02:00Z'), // 10:02 Berlin
      remainingMs: (480 - 62) * MIN,
      breached: false,
    });
    // Without the ticket's status, the first status the policy pauses on is assumed.
    expect(explainClock(clock as ClockSummary, env, at(120))).toMatchObject({
      state: 'paused',
      reason: 'pending',
    });
  });

  it('explains a clock outside business hours: resumes 09:00 Monday', () => {
    const env = envOf(policy({ id: 'p', calendarId: 'berlin', targets: { resolution: { minutes: 120 } } }));
    const events = [createdEvent(1, '2026-03-06T15:00:00.000Z')]; // Fri 16:00 Berlin
    const saturday = Date.parse('2026-03-07T11:00:00Z');
    const [clock] = computeClocks(events, env, saturday);
    expect(explainClock(clock as ClockSummary, env, saturday)).toEqual({
      state: 'outside_hours',
      dueAt: Date.parse('2026-03-09T09:00:00Z'), // Mon 10:00 Berlin
      resumesAt: Date.parse('2026-03-09T08:00:00Z'), // Mon 09:00 Berlin
      remainingMs: 60 * MIN, // Fri 16:00–17:00 used 60 of 120
      breached: false,
    });
  });

  it('explains a running clock: due 10:30, warning still to come', () => {
    const env = envOf(policy({ id: 'p', targets: { first_response: { minutes: 90 } } }));
    const [clock] = computeClocks([createdEvent(1, isoAt(0))], env, at(30));
    // 09:00 + 90 min = 10:30 Berlin; warning at 0.8 × 90 = 72 min → 10:12.
    expect(explainClock(clock as ClockSummary, env, at(30))).toEqual({
      state: 'running',
      dueAt: at(90),
      warningAt: at(72),
      remainingMs: 60 * MIN,
      breached: false,
    });
    expect(explainClock(clock as ClockSummary, env, at(80))).toMatchObject({
      warningAt: null,
      remainingMs: 10 * MIN,
    });
  });

  it('explains an overdue clock, carrying a stored summary forward to now', () => {
    const env = envOf(policy({ id: 'p', targets: { first_response: { minutes: 60 } } }));
    // The summary was taken at 30; at 75 it is 15 min past its 60 min target.
    const [stored] = computeClocks([createdEvent(1, isoAt(0))], env, at(30));
    expect(explainClock(stored as ClockSummary, env, at(75))).toEqual({
      state: 'overdue',
      dueAt: at(60),
      overdueMs: 15 * MIN,
      breached: true,
    });
  });

  it('explains met and stopped clocks', () => {
    const env = envOf(
      policy({ id: 'p', targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } } }),
    );
    const events: TimelineEvent[] = [
      createdEvent(1, isoAt(0)),
      message(2, isoAt(70), 'agent'),
      { type: 'status.changed', seq: 3, at: isoAt(80), actor: agentActor, from: 'open', to: 'closed' },
    ];
    const clocks = computeClocks(events, env, at(100));
    const byMetric = Object.fromEntries(clocks.map((c) => [c.metric, explainClock(c, env, at(100))]));
    expect(byMetric.first_response).toEqual({
      state: 'met',
      at: at(70),
      elapsedMs: 70 * MIN,
      breached: true,
    });
    expect(byMetric.resolution).toEqual({ state: 'stopped', at: at(80) });
  });
});
