import type { ArticleSearchHit } from '@tierdesk/core';
import type { WidgetAnnouncement, WidgetApi } from '@tierdesk/core/machines';
import {
  type KeyboardEvent,
  type ReactElement,
  type ReactNode,
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import type { Translator } from '../i18n/i18n.types';
import { useTranslator } from '../i18n/use-translator';
import { Markdown } from '../markdown';
import type { WidgetPanelProps } from './support-widget';
import { useWidget } from './use-widget';

// The lazily loaded panel of <SupportWidget/>: a modal dialog (WAI-ARIA dialog pattern) rendering the
// widget machine's view API. Focus moves in on open, Tab cycles inside, Escape closes (the launcher
// takes focus back), and a polite live region speaks the machine's announcements.

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), textarea:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

function announcementText(t: Translator['t'], a: WidgetAnnouncement): string {
  switch (a.type) {
    case 'search.results':
      return t('widget.search.results', { count: a.count });
    case 'suggestions.shown':
      return t('widget.deflection.title');
    case 'ticket.created':
      return t('widget.tickets.reference', { number: a.ticketNumber });
    case 'ticket.solved':
      return t('widget.tickets.solvedNotice');
    case 'message.sent':
      return t('widget.message.sent');
    case 'message.queued':
      return t('widget.message.queued');
    case 'message.received':
      return t('widget.conversation.newMessage', { name: t('widget.conversation.agent') });
    case 'csat.thanks':
      return t('widget.csat.thanks');
    case 'network.offline':
      return t('widget.offline');
    case 'network.online':
      return '';
    case 'error':
      return t('common.error');
  }
}

/** A search hit's highlighted fragments as plain text with `<mark>` around the matching runs. */
export function Highlights({ hit }: { hit: ArticleSearchHit }): ReactNode {
  if (hit.highlights.length === 0) return null;
  return (
    <span className="td-widget-snippet">
      {hit.highlights.map((fragment, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fragments have no identity and never reorder
        <span key={i}>
          {i > 0 ? ' … ' : null}
          {fragment.map((run, j) =>
            // biome-ignore lint/suspicious/noArrayIndexKey: as above
            run.match ? <mark key={j}>{run.text}</mark> : <span key={j}>{run.text}</span>,
          )}
        </span>
      ))}
    </span>
  );
}

function HitList({ hits, onOpen }: { hits: readonly ArticleSearchHit[]; onOpen: (id: string) => void }) {
  return (
    <ul className="td-widget-hits">
      {hits.map((hit) => (
        <li key={hit.id}>
          <button type="button" className="td-widget-hit" onClick={() => onOpen(hit.id)}>
            <span className="td-widget-hit-title">{hit.title}</span>
            <Highlights hit={hit} />
          </button>
        </li>
      ))}
    </ul>
  );
}

function ErrorNotice({ api, t }: { api: WidgetApi; t: Translator['t'] }) {
  if (api.error === null) return null;
  return (
    <div className="td-widget-error" role="alert">
      <p>
        {api.error.operation === 'submitTicket' ? t('widget.form.error.submitFailed') : t('common.error')}
      </p>
      <button type="button" onClick={api.retry}>
        {t('common.retry')}
      </button>
    </div>
  );
}

function Home({ api, t }: { api: WidgetApi; t: Translator['t'] }) {
  const searchId = useId();
  const blank = api.query.trim() === '';
  return (
    <div className="td-widget-home">
      <label htmlFor={searchId}>{t('widget.search.label')}</label>
      <input
        id={searchId}
        type="search"
        data-autofocus=""
        value={api.query}
        placeholder={t('widget.search.placeholder')}
        onChange={(e) => api.search(e.target.value)}
      />
      {api.isLoading ? <p className="td-widget-loading">{t('common.loading')}</p> : null}
      {!blank && !api.isLoading && api.error === null && api.results.length === 0 ? (
        <p className="td-widget-empty">{t('widget.search.noResults', { query: api.query.trim() })}</p>
      ) : null}
      <HitList hits={api.results} onOpen={api.openArticle} />
      <div className="td-widget-actions">
        <button type="button" onClick={() => api.newTicket()}>
          {t('widget.contact')}
        </button>
        <button type="button" onClick={api.openTickets}>
          {t('widget.tickets.title')}
        </button>
      </div>
    </div>
  );
}

