import { describe, expect, it } from 'vitest';
import { type DeflectionEvent, DeflectionEventSchema } from '../kb/deflection.schema';
import type { Actor } from '../shared/primitives.schema';
import type { ClockKind, SlaMetric } from '../sla/sla.schema';
import type { TicketChannel, TicketStatus } from '../tickets/ticket.schema';
import { type TimelineEvent, type TimelineEventDraft, TimelineEventSchema } from '../tickets/timeline.schema';
import type { Tier } from '../tiers/tier.schema';
import {
  backlogByTierAndAge,
  computeMetrics,
  csatScore,
  deflectionRate,
  escalationRates,
  firstContactResolution,
  firstResponseTimes,
  MetricsInputError,
  type MetricsWindow,
  percentile,
  reopenRate,
  resolutionTimes,
  slaCompliance,
  summarizeDurations,
  type TicketHistory,
} from './metrics';
import { MetricsReportSchema } from './metrics.schema';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/* ---------------------------------------------------------------------------------------------- */
/* Builders: one line per event in the scripts below                                              */
/* ---------------------------------------------------------------------------------------------- */

/** `'03-02 09:30'` → `2026-03-02T09:30:00.000Z` (every instant in these tests is UTC). */
const at = (monthDayTime: string): string => {
  const [date, time] = monthDayTime.split(' ');
  return `2026-${date}T${time}:00.000Z`;
};

const CUSTOMER: Actor = { type: 'customer', id: 'cust-1' };
const AGENT: Actor = { type: 'agent', id: 'agent-1' };
const BOT: Actor = { type: 'bot', id: 'bot-1' };
const SYSTEM: Actor = { type: 'system' };

let messageCounter = 0;
const message = (when: string, role: 'customer' | 'agent' | 'bot'): TimelineEventDraft => ({
  type: 'message.public',
  at: at(when),
  actor: role === 'agent' ? AGENT : role === 'bot' ? BOT : CUSTOMER,
  messageId: `m${++messageCounter}`,
  role,
  body: `${role} message`,
  attachments: [],
});

const ev = {
  created: (
    when: string,
    opts: { by?: Actor; tier?: Tier; status?: TicketStatus; channel?: TicketChannel } = {},
  ): TimelineEventDraft => ({
    type: 'ticket.created',
    at: at(when),
    actor: opts.by ?? CUSTOMER,
    subject: 'Help',
    status: opts.status ?? 'new',
    priority: 'normal',
    tier: opts.tier ?? 1,
    channel: opts.channel ?? 'widget',
    requester: { id: 'cust-1', tags: [] },
    tags: [],
  }),
  customer: (when: string) => message(when, 'customer'),
  agent: (when: string) => message(when, 'agent'),
  bot: (when: string) => message(when, 'bot'),
  note: (when: string): TimelineEventDraft => ({
    type: 'note.internal',
    at: at(when),
    actor: AGENT,
    noteId: `n-${when}`,
    body: 'internal',
  }),
  status: (when: string, from: TicketStatus, to: TicketStatus, actor: Actor = AGENT): TimelineEventDraft => ({
    type: 'status.changed',
    at: at(when),
    actor,
    from,
    to,
  }),
  tier: (when: string, from: Tier, to: Tier): TimelineEventDraft => ({
    type: 'tier.changed',
    at: at(when),
    actor: AGENT,
    from,
    to,
    reason: 'needs specialist',
  }),
  slaWarning: (when: string, kind: ClockKind, metric: SlaMetric): TimelineEventDraft => ({
    type: 'sla.warning',
    at: at(when),
    actor: SYSTEM,
    clockId: `${kind}:${metric}`,
    kind,
    metric,
    dueAt: at(when),
  }),
  slaBreached: (when: string, kind: ClockKind, metric: SlaMetric): TimelineEventDraft => ({
    type: 'sla.breached',
    at: at(when),
    actor: SYSTEM,
    clockId: `${kind}:${metric}`,
    kind,
    metric,
    dueAt: at(when),
  }),
  slaMet: (when: string, kind: ClockKind, metric: SlaMetric, breached: boolean): TimelineEventDraft => ({
    type: 'sla.met',
    at: at(when),
    actor: SYSTEM,
    clockId: `${kind}:${metric}`,
    kind,
    metric,
    elapsedMs: 0,
    breached,
  }),
  csat: (when: string, score: number): TimelineEventDraft => ({
    type: 'csat.submitted',
    at: at(when),
    actor: CUSTOMER,
    csat: { score, at: at(when) },
  }),
  deflected: (when: string): TimelineEventDraft => ({
    type: 'ticket.deflected',
    at: at(when),
    actor: CUSTOMER,
    articleId: 'kb-1',
  }),
  merged: (when: string, into: string): TimelineEventDraft => ({
    type: 'ticket.merged',
    at: at(when),
    actor: AGENT,
    into,
  }),
};

/** Numbers the events 1, 2, 3… in the order written. */
const ticket = (ticketId: string, ...drafts: TimelineEventDraft[]): TicketHistory => ({
  ticketId,
  events: drafts.map((d, i) => ({ ...d, seq: i + 1 }) as TimelineEvent),
});

