import type { Ticket } from '@tierdesk/core';

/**
 * The ticket as its requester sees it. The timeline already leaves out the team's internal events;
 * this leaves out the team's internal fields in the same spirit: who is assigned, the group, the
 * internal tags and custom fields, problem links, the L4 vendor's case, and the internal clocks (OLA
 * per tier, vendor contract). The tier and the customer's own SLA clocks stay: the widget may say "with
 * our specialists", and the clocks carry the honest promise ("reply due Tue 10:30").
 */
export function toRequesterView(ticket: Ticket): Ticket {
  const { problemId: _problemId, ...links } = ticket.links;
  return {
    ...ticket,
    assigneeId: null,
    groupId: null,
    tags: [],
    // Custom fields are the team's (plans, order ids, risk flags); hosts show their own data themselves.
    customFields: {},
    vendor: null,
    // A merged ticket tells its requester where the conversation went; problem links are internal.
    links,
    sla: ticket.sla.filter((clock) => clock.kind === 'sla'),
  };
}
