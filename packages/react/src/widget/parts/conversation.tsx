import { type ReactNode, useId, useLayoutEffect, useRef } from 'react';
import { useWidgetTranslator as useTranslator } from '../../i18n/use-widget-translator';
import { Markdown } from '../../markdown';
import type { WidgetPartProps } from './parts.types';
import { TicketPromise } from './ticket-promise';

/**
 * One ticket's conversation: its promise, the public thread (markdown rendered as elements), messages
 * still being sent or queued while offline, and the composer.
 */
export function Conversation({ widget }: WidgetPartProps): ReactNode {
  const { t } = useTranslator();
  const composerId = useId();
  const { ticket } = widget;
  const threadRef = useRef<HTMLOListElement>(null);
  const shown = useRef(0);
  const count = widget.messages.length + widget.pendingMessages.length;
  // Like any chat: opening a thread and every new message bring the newest message into view (a
  // live reply below the fold would go unseen; screen readers hear it from the live region).
  useLayoutEffect(() => {
    const last = threadRef.current?.lastElementChild;
    if (count > shown.current && last && 'scrollIntoView' in last) last.scrollIntoView({ block: 'nearest' });
    shown.current = count;
  }, [count]);
  if (ticket === null)
    return widget.isLoading ? <p className="td-widget-loading">{t('common.loading')}</p> : null;
  return (
    <div className="td-widget-conversation">
      <h3>{ticket.subject}</h3>
      <TicketPromise ticket={ticket} />
      {ticket.status === 'solved' ? (
        <p className="td-widget-notice">{t('widget.tickets.solvedNotice')}</p>
      ) : null}
      <ol className="td-widget-thread" ref={threadRef}>
        {widget.messages.map((m) => (
          <li
            key={m.messageId}
            className={m.role === 'customer' ? 'td-widget-msg td-widget-msg-own' : 'td-widget-msg'}
          >
            <span className="td-widget-meta">
              {m.role === 'customer' ? t('widget.conversation.you') : t('widget.conversation.agent')}
            </span>
            {m.bodyNodes ? (
              <Markdown nodes={m.bodyNodes} images="link" onArticleLink={widget.openArticle} />
            ) : (
              <p>{m.body}</p>
            )}
          </li>
        ))}
        {widget.pendingMessages.map((m) => (
          <li key={m.clientMessageId} className="td-widget-msg td-widget-msg-own td-widget-msg-pending">
            <span className="td-widget-meta">
              {widget.isOnline ? t('widget.message.sending') : t('widget.message.queued')}
            </span>
            <p>{m.body}</p>
          </li>
        ))}
      </ol>
      <form
        className="td-widget-composer"
        onSubmit={(e) => {
          e.preventDefault();
          widget.sendMessage();
        }}
      >
        <label htmlFor={composerId}>{t('widget.composer.label')}</label>
        <textarea
          id={composerId}
          data-autofocus=""
          value={widget.composer}
          placeholder={t('widget.composer.placeholder')}
          onChange={(e) => widget.changeComposer(e.target.value)}
        />
        <button type="submit" disabled={!widget.canSend}>
          {t('widget.composer.send')}
        </button>
      </form>
    </div>
  );
}