const step = {
  search: (sessionId: string, when: string): DeflectionEvent => ({
    type: 'search',
    sessionId,
    at: at(when),
    query: 'reset password',
    resultCount: 3,
  }),
  viewed: (sessionId: string, when: string): DeflectionEvent => ({
    type: 'article.viewed',
    sessionId,
    at: at(when),
    articleId: 'kb-1',
  }),
  voted: (sessionId: string, when: string): DeflectionEvent => ({
    type: 'article.voted',
    sessionId,
    at: at(when),
    articleId: 'kb-1',
    helpful: true,
  }),
  shown: (sessionId: string, when: string): DeflectionEvent => ({
    type: 'suggestions.shown',
    sessionId,
    at: at(when),
    articleIds: ['kb-1', 'kb-2'],
  }),
  ticket: (sessionId: string, when: string, ticketId: string): DeflectionEvent => ({
    type: 'ticket.created',
    sessionId,
    at: at(when),
    ticketId,
  }),
};

/* ---------------------------------------------------------------------------------------------- */
/* The scripted week: window [Mon 2026-03-02 00:00Z, Mon 2026-03-09 00:00Z), now = to             */
/* ---------------------------------------------------------------------------------------------- */

const WINDOW: MetricsWindow = { from: at('03-02 00:00'), to: at('03-09 00:00') };

const TICKETS: TicketHistory[] = [
  // T1: a textbook one-touch ticket.
  ticket(
    'T1',
    ev.created('03-02 09:00'),
    ev.bot('03-02 09:05'), // bot answer: not a first response
    ev.agent('03-02 09:30'), // first response, 30 min
    ev.slaMet('03-02 09:30', 'sla', 'first_response', false),
    ev.status('03-02 09:30', 'new', 'open'),
    ev.status('03-02 10:00', 'open', 'solved'), // first solve, 60 min
    ev.slaMet('03-02 10:00', 'sla', 'resolution', false),
    ev.csat('03-02 11:00', 5),
  ),
  // T2: late first response, escalated to L2, solved, reopened, re-solved, re-rated.
  ticket(
    'T2',
    ev.created('03-02 10:00'),
    ev.customer('03-02 10:30'),
    ev.slaBreached('03-02 11:00', 'sla', 'first_response'),
    ev.agent('03-02 11:30'), // first response, 90 min
    ev.slaMet('03-02 11:30', 'sla', 'first_response', true), // met late: already counted by the breach
    ev.status('03-02 11:30', 'new', 'open'),
    ev.tier('03-02 12:00', 1, 2),
    ev.note('03-02 12:05'),
    ev.agent('03-03 10:00'),
    ev.slaMet('03-03 10:00', 'sla', 'next_response', false),
    ev.status('03-03 12:00', 'open', 'solved'), // first solve, 26 h after creation
    ev.slaMet('03-03 12:00', 'sla', 'resolution', false),
    ev.csat('03-03 13:00', 2),
    ev.customer('03-04 09:00'),
    ev.status('03-04 09:00', 'solved', 'open', CUSTOMER), // reopen
    ev.agent('03-04 14:00'),
    ev.status('03-04 15:00', 'open', 'solved'), // re-solve: not a second resolution
    ev.csat('03-04 16:00', 4), // re-rating replaces the 2
  ),
  // T3: escalated twice, left pending at L3.
  ticket(
    'T3',
    ev.created('03-03 08:00'),
    ev.agent('03-03 08:10'), // first response, 10 min
    ev.status('03-03 08:10', 'new', 'open'),
    ev.tier('03-03 09:00', 1, 2),
    ev.tier('03-04 09:00', 2, 3),
    ev.status('03-04 10:00', 'open', 'pending'),
    ev.slaWarning('03-05 04:00', 'ola', 'resolution'), // warnings are not outcomes
    ev.slaBreached('03-05 08:00', 'ola', 'resolution'),
  ),
  // T4: created by an agent (outbound): no first response time; one agent message then solved.
  ticket(
    'T4',
    ev.created('03-04 09:00', { by: AGENT, status: 'open', channel: 'email' }),
    ev.agent('03-04 09:00'),
    ev.customer('03-04 09:20'),
    ev.status('03-04 09:30', 'open', 'solved'), // first solve, 30 min
    ev.slaMet('03-04 09:30', 'sla', 'resolution', false),
  ),
  // T5: created before the window, answered exactly at `from`, solved exactly at `to`.
  ticket(
    'T5',
    ev.created('03-01 20:00'),
    ev.slaBreached('03-01 21:00', 'sla', 'first_response'), // before the window
    ev.agent('03-02 00:00'), // first response at `from` (inside), 240 min
    ev.slaMet('03-02 00:00', 'sla', 'first_response', true),
    ev.status('03-02 00:00', 'new', 'open'),
    ev.status('03-09 00:00', 'open', 'solved'), // at `to`: outside, and not yet seen at now = to
  ),
  // T6: an old ticket (solved in February) reopened and re-solved inside the window.
  ticket(
    'T6',
    ev.created('02-20 10:00'),
    ev.agent('02-20 11:00'),
    ev.status('02-20 11:00', 'new', 'open'),
    ev.tier('02-21 09:00', 1, 2),
    ev.slaBreached('02-24 10:00', 'sla', 'resolution'),
    ev.status('02-25 10:00', 'open', 'solved'), // first solve, before the window
    ev.customer('03-03 09:55'),
    ev.status('03-03 10:00', 'solved', 'open', CUSTOMER),
    ev.agent('03-03 10:30'),
    ev.status('03-03 11:00', 'open', 'solved'),
    ev.csat('03-03 12:00', 1),
  ),
  // T7: widget ticket at Tier 0 solved by an article (created from widget session S4).
  ticket(
    'T7',
    ev.created('03-05 14:00', { tier: 0 }),
    ev.deflected('03-05 14:20'),
    ev.status('03-05 14:20', 'new', 'solved', CUSTOMER), // first solve, 20 min
  ),
  // T8: only a bot ever answered; escalated, de-escalated, escalated again.
  ticket(
    'T8',
    ev.created('03-06 09:00'),
    ev.bot('03-06 09:01'),
    ev.tier('03-06 10:00', 1, 2),
    ev.slaBreached('03-06 10:30', 'sla', 'first_response'),
    ev.tier('03-07 09:00', 2, 1), // de-escalation: not an escalation
    ev.tier('03-08 09:00', 1, 2), // same ticket, same hop: counted once
  ),
  // T9: created at Tier 0 late on Sunday, moved to L1, answered after the window.
  ticket(
    'T9',
    ev.created('03-08 20:00', { tier: 0 }),
    ev.tier('03-08 20:05', 0, 1),
    ev.slaBreached('03-09 00:30', 'sla', 'first_response'), // after now: unseen
    ev.agent('03-09 01:00'), // after the window
  ),
  // T10: e-mail ticket at Tier 0 solved by an article; no widget session behind it.
  ticket(
    'T10',
    ev.created('03-07 10:00', { tier: 0, channel: 'email' }),
    ev.deflected('03-07 10:05'),
    ev.status('03-07 10:05', 'new', 'solved', CUSTOMER), // first solve, 5 min
  ),
];

