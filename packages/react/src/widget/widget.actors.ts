import type { DeflectionEvent, TimelineEvent } from '@tierdesk/core';
import { TierdeskError } from '@tierdesk/core/lean';
import { fromPromise, type WidgetActors } from '@tierdesk/core/widget';

import type { RouteData } from '../hooks/hooks.types';
import { prependMyTicket, writeTicket } from '../hooks/ticket-cache';

import { tierdeskKeys } from '../query-keys';
import type { WidgetConnection } from './widget.connection';
import type { WidgetDiagnostics } from './widget.diagnostics';

// The widget machine's I/O, implemented with the provider's client: each actor is one or two API
// calls, and writes what it learned into the same TanStack cache the hooks read, so a host rendering
// `useMyTickets` beside the widget sees a ticket the widget created without refetching.

type TicketWithTimeline = RouteData<'getMyTicket'>;

/** How many of the user's tickets the widget's "my tickets" view loads. */
const MY_TICKETS_LIMIT = 50;

/**
 * The message a `replyAsUser` call stored: the customer's public message with this body, the latest
 * one at or before the ticket version the call answered with. A replayed call (same Idempotency-Key)
 * answers with the ticket as it was then, so this finds the original message, never a later one with
 * the same text.
 */
export function findStoredMessage(
  events: readonly TimelineEvent[],
  body: string,
  answeredAt: string,
): TimelineEvent | undefined {
  const text = body.trim();
  const candidates = events.filter(
    (e) => e.type === 'message.public' && e.role === 'customer' && e.body.trim() === text,
  );
  const answered = Date.parse(answeredAt);
  return candidates.filter((e) => Date.parse(e.at) <= answered).at(-1) ?? candidates.at(-1);
}

/**
 * The machine's actors (`widgetMachine.provide({ actors })`) over the provider's client.
 * `tierdesk()` is read on every call, so a new client (e.g. a new base URL) is used at once.
 * Sends carry the machine's keys as `Idempotency-Key`: a ticket or message resent after a lost
 * answer or a reconnect is stored once.
 */
export function createWidgetActors(
  tierdesk: () => WidgetConnection,
  diagnostics: () => WidgetDiagnostics | undefined = () => undefined,
): WidgetActors {
  return {
    searchArticles: fromPromise(async ({ input, signal }) => {
      const { items } = await tierdesk().client.searchArticles(
        { query: { q: input.query, locale: input.locale, ...(input.match ? { match: input.match } : {}) } },
        { signal },
      );
      return items;
    }),
    loadArticle: fromPromise(async ({ input, signal }) => {
      const { client, queryClient, identity } = tierdesk();
      const article = await client.getArticle({ params: { articleId: input.articleId } }, { signal });
      // Cached for `useArticle`: reading it again there would count a second view.
      queryClient?.setQueryData(tierdeskKeys.articles.article(identity, article.id), article);
      return article;
    }),
    sendFeedback: fromPromise(async ({ input, signal }) => {
      await tierdesk().client.articleFeedback(
        {
          params: { articleId: input.articleId },
          body: { helpful: input.helpful, sessionId: input.sessionId },
        },
        { signal },
      );
    }),
    submitTicket: fromPromise(async ({ input, signal }) => {
      const { client, queryClient, identity } = tierdesk();
      const extra = diagnostics();
      const body =
        extra === undefined
          ? input.ticket
          : { ...input.ticket, diagnostics: { ...input.ticket.diagnostics, ...extra } };
      const ticket = await client.createTicket({ body }, { signal, idempotencyKey: input.idempotencyKey });
      if (queryClient !== null) prependMyTicket(queryClient, identity, ticket);
      void queryClient?.invalidateQueries({ queryKey: tierdeskKeys.tickets.myLists(identity) });
      return ticket;
    }),
    loadTickets: fromPromise(async ({ signal }) => {
      const page = await tierdesk().client.listMyTickets({ query: { limit: MY_TICKETS_LIMIT } }, { signal });
      return page.items;
    }),
    loadConversation: fromPromise(async ({ input, signal }) => {
      const { client, queryClient, identity } = tierdesk();
      const view = await client.getMyTicket({ params: { ticketId: input.ticketId } }, { signal });
      queryClient?.setQueryData<TicketWithTimeline>(
        tierdeskKeys.tickets.myTicket(identity, input.ticketId),
        view,
      );
      return { ticket: view.ticket, events: view.events };
    }),
    sendMessage: fromPromise(async ({ input, signal }) => {
      const { client, queryClient, identity } = tierdesk();
      const ticket = await client.replyAsUser(
        { params: { ticketId: input.ticketId }, body: { body: input.body } },
        { signal, idempotencyKey: input.clientMessageId },
      );
      if (queryClient !== null) writeTicket(queryClient, identity, ticket);
      // The reply answers with the ticket; the machine wants the stored message (its seq orders the
      // thread and deduplicates it against the same event arriving over the stream).
      const view = await client.getMyTicket({ params: { ticketId: input.ticketId } }, { signal });
      queryClient?.setQueryData<TicketWithTimeline>(
        tierdeskKeys.tickets.myTicket(identity, input.ticketId),
        (old) => (old === undefined || old.ticket.version <= view.ticket.version ? view : old),
      );
      const stored = findStoredMessage(view.events, input.body, ticket.updatedAt);
      if (stored === undefined) {
        throw new TierdeskError(
          'invalid_response',
          'The reply was accepted but is not in the ticket timeline',
          {
            route: 'replyAsUser',
          },
        );
      }
      return stored;
    }),
    submitCsat: fromPromise(async ({ input, signal }) => {
      const { client, queryClient, identity } = tierdesk();
      const body =
        input.comment === undefined ? { score: input.score } : { score: input.score, comment: input.comment };
      const ticket = await client.submitCsat({ params: { ticketId: input.ticketId }, body }, { signal });
      if (queryClient !== null) writeTicket(queryClient, identity, ticket);
    }),
  };
}

