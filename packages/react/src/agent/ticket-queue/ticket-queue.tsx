import { TICKET_STATUSES, TIERS, type Ticket } from '@tierdesk/core';
import { type ReactElement, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { QueueFilters } from '../../hooks/hooks.types';
import { useAgents } from '../../hooks/use-agents';
import { useQueue } from '../../hooks/use-queue';
import { useTicketStream } from '../../hooks/use-ticket-stream';
import { useTranslator } from '../../i18n/use-translator';
import { useThemeRootProps } from '../../theme/use-theme-root-props';
import { agentName, tierLabel } from '../agent.labels';
import type { AgentTierNames } from '../agent.types';
import { SlaCountdown } from '../sla-countdown/sla-countdown';
import { controlsOf, filtersOf, type QueueFilterControls } from './ticket-queue.filters';

/** Props of {@link TicketQueue}. */
export interface TicketQueueProps {
  /** Called with a ticket's id when the agent opens it (click, or Enter/Space on its subject). */
  onSelect: (ticketId: string) => void;
  /** The ticket shown beside the queue; its row is marked current. */
  selectedTicketId?: string | undefined;
  /** The filters the queue starts with. Default: unsolved tickets. */
  defaultFilters?: QueueFilters;
  /** Called with the filters whenever the agent changes them (e.g. to keep them in the URL). */
  onFiltersChange?: (filters: QueueFilters) => void;
  /** Tickets per page, 1–100 (default 25); "Load more" fetches the next page. */
  pageSize?: number;
  /** Wait this long after typing before searching, ms. Default 300. */
  searchDebounceMs?: number;
  /**
   * Open the workspace's event stream here so rows update live. Leave it off when the host already
   * mounts `useTicketStream({ scope: 'agent' })` (one stream per page is enough). Default `false`.
   */
  live?: boolean;
  /** Display names of the tiers (default "Tier 0" … "Tier 4" from the catalog). */
  tierNames?: AgentTierNames;
  /** Extra class on the root (which always has `td-root td-queue`). */
  className?: string;
}

const DEFAULT_FILTERS: QueueFilters = { status: ['new', 'open', 'pending', 'on_hold'] };

/**
 * The agent queue: filters (status, tier, assignee incl. "me" and unassigned, SLA state, search),
 * a table of tickets with subject, requester, tier, priority, status, assignee and a live SLA
 * countdown, and keyset pagination ("Load more"). Loading, empty and error states are announced.
 * Priority is shown but not filterable: the queue route has no priority filter.
 */
export function TicketQueue(props: TicketQueueProps): ReactElement {
  const {
    onSelect,
    selectedTicketId,
    onFiltersChange,
    pageSize,
    searchDebounceMs = 300,
    live = false,
  } = props;
  const { t } = useTranslator();
  const rootProps = useThemeRootProps(props.className ? `td-queue ${props.className}` : 'td-queue');
  const headingId = useId();
  const ids = { status: useId(), tier: useId(), assignee: useId(), sla: useId(), q: useId() };
  const tier = useMemo(() => tierLabel(t, props.tierNames), [t, props.tierNames]);

  const [base] = useState<QueueFilters>(() => ({
    ...(props.defaultFilters ?? DEFAULT_FILTERS),
    ...(pageSize === undefined ? {} : { limit: pageSize }),
  }));
  const [controls, setControls] = useState<QueueFilterControls>(() => controlsOf(base));
  // The search box updates at once; the query follows after the debounce.
  const [debouncedQ, setDebouncedQ] = useState(controls.q);
  useEffect(() => {
    if (controls.q === debouncedQ) return;
    const timer = setTimeout(() => setDebouncedQ(controls.q), searchDebounceMs);
    return () => clearTimeout(timer);
  }, [controls.q, debouncedQ, searchDebounceMs]);
  const filters = useMemo(
    () => filtersOf({ ...controls, q: debouncedQ }, base),
    [controls, debouncedQ, base],
  );

  const onFiltersChangeRef = useRef(onFiltersChange);
  onFiltersChangeRef.current = onFiltersChange;
  const firstFilters = useRef(true);
  useEffect(() => {
    if (firstFilters.current) {
      firstFilters.current = false;
      return;
    }
    onFiltersChangeRef.current?.(filters);
  }, [filters]);

  useTicketStream({ scope: 'agent', enabled: live });
  const queue = useQueue(filters);
  const agents = useAgents();
  const tickets: Ticket[] = useMemo(() => queue.data?.pages.flatMap((p) => p.items) ?? [], [queue.data]);
  const set = (patch: Partial<QueueFilterControls>) => setControls((c) => ({ ...c, ...patch }));
  const initial = useMemo(() => controlsOf(base), [base]);
  const filtered = (Object.keys(initial) as (keyof QueueFilterControls)[]).some(
    (k) => controls[k] !== initial[k],
  );

  return (
    <section {...rootProps} aria-labelledby={headingId} aria-busy={queue.isFetching}>
      <div className="td-queue-header">
        <h2 id={headingId}>{t('agent.queue.title')}</h2>
        <p className="td-muted" role="status">
          {queue.isSuccess && !queue.hasNextPage ? t('agent.queue.count', { count: tickets.length }) : ''}
        </p>
      </div>
      <search className="td-queue-filters">
        <form
          aria-label={t('agent.filter.label')}
          onSubmit={(e) => {
            e.preventDefault();
            setDebouncedQ(controls.q);
          }}
        >
          <div className="td-field">
            <label htmlFor={ids.q}>{t('agent.filter.search')}</label>
            <input
              id={ids.q}
              className="td-input"
              type="search"
              value={controls.q}
              onChange={(e) => set({ q: e.target.value })}
            />
          </div>
          <div className="td-field">
            <label htmlFor={ids.status}>{t('agent.filter.status')}</label>
            <select
              id={ids.status}
              className="td-input"
              value={controls.status}
              onChange={(e) => set({ status: e.target.value })}
            >
              {initial.status === 'custom' && base.status ? (
                <option value="custom">{base.status.map((st) => t(`agent.status.${st}`)).join(', ')}</option>
              ) : null}
              <option value="unsolved">{t('agent.filter.unsolved')}</option>
              <option value="all">{t('agent.filter.all')}</option>
              {TICKET_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`agent.status.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="td-field">
            <label htmlFor={ids.tier}>{t('agent.filter.tier')}</label>
            <select
              id={ids.tier}
              className="td-input"
              value={controls.tier}
              onChange={(e) => set({ tier: e.target.value })}
            >
              <option value="">{t('agent.filter.all')}</option>
              {initial.tier === 'custom' && base.tier ? (
                <option value="custom">{base.tier.map((n) => tier(n)).join(', ')}</option>
              ) : null}
              {TIERS.map((n) => (
                <option key={n} value={String(n)}>
                  {tier(n)}
                </option>
              ))}
            </select>
          </div>
          <div className="td-field">
            <label htmlFor={ids.assignee}>{t('agent.filter.assignee')}</label>
            <select
              id={ids.assignee}
              className="td-input"
              value={controls.assignee}
              onChange={(e) => set({ assignee: e.target.value })}
            >
              <option value="">{t('agent.filter.all')}</option>
              <option value="me">{t('agent.filter.mine')}</option>
              <option value="none">{t('agent.queue.unassigned')}</option>
              {agents.data?.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
          <div className="td-field">
            <label htmlFor={ids.sla}>{t('agent.filter.sla')}</label>
            <select
              id={ids.sla}
              className="td-input"
              value={controls.sla}
              onChange={(e) => set({ sla: e.target.value })}
            >
              <option value="">{t('agent.filter.all')}</option>
              <option value="breached">{t('sla.state.overdue')}</option>
              <option value="warning">{t('sla.state.warning')}</option>
              <option value="running">{t('sla.state.running')}</option>
              <option value="paused">{t('sla.state.paused')}</option>
              <option value="none">{t('agent.filter.slaNone')}</option>
            </select>
          </div>
          {filtered ? (
            <button
              type="button"
              className="td-button"
              onClick={() => {
                setControls(initial);
                setDebouncedQ(initial.q);
              }}
            >
              {t('agent.filter.clear')}
            </button>
          ) : null}
        </form>
      </search>

      {queue.isPending ? (
        <p className="td-queue-loading" role="status">
          {t('common.loading')}
        </p>
      ) : null}
      {queue.isError && tickets.length === 0 ? (
        <div className="td-queue-error" role="alert">
          <p>{t('agent.queue.error')}</p>
          <button type="button" className="td-button" onClick={() => void queue.refetch()}>
            {t('common.retry')}
          </button>
        </div>
      ) : null}
      {queue.isSuccess && tickets.length === 0 ? (
        <p className="td-queue-empty">{t('agent.queue.empty')}</p>
      ) : null}

      {tickets.length > 0 ? (
        <div className="td-queue-scroll">
          <table className="td-queue-table" aria-labelledby={headingId}>
            <thead>
              <tr>
                <th scope="col">{t('agent.queue.column.subject')}</th>
                <th scope="col">{t('agent.queue.column.requester')}</th>
                <th scope="col">{t('agent.queue.column.tier')}</th>
                <th scope="col">{t('agent.queue.column.priority')}</th>
                <th scope="col">{t('agent.queue.column.status')}</th>
                <th scope="col">{t('agent.queue.column.assignee')}</th>
                <th scope="col">{t('agent.queue.column.sla')}</th>
              </tr>
            </thead>
            <tbody>
              {tickets.map((ticket) => {
                const current = ticket.id === selectedTicketId;
                return (
                  <tr key={ticket.id} data-current={current || undefined} data-priority={ticket.priority}>
                    <th scope="row">
                      <button
                        type="button"
                        className="td-queue-open"
                        aria-current={current ? 'true' : undefined}
                        onClick={() => onSelect(ticket.id)}
                      >
                        <span className="td-queue-number">
                          {t('agent.queue.number', { number: String(ticket.number) })}
                        </span>{' '}
                        <span className="td-queue-subject">{ticket.subject}</span>
                      </button>
                    </th>
                    <td>{ticket.requester.name ?? ticket.requester.email ?? ticket.requester.id}</td>
                    <td>{tier(ticket.tier)}</td>
                    <td>
                      <span
                        className="td-badge"
                        data-tone={
                          ticket.priority === 'urgent'
                            ? 'danger'
                            : ticket.priority === 'high'
                              ? 'warning'
                              : undefined
                        }
                      >
                        {t(`priority.${ticket.priority}`)}
                      </span>
                    </td>
                    <td>{t(`agent.status.${ticket.status}`)}</td>
                    <td>{agentName(agents.data, ticket.assigneeId, t)}</td>
                    <td>
                      <SlaCountdown clocks={ticket.sla} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {queue.isError && tickets.length > 0 ? (
        <p className="td-field-error" role="alert">
          {t('agent.queue.error')}
        </p>
      ) : null}
      {queue.hasNextPage ? (
        <button
          type="button"
          className="td-button td-queue-more"
          disabled={queue.isFetchingNextPage}
          aria-busy={queue.isFetchingNextPage}
          onClick={() => void queue.fetchNextPage()}
        >
          {queue.isFetchingNextPage ? t('common.loading') : t('agent.queue.loadMore')}
        </button>
      ) : null}
    </section>
  );
}
