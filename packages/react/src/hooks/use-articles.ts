import type { UseInfiniteQueryResult } from '@tanstack/react-query';
import type { Article, TierdeskError } from '@tierdesk/core';
import { tierdeskKeys } from '../query-keys';
import type { PageSize, Pages, TierdeskInfiniteQueryOptions } from './hooks.types';
import { useTierdeskInfiniteQuery } from './use-tierdesk-infinite-query';

/** Every article, drafts included, a page at a time (`listArticles`; agents only). */
export function useArticles(
  size?: PageSize,
  options?: TierdeskInfiniteQueryOptions<Article>,
): UseInfiniteQueryResult<Pages<Article>, TierdeskError> {
  return useTierdeskInfiniteQuery<Article>(
    (identity) => tierdeskKeys.articles.list(identity, size),
    (client, cursor, signal) => client.listArticles({ query: { cursor, limit: size?.limit } }, { signal }),
    options,
  );
}
