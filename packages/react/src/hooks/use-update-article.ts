import type { UseMutationResult } from '@tanstack/react-query';
import type { Article, TierdeskError } from '@tierdesk/core';
import { refreshArticle } from './article-cache';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { useTierdeskMutation } from './use-tierdesk-mutation';

/** What `useUpdateArticle` sends: the article and the fields to change. */
export type UpdateArticleVariables = { articleId: string } & RouteBody<'updateArticle'>;

/**
 * Updates an article (`updateArticle`; agents only). The returned article replaces the cached one in
 * the lists and the reader's view; lists and searches are refetched.
 */
export function useUpdateArticle(
  options?: TierdeskMutationOptions<Article, UpdateArticleVariables>,
): UseMutationResult<Article, TierdeskError, UpdateArticleVariables, unknown> {
  return useTierdeskMutation<Article, UpdateArticleVariables>(
    'updateArticle',
    ({ articleId, ...body }, { client }) => client.updateArticle({ params: { articleId }, body }),
    (article, _variables, tierdesk) => refreshArticle(tierdesk, article),
    options,
  );
}
