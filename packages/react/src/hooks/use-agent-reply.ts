import type { UseMutationResult } from '@tanstack/react-query';
import type { Ticket, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { refreshAfterAgentChange, withConflictDetection, writeTicket } from './ticket-cache';
import { useTierdeskMutation } from './use-tierdesk-mutation';

/** What `useAgentReply` sends: the ticket and the reply (`body`, optional `attachments` and `status`). */
export type AgentReplyVariables = {
  ticketId: string;
  /** Makes the call conditional on this ticket version (stale → `TierdeskConflictError`). */
  ifMatch?: number;
} & RouteBody<'replyAsAgent'>;

/**
 * Replies publicly to the requester, optionally setting the status in the same step (`replyAsAgent`). The returned ticket replaces the cached one everywhere; its timeline and the queues
 * are refetched.
 * With `ifMatch`, a change made meanwhile fails it with a `TierdeskConflictError`.
 */
export function useAgentReply(
  options?: TierdeskMutationOptions<Ticket, AgentReplyVariables>,
): UseMutationResult<Ticket, TierdeskError, AgentReplyVariables, unknown> {
  return useTierdeskMutation<Ticket, AgentReplyVariables>(
    'replyAsAgent',
    ({ ticketId, ifMatch, ...body }, tierdesk) =>
      withConflictDetection(tierdesk, ticketId, ifMatch, () =>
        tierdesk.client.replyAsAgent({ params: { ticketId }, body, ifMatch }),
      ),
    (ticket, { ticketId }, tierdesk) => {
      writeTicket(tierdesk.queryClient, tierdesk.identity, ticket);
      refreshAfterAgentChange(tierdesk, ticketId);
    },
    options,
  );
}
