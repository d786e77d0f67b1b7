import { skipToken, type UseQueryResult } from '@tanstack/react-query';
import type { TierdeskError } from '@tierdesk/core';
import { tierdeskKeys } from '../query-keys';
import type { RouteData, TierdeskQueryOptions } from './hooks.types';
import { useTierdeskQuery } from './use-tierdesk-query';

/** One of the end user's tickets with its public timeline. */
export type MyTicketView = RouteData<'getMyTicket'>;

/** One of the signed-in end user's tickets with its public timeline (`getMyTicket`); idle while `ticketId` is undefined. */
export function useMyTicket(
  ticketId: string | undefined,
  options?: TierdeskQueryOptions<MyTicketView>,
): UseQueryResult<MyTicketView, TierdeskError> {
  return useTierdeskQuery<MyTicketView>(
    (identity) => tierdeskKeys.tickets.myTicket(identity, ticketId ?? ''),
    ticketId === undefined
      ? skipToken
      : (client, signal) => client.getMyTicket({ params: { ticketId } }, { signal }),
    {},
    options,
  );
}
