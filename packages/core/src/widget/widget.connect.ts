import type { SnapshotFrom } from 'xstate';
import type { Article, ArticleSearchHit } from '../kb/article.schema';
import type { Ticket } from '../tickets/ticket.schema';
import type { TimelineEventOf } from '../tickets/timeline.schema';
import type { widgetMachine } from './widget.machine';
import type {
  OutboxMessage,
  TicketDraft,
  WidgetError,
  WidgetEvent,
  WidgetIdentity,
  WidgetView,
} from './widget.types';

/** A snapshot of the widget machine. */
export type WidgetSnapshot = SnapshotFrom<typeof widgetMachine>;

/** What the widget shows: a view, the offline notice, or nothing. */
export type WidgetScreen = WidgetView | 'offline' | 'closed';

/** A public message of the open ticket's conversation. */
export type WidgetMessage = TimelineEventOf<'message.public'>;

/**
 * The widget's view API: plain values derived from a snapshot, and intent methods that send
 * events. Framework adapters render it; the host's JS control API calls its methods.
 */
export interface WidgetApi {
  isOpen: boolean;
  isOnline: boolean;
  /** The screen to render. */
  screen: WidgetScreen;
  /** The view the user was last in (shown dimmed behind the offline notice, for instance). */
  lastView: WidgetView;
  /** A request of the current view is in flight. */
  isLoading: boolean;
  error: WidgetError | null;
  user: WidgetIdentity | null;
  query: string;
  results: readonly ArticleSearchHit[];
  article: Article | null;
  /** The user's helpful / not-helpful answer on the open article. */
  vote: boolean | null;
  canVote: boolean;
  draft: TicketDraft;
  canSubmit: boolean;
  /** Deflection suggestions for the draft (empty while the draft is blank). */
  suggestions: readonly ArticleSearchHit[];
  isSuggesting: boolean;
  tickets: readonly Ticket[];
  ticket: Ticket | null;
  messages: readonly WidgetMessage[];
  /** Unsent composer text of the open ticket. */
  composer: string;
  canSend: boolean;
  /** Messages of the open ticket waiting to be sent. */
  pendingMessages: readonly OutboxMessage[];
  /** Control API: open the widget where the user was. */
  open(): void;
  /** Control API: close the widget. */
  close(): void;
  toggle(): void;
  search(query: string): void;
  openArticle(articleId: string): void;
  voteArticle(helpful: boolean): void;
  /** Control API: start a new message, optionally prefilled. */
  newTicket(prefill?: Partial<TicketDraft>): void;
  changeDraft(patch: Partial<TicketDraft>): void;
  submitTicket(): void;
  openTickets(): void;
  /** Control API: open a given ticket. */
  openTicket(ticketId: string): void;
  changeComposer(body: string): void;
  sendMessage(): void;
  rate(score: number, comment?: string): void;
  retry(): void;
  back(): void;
  /** Control API: identify the end user. */
  identify(user: WidgetIdentity): void;
  /** Control API: logout; wipe everything of the user, optionally with a new session id. */
  reset(sessionId?: string): void;
  /** Feed the host's network status (`online` / `offline` window events). */
  setOnline(online: boolean): void;
}

function screenOf(snapshot: WidgetSnapshot): WidgetScreen {
  const { value } = snapshot;
  if (typeof value === 'string') return 'closed';
  const open = value.open;
  if (open === undefined || typeof open === 'string') return 'offline';
  const online = open.online;
  if (online === undefined) return 'offline';
  return (typeof online === 'string' ? online : Object.keys(online)[0]) as WidgetView;
}

/**
 * Connects a widget snapshot to a view API (machine → connect → view). Pure: the same snapshot
 * gives the same values; methods only `send` events.
 */
export function connectWidget(snapshot: WidgetSnapshot, send: (event: WidgetEvent) => void): WidgetApi {
  const { context } = snapshot;
  const ticketId = context.ticketId;
  const draftBlank = context.draft.subject.trim() === '' && context.draft.body.trim() === '';
  return {
    isOpen: snapshot.matches('open'),
    isOnline: context.online,
    screen: screenOf(snapshot),
    lastView: context.lastView,
    isLoading: snapshot.hasTag('loading'),
    error: context.error,
    user: context.user,
    query: context.query,
    results: context.results,
    article: context.article,
    vote: context.vote,
    canVote: snapshot.can({ type: 'ARTICLE.VOTE', helpful: true }),
    draft: context.draft,
    canSubmit: snapshot.can({ type: 'TICKET_FORM.SUBMIT' }),
    suggestions: draftBlank ? [] : context.suggestions,
    isSuggesting: snapshot.matches({ open: { online: { ticketForm: 'searching' } } }),
    tickets: context.tickets,
    ticket: context.ticket,
    messages: context.timeline.filter((e): e is WidgetMessage => e.type === 'message.public'),
    composer: ticketId === null ? '' : (context.composer[ticketId] ?? ''),
    canSend: snapshot.can({ type: 'COMPOSER.SEND' }),
    pendingMessages: context.outbox.filter((m) => m.ticketId === ticketId),
    open: () => send({ type: 'WIDGET.OPEN' }),
    close: () => send({ type: 'WIDGET.CLOSE' }),
    toggle: () => send({ type: 'WIDGET.TOGGLE' }),
    search: (query) => send({ type: 'SEARCH.CHANGE', query }),
    openArticle: (articleId) => send({ type: 'ARTICLE.OPEN', articleId }),
    voteArticle: (helpful) => send({ type: 'ARTICLE.VOTE', helpful }),
    newTicket: (prefill) =>
      send(prefill ? { type: 'TICKET_FORM.OPEN', prefill } : { type: 'TICKET_FORM.OPEN' }),
    changeDraft: (patch) => send({ type: 'TICKET_FORM.CHANGE', ...patch }),
    submitTicket: () => send({ type: 'TICKET_FORM.SUBMIT' }),
    openTickets: () => send({ type: 'TICKETS.OPEN' }),
    openTicket: (id) => send({ type: 'TICKET.OPEN', ticketId: id }),
    changeComposer: (body) => send({ type: 'COMPOSER.CHANGE', body }),
    sendMessage: () => send({ type: 'COMPOSER.SEND' }),
    rate: (score, comment) =>
      send(comment === undefined ? { type: 'CSAT.SUBMIT', score } : { type: 'CSAT.SUBMIT', score, comment }),
    retry: () => send({ type: 'WIDGET.RETRY' }),
    back: () => send({ type: 'NAV.BACK' }),
    identify: (user) => send({ type: 'SESSION.IDENTIFY', user }),
    reset: (sessionId) =>
      send(sessionId === undefined ? { type: 'SESSION.RESET' } : { type: 'SESSION.RESET', sessionId }),
    setOnline: (online) => send({ type: online ? 'NETWORK.ONLINE' : 'NETWORK.OFFLINE' }),
  };
}
