import { skipToken, type UseInfiniteQueryResult } from '@tanstack/react-query';
import type { TierdeskError, TimelineEvent } from '@tierdesk/core';
import { tierdeskKeys } from '../query-keys';
import type { PageSize, Pages, TierdeskInfiniteQueryOptions } from './hooks.types';
import { useTierdeskInfiniteQuery } from './use-tierdesk-infinite-query';

/** A ticket's timeline, paged by sequence number (`timeline`); idle while `ticketId` is undefined. */
export function useTimeline(
  ticketId: string | undefined,
  size?: PageSize,
  options?: TierdeskInfiniteQueryOptions<TimelineEvent>,
): UseInfiniteQueryResult<Pages<TimelineEvent>, TierdeskError> {
  return useTierdeskInfiniteQuery<TimelineEvent>(
    (identity) => tierdeskKeys.tickets.timeline(identity, ticketId ?? '', size),
    ticketId === undefined
      ? skipToken
      : (client, cursor, signal) =>
          client.timeline({ params: { ticketId }, query: { cursor, limit: size?.limit } }, { signal }),
    options,
  );
}
