import type { CustomEscalationRule } from '@tierdesk/core';
import {
  createTicketMachine,
  type EventMeta,
  type TicketMachine,
  type WorkflowArgs,
} from '@tierdesk/core/machines';

/**
 * The events this team adds to the ticket workflow. Like the built-in events they carry `at` and
 * `actor` (`EventMeta`); the server stamps `at`. A `reason` is recorded on the status change the
 * event causes, so the timeline says why a refund was requested, approved or rejected.
 */
export type RefundWorkflowEvent =
  /** An agent asks a manager to approve the refund in the ticket's `refundAmount` custom field. */
  | ({ type: 'APPROVAL.REQUEST'; reason: string } & EventMeta)
  /** A manager approves it. */
  | ({ type: 'APPROVAL.GRANT'; reason?: string } & EventMeta)
  /** A manager rejects it, saying why. */
  | ({ type: 'APPROVAL.REJECT'; reason: string } & EventMeta);

/** The effect name the `pageOnCall` action emits; the server's pager outbox picks it up. */
export const PAGE_ON_CALL = 'page_on_call';

/** What a page says: the ticket, its tier, and the tier change that brought it there. */
export interface PageOnCallData extends Record<string, unknown> {
  subject: string;
  priority: string;
  tier: number;
  workspaceId: string;
  /** The timeline sequence number of the tier change that reached L3 (the page's identity). */
  seq: number;
}

/** Options of {@link createRefundWorkflow}. */
export interface RefundWorkflowOptions {
  /** Agent ids allowed to approve or reject refunds. */
  managers: readonly string[];
}

type Args = WorkflowArgs<RefundWorkflowEvent>;

/** The ticket's refund amount (custom field `refundAmount`), when the agent has entered a valid one. */
export function refundAmountOf(args: Pick<Args, 'context'>): number | null {
  const amount = args.context.ticket.customFields.refundAmount;
  return typeof amount === 'number' && Number.isFinite(amount) && amount > 0 ? amount : null;
}

/**
 * Enterprise customers' tickets move up when their customer SLA is at risk: to L2 on a warning, to
 * L3 (where the on-call is paged) on a breach. Data rules can match an SLA signal or a tag, but not
 * "an SLA signal for this customer plan", hence a rule written as code.
 */
export const enterpriseSlaRule: CustomEscalationRule = {
  id: 'enterprise-sla',
  // A warning and a later breach are separate moves; the rule never moves a ticket down or sideways.
  fires: 'every',
  evaluate(trigger, ticket) {
    if (ticket.requesterPlan !== 'enterprise') return null;
    if (trigger.on === 'sla.warning' && trigger.kind === 'sla') {
      return { to: 2, reason: `enterprise customer: ${trigger.metric} SLA warning` };
    }
    if (trigger.on === 'sla.breached' && trigger.kind === 'sla') {
      return { to: 3, reason: `enterprise customer: ${trigger.metric} SLA breached` };
    }
    return null;
  },
};

/**
 * The team's ticket workflow: the built-in lifecycle plus a refund approval step, the enterprise SLA
 * rule, and a page to the on-call whenever a ticket reaches L3.
 *
 * - `open` → `awaiting_approval` on `APPROVAL.REQUEST` from an agent, for a ticket tagged `refund`
 *   whose `refundAmount` custom field is a positive number (also again after a rejection).
 * - `awaiting_approval` → `refund_approved` on `APPROVAL.GRANT`, → `refund_rejected` on
 *   `APPROVAL.REJECT` (with a reason), both only from a manager.
 * - All three report as `open`: the customer is waiting on us, not on themselves or a vendor, so the
 *   customer SLA keeps running while a manager decides (a slow approval is our delay, and the
 *   enterprise rule escalates it like any other). They inherit `open`'s built-in moves, so an agent
 *   can still reply, set the ticket pending or solve it (the customer withdrew the request).
 * - Entering L3 runs `pageOnCall`, which emits a `page_on_call` effect; the server turns it into an
 *   outbox row in the change's transaction and the pager is called after commit.
 */
export function createRefundWorkflow(options: RefundWorkflowOptions): TicketMachine<RefundWorkflowEvent> {
  const managers = new Set(options.managers);
  const byAgent = ({ event }: Args) => event.actor.type === 'agent';
  return createTicketMachine<RefundWorkflowEvent>({
    states: {
      awaiting_approval: {
        reportsAs: 'open',
        on: {
          'APPROVAL.GRANT': { target: 'refund_approved', guard: 'byManager' },
          'APPROVAL.REJECT': { target: 'refund_rejected', guard: 'rejectionByManager' },
        },
      },
      refund_approved: { reportsAs: 'open' },
      refund_rejected: {
        reportsAs: 'open',
        on: { 'APPROVAL.REQUEST': { target: 'awaiting_approval', guard: 'canRequestApproval' } },
      },
    },
    transitions: {
      open: { 'APPROVAL.REQUEST': { target: 'awaiting_approval', guard: 'canRequestApproval' } },
    },
    guards: {
      // Customers may send a team's own events as far as the core is concerned: the guards decide.
      canRequestApproval: (args) =>
        byAgent(args) &&
        args.context.ticket.tags.includes('refund') &&
        refundAmountOf(args) !== null &&
        hasReason(args.event),
      byManager: ({ event }) => event.actor.type === 'agent' && managers.has(event.actor.id ?? ''),
      rejectionByManager: ({ event }) =>
        event.actor.type === 'agent' && managers.has(event.actor.id ?? '') && hasReason(event),
    },
    tiers: { 3: { entry: ['pageOnCall'] } },
    actions: {
      pageOnCall: ({ context, emit }) => {
        const t = context.ticket;
        const data: PageOnCallData = {
          subject: t.subject,
          priority: t.priority,
          tier: t.tier,
          workspaceId: t.workspaceId,
          seq: context.seq,
        };
        emit(PAGE_ON_CALL, data);
      },
    },
    escalationRules: [enterpriseSlaRule],
  });
}

const hasReason = (event: { type: string }): boolean => {
  const reason = (event as { reason?: unknown }).reason;
  return typeof reason === 'string' && reason.trim() !== '';
};
