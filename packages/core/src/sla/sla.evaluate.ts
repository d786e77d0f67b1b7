import type { TicketStatus } from '../tickets/ticket.schema';
import type { TimelineEvent } from '../tickets/timeline.schema';
import { businessTimeBetween, isWithinBusinessHours, nextOpening } from './calendar';
import { replaySla, summarizeClocks } from './sla.clock';
import { findCalendar } from './sla.policy';
import type { ClockSummary } from './sla.schema';
import type { ClockExplanation, SlaEnvironment, SlaFact } from './sla.types';

/**
 * The SLA facts of a ticket's timeline, in timeline order (by `seq`):
 *
 * - `ticket.created` → `created` (`byCustomer` when a customer opened it; requester plan and tags
 *   are what policies match on, not the ticket's own tags);
 * - `message.public` → `customer_message` for role `customer`, `agent_message` for role `agent`.
 *   Bot messages are left out: an automatic answer does not meet a promise of a human response;
 * - `status.changed` → `status`; `priority.changed` and `tier.changed` → `attributes`.
 *
 * Everything else (notes, tags, assignee, the `sla.*` events themselves…) does not move a clock.
 * Timer ticks are not in the timeline, so a replay only fires a breach due exactly at a later fact's
 * instant when a tick is replayed at that instant (see `applySlaFact`).
 */
export function slaFactsFromTimeline(events: readonly TimelineEvent[]): SlaFact[] {
  const facts: SlaFact[] = [];
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  for (const event of ordered) {
    const at = Date.parse(event.at);
    switch (event.type) {
      case 'ticket.created':
        facts.push({
          type: 'created',
          at,
          byCustomer: event.actor.type === 'customer',
          ticket: {
            status: event.status,
            priority: event.priority,
            tier: event.tier,
            channel: event.channel,
            requesterPlan: event.requester.plan,
            requesterTags: [...event.requester.tags],
          },
        });
        break;
      case 'message.public':
        if (event.role === 'customer') facts.push({ type: 'customer_message', at });
        else if (event.role === 'agent') facts.push({ type: 'agent_message', at });
        break;
      case 'status.changed':
        facts.push({ type: 'status', at, to: event.to });
        break;
      case 'priority.changed':
        facts.push({ type: 'attributes', at, changes: { priority: event.to } });
        break;
      case 'tier.changed':
        facts.push({ type: 'attributes', at, changes: { tier: event.to } });
        break;
      default:
        break;
    }
  }
  return facts;
}

/**
 * A ticket's clocks as of `now`, computed from its timeline alone under `env`: the what-if preview
 * an admin sees before changing a policy or calendar (the same replay the server applies after).
 */
export function computeClocks(
  events: readonly TimelineEvent[],
  env: SlaEnvironment,
  now: number,
): ClockSummary[] {
  return summarizeClocks(replaySla(slaFactsFromTimeline(events), env).state, env, now);
}

/**
 * Why a clock is where it is at `now`, as data for agents and for the end user's promise: met (when,
 * how long, in time or not), stopped, paused (on which status, since when), outside business hours
 * (when business time resumes), overdue, or running (when it is due and when it warns).
 *
 * A running clock's summary is carried forward from its `asOf` to `now` on its calendar, so a stored
 * summary explains correctly later. `ticketStatus` names the status a paused clock waits on; without
 * it the first status the clock's policy pauses on is assumed (exact when it pauses on only one).
 * A clock whose policy is gone from `env` is read as counting 24/7.
 *
 * @throws {SlaCalendarNotFoundError} when the clock's policy names a calendar missing from `env`.
 */
export function explainClock(
  clock: ClockSummary,
  env: SlaEnvironment,
  now: number,
  ticketStatus?: TicketStatus,
): ClockExplanation {
  const policy = env.policies.find((p) => p.id === clock.policyId);
  const asOf = Date.parse(clock.asOf);
  switch (clock.status) {
    case 'met':
      return {
        state: 'met',
        at: Date.parse(clock.metAt ?? clock.asOf),
        elapsedMs: clock.elapsedMs,
        breached: clock.breached,
      };
    case 'stopped':
      return { state: 'stopped', at: asOf };
    case 'paused':
      return {
        state: 'paused',
        reason: ticketStatus ?? policy?.pauseOn[0] ?? 'pending',
        since: Date.parse(clock.pausedSince ?? clock.asOf),
        remainingMs: Math.max(0, clock.targetMs - clock.elapsedMs),
        breached: clock.breached,
      };
    case 'running': {
      const calendar = policy ? findCalendar(env, policy) : null;
      const dueAt = Date.parse(clock.dueAt ?? clock.asOf);
      const elapsedMs =
        now > asOf ? clock.elapsedMs + businessTimeBetween(asOf, now, calendar) : clock.elapsedMs;
      const remainingMs = Math.max(0, clock.targetMs - elapsedMs);
      // As a timer tick at `now` would see it: due at or before now is breached.
      const breached = clock.breached || (elapsedMs >= clock.targetMs && dueAt <= now);
      if (!isWithinBusinessHours(now, calendar)) {
        const resumesAt = nextOpening(now, calendar);
        return {
          state: 'outside_hours',
          dueAt,
          resumesAt: resumesAt === null ? null : resumesAt.getTime(),
          remainingMs,
          breached,
        };
      }
      if (breached)
        return { state: 'overdue', dueAt, overdueMs: Math.max(0, elapsedMs - clock.targetMs), breached };
      // The warning still to come; null once it has fired.
      const warningAt = clock.warned || clock.warningAt === null ? null : Date.parse(clock.warningAt);
      return {
        state: 'running',
        dueAt,
        warningAt: warningAt !== null && warningAt > now ? warningAt : null,
        remainingMs,
        breached: false,
      };
    }
  }
}
