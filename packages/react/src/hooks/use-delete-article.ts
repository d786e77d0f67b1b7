import type { UseMutationResult } from '@tanstack/react-query';
import type { TierdeskError } from '@tierdesk/core';
import { refreshArticle } from './article-cache';
import type { TierdeskMutationOptions } from './hooks.types';
import { useTierdeskMutation } from './use-tierdesk-mutation';

/** What `useDeleteArticle` sends: the article's id. */
export interface DeleteArticleVariables {
  /** The article to delete. */
  articleId: string;
}

/** Deletes an article (`deleteArticle`; agents only); it leaves the cached lists and its cached view at once. */
export function useDeleteArticle(
  options?: TierdeskMutationOptions<undefined, DeleteArticleVariables>,
): UseMutationResult<undefined, TierdeskError, DeleteArticleVariables, unknown> {
  return useTierdeskMutation<undefined, DeleteArticleVariables>(
    'deleteArticle',
    async ({ articleId }, { client }) => {
      await client.deleteArticle({ params: { articleId } });
      return undefined;
    },
    (_data, { articleId }, tierdesk) => refreshArticle(tierdesk, { id: articleId, deleted: true }),
    options,
  );
}