const SESSIONS: DeflectionEvent[] = [
  // S1: searched, read an article, left → deflected.
  step.search('S1', '03-02 08:00'),
  step.viewed('S1', '03-02 08:01'),
  // S2: searched, saw suggestions, opened T2 anyway → not deflected.
  step.search('S2', '03-02 09:55'),
  step.shown('S2', '03-02 09:58'),
  step.ticket('S2', '03-02 10:00', 'T2'),
  // S3: read and voted → deflected.
  step.viewed('S3', '03-04 12:00'),
  step.voted('S3', '03-04 12:01'),
  // S4: searched, opened T7, which Tier 0 then deflected → deflected (through T7, counted once).
  step.search('S4', '03-05 13:55'),
  step.ticket('S4', '03-05 14:00', 'T7'),
  // S5: went straight to the form, no self-service step → not a self-service attempt at all.
  step.ticket('S5', '03-06 09:00', 'T8'),
  // S6: searched before `to`; its ticket comes after `to` → looks deflected as of now = to.
  step.search('S6', '03-08 23:50'),
  step.ticket('S6', '03-09 00:10', 'T11'),
  // S7: started before the window → belongs to the previous window.
  step.search('S7', '03-01 23:00'),
  step.viewed('S7', '03-02 00:30'),
];

