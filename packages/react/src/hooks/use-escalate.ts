import type { UseMutationResult } from '@tanstack/react-query';
import type { Ticket, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { refreshAfterAgentChange, withConflictDetection, writeTicket } from './ticket-cache';
import { useTierdeskMutation } from './use-tierdesk-mutation';

/** What `useEscalate` sends: the ticket and the target tier, reason and vendor reference. */
export type EscalateVariables = {
  ticketId: string;
  /** Makes the call conditional on this ticket version (stale → `TierdeskConflictError`). */
  ifMatch?: number;
} & RouteBody<'escalate'>;

/**
 * Escalates to a higher tier (one up unless `to` says otherwise) with a reason; L4 needs a vendor reference (`escalate`). The returned ticket replaces the cached one everywhere; its timeline and the queues
 * are refetched.
 * With `ifMatch`, a change made meanwhile fails it with a `TierdeskConflictError`.
 */
export function useEscalate(
  options?: TierdeskMutationOptions<Ticket, EscalateVariables>,
): UseMutationResult<Ticket, TierdeskError, EscalateVariables, unknown> {
  return useTierdeskMutation<Ticket, EscalateVariables>(
    'escalate',
    ({ ticketId, ifMatch, ...body }, tierdesk) =>
      withConflictDetection(tierdesk, ticketId, ifMatch, () =>
        tierdesk.client.escalate({ params: { ticketId }, body, ifMatch }),
      ),
    (ticket, { ticketId }, tierdesk) => {
      writeTicket(tierdesk.queryClient, tierdesk.identity, ticket);
      refreshAfterAgentChange(tierdesk, ticketId);
    },
    options,
  );
}
