import type { Tier } from '../tiers/tier.schema';
import { ms } from './ticket.actions';
import type { TicketStatus } from './ticket.schema';
import type { TicketContext, TicketEvent } from './ticket.types';

/** Narrows any event (built-in or a team's own) to a built-in ticket event of one type. */
export function isEvent<T extends TicketEvent['type']>(
  event: { type: string },
  type: T,
): event is Extract<TicketEvent, { type: T }> {
  return event.type === type;
}

/** Statuses an agent may move a ticket to from each status (closing needs `solved` first). */
export const STATUS_MOVES: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  new: ['open', 'pending', 'on_hold', 'solved'],
  open: ['pending', 'on_hold', 'solved'],
  pending: ['open', 'on_hold', 'solved'],
  on_hold: ['open', 'pending', 'solved'],
  solved: ['open', 'closed'],
  closed: [],
};

type Args = { context: TicketContext; event: { type: string } };

/** The built-in guards of the ticket machine, each a pure predicate. */
export const ticketGuards = {
  /** The ticket's stored workflow state is `state` (routes the initial transient state). */
  initialStateIs: ({ context }: Args, params: { state: string }) =>
    context.ticket.workflowState === params.state,
  /** The ticket's stored tier is `tier`. */
  initialTierIs: ({ context }: Args, params: { tier: Tier }) => context.ticket.tier === params.tier,
  /** A STATUS.SET asks for `to`. */
  statusSetTo: ({ event }: Args, params: { to: TicketStatus }) =>
    isEvent(event, 'STATUS.SET') && event.to === params.to,
  /** An agent reply asks for status `to` in the same step. */
  replySetsStatus: ({ event }: Args, params: { to: TicketStatus }) =>
    isEvent(event, 'MESSAGE.AGENT') && event.status === params.to,
  /** Changes are allowed (closed tickets are read-only). */
  isNotClosed: ({ context }: Args) => context.ticket.status !== 'closed',
  /** The Tier 0 assistant's answer can solve the ticket only while it is at Tier 0. */
  isAtTierZero: ({ context }: Args) => context.ticket.tier === 0,
  /** The auto-close timer is due. */
  autoCloseDue: ({ context, event }: Args) =>
    isEvent(event, 'TIMER.FIRED') &&
    event.key === 'auto_close' &&
    context.ticket.solvedAt !== null &&
    ms(event.at) >= ms(context.ticket.solvedAt) + context.settings.autoCloseAfterMs,
  /** The snooze timer is due. */
  snoozeDue: ({ context, event }: Args) =>
    isEvent(event, 'TIMER.FIRED') &&
    event.key === 'snooze' &&
    context.snoozeUntil !== null &&
    ms(event.at) >= context.snoozeUntil,
  /** A rating is accepted once, after the ticket is solved. */
  canRate: ({ context }: Args) =>
    (context.ticket.status === 'solved' || context.ticket.status === 'closed') &&
    context.ticket.csat === null,
  /**
   * A move up to `to`: a reason is required, the ticket is not solved or closed, L4 needs a vendor
   * reference, and leaving Tier 0 needs a self-service attempt where the workspace asks for it
   * (rules may skip that: they act on the workspace's own policy).
   */
  canEscalateTo: ({ context, event }: Args, params: { to: Tier }) => {
    if (!isEvent(event, 'TIER.ESCALATE')) return false;
    const t = context.ticket;
    const target = event.to ?? ((t.tier + 1) as Tier);
    if (target !== params.to || target <= t.tier) return false;
    if (!event.reason?.trim()) return false;
    if (t.status === 'solved' || t.status === 'closed') return false;
    if (target === 4 && !event.vendor) return false;
    if (
      t.tier === 0 &&
      context.settings.requireSelfServiceFirst &&
      !context.selfServiceAttempted &&
      !event.ruleId
    ) {
      return false;
    }
    return true;
  },
  /** A move down to `to`, with a reason, on a ticket still being worked. */
  canDeescalateTo: ({ context, event }: Args, params: { to: Tier }) =>
    isEvent(event, 'TIER.DEESCALATE') &&
    event.to === params.to &&
    params.to < context.ticket.tier &&
    Boolean(event.reason?.trim()) &&
    context.ticket.status !== 'closed',
};
