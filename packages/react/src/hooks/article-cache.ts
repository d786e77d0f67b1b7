import type { Article } from '@tierdesk/core';
import type { TierdeskContextValue } from '../provider/tierdesk-context';
import { tierdeskKeys } from '../query-keys';
import type { Pages } from './hooks.types';

// After an article changes, the agents' lists and every search are refetched; the reader's cached
// article is written directly (refetching it would count a view).

/** Writes (or, with `deleted`, drops) an article in the cached lists and detail, then refetches lists and searches. */
export function refreshArticle(
  { queryClient, identity }: TierdeskContextValue,
  article: Article | { id: string; deleted: true },
): void {
  if ('deleted' in article) {
    queryClient.removeQueries({ queryKey: tierdeskKeys.articles.article(identity, article.id), exact: true });
  } else {
    queryClient.setQueryData<Article>(tierdeskKeys.articles.article(identity, article.id), (old) =>
      old === undefined ? undefined : article,
    );
  }
  queryClient.setQueriesData<Pages<Article>>({ queryKey: tierdeskKeys.articles.lists(identity) }, (data) => {
    if (data === undefined) return undefined;
    const pages = data.pages.map((page) => ({
      ...page,
      items:
        'deleted' in article
          ? page.items.filter((item) => item.id !== article.id)
          : page.items.map((item) => (item.id === article.id ? article : item)),
    }));
    return { ...data, pages };
  });
  void queryClient.invalidateQueries({ queryKey: tierdeskKeys.articles.lists(identity) });
  void queryClient.invalidateQueries({ queryKey: tierdeskKeys.articles.searches(identity) });
}
