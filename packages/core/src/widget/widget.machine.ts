import { and, assign, fromPromise, setup } from 'xstate';
import type { Ticket } from '../tickets/ticket.schema';
import type { TimelineEvent } from '../tickets/timeline.schema';
import type {
  DeflectionStep,
  OutboxMessage,
  TicketDraft,
  WidgetActionParams,
  WidgetActors,
  WidgetContext,
  WidgetDrafts,
  WidgetError,
  WidgetEvent,
  WidgetInput,
  WidgetOperation,
  WidgetView,
} from './widget.types';

/** Default debounce of search-as-you-type and deflection suggestions. */
export const DEFAULT_WIDGET_DEBOUNCE_MS = 250;

/** Longest query sent to `searchArticles` (the API's limit). */
const MAX_QUERY_LENGTH = 200;

/** The views `WIDGET.OPEN` and reconnecting can return to, in the order they are checked. */
export const WIDGET_VIEWS: readonly WidgetView[] = [
  'home',
  'article',
  'ticketForm',
  'submitting',
  'submitFailed',
  'conversation',
  'csat',
  'thanks',
  'tickets',
];

/**
 * Thrown by the default implementation of every I/O actor: the machine does no I/O itself, and the
 * host must `.provide()` each actor it reaches.
 */
export class WidgetActorNotProvidedError extends Error {
  /** Stable error code. */
  readonly code = 'widget.actor_not_provided';
  /** The actor that was not provided. */
  readonly actor: WidgetOperation;

  constructor(actor: WidgetOperation) {
    super(
      `@tierdesk/core widget: the "${actor}" actor is not provided. ` +
        `Call widgetMachine.provide({ actors: { ${actor}: fromPromise(...) } }) with your implementation.`,
    );
    this.name = 'WidgetActorNotProvidedError';
    this.actor = actor;
  }
}

const notProvided = <TOutput, TInput>(actor: WidgetOperation) =>
  fromPromise<TOutput, TInput>(() => Promise.reject(new WidgetActorNotProvidedError(actor)));

const EMPTY_DRAFT: TicketDraft = { subject: '', body: '' };

/** The text searched for deflection suggestions: subject and body, whitespace collapsed. */
export function suggestionQueryOf(draft: TicketDraft): string {
  return `${draft.subject} ${draft.body}`.replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY_LENGTH);
}

const searchQueryOf = (query: string): string => query.trim().slice(0, MAX_QUERY_LENGTH);

/** Unsent drafts of a context, as `persistDraft` receives them. */
export function draftsOf(context: WidgetContext): WidgetDrafts {
  return { ticketForm: context.draft, composer: context.composer, outbox: context.outbox };
}

function toWidgetError(operation: WidgetOperation, error: unknown): WidgetError {
  const code =
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
      ? error.code
      : 'unknown';
  const message = error instanceof Error ? error.message : String(error);
  return { operation, code, message };
}

function deflection(context: WidgetContext, step: DeflectionStep): WidgetActionParams['recordDeflection'] {
  return { ...step, sessionId: context.sessionId, at: new Date(context.now()).toISOString() };
}

/** The context of a fresh session: nothing of any user. */
function emptyContext(
  base: Pick<
    WidgetContext,
    'sessionId' | 'locale' | 'debounceMs' | 'now' | 'online' | 'ticketSeq' | 'messageSeq'
  >,
): WidgetContext {
  return {
    ...base,
    user: null,
    lastView: 'home',
    query: '',
    results: [],
    resultsQuery: '',
    articleId: null,
    article: null,
    articleOrigin: 'home',
    vote: null,
    draft: EMPTY_DRAFT,
    suggestions: [],
    suggestionsQuery: '',
    tickets: [],
    ticketId: null,
    ticket: null,
    timeline: [],
    composer: {},
    outbox: [],
    csat: null,
    csatDeclined: [],
    error: null,
  };
}

function appendEvent(timeline: TimelineEvent[], event: TimelineEvent): TimelineEvent[] {
  return timeline.some((e) => e.seq === event.seq) ? timeline : [...timeline, event];
}

/**
 * A loaded timeline with the live events that arrived while it loaded: the load answers with the
 * timeline as of its read, and a reply appended by the stream meanwhile must not vanish. `live` only
 * holds the open ticket's events (opening another ticket empties it).
 */
function mergeTimeline(loaded: TimelineEvent[], live: TimelineEvent[]): TimelineEvent[] {
  const seqs = new Set(loaded.map((e) => e.seq));
  const newer = live.filter((e) => !seqs.has(e.seq));
  return newer.length === 0 ? loaded : [...loaded, ...newer].sort((a, b) => a.seq - b.seq);
}

