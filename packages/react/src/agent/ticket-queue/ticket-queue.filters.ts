import { TICKET_STATUSES, type TicketStatus, type Tier } from '@tierdesk/core';
import type { QueueFilters } from '../../hooks/hooks.types';

// The queue's filter controls hold strings (select values); these functions translate between them
// and the `QueueFilters` the queue route takes, so the controls always show what is requested.

/** The statuses of the "Unsolved" view: everything an agent still has to act on. */
export const UNSOLVED_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'on_hold'];

/** SLA states the queue route filters by. */
export const QUEUE_SLA_STATES = ['breached', 'warning', 'running', 'paused', 'none'] as const;

/** The values of the filter controls. */
export interface QueueFilterControls {
  /** `all`, `unsolved`, one status, or `custom` (the host's own set of statuses, kept as given). */
  status: string;
  /** `''` (any), a tier number, or `custom` (the host's own set of tiers, kept as given). */
  tier: string;
  /** `''` (anyone), `me`, `none` (unassigned) or an agent id. */
  assignee: string;
  /** `''` (any) or an SLA state. */
  sla: string;
  /** Search text (subject, or `#number`). */
  q: string;
}

function sameStatuses(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/** The controls showing `filters`. */
export function controlsOf(filters: QueueFilters): QueueFilterControls {
  const status = filters.status ?? [];
  return {
    status:
      status.length === 0
        ? 'all'
        : sameStatuses(status, UNSOLVED_STATUSES)
          ? 'unsolved'
          : status.length === 1
            ? (status[0] as string)
            : 'custom',
    tier:
      filters.tier === undefined || filters.tier.length === 0
        ? ''
        : filters.tier.length === 1
          ? String(filters.tier[0])
          : 'custom',
    assignee: filters.assignee ?? '',
    sla: filters.sla ?? '',
    q: filters.q ?? '',
  };
}

/**
 * The filters the controls ask for. `limit` and `metric` are kept from `base`, and so are its status
 * and tier sets when the controls say `custom` (sets a single select cannot express).
 */
export function filtersOf(controls: QueueFilterControls, base: QueueFilters = {}): QueueFilters {
  const filters: QueueFilters = {};
  if (base.limit !== undefined) filters.limit = base.limit;
  if (base.metric !== undefined) filters.metric = base.metric;
  if (controls.status === 'custom' && base.status !== undefined) filters.status = [...base.status];
  else if (controls.status === 'unsolved') filters.status = [...UNSOLVED_STATUSES];
  else if ((TICKET_STATUSES as readonly string[]).includes(controls.status))
    filters.status = [controls.status as TicketStatus];
  if (controls.tier === 'custom') {
    if (base.tier !== undefined) filters.tier = [...base.tier];
  } else if (controls.tier !== '') filters.tier = [Number(controls.tier) as Tier];
  if (controls.assignee !== '') filters.assignee = controls.assignee;
  if ((QUEUE_SLA_STATES as readonly string[]).includes(controls.sla))
    filters.sla = controls.sla as (typeof QUEUE_SLA_STATES)[number];
  const q = controls.q.trim();
  if (q !== '') filters.q = q;
  return filters;
}