describe('scripted week (window Mon 03-02 00:00Z – Mon 03-09 00:00Z, now = to)', () => {
  it('uses valid timeline events and widget steps', () => {
    for (const t of TICKETS)
      for (const e of t.events) expect(() => TimelineEventSchema.parse(e)).not.toThrow();
    for (const s of SESSIONS) expect(() => DeflectionEventSchema.parse(s)).not.toThrow();
  });

  it('first response time', () => {
    const frt = firstResponseTimes(TICKETS, WINDOW);
    // T1 30 min (09:00 → 09:30; the 09:05 bot reply ignored), T2 90 min (10:00 → 11:30),
    // T3 10 min (08:00 → 08:10), T5 240 min (03-01 20:00 → reply at exactly `from`, included).
    // Out: T4 agent-created; T6 answered in February; T7, T10 no agent reply; T8 bot only;
    // T9 answered at 03-09 01:00, after the window.
    expect(frt.samples.map((s) => [s.ticketId, s.ms / MIN])).toEqual([
      ['T1', 30],
      ['T2', 90],
      ['T3', 10],
      ['T5', 240],
    ]);
    expect(frt.count).toBe(4);
    // sorted [10, 30, 90, 240]; median rank h = 3 × 0.5 = 1.5 → 30 + 0.5 × (90 − 30) = 60 min
    expect(frt.medianMs).toBe(60 * MIN);
    // p90 rank h = 3 × 0.9 = 2.7 → 90 + 0.7 × (240 − 90) = 195 min
    expect(frt.p90Ms).toBeCloseTo(195 * MIN, 3);
  });

  it('resolution time', () => {
    const res = resolutionTimes(TICKETS, WINDOW);
    // First solves in the window: T1 60 min, T2 26 h = 1560 min (03-02 10:00 → 03-03 12:00; the
    // re-solve on 03-04 does not count), T4 30 min, T7 20 min, T10 5 min.
    // Out: T5 solved at exactly `to`; T6 first solved in February (its re-solve on 03-03 is not a
    // resolution); T3, T8, T9 unsolved.
    expect(res.samples.map((s) => [s.ticketId, s.ms / MIN])).toEqual([
      ['T1', 60],
      ['T2', 1560],
      ['T4', 30],
      ['T7', 20],
      ['T10', 5],
    ]);
    // sorted [5, 20, 30, 60, 1560]; median rank h = 4 × 0.5 = 2 → 30 min
    expect(res.medianMs).toBe(30 * MIN);
    // p90 rank h = 4 × 0.9 = 3.6 → 60 + 0.6 × (1560 − 60) = 960 min
    expect(res.p90Ms).toBeCloseTo(960 * MIN, 3);
  });

  it('SLA compliance and breaches', () => {
    // sla/first_response: met in time T1 (09:30) = 1; breached T2 (11:00), T8 (03-06 10:30) = 2
    //   (T5's breach was on 03-01, before the window; T2's and T5's late `sla.met` are not recounted;
    //   T9's breach is after now) → 1 / 3.
    // sla/next_response: met T2 = 1, breached 0 → 1.
    // sla/resolution: met T1, T2, T4 = 3; T6's breach was in February → 3 / 3 = 1.
    // ola/resolution: met 0, breached T3 = 1 (its warning ignored) → 0.
    expect(slaCompliance(TICKETS, WINDOW)).toEqual([
      { kind: 'sla', metric: 'first_response', met: 1, breached: 2, rate: 1 / 3 },
      { kind: 'sla', metric: 'next_response', met: 1, breached: 0, rate: 1 },
      { kind: 'sla', metric: 'resolution', met: 3, breached: 0, rate: 1 },
      { kind: 'ola', metric: 'resolution', met: 0, breached: 1, rate: 0 },
    ]);
  });

  it('escalation rate per hop', () => {
    expect(escalationRates(TICKETS, WINDOW)).toEqual([
      // 0→1: moved T9. Unsolved at Tier 0 in the window: T7 (14:00–14:20), T9 (20:00–20:05),
      //   T10 (10:00–10:05) = 3 → 1/3.
      { from: 0, to: 1, count: 1, rate: 1 / 3 },
      // 1→2: moved T2, T3, T8 (T8 twice, counted once; T6 moved in February) = 3.
      //   Unsolved at L1 in the window: T1, T2, T3, T4, T5, T8, T9 = 7 (T6 was at L2) → 3/7.
      { from: 1, to: 2, count: 3, rate: 3 / 7 },
      // 2→3: moved T3. Unsolved at L2 in the window: T2, T3, T8, and T6 while reopened
      //   (03-03 10:00–11:00) = 4 → 1/4.
      { from: 2, to: 3, count: 1, rate: 1 / 4 },
      // 3→4: nobody moved; T3 was at L3 → 0/1 = 0.
      { from: 3, to: 4, count: 0, rate: 0 },
    ]);
  });

  it('first-contact resolution and reopen rate (the solved cohort T1, T2, T4, T7, T10)', () => {
    // T1: one agent reply (the bot's is not one), never reopened, L1 → first contact.
    // T2: two agent replies before its first solve, escalated, reopened → no.
    // T4: one agent message, L1, never reopened → first contact.
    // T7, T10: solved at Tier 0 with no agent message → no.
    // → 2 / 5 = 0.4
    expect(firstContactResolution(TICKETS, WINDOW)).toEqual({ solved: 5, firstContact: 2, rate: 0.4 });
    // Reopened after the first solve: T2 only (T6 was reopened in the window, but its first solve
    // was in February, so it is not in this window's cohort) → 1 / 5 = 0.2
    expect(reopenRate(TICKETS, WINDOW)).toEqual({ solved: 5, reopened: 1, rate: 0.2 });
  });

  it('backlog by tier and age at now = 03-09 00:00', () => {
    // Unsolved at now: T3 pending at L3, age 5 d 16 h → 3-7d.
    //   T5 at L1: its solve at exactly now is not yet seen; age 7 d 4 h → >7d.
    //   T8 at L2 (1→2→1→2), age 2 d 15 h → 1-3d.
    //   T9 at L1 (0→1), age 4 h → <1d.
    // Solved: T1, T2 (re-solved), T4, T6 (re-solved), T7, T10.
    const ages = (lt1: number, d1to3: number, d3to7: number, gt7: number) => [
      { label: '<1d', count: lt1 },
      { label: '1-3d', count: d1to3 },
      { label: '3-7d', count: d3to7 },
      { label: '>7d', count: gt7 },
    ];
    expect(backlogByTierAndAge(TICKETS, at('03-09 00:00'))).toEqual([
      { tier: 0, total: 0, byAge: ages(0, 0, 0, 0) },
      { tier: 1, total: 2, byAge: ages(1, 0, 0, 1) },
      { tier: 2, total: 1, byAge: ages(0, 1, 0, 0) },
      { tier: 3, total: 1, byAge: ages(0, 0, 1, 0) },
      { tier: 4, total: 0, byAge: ages(0, 0, 0, 0) },
    ]);
  });

  it('CSAT', () => {
    // In the window, latest rating per ticket: T1 5; T2 4 (the 2 of 03-03 replaced by the 4 of
    // 03-04); T6 1. → responses 3, satisfied (≥ 4) T1 + T2 = 2, score 2/3, average (5+4+1)/3 = 10/3.
    expect(csatScore(TICKETS, WINDOW)).toEqual({ responses: 3, satisfied: 2, score: 2 / 3, average: 10 / 3 });
  });

  it('self-service deflection', () => {
    // Widget sessions whose first self-service step is in the window: S1, S2, S3, S4, S6 = 5
    //   (S5 had no self-service step; S7 started on 03-01).
    // Deflected: S1 (no ticket), S3 (no ticket), S4 (its T7 was deflected), S6 (its ticket is after
    //   now) = 4; S2 opened T2 → not deflected.
    // Plus T10, deflected at Tier 0 with no session behind it: +1 session, +1 deflected.
    //   (T7 is also deflected but already counted through S4.)
    // → 5 / 6
    expect(deflectionRate(SESSIONS, TICKETS, WINDOW)).toEqual({ sessions: 6, deflected: 5, rate: 5 / 6 });
  });

  it('computeMetrics assembles the same numbers into a valid report', () => {
    const report = computeMetrics({ tickets: TICKETS, deflections: SESSIONS, ...WINDOW });
    expect(() => MetricsReportSchema.parse(report)).not.toThrow();
    expect(report.from).toBe('2026-03-02T00:00:00.000Z');
    expect(report.to).toBe('2026-03-09T00:00:00.000Z');
    expect(report.firstResponse).toMatchObject({ count: 4, medianMs: 60 * MIN });
    expect(report.firstResponse.p90Ms).toBeCloseTo(195 * MIN, 3);
    expect(report.resolution.count).toBe(5);
    expect(report.slaCompliance).toEqual(slaCompliance(TICKETS, WINDOW));
    // breaches: T2, T8 (sla first_response) + T3 (ola resolution) = 3
    expect(report.breaches).toBe(3);
    expect(report.escalations).toEqual(escalationRates(TICKETS, WINDOW));
    expect(report.firstContactResolution.rate).toBe(0.4);
    expect(report.reopens.rate).toBe(0.2);
    expect(report.backlog.map((r) => r.total)).toEqual([0, 2, 1, 1, 0]);
    expect(report.csat.responses).toBe(3);
    expect(report.deflection).toEqual({ sessions: 6, deflected: 5, rate: 5 / 6 });
  });

  it('the same window seen later (now = 03-10 00:00) sees what happened after `to`', () => {
    const later = computeMetrics({
      tickets: TICKETS,
      deflections: SESSIONS,
      ...WINDOW,
      now: at('03-10 00:00'),
    });
    // Window metrics do not move: T9's reply (03-09 01:00) and T5's solve (03-09 00:00) are after `to`.
    expect(later.firstResponse.count).toBe(4);
    expect(later.resolution.count).toBe(5);
    expect(later.breaches).toBe(3);
    // Backlog at 03-10 00:00: T5 now solved; T3 L3 age 6 d 16 h → 3-7d; T8 L2 3 d 15 h → 3-7d;
    // T9 L1 1 d 4 h → 1-3d.
    expect(later.backlog.map((r) => [r.tier, r.byAge.map((a) => a.count)])).toEqual([
      [0, [0, 0, 0, 0]],
      [1, [0, 1, 0, 0]],
      [2, [0, 0, 1, 0]],
      [3, [0, 0, 1, 0]],
      [4, [0, 0, 0, 0]],
    ]);
    // S6's ticket (03-09 00:10) is now known → S6 not deflected → 4 / 6.
    expect(later.deflection).toEqual({ sessions: 6, deflected: 4, rate: 4 / 6 });
  });
});

