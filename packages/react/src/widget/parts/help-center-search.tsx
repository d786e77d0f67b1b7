import { type ReactElement, useId } from 'react';
import { useWidgetTranslator as useTranslator } from '../../i18n/use-widget-translator';
import type { WidgetPartProps } from './parts.types';
import { ArticleHitList } from './widget-hits';

/**
 * The help center's search: a search box (search-as-you-type, debounced by the machine), the results
 * with their matches highlighted, the loading and no-results states, and the ways on: contact support,
 * my tickets.
 */
export function HelpCenterSearch({ widget }: WidgetPartProps): ReactElement {
  const { t } = useTranslator();
  const searchId = useId();
  const blank = widget.query.trim() === '';
  return (
    <div className="td-widget-home">
      <label htmlFor={searchId}>{t('widget.search.label')}</label>
      <input
        id={searchId}
        type="search"
        data-autofocus=""
        value={widget.query}
        placeholder={t('widget.search.placeholder')}
        onChange={(e) => widget.search(e.target.value)}
      />
      {widget.isLoading ? <p className="td-widget-loading">{t('common.loading')}</p> : null}
      {!blank && !widget.isLoading && widget.error === null && widget.results.length === 0 ? (
        <p className="td-widget-empty">{t('widget.search.noResults', { query: widget.query.trim() })}</p>
      ) : null}
      <ArticleHitList hits={widget.results} onOpen={widget.openArticle} />
      <div className="td-widget-actions">
        <button type="button" onClick={() => widget.newTicket()}>
          {t('widget.contact')}
        </button>
        <button type="button" onClick={widget.openTickets}>
          {t('widget.tickets.title')}
        </button>
      </div>
    </div>
  );
}
