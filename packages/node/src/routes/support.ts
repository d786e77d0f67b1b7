import {
  findCalendar,
  isWithinBusinessHours,
  matchPolicy,
  nextClosing,
  nextOpening,
  type SlaTicketAttributes,
  type SupportStatus,
  targetMs,
} from '@tierdesk/core';
import { loadTicketPolicies } from '../policies/policy.store';
import { endUser, type RouteImpls } from './route.types';
import { requesterOf } from './tickets';

// The status changes at most at an opening or closing, and the widget re-asks when it is opened:
// a minute of staleness is invisible next to "we're back at 09:00", and it spares the database.
const CACHE_CONTROL = 'private, max-age=60';

/** The support-status route: is support open now, and what does a new widget ticket get promised. */
export const supportRoutes: RouteImpls<'supportStatus'> = {
  async supportStatus(ctx) {
    const user = endUser(ctx);
    const now = ctx.app.clock.now();
    // The same policies and requester attributes ticket creation starts a ticket under, so the notice
    // and the clock of the ticket that follows cannot disagree.
    const { sla } = await loadTicketPolicies(ctx.exec, user.workspaceId);
    const requester = requesterOf(user);
    const attributes: SlaTicketAttributes = {
      status: 'new',
      priority: 'normal',
      // Tier 1 even when the assistant answers first at Tier 0: leaving Tier 0 retargets the customer
      // SLA to the L1 policy, and a person's first response is the promise the widget states.
      tier: 1,
      channel: 'widget',
      requesterPlan: requester.plan,
      requesterTags: requester.tags,
    };
    const policy = matchPolicy(sla.policies, 'sla', attributes);
    const headers = { 'cache-control': CACHE_CONTROL };
    if (policy === null) {
      return { body: alwaysOpen(), headers };
    }
    // A policy naming a missing calendar throws here exactly as it would when the ticket is created:
    // a configuration error is better loud than a notice that claims 24/7.
    const calendar = findCalendar(sla, policy);
    const firstResponseTargetMs = targetMs(policy, 'first_response');
    if (calendar === null) {
      return { body: { ...alwaysOpen(), firstResponseTargetMs }, headers };
    }
    const open = isWithinBusinessHours(now, calendar);
    const body: SupportStatus = {
      open,
      timeZone: calendar.timeZone,
      opensAt: open ? null : iso(nextOpening(now, calendar)),
      closesAt: open ? iso(nextClosing(now, calendar)) : null,
      firstResponseTargetMs,
    };
    return { body, headers };
  },
};

/** Open around the clock with nothing promised (no policy; a 24/7 policy adds its target). */
function alwaysOpen(): SupportStatus {
  return { open: true, timeZone: null, opensAt: null, closesAt: null, firstResponseTargetMs: null };
}

function iso(at: Date | null): string | null {
  return at === null ? null : at.toISOString();
}
