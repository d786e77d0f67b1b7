import type { ReactElement } from 'react';
import { useWidgetTranslator as useTranslator } from '../../i18n/use-widget-translator';
import type { WidgetPartProps } from './parts.types';
import { TicketPromise } from './ticket-promise';

/** The user's tickets, newest first, each with its reference, status and promise; loading and empty states. */
export function TicketList({ widget }: WidgetPartProps): ReactElement {
  const { t } = useTranslator();
  if (widget.isLoading && widget.tickets.length === 0)
    return <p className="td-widget-loading">{t('common.loading')}</p>;
  if (widget.tickets.length === 0 && widget.error === null)
    return <p className="td-widget-empty">{t('widget.tickets.empty')}</p>;
  return (
    <ul className="td-widget-tickets">
      {widget.tickets.map((ticket) => (
        <li key={ticket.id}>
          <button type="button" onClick={() => widget.openTicket(ticket.id)}>
            <span>{ticket.subject}</span>{' '}
            <span className="td-widget-meta">
              {t('widget.tickets.reference', { number: String(ticket.number) })} ·{' '}
              {t(`status.${ticket.status}`)}
            </span>
            <TicketPromise ticket={ticket} />
          </button>
        </li>
      ))}
    </ul>
  );
}
