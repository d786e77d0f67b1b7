import type { UseMutationResult } from '@tanstack/react-query';
import type { Ticket, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { refreshAfterUserChange, writeTicket } from './ticket-cache';
import { useTierdeskMutation } from './use-tierdesk-mutation';

/** What `useSubmitCsat` sends: the ticket, a score from 1 to 5 and an optional comment. */
export type SubmitCsatVariables = { ticketId: string } & RouteBody<'submitCsat'>;

/** Rates a solved ticket (`submitCsat`); the cached ticket shows the rating at once. */
export function useSubmitCsat(
  options?: TierdeskMutationOptions<Ticket, SubmitCsatVariables>,
): UseMutationResult<Ticket, TierdeskError, SubmitCsatVariables, unknown> {
  return useTierdeskMutation<Ticket, SubmitCsatVariables>(
    'submitCsat',
    ({ ticketId, ...body }, { client }) => client.submitCsat({ params: { ticketId }, body }),
    (ticket, _variables, tierdesk) => {
      writeTicket(tierdesk.queryClient, tierdesk.identity, ticket);
      refreshAfterUserChange(tierdesk, ticket.id);
    },
    options,
  );
}