function ArticleView({ api, t }: { api: WidgetApi; t: Translator['t'] }) {
  const { article } = api;
  if (article === null)
    return api.isLoading ? <p className="td-widget-loading">{t('common.loading')}</p> : null;
  return (
    <article className="td-widget-article">
      <h3 tabIndex={-1} data-autofocus="">
        {article.title}
      </h3>
      {article.bodyNodes ? (
        <Markdown nodes={article.bodyNodes} onArticleLink={api.openArticle} headingLevelOffset={3} />
      ) : (
        <p>{article.body}</p>
      )}
      <div className="td-widget-vote">
        {api.vote === null ? (
          <fieldset>
            <legend>{t('widget.article.helpful')}</legend>
            <button type="button" disabled={!api.canVote} onClick={() => api.voteArticle(true)}>
              {t('widget.article.helpfulYes')}
            </button>
            <button type="button" disabled={!api.canVote} onClick={() => api.voteArticle(false)}>
              {t('widget.article.helpfulNo')}
            </button>
          </fieldset>
        ) : (
          <p>{t('widget.article.thanks')}</p>
        )}
      </div>
      <p>{t('widget.article.stillNeedHelp')}</p>
      <button type="button" onClick={() => api.newTicket({ subject: article.title })}>
        {t('widget.contact')}
      </button>
    </article>
  );
}

function TicketForm({ api, t }: { api: WidgetApi; t: Translator['t'] }) {
  const subjectId = useId();
  const bodyId = useId();
  const busy = api.screen === 'submitting';
  return (
    <form
      className="td-widget-form"
      aria-busy={busy}
      onSubmit={(e) => {
        e.preventDefault();
        api.submitTicket();
      }}
    >
      <label htmlFor={subjectId}>{t('widget.form.subject')}</label>
      <input
        id={subjectId}
        data-autofocus=""
        value={api.draft.subject}
        readOnly={busy}
        onChange={(e) => api.changeDraft({ subject: e.target.value })}
      />
      <label htmlFor={bodyId}>{t('widget.form.message')}</label>
      <textarea
        id={bodyId}
        value={api.draft.body}
        readOnly={busy}
        onChange={(e) => api.changeDraft({ body: e.target.value })}
      />
      {api.suggestions.length > 0 ? (
        <section className="td-widget-suggestions" aria-label={t('widget.deflection.title')}>
          <p>{t('widget.deflection.title')}</p>
          <HitList hits={api.suggestions} onOpen={api.openArticle} />
        </section>
      ) : null}
      <button type="submit" disabled={!api.canSubmit || busy}>
        {busy ? t('widget.message.sending') : t('widget.form.submit')}
      </button>
    </form>
  );
}