/** The later of two states of the open ticket (a stream update may overtake a slower load). */
function newerTicket(current: Ticket | null, loaded: Ticket): Ticket {
  return current !== null && current.id === loaded.id && current.version > loaded.version ? current : loaded;
}

function upsertTicket(tickets: Ticket[], ticket: Ticket): Ticket[] {
  return tickets.some((t) => t.id === ticket.id)
    ? tickets.map((t) => (t.id === ticket.id ? ticket : t))
    : [ticket, ...tickets];
}

const viewTarget = (view: WidgetView) => `#widget.open.online.${view}`;

/**
 * Where opening the widget or reconnecting leads: the view the user was last in. A loaded article
 * shows again without refetching (and without counting a second view).
 */
const RESUME = [
  { guard: 'resumesLoadedArticle', target: '#widget.open.online.article.ready' },
  ...WIDGET_VIEWS.map((view) => ({
    guard: { type: 'isLastView' as const, params: { view } },
    target: viewTarget(view),
  })),
  { target: viewTarget('home') },
] as const;

const BACK_ONLINE = [
  { type: 'setOnline', params: { online: true } },
  { type: 'announce', params: { type: 'network.online' } },
] as const;

/**
 * The widget machine: the end user's flow through the in-app help widget, headless.
 *
 * `closed` → `open.online.home` (search) → `article` (helpful?) → `ticketForm` (deflection
 * suggestions) → `submitting` → `conversation` → `csat` → `thanks`, plus `tickets` (my tickets),
 * `submitFailed`, per-view `failed` states and `open.offline`. The machine does no I/O: every
 * request is a named actor and every side effect a named action, both swapped with `.provide()`.
 *
 * @example
 * ```ts
 * const actor = createActor(
 *   widgetMachine.provide({ actors: { searchArticles: fromPromise(({ input }) => api.search(input)) } }),
 *   { input: { sessionId } },
 * ).start();
 * actor.send({ type: 'WIDGET.OPEN' });
 * ```
 */
