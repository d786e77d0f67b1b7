import type {
  InfiniteData,
  UseInfiniteQueryOptions,
  UseMutationOptions,
  UseQueryOptions,
} from '@tanstack/react-query';
import type { JsonRouteName, RouteInput, RouteOutput, Routes, Tier, TierdeskError } from '@tierdesk/core';
import type { TierdeskQueryKey } from '../query-keys';

// Every type here is derived from the API contract, so a contract change reaches the hooks' types
// without anyone editing this package.

/** What route `K` answers with. */
export type RouteData<K extends JsonRouteName> = RouteOutput<Routes[K]>;

/** The body route `K` takes (`never` when it takes none). */
export type RouteBody<K extends JsonRouteName> = RouteInput<Routes[K]> extends { body: infer B } ? B : never;

/** The query string route `K` takes (`never` when it takes none). */
export type RouteQuery<K extends JsonRouteName> =
  RouteInput<Routes[K]> extends { query?: infer Q } ? NonNullable<Q> : never;

/** A page of a keyset-paginated list: its items and the cursor of the next page (`null` on the last). */
export interface Page<T> {
  /** The items of this page. */
  items: T[];
  /** Cursor of the next page; `null` on the last page. */
  nextCursor: string | null;
}

/** Everything a paginated list hook has loaded so far: one entry per fetched page. */
export type Pages<T> = InfiniteData<Page<T>, string | undefined>;

/** Page size of a paginated list hook (the server's default is 25, its maximum 100). */
export interface PageSize {
  /** Items per page, 1–100. */
  limit?: number;
}

// The contract's query schemas coerce strings (they parse URLs), which widens their input types to
// `unknown`; the hooks take the values a program actually passes.

/** Filters of the agent queue (`useQueue`); the cursor is managed by the hook. */
export type QueueFilters = Omit<RouteQuery<'queue'>, 'cursor' | 'limit' | 'tier'> & {
  /** Only tickets at these tiers. */
  tier?: Tier[];
  /** Items per page, 1–100. */
  limit?: number;
};

/** An article search (`useArticleSearch`). */
export type ArticleSearchParams = Omit<RouteQuery<'searchArticles'>, 'limit'> & {
  /** Most hits to return, 1–50 (default 10). */
  limit?: number;
};

/** The window of `useMetrics` (ISO instants; the last 30 days when omitted). */
export type MetricsWindowQuery = RouteQuery<'metrics'>;

/**
 * Options a query hook accepts: every TanStack `useQuery` option except the key and the function,
 * which the hook owns. Errors are always {@link TierdeskError}s.
 */
export type TierdeskQueryOptions<TData> = Omit<
  UseQueryOptions<TData, TierdeskError, TData, TierdeskQueryKey>,
  'queryKey' | 'queryFn'
>;

/**
 * Options a paginated hook accepts: every TanStack `useInfiniteQuery` option except the key, the
 * function and the paging, which follow the API's keyset cursor.
 */
export type TierdeskInfiniteQueryOptions<TItem> = Omit<
  UseInfiniteQueryOptions<Page<TItem>, TierdeskError, Pages<TItem>, TierdeskQueryKey, string | undefined>,
  'queryKey' | 'queryFn' | 'initialPageParam' | 'getNextPageParam' | 'getPreviousPageParam'
>;

/**
 * Options a mutation hook accepts: every TanStack `useMutation` option except the function and the
 * key. The hook's own cache updates run first, then the `onSuccess` given here.
 */
export type TierdeskMutationOptions<TData, TVariables, TError extends TierdeskError = TierdeskError> = Omit<
  UseMutationOptions<TData, TError, TVariables, unknown>,
  'mutationFn' | 'mutationKey'
>;
