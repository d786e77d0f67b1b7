import type { UseMutationResult } from '@tanstack/react-query';
import type { Ticket, TierdeskError } from '@tierdesk/core';
import { tierdeskKeys } from '../query-keys';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { prependMyTicket } from './ticket-cache';
import { useTierdeskMutation } from './use-tierdesk-mutation';

/** What `useCreateTicket` sends: subject, body, and optional priority, tags, fields, attachments, diagnostics. */
export type CreateTicketVariables = RouteBody<'createTicket'>;

/** Opens a ticket as the signed-in end user (`createTicket`); it appears at the top of the cached lists. */
export function useCreateTicket(
  options?: TierdeskMutationOptions<Ticket, CreateTicketVariables>,
): UseMutationResult<Ticket, TierdeskError, CreateTicketVariables, unknown> {
  return useTierdeskMutation<Ticket, CreateTicketVariables>(
    'createTicket',
    (body, { client }) => client.createTicket({ body }),
    (ticket, _variables, { queryClient, identity }) => {
      prependMyTicket(queryClient, identity, ticket);
      void queryClient.invalidateQueries({ queryKey: tierdeskKeys.tickets.myLists(identity) });
    },
    options,
  );
}
