import { skipToken, type UseQueryResult } from '@tanstack/react-query';
import type { Article, TierdeskError } from '@tierdesk/core';
import { tierdeskKeys } from '../query-keys';
import type { TierdeskQueryOptions } from './hooks.types';
import { useTierdeskQuery } from './use-tierdesk-query';

/**
 * A published article (`getArticle`); idle while `articleId` is undefined. Every read counts a view,
 * so it stays fresh for five minutes instead of refetching on each focus.
 */
export function useArticle(
  articleId: string | undefined,
  options?: TierdeskQueryOptions<Article>,
): UseQueryResult<Article, TierdeskError> {
  return useTierdeskQuery<Article>(
    (identity) => tierdeskKeys.articles.article(identity, articleId ?? ''),
    articleId === undefined
      ? skipToken
      : (client, signal) => client.getArticle({ params: { articleId } }, { signal }),
    { staleTime: 5 * 60_000 },
    options,
  );
}
