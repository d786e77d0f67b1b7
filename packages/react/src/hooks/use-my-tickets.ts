import type { UseInfiniteQueryResult } from '@tanstack/react-query';
import type { Ticket, TierdeskError } from '@tierdesk/core';
import { tierdeskKeys } from '../query-keys';
import type { PageSize, Pages, TierdeskInfiniteQueryOptions } from './hooks.types';
import { useTierdeskInfiniteQuery } from './use-tierdesk-infinite-query';

/**
 * The signed-in end user's tickets, newest first, a page at a time (`listMyTickets`).
 * `data.pages.flatMap((p) => p.items)` is everything loaded; `fetchNextPage()` follows the cursor.
 */
export function useMyTickets(
  size?: PageSize,
  options?: TierdeskInfiniteQueryOptions<Ticket>,
): UseInfiniteQueryResult<Pages<Ticket>, TierdeskError> {
  return useTierdeskInfiniteQuery<Ticket>(
    (identity) => tierdeskKeys.tickets.mine(identity, size),
    (client, cursor, signal) => client.listMyTickets({ query: { cursor, limit: size?.limit } }, { signal }),
    options,
  );
}
