import { describe, expect, it } from 'vitest';
import { BusinessCalendarSchema } from './calendar.schema';
import { findCalendar, matchPolicy, SlaCalendarNotFoundError, targetMs, warningMs } from './sla.policy';
import { type SlaPolicy, type SlaPolicyInput, SlaPolicySchema } from './sla.schema';
import type { SlaTicketAttributes } from './sla.types';

const policy = (input: Partial<SlaPolicyInput> & { id: string }): SlaPolicy =>
  SlaPolicySchema.parse({ name: input.id, targets: { resolution: { minutes: 60 } }, ...input });

const attrs = (over: Partial<SlaTicketAttributes> = {}): SlaTicketAttributes => ({
  status: 'open',
  priority: 'normal',
  tier: 1,
  channel: 'widget',
  requesterTags: [],
  ...over,
});

describe('matchPolicy', () => {
  it('picks the first active policy of the kind by position, then array order', () => {
    const policies = [
      policy({ id: 'late', position: 5 }),
      policy({ id: 'inactive', position: 0, active: false }),
      policy({ id: 'ola', position: 0, kind: 'ola' }),
      policy({ id: 'first-of-two', position: 1 }),
      policy({ id: 'second-of-two', position: 1 }),
    ];
    expect(matchPolicy(policies, 'sla', attrs())?.id).toBe('first-of-two');
    expect(matchPolicy(policies, 'ola', attrs())?.id).toBe('ola');
    expect(matchPolicy(policies, 'vendor', attrs())).toBeNull();
  });

  it('requires every given condition; a list matches any of its values', () => {
    const vip = policy({
      id: 'vip',
      conditions: {
        priorities: ['high', 'urgent'],
        tiers: [1, 2],
        channels: ['email'],
        requesterPlans: ['enterprise'],
      },
    });
    const ok = attrs({ priority: 'urgent', tier: 2, channel: 'email', requesterPlan: 'enterprise' });
    expect(matchPolicy([vip], 'sla', ok)?.id).toBe('vip');
    expect(matchPolicy([vip], 'sla', { ...ok, priority: 'normal' })).toBeNull();
    expect(matchPolicy([vip], 'sla', { ...ok, tier: 3 })).toBeNull();
    expect(matchPolicy([vip], 'sla', { ...ok, channel: 'chat' })).toBeNull();
    expect(matchPolicy([vip], 'sla', { ...ok, requesterPlan: 'free' })).toBeNull();
    expect(matchPolicy([vip], 'sla', { ...ok, requesterPlan: undefined })).toBeNull();
  });

  it('matches requester tags when any tag is in common', () => {
    const p = policy({ id: 'tagged', conditions: { requesterTags: ['vip', 'partner'] } });
    expect(matchPolicy([p], 'sla', attrs({ requesterTags: ['beta', 'partner'] }))?.id).toBe('tagged');
    expect(matchPolicy([p], 'sla', attrs({ requesterTags: ['beta'] }))).toBeNull();
    expect(matchPolicy([p], 'sla', attrs())).toBeNull();
  });

  it('reads an empty condition list as no condition', () => {
    const p = policy({ id: 'any', conditions: { priorities: [], requesterTags: [] } });
    expect(matchPolicy([p], 'sla', attrs())?.id).toBe('any');
  });
});

describe('findCalendar', () => {
  const berlin = BusinessCalendarSchema.parse({
    id: 'berlin',
    timeZone: 'Europe/Berlin',
    weekly: [{ day: 1, start: '09:00', end: '17:00' }],
  });
  const env = { policies: [], calendars: [berlin] };

  it('returns null (24/7) without a calendar id and the calendar otherwise', () => {
    expect(findCalendar(env, policy({ id: 'a' }))).toBeNull();
    expect(findCalendar(env, policy({ id: 'b', calendarId: 'berlin' }))).toBe(berlin);
  });

  it('throws a typed error for an unknown calendar rather than counting 24/7', () => {
    const p = policy({ id: 'p', calendarId: 'nope' });
    expect(() => findCalendar(env, p)).toThrow(SlaCalendarNotFoundError);
    try {
      findCalendar(env, p);
    } catch (error) {
      expect(error).toMatchObject({ code: 'sla_calendar_not_found', policyId: 'p', calendarId: 'nope' });
    }
  });
});

describe('targetMs / warningMs', () => {
  it('converts minutes to whole ms and the warning fraction of it', () => {
    const p = policy({ id: 'p', targets: { first_response: { minutes: 30 } }, warningFraction: 0.75 });
    // 30 min = 1_800_000 ms; 75 % of it = 1_350_000 ms
    expect(targetMs(p, 'first_response')).toBe(1_800_000);
    expect(targetMs(p, 'resolution')).toBeNull();
    expect(warningMs(p, 1_800_000)).toBe(1_350_000);
    // 1/3 min = 20_000.000000004 ms → 20_000 (calendar math needs whole ms)
    expect(targetMs(policy({ id: 'q', targets: { resolution: { minutes: 1 / 3 } } }), 'resolution')).toBe(
      20_000,
    );
  });
});