/* ---------------------------------------------------------------------------------------------- */
/* Edge cases                                                                                     */
/* ---------------------------------------------------------------------------------------------- */

describe('edge cases', () => {
  it('empty input: counts 0, rates null, never NaN', () => {
    const report = computeMetrics({ tickets: [], ...WINDOW });
    expect(() => MetricsReportSchema.parse(report)).not.toThrow();
    expect(report).toEqual({
      from: '2026-03-02T00:00:00.000Z',
      to: '2026-03-09T00:00:00.000Z',
      firstResponse: { count: 0, medianMs: null, p90Ms: null },
      resolution: { count: 0, medianMs: null, p90Ms: null },
      slaCompliance: [],
      breaches: 0,
      escalations: [
        { from: 0, to: 1, count: 0, rate: null },
        { from: 1, to: 2, count: 0, rate: null },
        { from: 2, to: 3, count: 0, rate: null },
        { from: 3, to: 4, count: 0, rate: null },
      ],
      firstContactResolution: { solved: 0, firstContact: 0, rate: null },
      reopens: { solved: 0, reopened: 0, rate: null },
      backlog: [0, 1, 2, 3, 4].map((tier) => ({
        tier,
        total: 0,
        byAge: ['<1d', '1-3d', '3-7d', '>7d'].map((label) => ({ label, count: 0 })),
      })),
      csat: { responses: 0, satisfied: 0, score: null, average: null },
      deflection: { sessions: 0, deflected: 0, rate: null },
    });
  });

  it('bot replies are neither first responses nor first-contact replies', () => {
    const tickets = [
      ticket('A', ev.created('03-03 09:00'), ev.bot('03-03 09:01'), ev.agent('03-03 09:20')),
      ticket('B', ev.created('03-03 09:00'), ev.bot('03-03 09:01'), ev.bot('03-03 09:02')),
      ticket(
        'C',
        ev.created('03-03 09:00'),
        ev.bot('03-03 09:01'),
        ev.agent('03-03 09:10'),
        ev.bot('03-03 09:11'),
        ev.status('03-03 09:15', 'new', 'solved'),
      ),
    ];
    // A: 20 min (not the bot's 1 min); B: no agent reply → not counted; C: 10 min.
    expect(firstResponseTimes(tickets, WINDOW).samples).toEqual([
      { ticketId: 'A', ms: 20 * MIN },
      { ticketId: 'C', ms: 10 * MIN },
    ]);
    // C: one agent reply + two bot messages → still first contact.
    expect(firstContactResolution(tickets, WINDOW)).toEqual({ solved: 1, firstContact: 1, rate: 1 });
  });

  it('agent-created tickets are excluded from first response time only', () => {
    const tickets = [
      ticket(
        'A',
        ev.created('03-03 09:00', { by: AGENT }),
        ev.agent('03-03 09:00'),
        ev.status('03-03 10:00', 'new', 'solved'),
      ),
    ];
    expect(firstResponseTimes(tickets, WINDOW).count).toBe(0);
    expect(resolutionTimes(tickets, WINDOW).samples).toEqual([{ ticketId: 'A', ms: HOUR }]);
  });

  it('window is [from, to): an instant at `from` is in, one at `to` is out', () => {
    const tickets = [
      ticket('atFrom', ev.created('03-01 23:00'), ev.agent('03-02 00:00')),
      ticket('atTo', ev.created('03-08 23:00'), ev.agent('03-09 00:00')),
      ticket('justBeforeTo', ev.created('03-08 22:00'), ev.agent('03-08 23:59')),
    ];
    const window = { ...WINDOW, now: at('03-10 00:00') }; // now later, so only the window decides
    expect(firstResponseTimes(tickets, window).samples.map((s) => s.ticketId)).toEqual([
      'atFrom',
      'justBeforeTo',
    ]);
    // and the same with millisecond precision
    const ms = { from: Date.parse(at('03-02 00:00')), to: Date.parse(at('03-09 00:00')) + 1 };
    expect(firstResponseTimes(tickets, ms).samples.map((s) => s.ticketId)).toEqual([
      'atFrom',
      'atTo',
      'justBeforeTo',
    ]);
  });

  it('as of `now`: an event at exactly now is not seen yet', () => {
    const tickets = [
      ticket('solvedAtNow', ev.created('03-05 00:00'), ev.status('03-06 00:00', 'new', 'solved')),
      ticket('createdAtNow', ev.created('03-06 00:00')),
    ];
    // At 03-06 00:00 the solve has not happened yet and the second ticket does not exist yet.
    expect(backlogByTierAndAge(tickets, at('03-06 00:00'))[1]?.byAge).toEqual([
      { label: '<1d', count: 0 },
      { label: '1-3d', count: 1 }, // exactly 1 day old → 1-3d
      { label: '3-7d', count: 0 },
      { label: '>7d', count: 0 },
    ]);
    // One millisecond later both events are known: only the new ticket, aged 1 ms.
    expect(backlogByTierAndAge(tickets, Date.parse(at('03-06 00:00')) + 1)[1]?.byAge[0]).toEqual({
      label: '<1d',
      count: 1,
    });
  });

  it('backlog: age buckets include their lower bound; pending/on_hold count, closed/merged do not', () => {
    const now = Date.parse(at('03-10 00:00'));
    const createdAgo = (id: string, ageMs: number, ...rest: TimelineEventDraft[]) =>
      ticket(id, { ...ev.created('03-01 00:00'), at: new Date(now - ageMs).toISOString() }, ...rest);
    const tickets = [
      createdAgo('age0', 0), // 0 ms old (created at now - 0 = now) → not yet seen
      createdAgo('age1ms', 1), // <1d
      createdAgo('age1dMinus', DAY - 1), // <1d
      createdAgo('age1d', DAY), // 1-3d
      createdAgo('age3d', 3 * DAY), // 3-7d
      createdAgo('age7d', 7 * DAY), // >7d
      createdAgo('pending', 2 * DAY, ev.status('03-09 00:00', 'new', 'pending')), // 1-3d
      createdAgo('onHold', 2 * DAY, ev.tier('03-09 00:00', 1, 4), ev.status('03-09 00:00', 'new', 'on_hold')), // L4
      createdAgo(
        'closed',
        2 * DAY,
        ev.status('03-09 00:00', 'new', 'solved'),
        ev.status('03-09 01:00', 'solved', 'closed'),
      ),
      createdAgo('merged', 2 * DAY, ev.merged('03-09 00:00', 'age1d')),
    ];
    const backlog = backlogByTierAndAge(tickets, now);
    // L1: <1d age1ms, age1dMinus = 2; 1-3d age1d, pending = 2; 3-7d age3d = 1; >7d age7d = 1 → 6
    expect(backlog[1]).toEqual({
      tier: 1,
      total: 6,
      byAge: [
        { label: '<1d', count: 2 },
        { label: '1-3d', count: 2 },
        { label: '3-7d', count: 1 },
        { label: '>7d', count: 1 },
      ],
    });
    // L4: onHold, 2 days old → 1-3d
    expect(backlog[4]?.byAge.map((a) => a.count)).toEqual([0, 1, 0, 0]);
  });

  it('reopen: solved → on_hold counts, solved → closed does not', () => {
    const tickets = [
      ticket(
        'toHold',
        ev.created('03-03 09:00'),
        ev.status('03-03 10:00', 'new', 'solved'),
        ev.status('03-03 11:00', 'solved', 'on_hold'),
      ),
      ticket(
        'toClosed',
        ev.created('03-03 09:00'),
        ev.status('03-03 10:00', 'new', 'solved'),
        ev.status('03-06 10:00', 'solved', 'closed'),
      ),
    ];
    expect(reopenRate(tickets, WINDOW)).toEqual({ solved: 2, reopened: 1, rate: 0.5 });
  });

  it('escalations: skip-level hops get their own row; bounces count once; a ticket created higher is not below', () => {
    const tickets = [
      ticket('skip', ev.created('03-03 09:00'), ev.tier('03-03 10:00', 1, 3)),
      ticket(
        'bounce',
        ev.created('03-03 09:00'),
        ev.tier('03-03 10:00', 1, 2),
        ev.tier('03-03 11:00', 2, 1),
        ev.tier('03-03 12:00', 1, 2),
      ),
      ticket('startsAtL2', ev.created('03-03 09:00', { tier: 2 })),
    ];
    expect(escalationRates(tickets, WINDOW)).toEqual([
      { from: 0, to: 1, count: 0, rate: null },
      { from: 1, to: 2, count: 1, rate: 1 / 2 }, // bounce / {skip, bounce}
      { from: 1, to: 3, count: 1, rate: 1 / 2 }, // skip / {skip, bounce}
      { from: 2, to: 3, count: 0, rate: 0 }, // 0 / {bounce, startsAtL2}
      { from: 3, to: 4, count: 0, rate: 0 }, // 0 / {skip}
    ]);
  });

  it('escalations: a ticket solved long ago is not "at" its tier; one created solved never was', () => {
    const tickets = [
      ticket('old', ev.created('02-01 09:00'), ev.status('02-01 10:00', 'new', 'solved')),
      ticket('loggedSolved', ev.created('03-03 09:00', { by: AGENT, status: 'solved' })),
      ticket('live', ev.created('03-03 09:00'), ev.tier('03-04 09:00', 1, 2)),
    ];
    expect(escalationRates(tickets, WINDOW)[1]).toEqual({ from: 1, to: 2, count: 1, rate: 1 });
    // A ticket logged as already solved is a resolution of 0 ms.
    expect(resolutionTimes(tickets, WINDOW).samples).toEqual([{ ticketId: 'loggedSolved', ms: 0 }]);
  });

  it('first contact: never above L1 and no reopen', () => {
    const tickets = [
      ticket(
        'ok',
        ev.created('03-03 09:00'),
        ev.agent('03-03 09:10'),
        ev.status('03-03 09:20', 'new', 'solved'),
      ),
      ticket(
        'escalatedThenBack',
        ev.created('03-03 09:00'),
        ev.tier('03-03 09:05', 1, 2),
        ev.tier('03-03 09:06', 2, 1),
        ev.agent('03-03 09:10'),
        ev.status('03-03 09:20', 'new', 'solved'),
      ),
      ticket(
        'createdAtL2',
        ev.created('03-03 09:00', { tier: 2 }),
        ev.agent('03-03 09:10'),
        ev.status('03-03 09:20', 'new', 'solved'),
      ),
      ticket(
        'reopenedAfterWindow',
        ev.created('03-08 09:00'),
        ev.agent('03-08 09:10'),
        ev.status('03-08 09:20', 'new', 'solved'),
        ev.status('03-09 09:00', 'solved', 'open', CUSTOMER),
      ),
    ];
    // As of to: ok + reopenedAfterWindow (its reopen is not known yet) = 2 / 4.
    expect(firstContactResolution(tickets, WINDOW)).toEqual({ solved: 4, firstContact: 2, rate: 0.5 });
    // As of 03-10 the reopen is known: 1 / 4.
    expect(firstContactResolution(tickets, { ...WINDOW, now: at('03-10 00:00') })).toEqual({
      solved: 4,
      firstContact: 1,
      rate: 0.25,
    });
  });

  it('SLA: warnings and late `sla.met` are not outcomes; rows keep kind then metric order', () => {
    const tickets = [
      ticket(
        'A',
        ev.created('03-03 09:00'),
        ev.slaMet('03-03 09:10', 'vendor', 'periodic_update', false),
        ev.slaWarning('03-03 09:20', 'sla', 'resolution'),
        ev.slaBreached('03-03 09:30', 'sla', 'resolution'),
        ev.slaMet('03-03 09:40', 'sla', 'resolution', true),
        ev.slaMet('03-03 09:50', 'sla', 'first_response', false),
      ),
    ];
    expect(slaCompliance(tickets, WINDOW)).toEqual([
      { kind: 'sla', metric: 'first_response', met: 1, breached: 0, rate: 1 },
      { kind: 'sla', metric: 'resolution', met: 0, breached: 1, rate: 0 },
      { kind: 'vendor', metric: 'periodic_update', met: 1, breached: 0, rate: 1 },
    ]);
  });

  it('CSAT: a re-rating after the window does not change the window; boundaries hold', () => {
    const tickets = [
      ticket('A', ev.created('03-03 09:00'), ev.csat('03-03 10:00', 3), ev.csat('03-09 00:00', 5)),
      ticket('B', ev.created('03-01 09:00'), ev.csat('03-02 00:00', 4)),
    ];
    // A: 3 (the 5 is at `to`); B: 4 (at `from`) → satisfied 1 of 2, average 3.5
    expect(csatScore(tickets, { ...WINDOW, now: at('03-10 00:00') })).toEqual({
      responses: 2,
      satisfied: 1,
      score: 0.5,
      average: 3.5,
    });
  });

  it('deflection without widget steps counts ticket.deflected events only', () => {
    const report = computeMetrics({ tickets: TICKETS, ...WINDOW });
    // T7 and T10 were deflected in the window and no session is known → 2 sessions, 2 deflected.
    expect(report.deflection).toEqual({ sessions: 2, deflected: 2, rate: 1 });
  });

  it('events are read in seq order whatever the array order, and inputs are not mutated', () => {
    const t = ticket('A', ev.created('03-03 09:00'), ev.agent('03-03 09:30'), ev.agent('03-03 10:00'));
    const shuffled: TicketHistory = { ticketId: 'A', events: Object.freeze([...t.events].reverse()) };
    expect(firstResponseTimes([shuffled], WINDOW).samples).toEqual([{ ticketId: 'A', ms: 30 * MIN }]);
    expect(shuffled.events.map((e) => e.seq)).toEqual([3, 2, 1]);
  });

  it('accepts Date, epoch ms and ISO strings alike', () => {
    const iso = computeMetrics({ tickets: TICKETS, deflections: SESSIONS, ...WINDOW });
    const dates = computeMetrics({
      tickets: TICKETS,
      deflections: SESSIONS,
      from: new Date(at('03-02 00:00')),
      to: new Date(at('03-09 00:00')),
    });
    const epoch = computeMetrics({
      tickets: TICKETS,
      deflections: SESSIONS,
      from: Date.parse(at('03-02 00:00')),
      to: Date.parse(at('03-09 00:00')),
      now: Date.parse(at('03-09 00:00')),
    });
    expect(dates).toEqual(iso);
    expect(epoch).toEqual(iso);
  });

  it('rejects unusable windows with a typed error', () => {
    const attempt = (window: MetricsWindow) => () => computeMetrics({ tickets: [], ...window });
    expect(attempt({ from: 'yesterday', to: WINDOW.to })).toThrow(MetricsInputError);
    expect(attempt({ from: WINDOW.to, to: WINDOW.from })).toThrow(/from must not be after to/);
    expect(attempt({ ...WINDOW, now: Number.NaN })).toThrow(MetricsInputError);
    try {
      attempt({ from: new Date(Number.NaN), to: WINDOW.to })();
    } catch (error) {
      expect(error).toBeInstanceOf(MetricsInputError);
      expect((error as MetricsInputError).code).toBe('bad_request');
    }
    // An empty window is allowed and empty.
    expect(computeMetrics({ tickets: TICKETS, from: WINDOW.from, to: WINDOW.from }).resolution.count).toBe(0);
  });
});

