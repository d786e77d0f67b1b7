import type { ReactNode } from 'react';
import { useWidgetTranslator as useTranslator } from '../../i18n/use-widget-translator';
import { ArticleView } from './article-view';
import { Conversation } from './conversation';
import { CsatSurvey } from './csat-survey';
import { HelpCenterSearch } from './help-center-search';
import type { WidgetPartProps } from './parts.types';
import { TicketForm } from './ticket-form';
import { TicketList } from './ticket-list';

/** The part for the widget's current screen (what the panel's body shows). */
export function WidgetScreen({ widget }: WidgetPartProps): ReactNode {
  const { t } = useTranslator();
  switch (widget.screen) {
    case 'home':
      return <HelpCenterSearch widget={widget} />;
    case 'article':
      return <ArticleView widget={widget} />;
    case 'ticketForm':
    case 'submitting':
    case 'submitFailed':
      return <TicketForm widget={widget} />;
    case 'tickets':
      return <TicketList widget={widget} />;
    case 'conversation':
      return <Conversation widget={widget} />;
    case 'csat':
      return <CsatSurvey widget={widget} />;
    case 'thanks':
      return <p className="td-widget-thanks">{t('widget.csat.thanks')}</p>;
    case 'offline':
      // Offline, the conversation and the form stay usable: messages wait in the outbox, the draft
      // is kept, and both go out once the network is back.
      return (
        <>
          <p className="td-widget-offline" role="status">
            {t('widget.offline')}
          </p>
          {widget.lastView === 'conversation' && widget.ticket !== null ? (
            <Conversation widget={widget} />
          ) : widget.lastView === 'ticketForm' ? (
            <TicketForm widget={widget} />
          ) : null}
        </>
      );
    case 'closed':
      return null;
  }
}
