import type { UseMutationResult } from '@tanstack/react-query';
import type { Ticket, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import {
  cachedTicketVersion,
  refreshAfterAgentChange,
  withConflictDetection,
  writeTicket,
} from './ticket-cache';
import { useTierdeskMutation } from './use-tierdesk-mutation';

/** What `useUpdateTicket` sends: the ticket, the fields to change, and optionally the version it is based on. */
export type UpdateTicketVariables = {
  ticketId: string;
  /**
   * The version the change is based on. Default: the version in the cache (the ticket view, else a
   * queue page), i.e. the one the agent is looking at; nothing is sent when nothing is cached.
   */
  ifMatch?: number;
} & RouteBody<'updateTicket'>;

/**
 * Changes status, priority, assignee, group, tags, custom fields or subject (`updateTicket`), sent
 * with `If-Match` so an agent never overwrites a change they have not seen. When the ticket changed
 * meanwhile the mutation fails with a `TierdeskConflictError` (check with `isTierdeskConflict`)
 * and the ticket's views refetch; on success the returned ticket replaces the cached one everywhere.
 */
export function useUpdateTicket(
  options?: TierdeskMutationOptions<Ticket, UpdateTicketVariables>,
): UseMutationResult<Ticket, TierdeskError, UpdateTicketVariables, unknown> {
  return useTierdeskMutation<Ticket, UpdateTicketVariables>(
    'updateTicket',
    ({ ticketId, ifMatch, ...body }, tierdesk) => {
      const version = ifMatch ?? cachedTicketVersion(tierdesk.queryClient, tierdesk.identity, ticketId);
      return withConflictDetection(tierdesk, ticketId, version, () =>
        tierdesk.client.updateTicket({ params: { ticketId }, body, ifMatch: version }),
      );
    },
    (ticket, _variables, tierdesk) => {
      writeTicket(tierdesk.queryClient, tierdesk.identity, ticket);
      refreshAfterAgentChange(tierdesk, ticket.id);
    },
    options,
  );
}
