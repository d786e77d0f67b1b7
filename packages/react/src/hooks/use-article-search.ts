import { keepPreviousData, skipToken, type UseQueryResult } from '@tanstack/react-query';
import type { TierdeskError } from '@tierdesk/core';
import { tierdeskKeys } from '../query-keys';
import type { ArticleSearchParams, RouteData, TierdeskQueryOptions } from './hooks.types';
import { useTierdeskQuery } from './use-tierdesk-query';

/** Ranked search hits with highlighted fragments. */
export type ArticleSearchResult = RouteData<'searchArticles'>;

/**
 * Full-text search of published articles (`searchArticles`). Idle while the text is blank; the
 * previous hits stay shown while the next ones load (debounce the text in the input, not here).
 */
export function useArticleSearch(
  params: ArticleSearchParams | undefined,
  options?: TierdeskQueryOptions<ArticleSearchResult>,
): UseQueryResult<ArticleSearchResult, TierdeskError> {
  const q = params?.q.trim() ?? '';
  return useTierdeskQuery<ArticleSearchResult>(
    (identity) => tierdeskKeys.articles.search(identity, { ...params, q }),
    params === undefined || q === ''
      ? skipToken
      : (client, signal) =>
          client.searchArticles({ query: { q, locale: params.locale, limit: params.limit } }, { signal }),
    { placeholderData: keepPreviousData },
    options,
  );
}
