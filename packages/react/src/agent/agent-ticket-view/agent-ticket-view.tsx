import type { Requester, TierdeskError } from '@tierdesk/core';
import { type ReactElement, type ReactNode, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useAddNote } from '../../hooks/use-add-note';
import { useAgentReply } from '../../hooks/use-agent-reply';
import { useAgents } from '../../hooks/use-agents';
import { useDeescalate } from '../../hooks/use-deescalate';
import { useEscalate } from '../../hooks/use-escalate';
import { useTicket } from '../../hooks/use-ticket';
import { useTicketStream } from '../../hooks/use-ticket-stream';
import { type UpdateTicketVariables, useUpdateTicket } from '../../hooks/use-update-ticket';
import { useTranslator } from '../../i18n/use-translator';
import { useThemeRootProps } from '../../theme/use-theme-root-props';
import { actorName, tierLabel } from '../agent.labels';
import type { AgentMacro, AgentMacroUpdates, AgentTierNames } from '../agent.types';
import { SlaCountdown } from '../sla-countdown/sla-countdown';
import { ActionError } from './action-error';
import { RequesterPanel } from './requester-panel';
import { type ComposerSubmission, TicketComposer } from './ticket-composer';
import { TicketProperties } from './ticket-properties';
import { TicketThread } from './ticket-thread';
import { TierChangeForm, type TierChangeRequest } from './tier-change-form';

/** Props of {@link AgentTicketView}. */
export interface AgentTicketViewProps {
  /** The ticket to show. */
  ticketId: string;
  /** The host's canned responses; applying one fills the composer and stages its field updates. */
  macros?: readonly AgentMacro[];
  /** The host's card about the requester (CRM data, plan, links), shown beside the thread. */
  renderCustomerCard?: (requester: Requester) => ReactNode;
  /** Opens another ticket (from the requester's history). */
  onSelectTicket?: (ticketId: string) => void;
  /** The signed-in agent's id; enables "Assign to me". */
  currentAgentId?: string;
  /**
   * Open the workspace's event stream here so the thread updates live. Leave it off when the host
   * already mounts `useTicketStream({ scope: 'agent' })`. Default `false`.
   */
  live?: boolean;
  /** Display names of the tiers (default "Tier 0" … "Tier 4" from the catalog). */
  tierNames?: AgentTierNames;
  /** Extra class on the root (which always has `td-root td-ticket-view`). */
  className?: string;
}

/**
 * The agent's view of one ticket: the thread (public messages, internal notes and system events, live),
 * a composer with Reply / Internal note and the host's macros, status / priority / assignee controls,
 * escalate / de-escalate with a required reason, and the requester with their other tickets and the
 * host's customer card. Every change is sent with the ticket version shown: when someone else changed
 * the ticket first, the change is refused, the view reloads and says so. Results are announced in a
 * polite live region.
 */
