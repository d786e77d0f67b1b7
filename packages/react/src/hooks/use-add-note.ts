import type { UseMutationResult } from '@tanstack/react-query';
import type { Ticket, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { refreshAfterAgentChange, writeTicket } from './ticket-cache';
import { useTierdeskMutation } from './use-tierdesk-mutation';

/** What `useAddNote` sends: the ticket and the note's `body`. */
export type AddNoteVariables = {
  ticketId: string;
} & RouteBody<'addNote'>;

/**
 * Adds an internal note, never shown to the requester (`addNote`). The returned ticket replaces the cached one everywhere; its timeline and the queues
 * are refetched.
 */
export function useAddNote(
  options?: TierdeskMutationOptions<Ticket, AddNoteVariables>,
): UseMutationResult<Ticket, TierdeskError, AddNoteVariables, unknown> {
  return useTierdeskMutation<Ticket, AddNoteVariables>(
    'addNote',
    ({ ticketId, ...body }, { client }) => client.addNote({ params: { ticketId }, body }),
    (ticket, { ticketId }, tierdesk) => {
      writeTicket(tierdesk.queryClient, tierdesk.identity, ticket);
      refreshAfterAgentChange(tierdesk, ticketId);
    },
    options,
  );
}
