import type { QueryClient } from '@tanstack/react-query';
import type { StreamEvent, Ticket, TimelineEvent } from '@tierdesk/core';
import { tierdeskKeys } from '../query-keys';
import type { Page, Pages, RouteData } from './hooks.types';
import { writeTicket } from './ticket-cache';

// How realtime events reach the cache without refetching: a `ticket.updated` is written wherever the
// ticket is cached (the same helper the mutations use, which keeps the newer version), a
// `timeline.appended` is added to the cached timelines in sequence order, once. Only what the event
// cannot settle (list membership, a ticket not cached yet) is invalidated.

type TicketWithTimeline = RouteData<'getTicket'>;

/** Which stream the events come from: the end user's own tickets or the agent's workspace. */
export type TicketStreamScope = 'user' | 'agent';

/** Inserts `event` by `seq`, unless it is already there (a replay after a resume, say). */
export function insertTimelineEvent(events: TimelineEvent[], event: TimelineEvent): TimelineEvent[] {
  if (events.some((e) => e.seq === event.seq)) return events;
  const last = events.at(-1);
  if (last === undefined || last.seq < event.seq) return [...events, event];
  const index = events.findIndex((e) => e.seq > event.seq);
  return [...events.slice(0, index), event, ...events.slice(index)];
}

function appendToDetail(
  data: TicketWithTimeline | undefined,
  event: TimelineEvent,
): TicketWithTimeline | undefined {
  if (data === undefined) return undefined;
  const events = insertTimelineEvent(data.events, event);
  return events === data.events ? data : { ...data, events };
}

/** Appends to a paged timeline only once its last page is loaded: otherwise that page's fetch brings it. */
function appendToPages(data: Pages<TimelineEvent> | undefined, event: TimelineEvent) {
  if (data === undefined) return undefined;
  const last = data.pages.at(-1);
  if (last === undefined || last.nextCursor !== null) return data;
  if (data.pages.some((page) => page.items.some((e) => e.seq === event.seq))) return data;
  const pages: Page<TimelineEvent>[] = [
    ...data.pages.slice(0, -1),
    { ...last, items: insertTimelineEvent(last.items, event) },
  ];
  return { ...data, pages };
}

function cachedListCopy(queryClient: QueryClient, listKey: readonly unknown[], ticketId: string) {
  for (const [, data] of queryClient.getQueriesData<Pages<Ticket>>({ queryKey: listKey })) {
    for (const page of data?.pages ?? []) {
      const found = page.items.find((item) => item.id === ticketId);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function listsCached(queryClient: QueryClient, listKey: readonly unknown[]): boolean {
  return queryClient.getQueriesData({ queryKey: listKey }).length > 0;
}

/** Whether a change may move a ticket in or out of a filtered queue. */
function queueFieldsChanged(before: Ticket, after: Ticket): boolean {
  return (
    before.status !== after.status ||
    before.tier !== after.tier ||
    before.priority !== after.priority ||
    before.assigneeId !== after.assigneeId ||
    before.groupId !== after.groupId ||
    JSON.stringify(before.sla) !== JSON.stringify(after.sla)
  );
}

function applyTicket(
  queryClient: QueryClient,
  identity: string,
  scope: TicketStreamScope,
  ticket: Ticket,
): void {
  const listKey =
    scope === 'user' ? tierdeskKeys.tickets.myLists(identity) : tierdeskKeys.tickets.queues(identity);
  // Read before writing: whether the lists already hold it, and with which fields.
  const before = cachedListCopy(queryClient, listKey, ticket.id);
  writeTicket(queryClient, identity, ticket);
  // An end user's list holds all their tickets whatever their fields: only a new one needs a refetch.
  const moved = before === undefined || (scope === 'agent' && queueFieldsChanged(before, ticket));
  if (moved && listsCached(queryClient, listKey)) {
    void queryClient.invalidateQueries({ queryKey: listKey });
  }
  if (scope === 'agent') {
    const historyKey = tierdeskKeys.requesters.history(identity, ticket.requester.id);
    const history = queryClient.getQueryData<RouteData<'requesterHistory'>>(historyKey);
    if (history !== undefined && !history.tickets.some((t) => t.id === ticket.id)) {
      void queryClient.invalidateQueries({ queryKey: historyKey });
    }
  }
}

function applyTimelineEvent(
  queryClient: QueryClient,
  identity: string,
  scope: TicketStreamScope,
  ticketId: string,
  event: TimelineEvent,
): void {
  if (scope === 'user') {
    queryClient.setQueryData<TicketWithTimeline>(tierdeskKeys.tickets.myTicket(identity, ticketId), (data) =>
      appendToDetail(data, event),
    );
    return;
  }
  queryClient.setQueryData<TicketWithTimeline>(tierdeskKeys.tickets.ticket(identity, ticketId), (data) =>
    appendToDetail(data, event),
  );
  queryClient.setQueriesData<Pages<TimelineEvent>>(
    { queryKey: [...tierdeskKeys.tickets.ticket(identity, ticketId), 'timeline'] },
    (data) => appendToPages(data, event),
  );
}

/** Everything a stream could have changed: refetched (active queries) or marked stale (the rest). */
export function invalidateStreamedQueries(queryClient: QueryClient, identity: string): void {
  void queryClient.invalidateQueries({ queryKey: tierdeskKeys.tickets.all(identity) });
  void queryClient.invalidateQueries({ queryKey: tierdeskKeys.requesters.all(identity) });
}

/** Applies one stream event to the cache of `identity` (see the file's comment for what it touches). */
export function applyStreamEvent(
  queryClient: QueryClient,
  identity: string,
  scope: TicketStreamScope,
  event: StreamEvent,
): void {
  switch (event.type) {
    case 'ticket.updated':
      applyTicket(queryClient, identity, scope, event.ticket);
      return;
    case 'timeline.appended':
      applyTimelineEvent(queryClient, identity, scope, event.ticketId, event.event);
      return;
    case 'stream.reset':
      invalidateStreamedQueries(queryClient, identity);
      return;
    case 'stream.ready':
      return;
  }
}