/** Options of {@link createDeflectionRecorder}. */
export interface DeflectionRecorderOptions {
  /** Wait this long to batch steps into one request. Default 1 000 ms. */
  batchMs?: number;
  /** Steps that could not be recorded for good (a rejected batch); transient failures are retried. */
  onError?: (error: TierdeskError, events: DeflectionEvent[]) => void;
}

/**
 * Batches the machine's `recordDeflection` steps into `recordDeflection` calls (≤ 50 per call), leaving
 * out `ticket.created`, which the server records itself.
 */
export interface DeflectionRecorder {
  /** Queues a step. */
  record(event: DeflectionEvent): void;
  /** Sends what is queued now (e.g. on unmount or when the page is hidden). */
  flush(): Promise<void>;
}

const MAX_BATCH = 50;
/** Steps kept while the network is down; past that the oldest are dropped (they are metrics, not user data). */
const MAX_QUEUED = 500;
const TRANSIENT = new Set(['network', 'timeout', 'unavailable', 'rate_limited', 'aborted']);

/**
 * Records the widget's self-service steps (searches, article views, votes, suggestions, the ticket
 * they ended in) so the server's deflection metrics are exact. Fire-and-forget for the machine;
 * batches, retries transient failures on the next batch, and reports the rest through `onError`.
 */
export function createDeflectionRecorder(
  tierdesk: () => WidgetConnection,
  options: DeflectionRecorderOptions = {},
): DeflectionRecorder {
  const batchMs = options.batchMs ?? 1_000;
  let queue: DeflectionEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sending: Promise<void> | undefined;

  async function send(): Promise<void> {
    while (queue.length > 0) {
      const events = queue.slice(0, MAX_BATCH);
      try {
        await tierdesk().client.recordDeflection({ body: { events } });
        queue = queue.slice(events.length);
      } catch (error) {
        const typed =
          error instanceof TierdeskError
            ? error
            : new TierdeskError('unexpected', String(error), { cause: error });
        if (TRANSIENT.has(typed.code)) return; // kept for the next batch
        queue = queue.slice(events.length);
        options.onError?.(typed, events);
      }
    }
  }

  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    sending ??= send().finally(() => {
      sending = undefined;
    });
    return sending;
  }

  return {
    record(event) {
      // The server records a ticket's creation itself (from the ticket's `sessionId`) and refuses the
      // step from clients with a 400 — which would also lose the searches batched with it.
      if (event.type === 'ticket.created') return;
      queue.push(event);
      if (queue.length > MAX_QUEUED) queue = queue.slice(queue.length - MAX_QUEUED);
      timer ??= setTimeout(() => void flush(), batchMs);
    },
    flush,
  };
}
