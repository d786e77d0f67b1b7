import {
  type SkipToken,
  skipToken,
  type UseInfiniteQueryResult,
  useInfiniteQuery,
} from '@tanstack/react-query';
import type { TierdeskClient, TierdeskError } from '@tierdesk/core';
import { useTierdeskContext } from '../provider/use-tierdesk-context';
import type { TierdeskQueryKey } from '../query-keys';
import { toTierdeskError } from './errors';
import type { Page, Pages, TierdeskInfiniteQueryOptions } from './hooks.types';

/** Fetches one page; `cursor` is `undefined` for the first. */
export type TierdeskPageFetcher<TItem> = (
  client: TierdeskClient,
  cursor: string | undefined,
  signal: AbortSignal,
) => Promise<Page<TItem>>;

/**
 * The base of every paginated hook (internal): keyset pagination, the next cursor taken from the
 * last page (`null` → no next page).
 */
export function useTierdeskInfiniteQuery<TItem>(
  queryKey: (identity: string) => TierdeskQueryKey,
  fetchPage: TierdeskPageFetcher<TItem> | SkipToken,
  options: TierdeskInfiniteQueryOptions<TItem> | undefined,
): UseInfiniteQueryResult<Pages<TItem>, TierdeskError> {
  const { client, identity, queryClient } = useTierdeskContext();
  return useInfiniteQuery<Page<TItem>, TierdeskError, Pages<TItem>, TierdeskQueryKey, string | undefined>(
    {
      retry: false,
      ...options,
      queryKey: queryKey(identity),
      queryFn:
        fetchPage === skipToken
          ? skipToken
          : async ({ pageParam, signal }) => {
              try {
                return await fetchPage(client, pageParam, signal);
              } catch (error) {
                throw toTierdeskError(error);
              }
            },
      initialPageParam: undefined,
      getNextPageParam: (last) => last.nextCursor ?? undefined,
    },
    queryClient,
  );
}
