import type { WidgetAnnouncement } from '@tierdesk/core/machines';
import {
  type CSSProperties,
  type KeyboardEvent,
  type ReactElement,
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import type { Translator } from '../i18n/i18n.types';
import { useWidgetTranslator as useTranslator } from '../i18n/use-widget-translator';
import { SupportHoursNotice } from './parts/support-hours-notice';
import { WidgetErrorNotice } from './parts/widget-error-notice';
import { WidgetScreen } from './parts/widget-screen';
import type { WidgetPanelProps } from './support-widget';
import { useWidget } from './use-widget';
import { useWidgetSupportStatus } from './use-widget-support-status';
import { attachWidgetApi } from './widget.controller';

// The lazily loaded panel of <SupportWidget/>: a modal dialog (WAI-ARIA dialog pattern) rendering the
// widget machine's view API. Focus moves in on open, Tab cycles inside, Escape closes (the launcher
// takes focus back), and a polite live region speaks the machine's announcements.

// Inline, not in the stylesheet: the live region must stay invisible in unstyled mode too (it is
// part of the accessible behaviour, not of the look).
const VISUALLY_HIDDEN: CSSProperties = {
  position: 'absolute',
  inlineSize: '1px',
  blockSize: '1px',
  overflow: 'hidden',
  clipPath: 'inset(50%)',
  whiteSpace: 'nowrap',
  margin: '-1px',
  padding: 0,
  border: 0,
};

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), textarea:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

function announcementText(t: Translator['t'], a: WidgetAnnouncement): string {
  switch (a.type) {
    case 'search.results':
      return t('widget.search.results', { count: a.count });
    case 'suggestions.shown':
      return t('widget.deflection.title');
    case 'ticket.created':
      return t('widget.tickets.reference', { number: String(a.ticketNumber) });
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

/** The widget's dialog. Default export: the launcher loads it with `React.lazy`. */
export default function Panel(props: WidgetPanelProps): ReactElement {
  const { id, open, onClose, className: _className, controller, ...options } = props;
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
  const supportStatus = useWidgetSupportStatus(options, open);
  const apiRef = useRef(api);
  apiRef.current = api;

  // The launcher's open state drives the machine (the panel stays mounted, so the session survives).
  useEffect(() => {
    if (open) apiRef.current.open();
    else apiRef.current.close();
  }, [open]);

  // The host's commands (openTicket, startMessage…) given before the panel loaded run now, after the
  // machine was opened above (effects run in order).
  useEffect(() => attachWidgetApi(controller, () => apiRef.current), [controller]);

  // Focus into the dialog on open and onto the new view when the screen changes. An article or a
  // ticket shows "Loading…" first, with nothing to focus but the dialog: when it arrives, its view
  // takes focus (else a keyboard user opening an article is left on the dialog, before its title).
  const { screen } = api;
  const shown = screen === 'article' ? api.article?.id : screen === 'conversation' ? api.ticket?.id : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `screen` and `shown` are the triggers (a new view gets focus)
  useEffect(() => {
    const root = dialog.current;
    if (!open || root === null) return;
    const target = root.querySelector<HTMLElement>('[data-autofocus]') ?? root;
    target.focus();
  }, [open, screen, shown]);

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
      <div className="td-visually-hidden" style={VISUALLY_HIDDEN} aria-live="polite" aria-atomic="true">
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
              <WidgetErrorNotice widget={api} />
              {screen === 'home' || screen === 'ticketForm' ? (
                <SupportHoursNotice status={supportStatus} showPromise={screen === 'ticketForm'} />
              ) : null}
              <WidgetScreen widget={api} />
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
