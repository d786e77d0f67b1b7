import type { Ticket } from '@tierdesk/core';

/**
 * The ticket as its requester sees it. The timeline already leaves out the team's internal events;
 * this leaves out the team's internal fields in the same spirit: who is assigned, the group, the
 * internal tags, the L4 vendor's case, and the internal clocks (OLA per tier, vendor contract). The
 * customer's own SLA clocks stay: they carry the honest promise ("reply due Tue 10:30").
 */
export function toRequesterView(ticket: Ticket): Ticket {
  return {
    ...ticket,
    assigneeId: null,
    groupId: null,
    tags: [],
    vendor: null,
    sla: ticket.sla.filter((clock) => clock.kind === 'sla'),
  };
}
