import { type ReactElement, useId, useState } from 'react';
import { useWidgetTranslator as useTranslator } from '../../i18n/use-widget-translator';
import type { WidgetPartProps } from './parts.types';

/** The satisfaction survey after a solve: a 1–5 rating (radio group) and an optional comment. */
export function CsatSurvey({ widget }: WidgetPartProps): ReactElement {
  const { t } = useTranslator();
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const commentId = useId();
  const name = useId();
  return (
    <form
      className="td-widget-csat"
      onSubmit={(e) => {
        e.preventDefault();
        if (score > 0) widget.rate(score, comment.trim() === '' ? undefined : comment.trim());
      }}
    >
      <fieldset>
        <legend>{t('widget.csat.question')}</legend>
        {([1, 2, 3, 4, 5] as const).map((n) => (
          <label key={n}>
            <input type="radio" name={name} value={n} checked={score === n} onChange={() => setScore(n)} />
            {t(`widget.csat.scale.${n}`)}
          </label>
        ))}
      </fieldset>
      <label htmlFor={commentId}>
        {t('widget.csat.comment')} {t('common.optional')}
      </label>
      <textarea id={commentId} value={comment} onChange={(e) => setComment(e.target.value)} />
      <button type="submit" disabled={score === 0 || widget.isLoading}>
        {t('widget.csat.submit')}
      </button>
    </form>
  );
}
