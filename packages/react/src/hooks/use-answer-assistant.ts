import type { UseMutationResult } from '@tanstack/react-query';
import type { Ticket, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { refreshAfterUserChange, writeTicket } from './ticket-cache';
import { useTierdeskMutation } from './use-tierdesk-mutation';

/** What `useAnswerAssistant` sends: the ticket, whether the proposal helped, and which article. */
export type AnswerAssistantVariables = { ticketId: string } & RouteBody<'answerAssistant'>;

/**
 * Accepts or rejects the Tier 0 assistant's answer (`answerAssistant`): accepting solves the ticket,
 * rejecting hands it to a human. The cached ticket is updated at once.
 */
export function useAnswerAssistant(
  options?: TierdeskMutationOptions<Ticket, AnswerAssistantVariables>,
): UseMutationResult<Ticket, TierdeskError, AnswerAssistantVariables, unknown> {
  return useTierdeskMutation<Ticket, AnswerAssistantVariables>(
    'answerAssistant',
    ({ ticketId, ...body }, { client }) => client.answerAssistant({ params: { ticketId }, body }),
    (ticket, _variables, tierdesk) => {
      writeTicket(tierdesk.queryClient, tierdesk.identity, ticket);
      refreshAfterUserChange(tierdesk, ticket.id);
    },
    options,
  );
}
