import { skipToken, type UseQueryResult } from '@tanstack/react-query';
import type { TierdeskError } from '@tierdesk/core';
import { tierdeskKeys } from '../query-keys';
import type { RouteData, TierdeskQueryOptions } from './hooks.types';
import { useTierdeskQuery } from './use-tierdesk-query';

/** A ticket with its whole timeline, internal notes included. */
export type TicketView = RouteData<'getTicket'>;

/**
 * A ticket as an agent sees it, whole timeline included (`getTicket`); idle while `ticketId` is
 * undefined. Its `ticket.version` is what `useUpdateTicket` sends as `If-Match`.
 */
export function useTicket(
  ticketId: string | undefined,
  options?: TierdeskQueryOptions<TicketView>,
): UseQueryResult<TicketView, TierdeskError> {
  return useTierdeskQuery<TicketView>(
    (identity) => tierdeskKeys.tickets.ticket(identity, ticketId ?? ''),
    ticketId === undefined
      ? skipToken
      : (client, signal) => client.getTicket({ params: { ticketId } }, { signal }),
    {},
    options,
  );
}