function Tickets({ api, t }: { api: WidgetApi; t: Translator['t'] }) {
  if (api.isLoading && api.tickets.length === 0)
    return <p className="td-widget-loading">{t('common.loading')}</p>;
  if (api.tickets.length === 0 && api.error === null)
    return <p className="td-widget-empty">{t('widget.tickets.empty')}</p>;
  return (
    <ul className="td-widget-tickets">
      {api.tickets.map((ticket) => (
        <li key={ticket.id}>
          <button type="button" onClick={() => api.openTicket(ticket.id)}>
            <span>{ticket.subject}</span>{' '}
            <span className="td-widget-meta">
              {t('widget.tickets.reference', { number: ticket.number })} · {t(`status.${ticket.status}`)}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function Conversation({ api, t }: { api: WidgetApi; t: Translator['t'] }) {
  const composerId = useId();
  const { ticket } = api;
  if (ticket === null)
    return api.isLoading ? <p className="td-widget-loading">{t('common.loading')}</p> : null;
  return (
    <div className="td-widget-conversation">
      <h3>{ticket.subject}</h3>
      {ticket.status === 'solved' ? (
        <p className="td-widget-notice">{t('widget.tickets.solvedNotice')}</p>
      ) : null}
      <ol className="td-widget-thread">
        {api.messages.map((m) => (
          <li
            key={m.messageId}
            className={m.role === 'customer' ? 'td-widget-msg td-widget-msg-own' : 'td-widget-msg'}
          >
            <span className="td-widget-meta">
              {m.role === 'customer' ? t('widget.conversation.you') : t('widget.conversation.agent')}
            </span>
            {m.bodyNodes ? (
              <Markdown nodes={m.bodyNodes} images="link" onArticleLink={api.openArticle} />
            ) : (
              <p>{m.body}</p>
            )}
          </li>
        ))}
        {api.pendingMessages.map((m) => (
          <li key={m.clientMessageId} className="td-widget-msg td-widget-msg-own td-widget-msg-pending">
            <span className="td-widget-meta">
              {api.isOnline ? t('widget.message.sending') : t('widget.message.queued')}
            </span>
            <p>{m.body}</p>
          </li>
        ))}
      </ol>
      <form
        className="td-widget-composer"
        onSubmit={(e) => {
          e.preventDefault();
          api.sendMessage();
        }}
      >
        <label htmlFor={composerId}>{t('widget.composer.label')}</label>
        <textarea
          id={composerId}
          data-autofocus=""
          value={api.composer}
          placeholder={t('widget.composer.placeholder')}
          onChange={(e) => api.changeComposer(e.target.value)}
        />
        <button type="submit" disabled={!api.canSend}>
          {t('widget.composer.send')}
        </button>
      </form>
    </div>
  );
}

function Csat({ api, t }: { api: WidgetApi; t: Translator['t'] }) {
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const commentId = useId();
  return (
    <form
      className="td-widget-csat"
      onSubmit={(e) => {
        e.preventDefault();
        if (score > 0) api.rate(score, comment.trim() === '' ? undefined : comment.trim());
      }}
    >
      <fieldset>
        <legend>{t('widget.csat.question')}</legend>
        {([1, 2, 3, 4, 5] as const).map((n) => (
          <label key={n}>
            <input type="radio" name="td-csat" value={n} checked={score === n} onChange={() => setScore(n)} />
            {t(`widget.csat.scale.${n}`)}
          </label>
        ))}
      </fieldset>
      <label htmlFor={commentId}>
        {t('widget.csat.comment')} {t('common.optional')}
      </label>
      <textarea id={commentId} value={comment} onChange={(e) => setComment(e.target.value)} />
      <button type="submit" disabled={score === 0 || api.isLoading}>
        {t('widget.csat.submit')}
      </button>
    </form>
  );
}

function Screen({ api, t }: { api: WidgetApi; t: Translator['t'] }): ReactNode {
  switch (api.screen) {
    case 'home':
      return <Home api={api} t={t} />;
    case 'article':
      return <ArticleView api={api} t={t} />;
    case 'ticketForm':
    case 'submitting':
    case 'submitFailed':
      return <TicketForm api={api} t={t} />;
    case 'tickets':
      return <Tickets api={api} t={t} />;
    case 'conversation':
      return <Conversation api={api} t={t} />;
    case 'csat':
      return <Csat api={api} t={t} />;
    case 'thanks':
      return <p className="td-widget-thanks">{t('widget.csat.thanks')}</p>;
    case 'offline':
      return <p className="td-widget-offline">{t('widget.offline')}</p>;
    case 'closed':
      return null;
  }
}

/** The widget's dialog. Default export: the launcher loads it with `React.lazy`. */
export default function Panel(props: WidgetPanelProps): ReactElement {
  const { id, open, onClose, className: _className, ...options } = props;
  const { t } = useTranslator();
  const [live, setLive] = useState('');
  const dialog = useRef<HTMLDivElement>(null);
  const headingId = useId();
  const api = useWidget({
    ...options,
    onAnnounce: (a) => {
      const text = announcementText(t, a);
      if (text !== '') setLive(text);
      options.onAnnounce?.(a);
    },
  });
  const apiRef = useRef(api);
  apiRef.current = api;

  // The launcher's open state drives the machine (the panel stays mounted, so the session survives).
  useEffect(() => {
    if (open) apiRef.current.open();
    else apiRef.current.close();
  }, [open]);

  // Focus into the dialog on open and onto the new view when the screen changes.
  const { screen } = api;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `screen` is the trigger (a new view gets focus)
  useEffect(() => {
    const root = dialog.current;
    if (!open || root === null) return;
    const target = root.querySelector<HTMLElement>('[data-autofocus]') ?? root;
    target.focus();
  }, [open, screen]);

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
        return;
      }
      if (e.key !== 'Tab' || dialog.current === null) return;
      const items = Array.from(dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE));
      if (items.length === 0) {
        e.preventDefault();
        return;
      }
      const first = items[0] as HTMLElement;
      const last = items[items.length - 1] as HTMLElement;
      const active = document.activeElement;
      if (e.shiftKey && (active === first || active === dialog.current)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && active === last) {
        e.preventDefault();
        first.focus();
      }
    },
    [onClose],
  );

  return (
    <>
      <div className="td-visually-hidden" aria-live="polite" aria-atomic="true">
        {open ? live : ''}
      </div>
      <div
        ref={dialog}
        id={id}
        className="td-widget-panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby={headingId}
        tabIndex={-1}
        hidden={!open}
        onKeyDown={onKeyDown}
      >
        {open ? (
          <>
            <header className="td-widget-header">
              {screen !== 'home' && screen !== 'closed' ? (
                <button type="button" className="td-widget-back" onClick={api.back}>
                  {t('common.back')}
                </button>
              ) : null}
              <h2 id={headingId}>{t('widget.panel.title')}</h2>
              <button
                type="button"
                className="td-widget-close"
                aria-label={t('common.close')}
                onClick={onClose}
              >
                <span aria-hidden="true">×</span>
              </button>
            </header>
            <div className="td-widget-body" aria-busy={api.isLoading}>
              <ErrorNotice api={api} t={t} />
              <Screen api={api} t={t} />
            </div>
          </>
        ) : (
          <h2 id={headingId} hidden>
            {t('widget.panel.title')}
          </h2>
        )}
      </div>
    </>
  );
}
