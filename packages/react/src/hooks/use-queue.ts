import { keepPreviousData, type UseInfiniteQueryResult } from '@tanstack/react-query';
import type { Ticket, TierdeskError } from '@tierdesk/core';
import { normalizeQueueFilters, tierdeskKeys } from '../query-keys';
import type { Pages, QueueFilters, TierdeskInfiniteQueryOptions } from './hooks.types';
import { useTierdeskInfiniteQuery } from './use-tierdesk-infinite-query';

/**
 * The agent queue under filters (status, tier, assignee, SLA state, text), a page at a time
 * (`queue`). Equal filters share one cache entry whatever their order; while new filters load, the
 * previous result stays shown.
 */
export function useQueue(
  filters?: QueueFilters,
  options?: TierdeskInfiniteQueryOptions<Ticket>,
): UseInfiniteQueryResult<Pages<Ticket>, TierdeskError> {
  return useTierdeskInfiniteQuery<Ticket>(
    (identity) => tierdeskKeys.tickets.queue(identity, filters),
    (client, cursor, signal) =>
      client.queue({ query: { ...normalizeQueueFilters(filters), cursor } }, { signal }),
    { placeholderData: keepPreviousData, ...options },
  );
}
