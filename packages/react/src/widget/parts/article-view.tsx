import type { MarkdownDocument, MarkdownNode } from '@tierdesk/core';
import type { ReactNode } from 'react';
import { useWidgetTranslator as useTranslator } from '../../i18n/use-widget-translator';
import { Markdown } from '../../markdown';
import type { WidgetPartProps } from './parts.types';

/**
 * The title is an h3, so the body's highest heading must become an h4 (`#` or `##`, whichever the
 * author started with): a fixed offset would skip levels, which screen-reader users navigate by.
 */
function headingOffset(nodes: MarkdownDocument): number {
  let top = Number.POSITIVE_INFINITY;
  const visit = (list: readonly MarkdownNode[]) => {
    for (const node of list) {
      if (node.type === 'heading') top = Math.min(top, node.depth);
      if ('children' in node && Array.isArray(node.children)) visit(node.children as MarkdownNode[]);
    }
  };
  visit(nodes);
  return top === Number.POSITIVE_INFINITY ? 3 : 4 - top;
}

/** The open article (its server-parsed markdown rendered as elements), "was this helpful", and a way to ask. */
export function ArticleView({ widget }: WidgetPartProps): ReactNode {
  const { t } = useTranslator();
  const { article } = widget;
  if (article === null)
    return widget.isLoading ? <p className="td-widget-loading">{t('common.loading')}</p> : null;
  return (
    <article className="td-widget-article">
      <h3 tabIndex={-1} data-autofocus="">
        {article.title}
      </h3>
      {article.bodyNodes ? (
        <Markdown
          nodes={article.bodyNodes}
          onArticleLink={widget.openArticle}
          headingLevelOffset={headingOffset(article.bodyNodes)}
        />
      ) : (
        <p>{article.body}</p>
      )}
      <div className="td-widget-vote">
        {widget.vote === null ? (
          <fieldset>
            <legend>{t('widget.article.helpful')}</legend>
            <button type="button" disabled={!widget.canVote} onClick={() => widget.voteArticle(true)}>
              {t('widget.article.helpfulYes')}
            </button>
            <button type="button" disabled={!widget.canVote} onClick={() => widget.voteArticle(false)}>
              {t('widget.article.helpfulNo')}
            </button>
          </fieldset>
        ) : (
          <p>{t('widget.article.thanks')}</p>
        )}
      </div>
      <p>{t('widget.article.stillNeedHelp')}</p>
      <button type="button" onClick={() => widget.newTicket({ subject: article.title })}>
        {t('widget.contact')}
      </button>
    </article>
  );
}