export function AgentTicketView(props: AgentTicketViewProps): ReactElement {
  const { ticketId, macros = [], live = false } = props;
  const { t } = useTranslator();
  const rootProps = useThemeRootProps(
    props.className ? `td-ticket-view ${props.className}` : 'td-ticket-view',
  );
  const titleId = useId();
  const tierFormId = useId();
  const tier = useMemo(() => tierLabel(t, props.tierNames), [t, props.tierNames]);

  useTicketStream({ scope: 'agent', enabled: live });
  const view = useTicket(ticketId);
  const agents = useAgents();
  const update = useUpdateTicket();
  const reply = useAgentReply();
  const note = useAddNote();
  const escalate = useEscalate();
  const deescalate = useDeescalate();

  const [announcement, setAnnouncement] = useState('');
  const [error, setError] = useState<TierdeskError | null>(null);
  const [tierForm, setTierForm] = useState<'escalate' | 'deescalate' | null>(null);
  const tierToggle = useRef<HTMLButtonElement | null>(null);

  // A different ticket starts clean.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on ticket change only
  useEffect(() => {
    setError(null);
    setTierForm(null);
    setAnnouncement('');
  }, [ticketId]);

  // Announce messages that arrive while the agent is looking (not the ones loaded with the ticket).
  const events = view.data?.events;
  const lastSeq = useRef<{ ticketId: string; seq: number } | null>(null);
  useEffect(() => {
    if (events === undefined) return;
    const newest = events.at(-1)?.seq ?? 0;
    const seen = lastSeq.current;
    lastSeq.current = { ticketId, seq: newest };
    if (seen === null || seen.ticketId !== ticketId) return;
    const arrived = events.filter(
      (e) => e.seq > seen.seq && e.type === 'message.public' && e.actor.type !== 'agent',
    );
    const last = arrived.at(-1);
    if (last) setAnnouncement(t('agent.thread.newMessage', { name: actorName(last.actor, agents.data, t) }));
  }, [events, ticketId, agents.data, t]);

  if (view.isPending) {
    return (
      <section {...rootProps} aria-busy="true">
        <p role="status">{t('common.loading')}</p>
      </section>
    );
  }
  if (view.isError) {
    return (
      <section {...rootProps}>
        <div className="td-ticket-error" role="alert">
          <p>{t('agent.ticket.loadError')}</p>
          <button type="button" className="td-button" onClick={() => void view.refetch()}>
            {t('common.retry')}
          </button>
        </div>
      </section>
    );
  }

  const { ticket } = view.data;
  const run = async <T,>(action: () => Promise<T>, done: string): Promise<T | undefined> => {
    setError(null);
    try {
      const result = await action();
      setAnnouncement(done);
      return result;
    } catch (failure) {
      setError(failure as TierdeskError);
      return undefined;
    }
  };

  const changeFields = (change: Pick<UpdateTicketVariables, 'status' | 'priority' | 'assigneeId'>) =>
    void run(
      () => update.mutateAsync({ ticketId, ifMatch: ticket.version, ...change }),
      t('agent.ticket.saved'),
    );

  const send = async ({ mode, body, updates }: ComposerSubmission): Promise<boolean> => {
    // A staged status goes with a reply in one step; the rest follows on the version it returns.
    const { status, ...others } = updates;
    const rest: AgentMacroUpdates = mode === 'reply' ? others : updates;
    const sent = await run(
      () =>
        mode === 'reply'
          ? reply.mutateAsync({ ticketId, body, ifMatch: ticket.version, ...(status ? { status } : {}) })
          : note.mutateAsync({ ticketId, body }),
      t(mode === 'reply' ? 'agent.composer.sent' : 'agent.composer.noteAdded'),
    );
    if (sent === undefined) return false;
    if (rest.status !== undefined || rest.priority !== undefined) {
      // The message has landed whatever happens here: the composer clears (sending it again would
      // duplicate it), and a refused field update shows as an error of its own.
      await run(
        () => update.mutateAsync({ ticketId, ifMatch: sent.version, ...rest }),
        t('agent.ticket.saved'),
      );
    }
    return true;
  };

  const changeTier = async (request: TierChangeRequest) => {
    const base = { ticketId, ifMatch: ticket.version, to: request.to, reason: request.reason };
    const moved = await run(
      () =>
        request.direction === 'escalate'
          ? escalate.mutateAsync({ ...base, ...(request.vendor ? { vendor: request.vendor } : {}) })
          : deescalate.mutateAsync(base),
      t('agent.escalate.done', { tier: tier(request.to) }),
    );
    if (moved !== undefined) {
      setTierForm(null);
      tierToggle.current?.focus();
    }
  };

  const frozen = ticket.status === 'solved' || ticket.status === 'closed';
  const tierButton = (direction: 'escalate' | 'deescalate') => {
    const disabled = frozen || (direction === 'escalate' ? ticket.tier >= 4 : ticket.tier <= 0);
    const expanded = tierForm === direction;
    return (
      <button
        type="button"
        className="td-button"
        aria-expanded={expanded}
        aria-controls={expanded ? tierFormId : undefined}
        disabled={disabled}
        onClick={(e) => {
          tierToggle.current = e.currentTarget;
          setTierForm(expanded ? null : direction);
        }}
      >
        {t(direction === 'escalate' ? 'agent.escalate.action' : 'agent.deescalate.action')}
      </button>
    );
  };

  return (
    <section {...rootProps} aria-labelledby={titleId}>
      <header className="td-ticket-header">
        <h2 id={titleId}>
          {t('agent.ticket.title', { number: String(ticket.number), subject: ticket.subject })}
        </h2>
        <dl className="td-ticket-summary">
          <div>
            <dt>{t('agent.ticket.tier')}</dt>
            <dd>{tier(ticket.tier)}</dd>
          </div>
          <div>
            <dt>{t('agent.queue.column.sla')}</dt>
            <dd>
              <SlaCountdown clocks={ticket.sla} />
            </dd>
          </div>
        </dl>
      </header>
      <p className="td-sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
      <ActionError error={error} />
      <div className="td-ticket-layout">
        <div className="td-ticket-main">
          <section className="td-ticket-controls" aria-label={t('agent.ticket.controls')}>
            <TicketProperties
              ticket={ticket}
              agents={agents.data}
              currentAgentId={props.currentAgentId}
              pending={update.isPending ? update.variables : undefined}
              onChange={changeFields}
            />
            <div className="td-ticket-tier-actions">
              {tierButton('escalate')}
              {tierButton('deescalate')}
            </div>
            {frozen ? <p className="td-muted">{t('agent.escalate.unavailable')}</p> : null}
            {tierForm ? (
              <div id={tierFormId}>
                <TierChangeForm
                  key={`${tierForm}:${ticket.tier}`}
                  direction={tierForm}
                  ticket={ticket}
                  tier={tier}
                  busy={escalate.isPending || deescalate.isPending}
                  onSubmit={(request) => void changeTier(request)}
                  onCancel={() => {
                    setTierForm(null);
                    tierToggle.current?.focus();
                  }}
                />
              </div>
            ) : null}
          </section>
          <TicketThread ticketId={ticketId} events={view.data.events} agents={agents.data} tier={tier} />
          <TicketComposer
            // A draft belongs to its ticket: opening another starts an empty composer.
            key={ticketId}
            macros={macros}
            busy={reply.isPending || note.isPending}
            disabled={ticket.status === 'closed'}
            onSubmit={send}
            onAnnounce={setAnnouncement}
          />
        </div>
        <RequesterPanel
          ticket={ticket}
          renderCustomerCard={props.renderCustomerCard}
          onSelectTicket={props.onSelectTicket}
          diagnostics={view.data?.diagnostics}
        />
      </div>
    </section>
  );
}
