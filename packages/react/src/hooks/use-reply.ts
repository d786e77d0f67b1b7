import type { UseMutationResult } from '@tanstack/react-query';
import type { Ticket, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { refreshAfterUserChange, writeTicket } from './ticket-cache';
import { useTierdeskMutation } from './use-tierdesk-mutation';

/** What `useReply` sends: the ticket and the reply (`body`, optional `attachments`). */
export type ReplyVariables = { ticketId: string } & RouteBody<'replyAsUser'>;

/**
 * Replies on one of the end user's tickets (`replyAsUser`; reopens a solved one). The returned ticket
 * replaces the cached one at once; the timeline is refetched.
 */
export function useReply(
  options?: TierdeskMutationOptions<Ticket, ReplyVariables>,
): UseMutationResult<Ticket, TierdeskError, ReplyVariables, unknown> {
  return useTierdeskMutation<Ticket, ReplyVariables>(
    'replyAsUser',
    ({ ticketId, ...body }, { client }) => client.replyAsUser({ params: { ticketId }, body }),
    (ticket, _variables, tierdesk) => {
      writeTicket(tierdesk.queryClient, tierdesk.identity, ticket);
      refreshAfterUserChange(tierdesk, ticket.id);
    },
    options,
  );
}
