import type { Actor } from '../shared/primitives.schema';
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

/**
 * Which built-in events an end user (actor type `customer`) may send. A customer changes a ticket
 * only by writing, rating, accepting an answer and trying self-service; status moves follow from
 * their messages. A record, so a new built-in event needs a decision here.
 */
export const CUSTOMER_MAY_SEND: Readonly<Record<TicketEvent['type'], boolean>> = {
  'MESSAGE.CUSTOMER': true,
  'CSAT.SUBMIT': true,
  'ASSISTANT.ACCEPTED': true,
  'SELF_SERVICE.ATTEMPTED': true,
  'MESSAGE.AGENT': false,
  'MESSAGE.BOT': false,
  'NOTE.ADD': false,
  'STATUS.SET': false,
  'PRIORITY.SET': false,
  'ASSIGNEE.SET': false,
  'TAGS.SET': false,
  'FIELDS.SET': false,
  'TIER.ESCALATE': false,
  'TIER.DEESCALATE': false,
  'TICKET.MERGE': false,
  'LINK.PROBLEM': false,
  'SLA.TICK': false,
  'TIMER.FIRED': false,
  'POLICIES.UPDATE': false,
};

const ACTOR_TYPES: ReadonlySet<string> = new Set<Actor['type']>(['customer', 'agent', 'bot', 'system']);

/** The event's actor, when it carries a well-formed one. */
export function actorOf(event: { type: string }): Actor | null {
  const actor = (event as { actor?: unknown }).actor;
  if (typeof actor !== 'object' || actor === null) return null;
  const type = (actor as { type?: unknown }).type;
  return typeof type === 'string' && ACTOR_TYPES.has(type) ? (actor as Actor) : null;
}

const isBuiltIn = (type: string): type is TicketEvent['type'] => Object.hasOwn(CUSTOMER_MAY_SEND, type);

const notBlank = (value: unknown, max: number): boolean =>
  typeof value === 'string' && value.trim() !== '' && value.trim().length <= max;

type Args = { context: TicketContext; event: { type: string } };

/** The built-in guards of the ticket machine, each a pure predicate. */
export const ticketGuards = {
  /**
   * The event says when it happened and who did it (an ISO instant and a known actor type), and a
   * customer sends only what {@link CUSTOMER_MAY_SEND} allows. Every transition of the ticket
   * machine is guarded by it: an event without an actor is refused rather than recorded as the
   * system's doing. A team's own events are checked for `at` and `actor` only.
   */
  actorMayAct: ({ event }: Args) => {
    const at = (event as { at?: unknown }).at;
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return false;
    const actor = actorOf(event);
    if (actor === null) return false;
    return actor.type !== 'customer' || !isBuiltIn(event.type) || CUSTOMER_MAY_SEND[event.type];
  },
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
  /** A rating is accepted once, after the ticket is solved, from the requester, as a whole 1–5. */
  canRate: ({ context, event }: Args) =>
    isEvent(event, 'CSAT.SUBMIT') &&
    Number.isInteger(event.score) &&
    event.score >= 1 &&
    event.score <= 5 &&
    actorOf(event)?.type === 'customer' &&
    actorOf(event)?.id === context.ticket.requester.id &&
    (context.ticket.status === 'solved' || context.ticket.status === 'closed') &&
    context.ticket.csat === null,
  /** A merge names another ticket, and a ticket is merged once. */
  canMerge: ({ context, event }: Args) =>
    isEvent(event, 'TICKET.MERGE') &&
    typeof event.into === 'string' &&
    event.into.trim() !== '' &&
    event.into !== context.ticket.id &&
    context.ticket.status !== 'closed' &&
    context.ticket.links.mergedInto === undefined,
  /**
   * A move up to `to`: a reason is required, the ticket is not solved or closed, L4 needs a vendor
   * and a case reference (neither blank), and leaving Tier 0 needs a self-service attempt where the
   * workspace asks for it. Only the system escalates with a `ruleId` (a rule's move), and only such a
   * move skips the self-service requirement: rules act on the workspace's own policy, while a
   * person claiming a rule id would be a forged audit trail.
   */
  canEscalateTo: ({ context, event }: Args, params: { to: Tier }) => {
    if (!isEvent(event, 'TIER.ESCALATE')) return false;
    const t = context.ticket;
    const target = event.to ?? ((t.tier + 1) as Tier);
    if (target !== params.to || target <= t.tier) return false;
    if (!event.reason?.trim()) return false;
    if (t.status === 'solved' || t.status === 'closed') return false;
    if (target === 4 && !(notBlank(event.vendor?.vendor, 120) && notBlank(event.vendor?.reference, 200)))
      return false;
    const byRule = event.ruleId !== undefined;
    if (byRule && actorOf(event)?.type !== 'system') return false;
    if (
      t.tier === 0 &&
      context.settings.requireSelfServiceFirst &&
      !context.selfServiceAttempted &&
      !byRule
    ) {
      return false;
    }
    return true;
  },
  /** A move down to `to`, with a reason, on a ticket still being worked (not solved or closed). */
  canDeescalateTo: ({ context, event }: Args, params: { to: Tier }) =>
    isEvent(event, 'TIER.DEESCALATE') &&
    event.to === params.to &&
    params.to < context.ticket.tier &&
    Boolean(event.reason?.trim()) &&
    context.ticket.status !== 'solved' &&
    context.ticket.status !== 'closed',
};
