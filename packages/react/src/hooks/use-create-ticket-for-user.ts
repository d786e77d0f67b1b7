import type { UseMutationResult } from '@tanstack/react-query';
import type { Ticket, TierdeskError } from '@tierdesk/core';
import { tierdeskKeys } from '../query-keys';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { useTierdeskMutation } from './use-tierdesk-mutation';

/** What `useCreateTicketForUser` sends: the requester and the ticket (channel `api`, tier 1 by default). */
export type CreateTicketForUserVariables = RouteBody<'createTicketForUser'>;

/**
 * Opens a ticket on a user's behalf (`createTicketForUser`; proactive support). The queues and the
 * requester's history are refetched.
 */
export function useCreateTicketForUser(
  options?: TierdeskMutationOptions<Ticket, CreateTicketForUserVariables>,
): UseMutationResult<Ticket, TierdeskError, CreateTicketForUserVariables, unknown> {
  return useTierdeskMutation<Ticket, CreateTicketForUserVariables>(
    'createTicketForUser',
    (body, { client }) => client.createTicketForUser({ body }),
    (ticket, _variables, { queryClient, identity }) => {
      void queryClient.invalidateQueries({ queryKey: tierdeskKeys.tickets.queues(identity) });
      void queryClient.invalidateQueries({
        queryKey: tierdeskKeys.requesters.history(identity, ticket.requester.id),
      });
    },
    options,
  );
}
