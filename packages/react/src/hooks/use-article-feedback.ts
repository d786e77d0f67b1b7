import type { UseMutationResult } from '@tanstack/react-query';
import type { TierdeskError } from '@tierdesk/core';
import { tierdeskKeys } from '../query-keys';
import type { RouteBody, RouteData, TierdeskMutationOptions } from './hooks.types';
import { useTierdeskMutation } from './use-tierdesk-mutation';

/** What `useArticleFeedback` sends: the article and whether it helped. */
export type ArticleFeedbackVariables = { articleId: string } & RouteBody<'articleFeedback'>;

/**
 * Votes an article helpful or not (`articleFeedback`). The agents' article lists (which show the
 * counts) are refetched; the reader's article is not, as each read counts a view.
 */
export function useArticleFeedback(
  options?: TierdeskMutationOptions<RouteData<'articleFeedback'>, ArticleFeedbackVariables>,
): UseMutationResult<RouteData<'articleFeedback'>, TierdeskError, ArticleFeedbackVariables, unknown> {
  return useTierdeskMutation<RouteData<'articleFeedback'>, ArticleFeedbackVariables>(
    'articleFeedback',
    ({ articleId, ...body }, { client }) => client.articleFeedback({ params: { articleId }, body }),
    (_data, _variables, { queryClient, identity }) => {
      void queryClient.invalidateQueries({ queryKey: tierdeskKeys.articles.lists(identity) });
    },
    options,
  );
}
