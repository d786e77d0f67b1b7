import type { Diagnostics, Requester, Ticket } from '@tierdesk/core';
import { type ReactElement, type ReactNode, useId } from 'react';
import { useRequesterHistory } from '../../hooks/use-requester-history';
import { useTranslator } from '../../i18n/use-translator';
import { DiagnosticsPanel } from './diagnostics-panel';

/** Props of {@link RequesterPanel}. */
export interface RequesterPanelProps {
  /** The ticket whose requester is shown; it is left out of their history. */
  ticket: Ticket;
  /** The host's own card about the requester (CRM data, plan, links), shown first. */
  renderCustomerCard?: ((requester: Requester) => ReactNode) | undefined;
  /** Opens another of the requester's tickets; without it they are listed as text. */
  onSelectTicket?: ((ticketId: string) => void) | undefined;
  /** What the widget attached to this ticket (app version, page, browser, recent errors). */
  diagnostics?: Diagnostics | null | undefined;
}

/** The requester beside the thread: the host's customer card, who they are, and their other tickets. */
export function RequesterPanel({
  ticket,
  renderCustomerCard,
  onSelectTicket,
  diagnostics,
}: RequesterPanelProps): ReactElement {
  const { t, formatNumber } = useTranslator();
  const headingId = useId();
  const historyId = useId();
  const { requester } = ticket;
  const history = useRequesterHistory(requester.id);
  const others = history.data?.tickets.filter((other) => other.id !== ticket.id) ?? [];
  return (
    <aside className="td-requester" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('agent.ticket.requester')}</h3>
      {renderCustomerCard ? <div className="td-requester-card">{renderCustomerCard(requester)}</div> : null}
      <dl className="td-requester-facts">
        {requester.name ? (
          <div>
            <dt className="td-sr-only">{t('widget.form.name')}</dt>
            <dd className="td-requester-name">{requester.name}</dd>
          </div>
        ) : null}
        {requester.email ? (
          <div>
            <dt>{t('widget.form.email')}</dt>
            <dd>{requester.email}</dd>
          </div>
        ) : null}
        {requester.plan ? (
          <div>
            <dt>{t('agent.history.plan')}</dt>
            <dd>{requester.plan}</dd>
          </div>
        ) : null}
        {history.data ? (
          <>
            <div>
              <dt>{t('agent.history.csat')}</dt>
              <dd>
                {history.data.csatAverage === null
                  ? t('agent.metrics.notAvailable')
                  : formatNumber(history.data.csatAverage, { maximumFractionDigits: 1 })}
              </dd>
            </div>
            <div>
              <dt>{t('agent.history.interactions')}</dt>
              <dd>{formatNumber(history.data.interactions)}</dd>
            </div>
          </>
        ) : null}
      </dl>
      <DiagnosticsPanel diagnostics={diagnostics} />
      <h4 id={historyId}>{t('agent.ticket.history')}</h4>
      {history.isPending ? <p role="status">{t('common.loading')}</p> : null}
      {history.isError ? <p role="alert">{t('common.error')}</p> : null}
      {history.isSuccess && others.length === 0 ? (
        <p className="td-muted">{t('agent.history.none')}</p>
      ) : null}
      {others.length > 0 ? (
        <ul className="td-requester-tickets" aria-labelledby={historyId}>
          {others.map((other) => {
            const label = (
              <>
                <span className="td-muted">{t('agent.queue.number', { number: String(other.number) })}</span>{' '}
                {other.subject}
              </>
            );
            return (
              <li key={other.id}>
                {onSelectTicket ? (
                  <button
                    type="button"
                    className="td-requester-ticket"
                    onClick={() => onSelectTicket(other.id)}
                  >
                    {label}
                  </button>
                ) : (
                  <span>{label}</span>
                )}{' '}
                <span className="td-badge">{t(`agent.status.${other.status}`)}</span>
              </li>
            );
          })}
        </ul>
      ) : null}
    </aside>
  );
}
