import type { SupportStatus } from '@tierdesk/core';
import type { ReactNode } from 'react';
import { useWidgetTranslator as useTranslator } from '../../i18n/use-widget-translator';

/** Props of {@link SupportHoursNotice}. */
export interface SupportHoursNoticeProps {
  /** The server's support status (`useSupportStatus()`, or what the widget loaded); nothing while unknown. */
  status: SupportStatus | null | undefined;
  /** Also say how soon a reply usually comes while support is open. Default `false`. */
  showPromise?: boolean;
}

/**
 * The out-of-hours notice: "We're away right now. We'll be back tomorrow at 9:00 AM." in the support
 * calendar's time zone, or, while open and asked to, "We usually reply within 1 hour."
 */
export function SupportHoursNotice({ status, showPromise = false }: SupportHoursNoticeProps): ReactNode {
  const { t, formatNextOpening, formatDuration } = useTranslator();
  if (status === null || status === undefined) return null;
  if (!status.open) {
    const text =
      status.opensAt === null
        ? t('widget.hours.closedUnknown')
        : t('widget.hours.closed', {
            opening: formatNextOpening(Date.parse(status.opensAt), status.timeZone ?? undefined),
          });
    return (
      <p className="td-widget-notice td-widget-hours" role="status">
        {text}
      </p>
    );
  }
  if (!showPromise || status.firstResponseTargetMs === null) return null;
  return (
    <p className="td-widget-notice td-widget-promise">
      {t('widget.sla.promise', { duration: formatDuration(status.firstResponseTargetMs) })}
    </p>
  );
}
