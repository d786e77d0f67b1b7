import type { Agent, Ticket, TicketPriority, TicketStatus } from '@tierdesk/core';
import { TICKET_PRIORITIES } from '@tierdesk/core';
import { STATUS_MOVES } from '@tierdesk/core/machines';
import { type ReactElement, useId } from 'react';
import type { UpdateTicketVariables } from '../../hooks/use-update-ticket';
import { useTranslator } from '../../i18n/use-translator';

/** Props of {@link TicketProperties}. */
export interface TicketPropertiesProps {
  /** The ticket as last read from the server. */
  ticket: Ticket;
  /** The workspace's agents, for the assignee picker. */
  agents: readonly Agent[] | undefined;
  /** The signed-in agent's id; enables "Assign to me". */
  currentAgentId?: string | undefined;
  /** The change being saved, shown until the server answers. */
  pending: Partial<UpdateTicketVariables> | undefined;
  /** Saves a change based on the version shown (`If-Match`). */
  onChange: (change: Pick<UpdateTicketVariables, 'status' | 'priority' | 'assigneeId'>) => void;
}

/**
 * Status, priority and assignee of a ticket as labelled selects. Each change is sent at once with the
 * version the agent is looking at, so a change made meanwhile by someone else is refused (and shown)
 * rather than overwritten. Status offers only the moves the ticket's lifecycle allows from here.
 */
export function TicketProperties({
  ticket,
  agents,
  currentAgentId,
  pending,
  onChange,
}: TicketPropertiesProps): ReactElement {
  const { t } = useTranslator();
  const ids = { status: useId(), priority: useId(), assignee: useId() };
  const closed = ticket.status === 'closed';
  const status = pending?.status ?? ticket.status;
  const priority = pending?.priority ?? ticket.priority;
  const assignee = pending?.assigneeId !== undefined ? pending.assigneeId : ticket.assigneeId;
  const statuses: TicketStatus[] = [ticket.status, ...STATUS_MOVES[ticket.status]];
  const knownAssignee = assignee === null || agents?.some((a) => a.id === assignee);
  return (
    <div className="td-ticket-properties">
      <div className="td-field">
        <label htmlFor={ids.status}>{t('agent.ticket.status')}</label>
        <select
          id={ids.status}
          className="td-input"
          value={status}
          disabled={closed}
          onChange={(e) => onChange({ status: e.target.value as TicketStatus })}
        >
          {statuses.map((s) => (
            <option key={s} value={s}>
              {t(`agent.status.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="td-field">
        <label htmlFor={ids.priority}>{t('agent.ticket.priority')}</label>
        <select
          id={ids.priority}
          className="td-input"
          value={priority}
          disabled={closed}
          onChange={(e) => onChange({ priority: e.target.value as TicketPriority })}
        >
          {TICKET_PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {t(`priority.${p}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="td-field">
        <label htmlFor={ids.assignee}>{t('agent.ticket.assignee')}</label>
        <select
          id={ids.assignee}
          className="td-input"
          value={assignee ?? ''}
          disabled={closed}
          onChange={(e) => onChange({ assigneeId: e.target.value === '' ? null : e.target.value })}
        >
          <option value="">{t('agent.queue.unassigned')}</option>
          {knownAssignee ? null : <option value={assignee ?? ''}>{assignee}</option>}
          {agents
            ?.filter((a) => a.active || a.id === assignee)
            .map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
        </select>
      </div>
      {currentAgentId !== undefined && assignee !== currentAgentId && !closed ? (
        <button type="button" className="td-button" onClick={() => onChange({ assigneeId: currentAgentId })}>
          {t('agent.ticket.assignToMe')}
        </button>
      ) : null}
    </div>
  );
}
