import type { QueryClient } from '@tanstack/react-query';
import type { Ticket } from '@tierdesk/core';
import type { TierdeskContextValue } from '../provider/tierdesk-context';
import { tierdeskKeys } from '../query-keys';
import { isPreconditionFailed, TierdeskConflictError } from './errors';
import type { Page, Pages, RouteData } from './hooks.types';

// How every ticket-changing mutation brings the cache in line: the ticket the server returned is
// written into each cached view that holds it (detail, lists, requester history) at once, then the
// parts the answer does not carry (timeline events, list membership under filters) are invalidated.

type TicketWithTimeline = RouteData<'getTicket'>;
type RequesterHistory = RouteData<'requesterHistory'>;

/** Replaces `ticket` in a list unless the list already holds a newer version. */
function replaceTicket(items: Ticket[], ticket: Ticket): Ticket[] {
  let changed = false;
  const next = items.map((item) => {
    if (item.id !== ticket.id || item.version > ticket.version) return item;
    changed = true;
    return ticket;
  });
  return changed ? next : items;
}

function replaceInPages(data: Pages<Ticket> | undefined, ticket: Ticket): Pages<Ticket> | undefined {
  if (data === undefined) return undefined;
  let changed = false;
  const pages = data.pages.map((page): Page<Ticket> => {
    const items = replaceTicket(page.items, ticket);
    if (items === page.items) return page;
    changed = true;
    return { ...page, items };
  });
  return changed ? { ...data, pages } : data;
}

function replaceInDetail(
  data: TicketWithTimeline | undefined,
  ticket: Ticket,
): TicketWithTimeline | undefined {
  if (data === undefined || data.ticket.version > ticket.version) return data;
  return { ...data, ticket };
}

/** Writes a ticket the server returned into every cached view of it. */
export function writeTicket(queryClient: QueryClient, identity: string, ticket: Ticket): void {
  queryClient.setQueryData<TicketWithTimeline>(tierdeskKeys.tickets.ticket(identity, ticket.id), (data) =>
    replaceInDetail(data, ticket),
  );
  queryClient.setQueryData<TicketWithTimeline>(tierdeskKeys.tickets.myTicket(identity, ticket.id), (data) =>
    replaceInDetail(data, ticket),
  );
  for (const lists of [tierdeskKeys.tickets.queues(identity), tierdeskKeys.tickets.myLists(identity)]) {
    queryClient.setQueriesData<Pages<Ticket>>({ queryKey: lists }, (data) => replaceInPages(data, ticket));
  }
  queryClient.setQueriesData<RequesterHistory>(
    { queryKey: tierdeskKeys.requesters.all(identity) },
    (data) => {
      if (data === undefined) return undefined;
      const tickets = replaceTicket(data.tickets, ticket);
      return tickets === data.tickets ? data : { ...data, tickets };
    },
  );
}

/** Puts a new ticket at the top of the first page of every cached list of the user's own tickets. */
export function prependMyTicket(queryClient: QueryClient, identity: string, ticket: Ticket): void {
  queryClient.setQueriesData<Pages<Ticket>>({ queryKey: tierdeskKeys.tickets.myLists(identity) }, (data) => {
    const first = data?.pages[0];
    if (data === undefined || first === undefined) return data;
    if (data.pages.some((page) => page.items.some((item) => item.id === ticket.id))) return data;
    return { ...data, pages: [{ ...first, items: [ticket, ...first.items] }, ...data.pages.slice(1)] };
  });
}

/** After an end user's change: the ticket's public timeline and the user's lists are refetched. */
export function refreshAfterUserChange(tierdesk: TierdeskContextValue, ticketId: string): void {
  const { queryClient, identity } = tierdesk;
  void queryClient.invalidateQueries({ queryKey: tierdeskKeys.tickets.myTicket(identity, ticketId) });
  void queryClient.invalidateQueries({ queryKey: tierdeskKeys.tickets.myLists(identity) });
}

/**
 * After an agent's change: the ticket's view and timeline, the queues (the ticket may now match other
 * filters) and the requester histories are refetched.
 */
export function refreshAfterAgentChange(tierdesk: TierdeskContextValue, ticketId: string): void {
  const { queryClient, identity } = tierdesk;
  void queryClient.invalidateQueries({ queryKey: tierdeskKeys.tickets.ticket(identity, ticketId) });
  void queryClient.invalidateQueries({ queryKey: tierdeskKeys.tickets.queues(identity) });
  void queryClient.invalidateQueries({ queryKey: tierdeskKeys.requesters.all(identity) });
}

/**
 * The version of a ticket the agent is looking at: its cached ticket view first, else the newest
 * copy in a cached queue page. `undefined` when nothing about it is cached.
 */
export function cachedTicketVersion(
  queryClient: QueryClient,
  identity: string,
  ticketId: string,
): number | undefined {
  const detail = queryClient.getQueryData<TicketWithTimeline>(
    tierdeskKeys.tickets.ticket(identity, ticketId),
  );
  if (detail !== undefined) return detail.ticket.version;
  let version: number | undefined;
  for (const [, data] of queryClient.getQueriesData<Pages<Ticket>>({
    queryKey: tierdeskKeys.tickets.queues(identity),
  })) {
    for (const page of data?.pages ?? []) {
      for (const item of page.items) {
        if (item.id === ticketId && (version === undefined || item.version > version)) version = item.version;
      }
    }
  }
  return version;
}

/**
 * Runs a versioned call; when the server refuses it as stale (412), invalidates the ticket's views so
 * they show the current state and throws a {@link TierdeskConflictError}.
 */
export async function withConflictDetection<T>(
  tierdesk: TierdeskContextValue,
  ticketId: string,
  ifMatch: number | undefined,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (ifMatch === undefined || !isPreconditionFailed(error)) throw error;
    refreshAfterAgentChange(tierdesk, ticketId);
    throw new TierdeskConflictError(ticketId, ifMatch, error);
  }
}
