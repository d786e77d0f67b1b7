import type { BusinessCalendar } from './calendar.schema';
import type { ClockKind, SlaConditions, SlaMetric, SlaPolicy } from './sla.schema';
import type { SlaEnvironment, SlaTicketAttributes } from './sla.types';

const MS_PER_MINUTE = 60_000;

// An empty list is read as "no condition": an admin who clears every chip of a condition means
// "any", and a policy that can never match is better rejected when it is saved than kept silently.
const holds = <T>(list: readonly T[] | undefined, test: (values: readonly T[]) => boolean): boolean =>
  list === undefined || list.length === 0 || test(list);

/**
 * Whether a ticket satisfies every condition a policy lists. Each list matches any of its values;
 * `requesterTags` matches when the requester has at least one of the tags; an empty list is no
 * condition.
 */
export function policyMatches(conditions: SlaConditions, attrs: SlaTicketAttributes): boolean {
  return (
    holds(conditions.priorities, (l) => l.includes(attrs.priority)) &&
    holds(conditions.tiers, (l) => l.includes(attrs.tier)) &&
    holds(conditions.channels, (l) => l.includes(attrs.channel)) &&
    holds(
      conditions.requesterPlans,
      (l) => attrs.requesterPlan !== undefined && l.includes(attrs.requesterPlan),
    ) &&
    holds(conditions.requesterTags, (l) => l.some((tag) => attrs.requesterTags.includes(tag)))
  );
}

/**
 * The policy of one kind that governs a ticket: the first active policy of that kind, by ascending
 * `position` and then by array order, whose conditions all hold. Null when none does.
 */
export function matchPolicy(
  policies: readonly SlaPolicy[],
  kind: ClockKind,
  attrs: SlaTicketAttributes,
): SlaPolicy | null {
  let best: SlaPolicy | null = null;
  for (const policy of policies) {
    if (!policy.active || policy.kind !== kind || !policyMatches(policy.conditions, attrs)) continue;
    // Strictly lower only, so that among equal positions the earlier one in the array wins.
    if (best === null || policy.position < best.position) best = policy;
  }
  return best;
}

/** Thrown when a policy names a calendar the environment does not hold (a configuration error). */
export class SlaCalendarNotFoundError extends Error {
  /** Stable, machine-readable code. */
  readonly code = 'sla_calendar_not_found' as const;
  /** The policy that names the missing calendar. */
  readonly policyId: string;
  /** The calendar id that was not found. */
  readonly calendarId: string;

  /** Builds the error for a policy and the calendar id it names. */
  constructor(policyId: string, calendarId: string) {
    super(`SLA policy ${policyId} uses calendar ${calendarId}, which does not exist`);
    this.name = 'SlaCalendarNotFoundError';
    this.policyId = policyId;
    this.calendarId = calendarId;
  }
}

/**
 * The business calendar a policy counts on; null means 24/7.
 *
 * @throws {SlaCalendarNotFoundError} when the policy names a calendar the environment lacks:
 * counting 24/7 instead would breach tickets at night, so the mistake is loud (policies should be
 * validated against the calendars when they are saved).
 */
export function findCalendar(env: SlaEnvironment, policy: SlaPolicy): BusinessCalendar | null {
  if (policy.calendarId === null) return null;
  const calendar = env.calendars.find((c) => c.id === policy.calendarId);
  if (!calendar) throw new SlaCalendarNotFoundError(policy.id, policy.calendarId);
  return calendar;
}

/** A policy's target for a metric in whole milliseconds of business time; null when it sets none. */
export function targetMs(policy: SlaPolicy, metric: SlaMetric): number | null {
  const target = policy.targets[metric];
  return target ? Math.round(target.minutes * MS_PER_MINUTE) : null;
}

/**
 * Business milliseconds after which a policy's warning for a target fires (rounded to whole ms so
 * that due instants are exact).
 */
export function warningMs(policy: SlaPolicy, target: number): number {
  return Math.round(target * policy.warningFraction);
}
