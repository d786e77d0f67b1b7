import type { UseMutationResult } from '@tanstack/react-query';
import type { Article, TierdeskError } from '@tierdesk/core';
import { refreshArticle } from './article-cache';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { useTierdeskMutation } from './use-tierdesk-mutation';

/** What `useCreateArticle` sends: title, markdown body, and optional tags, locale and `published`. */
export type CreateArticleVariables = RouteBody<'createArticle'>;

/** Creates an article (`createArticle`; agents only); the article lists and searches are refetched. */
export function useCreateArticle(
  options?: TierdeskMutationOptions<Article, CreateArticleVariables>,
): UseMutationResult<Article, TierdeskError, CreateArticleVariables, unknown> {
  return useTierdeskMutation<Article, CreateArticleVariables>(
    'createArticle',
    (body, { client }) => client.createArticle({ body }),
    (article, _variables, tierdesk) => refreshArticle(tierdesk, article),
    options,
  );
}
