import type { UseMutationResult } from '@tanstack/react-query';
import type { Ticket, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { refreshAfterAgentChange, writeTicket } from './ticket-cache';
import { useTierdeskMutation } from './use-tierdesk-mutation';

/** What `useMergeTicket` sends: the ticket and the ticket it is merged `into`. */
export type MergeTicketVariables = {
  ticketId: string;
} & RouteBody<'mergeTicket'>;

/**
 * Merges this ticket into another (`into`) (`mergeTicket`). The returned ticket replaces the cached one
 * everywhere; both tickets' timelines and the queues are refetched.
 */
export function useMergeTicket(
  options?: TierdeskMutationOptions<Ticket, MergeTicketVariables>,
): UseMutationResult<Ticket, TierdeskError, MergeTicketVariables, unknown> {
  return useTierdeskMutation<Ticket, MergeTicketVariables>(
    'mergeTicket',
    ({ ticketId, ...body }, { client }) => client.mergeTicket({ params: { ticketId }, body }),
    (ticket, { ticketId, into }, tierdesk) => {
      writeTicket(tierdesk.queryClient, tierdesk.identity, ticket);
      refreshAfterAgentChange(tierdesk, ticketId);
      // The surviving ticket gained the duplicate's timeline.
      refreshAfterAgentChange(tierdesk, into);
    },
    options,
  );
}