describe('percentile (linear interpolation between closest ranks, as Excel PERCENTILE.INC)', () => {
  it('is null for no values and the value itself for one', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([42], 0)).toBe(42);
    expect(percentile([42], 90)).toBe(42);
  });

  it('p0 is the minimum, p100 the maximum, p50 the usual median', () => {
    expect(percentile([3, 1, 2], 0)).toBe(1);
    expect(percentile([3, 1, 2], 100)).toBe(3);
    expect(percentile([3, 1, 2], 50)).toBe(2); // odd n: the middle value
    expect(percentile([10, 20], 50)).toBe(15); // even n: mean of the two middle values
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
  });

  it('interpolates between ranks', () => {
    // 1..10: h = 9 × 0.9 = 8.1 → x[8] + 0.1 × (x[9] − x[8]) = 9 + 0.1 = 9.1
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBeCloseTo(9.1, 10);
    // [15, 20, 35, 40, 50] p40: h = 4 × 0.4 = 1.6 → 20 + 0.6 × 15 = 29 (NumPy gives 29 too)
    expect(percentile([15, 20, 35, 40, 50], 40)).toBeCloseTo(29, 10);
    // p25 of [1, 2, 3, 4]: h = 0.75 → 1.75
    expect(percentile([1, 2, 3, 4], 25)).toBe(1.75);
  });

  it('does not mutate its input', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });

  it('rejects p outside [0, 100] and non-finite values', () => {
    expect(() => percentile([1], -1)).toThrow(MetricsInputError);
    expect(() => percentile([1], 101)).toThrow(MetricsInputError);
    expect(() => percentile([1], Number.NaN)).toThrow(MetricsInputError);
    expect(() => percentile([1, Number.NaN], 50)).toThrow(MetricsInputError);
  });

  it('summarizeDurations gives count, median and p90', () => {
    expect(summarizeDurations([])).toEqual({ count: 0, medianMs: null, p90Ms: null });
    expect(summarizeDurations([10, 20, 30])).toEqual({ count: 3, medianMs: 20, p90Ms: 28 }); // h = 1.8 → 20 + 0.8 × 10
  });
});
