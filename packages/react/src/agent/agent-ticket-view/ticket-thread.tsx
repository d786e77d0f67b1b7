import type { Agent, TimelineEvent } from '@tierdesk/core';
import { type ReactElement, type ReactNode, useId, useMemo, useState } from 'react';
import type { Translator } from '../../i18n/i18n.types';
import { useTranslator } from '../../i18n/use-translator';
import { Markdown } from '../../markdown';
import { useTierdeskClient } from '../../provider/use-tierdesk-client';
import { actorName, agentName } from '../agent.labels';
import type { TierLabel } from '../agent.types';

/** Props of {@link TicketThread}. */
export interface TicketThreadProps {
  /** The ticket's timeline, internal notes included, in sequence order. */
  events: readonly TimelineEvent[];
  /** The workspace's agents, to name assignees and authors. */
  agents: readonly Agent[] | undefined;
  /** A tier's display name. */
  tier: TierLabel;
  /** Heading level of the thread's title. Default 3. */
  headingLevel?: 2 | 3 | 4;
  /** The ticket the events belong to (downloads of the files the server keeps). */
  ticketId: string;
}

/** A file the server keeps (inbound mail): downloaded with the agent's credentials, then saved. */
function KeptAttachment({
  ticketId,
  id,
  name,
}: {
  ticketId: string;
  id: string;
  name: string;
}): ReactElement {
  const client = useTierdeskClient();
  const { t } = useTranslator();
  const [failed, setFailed] = useState(false);
  const download = async () => {
    setFailed(false);
    try {
      const blob = (await client.downloadAttachment({ ticketId, attachmentId: id, scope: 'agent' })) as Blob;
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.click();
      // The click has started the download; the object URL is no longer needed after this task.
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch {
      setFailed(true);
    }
  };
  return (
    <>
      <button
        type="button"
        className="td-link td-link-button"
        aria-label={t('agent.attachment.download', { name })}
        onClick={() => void download()}
      >
        {name}
      </button>
      {failed ? (
        <span role="alert" className="td-field-error">
          {' '}
          {t('agent.attachment.failed', { name })}
        </span>
      ) : null}
    </>
  );
}

function systemText(
  event: TimelineEvent,
  t: Translator['t'],
  agents: readonly Agent[] | undefined,
  tier: TierLabel,
): ReactNode {
  switch (event.type) {
    case 'ticket.created':
      return t('agent.event.created', { name: actorName(event.actor, agents, t) });
    case 'status.changed':
      return t('agent.event.status', {
        from: t(`agent.status.${event.from}`),
        to: t(`agent.status.${event.to}`),
      });
    case 'priority.changed':
      return t('agent.event.priority', { from: t(`priority.${event.from}`), to: t(`priority.${event.to}`) });
    case 'assignee.changed':
      return t('agent.event.assignee', {
        from: agentName(agents, event.from, t),
        to: agentName(agents, event.to, t),
      });
    case 'tags.changed':
      return t('agent.event.tags', {
        changes: [...event.added.map((tag) => `+${tag}`), ...event.removed.map((tag) => `−${tag}`)].join(' '),
      });
    case 'tier.changed':
      return t(event.to > event.from ? 'agent.event.escalated' : 'agent.event.deescalated', {
        from: tier(event.from),
        to: tier(event.to),
      });
    case 'sla.warning':
      return t('agent.event.slaWarning', { metric: t(`sla.metric.${event.metric}`) });
    case 'sla.breached':
      return t('agent.event.slaBreached', { metric: t(`sla.metric.${event.metric}`) });
    case 'sla.met':
      return t('agent.event.slaMet', { metric: t(`sla.metric.${event.metric}`) });
    case 'csat.submitted':
      return t('agent.event.csat', { score: event.csat.score });
    case 'ticket.merged':
      return t('agent.event.merged');
    case 'ticket.deflected':
      return t('agent.event.deflected');
    default:
      return null;
  }
}

/**
 * A ticket's timeline for agents: public messages and internal notes as labelled articles (notes
 * marked "Internal" in text as well as style), and system events (status, priority, assignee, tier
 * changes with their reason, SLA warnings and breaches) as one-line entries. Message bodies are the
 * server's markdown node trees, rendered as elements.
 */
export function TicketThread({
  events,
  agents,
  tier,
  ticketId,
  headingLevel = 3,
}: TicketThreadProps): ReactElement {
  const translator = useTranslator();
  const { t } = translator;
  const headingId = useId();
  const Heading = `h${headingLevel}` as const;
  const dateFormat = useMemo(
    () =>
      new Intl.DateTimeFormat(translator.locale, {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: translator.timeZone,
      }),
    [translator],
  );
  const time = (at: string) => <time dateTime={at}>{dateFormat.format(Date.parse(at))}</time>;

  return (
    <section className="td-thread" aria-labelledby={headingId}>
      <Heading id={headingId} className="td-thread-title">
        {t('agent.thread.label')}
      </Heading>
      <ol className="td-thread-list">
        {events.map((event) => {
          if (event.type === 'message.public' || event.type === 'note.internal') {
            const note = event.type === 'note.internal';
            const name = actorName(event.actor, agents, t);
            return (
              <li key={event.seq}>
                <article
                  className={note ? 'td-thread-note' : 'td-thread-message'}
                  data-role={note ? 'note' : event.role}
                  aria-label={t(note ? 'agent.thread.noteFrom' : 'agent.thread.messageFrom', { name })}
                >
                  <header className="td-thread-meta">
                    <span className="td-thread-author">{name}</span>
                    {note ? (
                      <span className="td-badge" data-tone="warning">
                        {t('agent.note.badge')}
                      </span>
                    ) : null}
                    {time(event.at)}
                  </header>
                  {event.bodyNodes ? (
                    <Markdown nodes={event.bodyNodes} images="link" headingLevelOffset={headingLevel} />
                  ) : (
                    <p className="td-thread-plain">{event.body}</p>
                  )}
                  {!note && event.attachments.length > 0 ? (
                    <ul className="td-thread-attachments">
                      {event.attachments.map((a) => (
                        <li key={`${a.name}:${a.url ?? a.id ?? ''}`}>
                          {a.id !== undefined ? (
                            <KeptAttachment ticketId={ticketId} id={a.id} name={a.name} />
                          ) : a.url?.startsWith('https://') ? (
                            <a className="td-link" href={a.url} rel="noopener noreferrer" target="_blank">
                              {a.name}
                            </a>
                          ) : (
                            a.name
                          )}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </article>
              </li>
            );
          }
          const text = systemText(event, t, agents, tier);
          if (text === null) return null;
          return (
            <li key={event.seq} className="td-thread-event" data-type={event.type}>
              <p>
                {text} <span className="td-muted">{time(event.at)}</span>
              </p>
              {event.type === 'tier.changed' ? (
                <>
                  <p className="td-thread-reason">{t('agent.event.reason', { reason: event.reason })}</p>
                  {event.ruleId ? <p className="td-muted">{t('agent.event.byRule')}</p> : null}
                  {event.vendor ? (
                    <p className="td-muted">
                      {t('agent.event.vendor', {
                        vendor: event.vendor.vendor,
                        reference: event.vendor.reference,
                      })}
                    </p>
                  ) : null}
                </>
              ) : null}
              {event.type === 'status.changed' && event.reason ? (
                <p className="td-thread-reason">{t('agent.event.reason', { reason: event.reason })}</p>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
