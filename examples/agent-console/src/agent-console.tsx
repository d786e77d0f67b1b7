import type { Requester } from '@tierdesk/core';
import { type QueueFilters, useThemeRootProps, useTicketStream } from '@tierdesk/react';
import { type AgentMacro, AgentTicketView, MetricsPanel, TicketQueue } from '@tierdesk/react/agent';
import { type ReactElement, useState } from 'react';

/**
 * The console's canned responses. Picking one fills the composer with its markdown body and stages
 * its updates, which are applied when the agent sends the reply (or note).
 */
const MACROS: readonly AgentMacro[] = [
  {
    id: 'ask-for-logs',
    title: 'Ask for logs',
    body: 'Could you send us the logs from **Settings → Diagnostics**? That will help us find the cause.',
    updates: { status: 'pending' },
  },
  {
    id: 'known-issue',
    title: 'Known issue, fix coming',
    body: 'This is a known issue and a fix is on its way. We will let you know here as soon as it ships.',
    updates: { status: 'on_hold', priority: 'high' },
  },
  {
    id: 'solved',
    title: 'Mark as solved',
    body: 'Glad we could help! Reply any time if it comes back.',
    updates: { status: 'solved' },
  },
];

// The open ticket lives in the address (`?ticket=tkt_…`), so a reload or a shared link opens it again.
function ticketInAddress(): string | undefined {
  return new URLSearchParams(window.location.search).get('ticket') ?? undefined;
}
function putTicketInAddress(ticketId: string): void {
  const url = new URL(window.location.href);
  url.searchParams.set('ticket', ticketId);
  window.history.replaceState(window.history.state, '', url);
}
/** Drops the open ticket from the address: on sign-out, so the next agent does not land on it. */
export function forgetOpenTicket(): void {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('ticket')) return;
  url.searchParams.delete('ticket');
  window.history.replaceState(window.history.state, '', url);
}

// The queue's filters survive a reload of the tab, per agent (two agents in one browser differ).
// Storage can be blocked or full: the filters then last until the reload, nothing worse.
const filtersKey = (agentId: string) => `tierdesk-console-filters:${agentId}`;
function savedFilters(agentId: string): QueueFilters | undefined {
  try {
    const raw = window.sessionStorage.getItem(filtersKey(agentId));
    // Only saveFilters writes this key, with what the queue reported.
    return raw === null ? undefined : (JSON.parse(raw) as QueueFilters);
  } catch {
    return undefined;
  }
}
function saveFilters(agentId: string, filters: QueueFilters): void {
  try {
    window.sessionStorage.setItem(filtersKey(agentId), JSON.stringify(filters));
  } catch {
    // See above: not kept across a reload.
  }
}

/** What the host app told Tierdesk about the requester, in the ticket view's customer card. */
function CustomerCard({ requester }: { requester: Requester }): ReactElement {
  const facts = [requester.email, requester.plan && `plan ${requester.plan}`, ...requester.tags].filter(
    Boolean,
  );
  return (
    <p className="td-muted">{facts.length > 0 ? facts.join(' · ') : 'No details shared by the host app.'}</p>
  );
}

/** Props of {@link AgentConsole}. */
export interface AgentConsoleProps {
  /** The signed-in agent: "Assign to me" in the ticket view, and whose saved filters to use. */
  agentId: string;
}

/**
 * The console, assembled from the agent components of `@tierdesk/react/agent`:
 * - one agent event stream for the page (`useTicketStream({ scope: 'agent' })`) keeps the queue,
 *   the open ticket and the metrics live, so none of the components opens its own (`live` off);
 * - `TicketQueue`: filters, search, SLA countdowns; choosing a row opens the ticket beside it;
 * - `AgentTicketView`: thread, reply / internal-note composer with macros, status, priority,
 *   assignee, escalate / de-escalate, the requester's other tickets;
 * - `MetricsPanel` below both.
 * Render it inside a `TierdeskProvider` that authenticates as the agent.
 */
export function AgentConsole({ agentId }: AgentConsoleProps): ReactElement {
  useTicketStream({ scope: 'agent' });
  const [ticketId, setTicketId] = useState<string | undefined>(ticketInAddress);
  // Read once: the queue takes its filters at mount and reports every change after that.
  const [initialFilters] = useState(() => savedFilters(agentId));
  const open = (id: string) => {
    setTicketId(id);
    putTicketInAddress(id);
  };
  return (
    <div {...useThemeRootProps('console-grid')}>
      <TicketQueue
        onSelect={open}
        selectedTicketId={ticketId}
        {...(initialFilters === undefined ? {} : { defaultFilters: initialFilters })}
        onFiltersChange={(filters) => saveFilters(agentId, filters)}
      />
      {ticketId === undefined ? (
        <p className="td-muted console-empty">Choose a ticket in the queue to open it here.</p>
      ) : (
        <AgentTicketView
          ticketId={ticketId}
          macros={MACROS}
          currentAgentId={agentId}
          onSelectTicket={open}
          renderCustomerCard={(requester) => <CustomerCard requester={requester} />}
        />
      )}
      <MetricsPanel />
    </div>
  );
}
