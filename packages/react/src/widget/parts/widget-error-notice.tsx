import type { ReactNode } from 'react';
import { useWidgetTranslator as useTranslator } from '../../i18n/use-widget-translator';
import type { WidgetPartProps } from './parts.types';

/** The widget's current failure with a retry button (an alert), or nothing. */
export function WidgetErrorNotice({ widget }: WidgetPartProps): ReactNode {
  const { t } = useTranslator();
  if (widget.error === null) return null;
  return (
    <div className="td-widget-error" role="alert">
      <p>
        {widget.error.operation === 'submitTicket' ? t('widget.form.error.submitFailed') : t('common.error')}
      </p>
      <button type="button" onClick={widget.retry}>
        {t('common.retry')}
      </button>
    </div>
  );
}
