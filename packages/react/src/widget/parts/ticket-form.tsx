import { type ReactElement, useId } from 'react';
import { useWidgetTranslator as useTranslator } from '../../i18n/use-widget-translator';
import type { WidgetPartProps } from './parts.types';
import { ArticleHitList } from './widget-hits';

/**
 * The new-ticket form: subject and message, with articles suggested while the user types
 * (deflection: opening one, and then leaving or still asking, is recorded by the machine).
 */
export function TicketForm({ widget }: WidgetPartProps): ReactElement {
  const { t } = useTranslator();
  const subjectId = useId();
  const bodyId = useId();
  const busy = widget.screen === 'submitting';
  return (
    <form
      className="td-widget-form"
      aria-busy={busy}
      onSubmit={(e) => {
        e.preventDefault();
        widget.submitTicket();
      }}
    >
      <label htmlFor={subjectId}>{t('widget.form.subject')}</label>
      <input
        id={subjectId}
        data-autofocus=""
        value={widget.draft.subject}
        readOnly={busy}
        onChange={(e) => widget.changeDraft({ subject: e.target.value })}
      />
      <label htmlFor={bodyId}>{t('widget.form.message')}</label>
      <textarea
        id={bodyId}
        value={widget.draft.body}
        readOnly={busy}
        onChange={(e) => widget.changeDraft({ body: e.target.value })}
      />
      {widget.suggestions.length > 0 ? (
        <section className="td-widget-suggestions" aria-label={t('widget.deflection.title')}>
          <p>{t('widget.deflection.title')}</p>
          <ArticleHitList hits={widget.suggestions} onOpen={widget.openArticle} />
        </section>
      ) : null}
      <button type="submit" disabled={!widget.canSubmit || busy}>
        {busy ? t('widget.message.sending') : t('widget.form.submit')}
      </button>
    </form>
  );
}
