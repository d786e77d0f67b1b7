import { type SkipToken, skipToken, type UseQueryResult, useQuery } from '@tanstack/react-query';
import type { TierdeskClient, TierdeskError } from '@tierdesk/core';
import { useTierdeskContext } from '../provider/use-tierdesk-context';
import type { TierdeskQueryKey } from '../query-keys';
import { toTierdeskError } from './errors';
import type { TierdeskQueryOptions } from './hooks.types';

/** Calls the API for a query; `signal` is TanStack's, so unmounting or cancelling aborts the request. */
export type TierdeskFetcher<TData> = (client: TierdeskClient, signal: AbortSignal) => Promise<TData>;

/**
 * The base of every query hook (TanStack's `useBaseQuery` role; internal): the provider's client and
 * QueryClient, no double retries (the API client already retries what is safe to retry), errors
 * normalised to `TierdeskError`. Host options win over the hook's defaults.
 */
export function useTierdeskQuery<TData>(
  queryKey: (identity: string) => TierdeskQueryKey,
  fetcher: TierdeskFetcher<TData> | SkipToken,
  defaults: TierdeskQueryOptions<TData>,
  options: TierdeskQueryOptions<TData> | undefined,
): UseQueryResult<TData, TierdeskError> {
  const { client, identity, queryClient } = useTierdeskContext();
  return useQuery<TData, TierdeskError, TData, TierdeskQueryKey>(
    {
      retry: false,
      ...defaults,
      ...options,
      queryKey: queryKey(identity),
      queryFn:
        fetcher === skipToken
          ? skipToken
          : async ({ signal }) => {
              try {
                return await fetcher(client, signal);
              } catch (error) {
                throw toTierdeskError(error);
              }
            },
    },
    queryClient,
  );
}