export const widgetMachine = setup({
  types: {} as {
    context: WidgetContext;
    events: WidgetEvent;
    input: WidgetInput;
    /** `loading`: a request of the current view is in flight. */
    tags: 'loading';
  },
  actors: {
    searchArticles: notProvided('searchArticles') as WidgetActors['searchArticles'],
    loadArticle: notProvided('loadArticle') as WidgetActors['loadArticle'],
    sendFeedback: notProvided('sendFeedback') as WidgetActors['sendFeedback'],
    submitTicket: notProvided('submitTicket') as WidgetActors['submitTicket'],
    loadTickets: notProvided('loadTickets') as WidgetActors['loadTickets'],
    loadConversation: notProvided('loadConversation') as WidgetActors['loadConversation'],
    sendMessage: notProvided('sendMessage') as WidgetActors['sendMessage'],
    submitCsat: notProvided('submitCsat') as WidgetActors['submitCsat'],
  },
  actions: {
    // Side effects: no-ops until the host provides them.
    recordDeflection: (_, _step: WidgetActionParams['recordDeflection']) => {},
    announce: (_, _announcement: WidgetActionParams['announce']) => {},
    persistDraft: (_, _drafts: WidgetActionParams['persistDraft']) => {},
    clearPersistedDrafts: () => {},
    focusPanel: (_, _panel: WidgetActionParams['focusPanel']) => {},
    // Context updates.
    rememberView: assign((_, params: { view: WidgetView }) => ({ lastView: params.view })),
    clearError: assign({ error: null }),
    setError: assign((_, params: { operation: WidgetOperation; error: unknown }) => ({
      error: toWidgetError(params.operation, params.error),
    })),
    setOnline: assign((_, params: { online: boolean }) => ({ online: params.online })),
    wipeSession: assign(({ context }, params: { sessionId?: string | undefined }) =>
      emptyContext({
        sessionId: params.sessionId ?? context.sessionId,
        locale: context.locale,
        debounceMs: context.debounceMs,
        now: context.now,
        online: context.online,
        ticketSeq: context.ticketSeq,
        messageSeq: context.messageSeq,
      }),
    ),
    applyTicket: assign(({ context }, params: { ticket: Ticket }) => ({
      tickets: upsertTicket(context.tickets, params.ticket),
      ticket: context.ticketId === params.ticket.id ? params.ticket : context.ticket,
    })),
    updateDraft: assign(({ context }, params: Partial<TicketDraft>) => ({
      draft: {
        subject: params.subject ?? context.draft.subject,
        body: params.body ?? context.draft.body,
      },
    })),
    openTicket: assign(({ context }, params: { ticketId: string }) =>
      context.ticketId === params.ticketId
        ? {}
        : {
            ticketId: params.ticketId,
            ticket: context.tickets.find((t) => t.id === params.ticketId) ?? null,
            timeline: [],
            csat: null,
          },
    ),
    openArticle: assign((_, params: { articleId: string; origin: WidgetContext['articleOrigin'] }) => ({
      articleId: params.articleId,
      articleOrigin: params.origin,
      article: null,
      vote: null,
    })),
    markSent: assign(({ context }, params: { stored: TimelineEvent }) => ({
      outbox: context.outbox.slice(1),
      timeline:
        context.outbox[0]?.ticketId === context.ticketId
          ? appendEvent(context.timeline, params.stored)
          : context.timeline,
    })),
    enqueueMessage: assign(({ context }) => {
      const ticketId = context.ticketId ?? '';
      const body = (context.composer[ticketId] ?? '').trim();
      const { [ticketId]: _sent, ...composer } = context.composer;
      const message: OutboxMessage = {
        clientMessageId: `${context.sessionId}:message:${context.messageSeq + 1}`,
        ticketId,
        body,
      };
      return { composer, outbox: [...context.outbox, message], messageSeq: context.messageSeq + 1 };
    }),
  },
  guards: {
    isOffline: ({ context }) => !context.online,
    isLastView: ({ context }, params: { view: WidgetView }) => context.lastView === params.view,
    isOtherUser: ({ context, event }) =>
      event.type === 'SESSION.IDENTIFY' && context.user !== null && context.user.id !== event.user.id,
    isBlankQuery: ({ event }) => event.type === 'SEARCH.CHANGE' && searchQueryOf(event.query) === '',
    hasFreshResults: ({ context }) => {
      const query = searchQueryOf(context.query);
      return query !== '' && query === context.resultsQuery;
    },
    suggestionsStale: ({ context }) => {
      const query = suggestionQueryOf(context.draft);
      return query !== '' && query !== context.suggestionsQuery;
    },
    hasFreshSuggestions: ({ context }) =>
      context.suggestions.length > 0 && suggestionQueryOf(context.draft) === context.suggestionsQuery,
    isOtherArticle: ({ context, event }) =>
      event.type === 'ARTICLE.OPEN' && event.articleId !== context.articleId,
    isSuggestion: ({ context, event }) =>
      event.type === 'ARTICLE.OPEN' && context.suggestions.some((hit) => hit.id === event.articleId),
    canSubmitTicket: ({ context }) => context.draft.subject.trim() !== '' && context.draft.body.trim() !== '',
    canVote: ({ context }) => context.vote === null,
    articleFromForm: ({ context }) => context.articleOrigin === 'ticketForm',
    hasConversation: ({ context }) => context.ticketId !== null,
    canSendComposer: ({ context }) =>
      context.ticketId !== null && (context.composer[context.ticketId] ?? '').trim() !== '',
    hasOutbox: ({ context }) => context.outbox.length > 0,
    hasMoreQueued: ({ context }) => context.outbox.length > 1,
    resumesLoadedArticle: ({ context }) =>
      context.lastView === 'article' && context.article !== null && context.article.id === context.articleId,
    shouldAskCsat: ({ context, event }) =>
      event.type === 'TICKET.UPDATED' &&
      event.ticket.id === context.ticketId &&
      event.ticket.status === 'solved' &&
      event.ticket.csat === null &&
      !context.csatDeclined.includes(event.ticket.id),
    isValidCsat: ({ event }) =>
      event.type === 'CSAT.SUBMIT' && Number.isInteger(event.score) && event.score >= 1 && event.score <= 5,
    isCurrentTicketEvent: ({ context, event }) =>
      event.type === 'TIMELINE.APPENDED' && event.ticketId === context.ticketId,
    isIncomingMessage: ({ event }) =>
      event.type === 'TIMELINE.APPENDED' &&
      event.event.type === 'message.public' &&
      event.event.role !== 'customer',
  },
  delays: {
    debounce: ({ context }) => context.debounceMs,
  },
}).createMachine({
  id: 'widget',
  context: ({ input }) => ({
    ...emptyContext({
      sessionId: input.sessionId,
      locale: input.locale ?? 'en',
      debounceMs: input.debounceMs ?? DEFAULT_WIDGET_DEBOUNCE_MS,
      now: input.now ?? Date.now,
      online: input.online ?? true,
      ticketSeq: 0,
      messageSeq: 0,
    }),
    draft: input.drafts?.ticketForm ?? EMPTY_DRAFT,
    composer: input.drafts?.composer ?? {},
    outbox: input.drafts?.outbox ?? [],
  }),
  initial: 'closed',
  on: {
    'SESSION.IDENTIFY': [
      {
        // A different user on the same device: nothing of the previous one may show.
        guard: 'isOtherUser',
        target: '.closed',
        actions: [
          { type: 'wipeSession', params: {} },
          'clearPersistedDrafts',
          assign(({ event }) => ({ user: event.user })),
        ],
      },
      { actions: assign(({ event }) => ({ user: event.user })) },
    ],
    'SESSION.RESET': {
      target: '.closed',
      actions: [
        { type: 'wipeSession', params: ({ event }) => ({ sessionId: event.sessionId }) },
        'clearPersistedDrafts',
      ],
    },
    'NETWORK.OFFLINE': { actions: { type: 'setOnline', params: { online: false } } },
    'NETWORK.ONLINE': { actions: { type: 'setOnline', params: { online: true } } },
    'TICKET.UPDATED': { actions: { type: 'applyTicket', params: ({ event }) => ({ ticket: event.ticket }) } },
    'TIMELINE.APPENDED': [
      {
        guard: and(['isCurrentTicketEvent', 'isIncomingMessage']),
        actions: [
          assign(({ context, event }) => ({ timeline: appendEvent(context.timeline, event.event) })),
          { type: 'announce', params: { type: 'message.received' } },
        ],
      },
      {
        guard: 'isCurrentTicketEvent',
        actions: assign(({ context, event }) => ({ timeline: appendEvent(context.timeline, event.event) })),
      },
    ],
    // Control API: these open the widget on a given view from anywhere (offline: once back online).
    'TICKET.OPEN': [
      {
        guard: 'isOffline',
        target: '#widget.open.offline',
        actions: [
          { type: 'openTicket', params: ({ event }) => ({ ticketId: event.ticketId }) },
          { type: 'rememberView', params: { view: 'conversation' } },
        ],
      },
      {
        target: viewTarget('conversation'),
        actions: { type: 'openTicket', params: ({ event }) => ({ ticketId: event.ticketId }) },
      },
    ],
    'TICKET_FORM.OPEN': [
      {
        guard: 'isOffline',
        target: '#widget.open.offline',
        actions: [
          { type: 'updateDraft', params: ({ event }) => ({ ...event.prefill }) },
          { type: 'persistDraft', params: ({ context }) => draftsOf(context) },
          { type: 'rememberView', params: { view: 'ticketForm' } },
        ],
      },
      {
        target: viewTarget('ticketForm'),
        actions: [
          { type: 'updateDraft', params: ({ event }) => ({ ...event.prefill }) },
          { type: 'persistDraft', params: ({ context }) => draftsOf(context) },
        ],
      },
    ],
    'TICKETS.OPEN': [
      {
        guard: 'isOffline',
        target: '#widget.open.offline',
        actions: { type: 'rememberView', params: { view: 'tickets' } },
      },
      { target: viewTarget('tickets') },
    ],
  },
  states: {
    closed: {
      on: {
        'WIDGET.OPEN': [{ guard: 'isOffline', target: '#widget.open.offline' }, ...RESUME],
        'WIDGET.TOGGLE': [{ guard: 'isOffline', target: '#widget.open.offline' }, ...RESUME],
      },
    },
    open: {
      on: {
        'WIDGET.CLOSE': { target: 'closed' },
        'WIDGET.TOGGLE': { target: 'closed' },
      },
      initial: 'online',
      states: {
        online: {
          on: {
            'NETWORK.OFFLINE': {
              target: 'offline',
              actions: [
                { type: 'setOnline', params: { online: false } },
                { type: 'announce', params: { type: 'network.offline' } },
              ],
            },
          },
          initial: 'home',
          states: {
            home: {
              entry: [
                { type: 'rememberView', params: { view: 'home' } },
                'clearError',
                { type: 'focusPanel', params: { view: 'home' } },
              ],
              on: {
                'SEARCH.CHANGE': [
                  {
                    guard: 'isBlankQuery',
                    target: '.idle',
                    actions: assign(({ event }) => ({ query: event.query, results: [], resultsQuery: '' })),
                  },
                  { target: '.debouncing', actions: assign(({ event }) => ({ query: event.query })) },
                ],
                'ARTICLE.OPEN': {
                  target: 'article',
                  actions: {
                    type: 'openArticle',
                    params: ({ event }) => ({ articleId: event.articleId, origin: 'home' as const }),
                  },
                },
              },
              initial: 'idle',
              states: {
                idle: { always: { guard: 'hasFreshResults', target: 'results' } },
                debouncing: { after: { debounce: 'searching' } },
                searching: {
                  tags: 'loading',
                  entry: 'clearError',
                  invoke: {
                    id: 'searchArticles',
                    src: 'searchArticles',
                    input: ({ context }) => ({ query: searchQueryOf(context.query), locale: context.locale }),
                    onDone: {
                      target: 'results',
                      actions: [
                        assign(({ context, event }) => ({
                          results: event.output,
                          resultsQuery: searchQueryOf(context.query),
                        })),
                        {
                          type: 'recordDeflection',
                          params: ({ context, event }) =>
                            deflection(context, {
                              type: 'search',
                              query: searchQueryOf(context.query),
                              resultCount: event.output.length,
                            }),
                        },
                        {
                          type: 'announce',
                          params: ({ event }) => ({ type: 'search.results', count: event.output.length }),
                        },
                      ],
                    },
                    onError: {
                      target: 'failed',
                      actions: {
                        type: 'setError',
                        params: ({ event }) => ({ operation: 'searchArticles', error: event.error }),
                      },
                    },
                  },
                },
                results: {},
                failed: { on: { 'WIDGET.RETRY': 'searching' } },
              },
            },
            article: {
              entry: [
                { type: 'rememberView', params: { view: 'article' } },
                'clearError',
                { type: 'focusPanel', params: { view: 'article' } },
              ],
              on: {
                'NAV.BACK': [{ guard: 'articleFromForm', target: 'ticketForm' }, { target: 'home' }],
                // A link to another article inside this one; Back still leads where the first came from.
                'ARTICLE.OPEN': {
                  guard: 'isOtherArticle',
                  target: 'article',
                  reenter: true,
                  actions: {
                    type: 'openArticle',
                    params: ({ context, event }) => ({
                      articleId: event.articleId,
                      origin: context.articleOrigin,
                    }),
                  },
                },
              },
              initial: 'loading',
              states: {
                loading: {
                  tags: 'loading',
                  entry: 'clearError',
                  invoke: {
                    id: 'loadArticle',
                    src: 'loadArticle',
                    input: ({ context }) => ({ articleId: context.articleId ?? '', locale: context.locale }),
                    onDone: {
                      target: 'ready',
                      actions: [
                        assign(({ event }) => ({ article: event.output })),
                        {
                          type: 'recordDeflection',
                          params: ({ context, event }) =>
                            deflection(context, { type: 'article.viewed', articleId: event.output.id }),
                        },
                      ],
                    },
                    onError: {
                      target: 'failed',
                      actions: {
                        type: 'setError',
                        params: ({ event }) => ({ operation: 'loadArticle', error: event.error }),
                      },
                    },
                  },
                },
                ready: {
                  on: {
                    'ARTICLE.VOTE': {
                      guard: 'canVote',
                      target: 'voting',
                      actions: [
                        assign(({ event }) => ({ vote: event.helpful })),
                        {
                          type: 'recordDeflection',
                          params: ({ context, event }) =>
                            deflection(context, {
                              type: 'article.voted',
                              articleId: context.articleId ?? '',
                              helpful: event.helpful,
                            }),
                        },
                      ],
                    },
                  },
                },
                voting: {
                  tags: 'loading',
                  entry: 'clearError',
                  invoke: {
                    id: 'sendFeedback',
                    src: 'sendFeedback',
                    input: ({ context }) => ({
                      articleId: context.articleId ?? '',
                      helpful: context.vote ?? false,
                      sessionId: context.sessionId,
                    }),
                    onDone: { target: 'ready' },
                    onError: {
                      // The vote did not reach the server: let the user vote again.
                      target: 'ready',
                      actions: [
                        assign({ vote: null }),
                        {
                          type: 'setError',
                          params: ({ event }) => ({ operation: 'sendFeedback', error: event.error }),
                        },
                      ],
                    },
                  },
                },
                failed: { on: { 'WIDGET.RETRY': 'loading' } },
              },
            },
            ticketForm: {
              entry: [
                { type: 'rememberView', params: { view: 'ticketForm' } },
                'clearError',
                { type: 'focusPanel', params: { view: 'ticketForm' } },
              ],
              on: {
                'TICKET_FORM.CHANGE': {
                  // Back to idle, which debounces a new suggestion search when the text changed.
                  target: '.idle',
                  actions: [
                    {
                      type: 'updateDraft',
                      params: ({ event }) => ({ subject: event.subject, body: event.body }),
                    },
                    { type: 'persistDraft', params: ({ context }) => draftsOf(context) },
                  ],
                },
                'TICKET_FORM.SUBMIT': { guard: 'canSubmitTicket', target: 'submitting' },
                'ARTICLE.OPEN': {
                  // Only what was suggested counts as a suggestion opened: the deflection data stays exact.
                  guard: 'isSuggestion',
                  target: 'article',
                  actions: [
                    {
                      type: 'openArticle',
                      params: ({ event }) => ({ articleId: event.articleId, origin: 'ticketForm' as const }),
                    },
                    {
                      type: 'recordDeflection',
                      params: ({ context, event }) =>
                        deflection(context, { type: 'suggestion.opened', articleId: event.articleId }),
                    },
                  ],
                },
                'NAV.BACK': { target: 'home' },
              },
              initial: 'idle',
              states: {
                idle: {
                  always: [
                    { guard: 'suggestionsStale', target: 'debouncing' },
                    { guard: 'hasFreshSuggestions', target: 'suggestions' },
                  ],
                },
                debouncing: { after: { debounce: 'searching' } },
                searching: {
                  invoke: {
                    id: 'searchSuggestions',
                    src: 'searchArticles',
                    input: ({ context }) => ({
                      query: suggestionQueryOf(context.draft),
                      locale: context.locale,
                      match: 'any' as const,
                    }),
                    onDone: [
                      {
                        guard: ({ event }) => event.output.length > 0,
                        target: 'suggestions',
                        actions: [
                          assign(({ context, event }) => ({
                            suggestions: event.output,
                            suggestionsQuery: suggestionQueryOf(context.draft),
                          })),
                          {
                            type: 'recordDeflection',
                            params: ({ context, event }) =>
                              deflection(context, {
                                type: 'suggestions.shown',
                                articleIds: event.output.slice(0, 20).map((hit) => hit.id),
                              }),
                          },
                          {
                            type: 'announce',
                            params: ({ event }) => ({
                              type: 'suggestions.shown',
                              count: event.output.length,
                            }),
                          },
                        ],
                      },
                      {
                        target: 'idle',
                        actions: assign(({ context }) => ({
                          suggestions: [],
                          suggestionsQuery: suggestionQueryOf(context.draft),
                        })),
                      },
                    ],
                    onError: {
                      // Suggestions are a help, never a blocker: the form stays usable.
                      target: 'failed',
                      actions: [
                        assign(({ context }) => ({ suggestionsQuery: suggestionQueryOf(context.draft) })),
                        {
                          type: 'setError',
                          params: ({ event }) => ({ operation: 'searchArticles', error: event.error }),
                        },
                      ],
                    },
                  },
                },
                suggestions: {},
                failed: { on: { 'WIDGET.RETRY': 'searching' } },
              },
            },
            submitting: {
              tags: 'loading',
              entry: [
                { type: 'rememberView', params: { view: 'submitting' } },
                'clearError',
                { type: 'focusPanel', params: { view: 'submitting' } },
              ],
              invoke: {
                id: 'submitTicket',
                src: 'submitTicket',
                input: ({ context }) => ({
                  ticket: {
                    subject: context.draft.subject.trim(),
                    body: context.draft.body.trim(),
                    channel: 'widget' as const,
                    sessionId: context.sessionId,
                    diagnostics: { locale: context.locale },
                  },
                  idempotencyKey: `${context.sessionId}:ticket:${context.ticketSeq + 1}`,
                }),
                onDone: {
                  target: 'conversation',
                  actions: [
                    assign(({ context, event }) => ({
                      ticketId: event.output.id,
                      ticket: event.output,
                      tickets: upsertTicket(context.tickets, event.output),
                      timeline: [],
                      csat: null,
                      draft: EMPTY_DRAFT,
                      suggestions: [],
                      suggestionsQuery: '',
                      ticketSeq: context.ticketSeq + 1,
                    })),
                    {
                      type: 'recordDeflection',
                      params: ({ context, event }) =>
                        deflection(context, { type: 'ticket.created', ticketId: event.output.id }),
                    },
                    { type: 'persistDraft', params: ({ context }) => draftsOf(context) },
                    {
                      type: 'announce',
                      params: ({ event }) => ({ type: 'ticket.created', ticketNumber: event.output.number }),
                    },
                  ],
                },
                onError: {
                  target: 'submitFailed',
                  actions: {
                    type: 'setError',
                    params: ({ event }) => ({ operation: 'submitTicket', error: event.error }),
                  },
                },
              },
            },
            submitFailed: {
              // No clearError on entry: the error is what this view shows. The draft is untouched.
              entry: [
                { type: 'rememberView', params: { view: 'submitFailed' } },
                { type: 'focusPanel', params: { view: 'submitFailed' } },
                {
                  type: 'announce',
                  params: ({ context }) => ({
                    type: 'error',
                    operation: 'submitTicket',
                    code: context.error?.code ?? 'unknown',
                  }),
                },
              ],
              on: {
                'WIDGET.RETRY': { target: 'submitting' },
                'NAV.BACK': { target: 'ticketForm' },
                'TICKET_FORM.CHANGE': {
                  target: 'ticketForm',
                  actions: [
                    {
                      type: 'updateDraft',
                      params: ({ event }) => ({ subject: event.subject, body: event.body }),
                    },
                    { type: 'persistDraft', params: ({ context }) => draftsOf(context) },
                  ],
                },
              },
            },
            conversation: {
              entry: [
                { type: 'rememberView', params: { view: 'conversation' } },
                'clearError',
                { type: 'focusPanel', params: { view: 'conversation' } },
              ],
              on: {
                'NAV.BACK': { target: 'tickets' },
                'COMPOSER.CHANGE': {
                  guard: 'hasConversation',
                  actions: [
                    assign(({ context, event }) => ({
                      composer: { ...context.composer, [context.ticketId ?? '']: event.body },
                    })),
                    { type: 'persistDraft', params: ({ context }) => draftsOf(context) },
                  ],
                },
                'TICKET.UPDATED': {
                  guard: 'shouldAskCsat',
                  target: 'csat',
                  actions: [
                    { type: 'applyTicket', params: ({ event }) => ({ ticket: event.ticket }) },
                    {
                      type: 'announce',
                      params: ({ event }) => ({ type: 'ticket.solved', ticketNumber: event.ticket.number }),
                    },
                  ],
                },
              },
              initial: 'loading',
              states: {
                loading: {
                  tags: 'loading',
                  entry: 'clearError',
                  invoke: {
                    id: 'loadConversation',
                    src: 'loadConversation',
                    input: ({ context }) => ({ ticketId: context.ticketId ?? '' }),
                    onDone: [
                      {
                        // Messages queued while offline go out once, right after reconnecting.
                        guard: 'hasOutbox',
                        target: 'sending',
                        actions: assign(({ context, event }) => {
                          const ticket = newerTicket(context.ticket, event.output.ticket);
                          return {
                            ticket,
                            tickets: upsertTicket(context.tickets, ticket),
                            timeline: mergeTimeline(event.output.events, context.timeline),
                          };
                        }),
                      },
                      {
                        target: 'ready',
                        actions: assign(({ context, event }) => {
                          const ticket = newerTicket(context.ticket, event.output.ticket);
                          return {
                            ticket,
                            tickets: upsertTicket(context.tickets, ticket),
                            timeline: mergeTimeline(event.output.events, context.timeline),
                          };
                        }),
                      },
                    ],
                    onError: {
                      target: 'failed',
                      actions: {
                        type: 'setError',
                        params: ({ event }) => ({ operation: 'loadConversation', error: event.error }),
                      },
                    },
                  },
                },
                ready: {
                  on: {
                    'COMPOSER.SEND': {
                      guard: 'canSendComposer',
                      target: 'sending',
                      actions: [
                        'enqueueMessage',
                        { type: 'persistDraft', params: ({ context }) => draftsOf(context) },
                      ],
                    },
                    'WIDGET.RETRY': { guard: 'hasOutbox', target: 'sending' },
                    // The stream missed events: read the conversation again (merged, nothing lost).
                    'STREAM.RESYNC': { target: 'loading' },
                  },
                },
                sending: {
                  tags: 'loading',
                  entry: 'clearError',
                  on: {
                    // Further messages queue behind the one in flight.
                    'COMPOSER.SEND': {
                      guard: 'canSendComposer',
                      actions: [
                        'enqueueMessage',
                        { type: 'persistDraft', params: ({ context }) => draftsOf(context) },
                      ],
                    },
                  },
                  invoke: {
                    id: 'sendMessage',
                    src: 'sendMessage',
                    input: ({ context }) => {
                      const head = context.outbox[0];
                      return {
                        ticketId: head?.ticketId ?? '',
                        body: head?.body ?? '',
                        clientMessageId: head?.clientMessageId ?? '',
                      };
                    },
                    onDone: [
                      {
                        // More queued: send the next one.
                        guard: 'hasMoreQueued',
                        target: 'sending',
                        reenter: true,
                        actions: [
                          { type: 'markSent', params: ({ event }) => ({ stored: event.output }) },
                          { type: 'persistDraft', params: ({ context }) => draftsOf(context) },
                          { type: 'announce', params: { type: 'message.sent' } },
                        ],
                      },
                      {
                        target: 'ready',
                        actions: [
                          { type: 'markSent', params: ({ event }) => ({ stored: event.output }) },
                          { type: 'persistDraft', params: ({ context }) => draftsOf(context) },
                          { type: 'announce', params: { type: 'message.sent' } },
                        ],
                      },
                    ],
                    onError: {
                      // The message stays in the outbox; WIDGET.RETRY sends it again with the same key.
                      target: 'ready',
                      actions: [
                        {
                          type: 'setError',
                          params: ({ event }) => ({ operation: 'sendMessage', error: event.error }),
                        },
                        {
                          type: 'announce',
                          params: ({ context }) => ({
                            type: 'error',
                            operation: 'sendMessage',
                            code: context.error?.code ?? 'unknown',
                          }),
                        },
                      ],
                    },
                  },
                },
                failed: { on: { 'WIDGET.RETRY': 'loading' } },
              },
            },
            csat: {
              entry: [
                { type: 'rememberView', params: { view: 'csat' } },
                'clearError',
                { type: 'focusPanel', params: { view: 'csat' } },
              ],
              on: {
                // Dismissed: back to the thread, and not asked again for this ticket.
                'NAV.BACK': {
                  target: 'conversation',
                  actions: assign(({ context }) => ({
                    csatDeclined:
                      context.ticketId === null || context.csatDeclined.includes(context.ticketId)
                        ? context.csatDeclined
                        : [...context.csatDeclined, context.ticketId],
                  })),
                },
              },
              initial: 'rating',
              states: {
                rating: {
                  on: {
                    'CSAT.SUBMIT': {
                      guard: 'isValidCsat',
                      target: 'submitting',
                      actions: assign(({ event }) => ({
                        csat:
                          event.comment === undefined
                            ? { score: event.score }
                            : { score: event.score, comment: event.comment },
                      })),
                    },
                  },
                },
                submitting: {
                  tags: 'loading',
                  entry: 'clearError',
                  invoke: {
                    id: 'submitCsat',
                    src: 'submitCsat',
                    input: ({ context }) => ({
                      ticketId: context.ticketId ?? '',
                      score: context.csat?.score ?? 0,
                      ...(context.csat?.comment === undefined ? {} : { comment: context.csat.comment }),
                    }),
                    onDone: {
                      target: '#widget.open.online.thanks',
                      actions: assign(({ context }) => {
                        if (!context.ticket || !context.csat) return {};
                        const ticket: Ticket = {
                          ...context.ticket,
                          csat: { ...context.csat, at: new Date(context.now()).toISOString() },
                        };
                        return { ticket, tickets: upsertTicket(context.tickets, ticket) };
                      }),
                    },
                    onError: {
                      target: 'rating',
                      actions: {
                        type: 'setError',
                        params: ({ event }) => ({ operation: 'submitCsat', error: event.error }),
                      },
                    },
                  },
                },
              },
            },
            thanks: {
              entry: [
                { type: 'rememberView', params: { view: 'thanks' } },
                'clearError',
                { type: 'focusPanel', params: { view: 'thanks' } },
                { type: 'announce', params: { type: 'csat.thanks' } },
              ],
              on: { 'NAV.BACK': { target: 'home' } },
            },
            tickets: {
              entry: [
                { type: 'rememberView', params: { view: 'tickets' } },
                'clearError',
                { type: 'focusPanel', params: { view: 'tickets' } },
              ],
              on: { 'NAV.BACK': { target: 'home' } },
              initial: 'loading',
              states: {
                loading: {
                  tags: 'loading',
                  entry: 'clearError',
                  invoke: {
                    id: 'loadTickets',
                    src: 'loadTickets',
                    input: ({ context }) => ({ userId: context.user?.id ?? null }),
                    onDone: { target: 'ready', actions: assign(({ event }) => ({ tickets: event.output })) },
                    onError: {
                      target: 'failed',
                      actions: {
                        type: 'setError',
                        params: ({ event }) => ({ operation: 'loadTickets', error: event.error }),
                      },
                    },
                  },
                },
                ready: { on: { 'STREAM.RESYNC': 'loading' } },
                failed: { on: { 'WIDGET.RETRY': 'loading' } },
              },
            },
          },
        },
        offline: {
          entry: { type: 'focusPanel', params: { view: 'offline' } },
          on: {
            'NETWORK.ONLINE': RESUME.map((transition) => ({ ...transition, actions: BACK_ONLINE })),
            // The composer stays usable offline: messages wait in the outbox.
            'COMPOSER.CHANGE': {
              guard: 'hasConversation',
              actions: [
                assign(({ context, event }) => ({
                  composer: { ...context.composer, [context.ticketId ?? '']: event.body },
                })),
                { type: 'persistDraft', params: ({ context }) => draftsOf(context) },
              ],
            },
            'COMPOSER.SEND': {
              guard: 'canSendComposer',
              actions: [
                'enqueueMessage',
                { type: 'persistDraft', params: ({ context }) => draftsOf(context) },
                { type: 'announce', params: { type: 'message.queued' } },
              ],
            },
            'TICKET_FORM.CHANGE': {
              actions: [
                {
                  type: 'updateDraft',
                  params: ({ event }) => ({ subject: event.subject, body: event.body }),
                },
                { type: 'persistDraft', params: ({ context }) => draftsOf(context) },
              ],
            },
          },
        },
      },
    },
  },
});
