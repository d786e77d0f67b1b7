import type { UseMutationResult } from '@tanstack/react-query';
import type { Ticket, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { refreshAfterAgentChange, withConflictDetection, writeTicket } from './ticket-cache';
import { useTierdeskMutation } from './use-tierdesk-mutation';

/** What `useDeescalate` sends: the ticket and the target tier and reason. */
export type DeescalateVariables = {
  ticketId: string;
  /** Makes the call conditional on this ticket version (stale → `TierdeskConflictError`). */
  ifMatch?: number;
} & RouteBody<'deescalate'>;

/**
 * Moves a ticket back to a lower tier with a reason (`deescalate`). The returned ticket replaces the cached one everywhere; its timeline and the queues
 * are refetched.
 * With `ifMatch`, a change made meanwhile fails it with a `TierdeskConflictError`.
 */
export function useDeescalate(
  options?: TierdeskMutationOptions<Ticket, DeescalateVariables>,
): UseMutationResult<Ticket, TierdeskError, DeescalateVariables, unknown> {
  return useTierdeskMutation<Ticket, DeescalateVariables>(
    'deescalate',
    ({ ticketId, ifMatch, ...body }, tierdesk) =>
      withConflictDetection(tierdesk, ticketId, ifMatch, () =>
        tierdesk.client.deescalate({ params: { ticketId }, body, ifMatch }),
      ),
    (ticket, { ticketId }, tierdesk) => {
      writeTicket(tierdesk.queryClient, tierdesk.identity, ticket);
      refreshAfterAgentChange(tierdesk, ticketId);
    },
    options,
  );
}
