// Test fixtures shared by the widget machine's example and model-based tests (not exported from
// the package). No test-runner imports here so the file typechecks with the package.
import { fromPromise } from 'xstate';
import type { Article, ArticleSearchHit } from '../kb/article.schema';
import type { DeflectionEvent } from '../kb/deflection.schema';
import type { Ticket } from '../tickets/ticket.schema';
import type { TimelineEvent } from '../tickets/timeline.schema';
import type {
  Conversation,
  LoadArticleInput,
  LoadConversationInput,
  LoadTicketsInput,
  SearchArticlesInput,
  SendFeedbackInput,
  SendMessageInput,
  SubmitCsatInput,
  SubmitTicketInput,
  WidgetActionParams,
  WidgetActors,
  WidgetAnnouncement,
  WidgetDrafts,
  WidgetOperation,
  WidgetPanel,
} from './widget.types';

const AT = '2026-03-02T09:00:00.000Z';

/** A search hit for `id`. */
export function hit(id: string, title = `Article ${id}`): ArticleSearchHit {
  return { id, title, locale: 'en', tags: [], rank: 1, highlights: [[{ text: title, match: false }]] };
}

/** A published article. */
export function article(id: string): Article {
  return {
    id,
    workspaceId: 'ws_1',
    title: `Article ${id}`,
    body: `Body of ${id}`,
    tags: [],
    locale: 'en',
    published: true,
    helpfulCount: 0,
    notHelpfulCount: 0,
    views: 0,
    createdAt: AT,
    updatedAt: AT,
  };
}

/** A widget ticket of the end user `u_1`. */
export function ticket(id: string, patch: Partial<Ticket> = {}): Ticket {
  // Asserted rather than annotated: the ticket schema is evolving under other work.
  return {
    id,
    number: 42,
    workspaceId: 'ws_1',
    subject: 'VPN drops every hour',
    status: 'open',
    workflowState: 'open',
    priority: 'normal',
    tier: 1,
    channel: 'widget',
    requester: { id: 'u_1', tags: [] },
    assigneeId: null,
    groupId: null,
    tags: [],
    customFields: {},
    sla: [],
    csat: null,
    links: {},
    vendor: null,
    reopenCount: 0,
    createdAt: AT,
    updatedAt: AT,
    version: 1,
    ...patch,
  } as Ticket;
}

/** A public message in a ticket's timeline. */
export function message(seq: number, role: 'customer' | 'agent', body: string): TimelineEvent {
  return {
    type: 'message.public',
    seq,
    at: AT,
    actor: { type: role === 'customer' ? 'customer' : 'agent' },
    messageId: `m_${seq}`,
    role,
    body,
    attachments: [],
  };
}

interface Deferred {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Canned implementations per operation; an operation without one waits to be settled by hand. */
export interface FakeHandlers {
  searchArticles?: ((input: SearchArticlesInput) => Promise<ArticleSearchHit[]>) | undefined;
  loadArticle?: ((input: LoadArticleInput) => Promise<Article>) | undefined;
  sendFeedback?: ((input: SendFeedbackInput) => Promise<void>) | undefined;
  submitTicket?: ((input: SubmitTicketInput) => Promise<Ticket>) | undefined;
  loadTickets?: ((input: LoadTicketsInput) => Promise<Ticket[]>) | undefined;
  loadConversation?: ((input: LoadConversationInput) => Promise<Conversation>) | undefined;
  sendMessage?: ((input: SendMessageInput) => Promise<TimelineEvent>) | undefined;
  submitCsat?: ((input: SubmitCsatInput) => Promise<void>) | undefined;
}

/**
 * Fakes of the host's I/O actors and side-effect actions, for `.provide()`. Every call is
 * recorded; calls without a canned handler stay pending until `settle()` resolves or rejects
 * them, keyed by the invoke id (e.g. `searchSuggestions`).
 */
export function createFakeHost(handlers: FakeHandlers = {}) {
  const calls: { operation: WidgetOperation; invokeId: string; input: unknown }[] = [];
  const pending = new Map<string, Deferred>();
  const deflections: DeflectionEvent[] = [];
  const announcements: WidgetAnnouncement[] = [];
  const persisted: WidgetDrafts[] = [];
  const focused: WidgetPanel[] = [];
  let clearedDrafts = 0;

  const fake = <K extends keyof WidgetActors>(operation: K): WidgetActors[K] =>
    fromPromise(({ input, self }) => {
      calls.push({ operation, invokeId: self.id, input });
      const handler = handlers[operation] as ((input: unknown) => Promise<unknown>) | undefined;
      if (handler) return handler(input);
      return new Promise((resolve, reject) => pending.set(self.id, { resolve, reject }));
    }) as unknown as WidgetActors[K];

  const actors: WidgetActors = {
    searchArticles: fake('searchArticles'),
    loadArticle: fake('loadArticle'),
    sendFeedback: fake('sendFeedback'),
    submitTicket: fake('submitTicket'),
    loadTickets: fake('loadTickets'),
    loadConversation: fake('loadConversation'),
    sendMessage: fake('sendMessage'),
    submitCsat: fake('submitCsat'),
  };

  const actions = {
    recordDeflection: (_: unknown, step: WidgetActionParams['recordDeflection']) => {
      deflections.push(step);
    },
    announce: (_: unknown, announcement: WidgetActionParams['announce']) => {
      announcements.push(announcement);
    },
    persistDraft: (_: unknown, drafts: WidgetActionParams['persistDraft']) => {
      persisted.push(drafts);
    },
    focusPanel: (_: unknown, panel: WidgetActionParams['focusPanel']) => {
      focused.push(panel.view);
    },
    clearPersistedDrafts: () => {
      clearedDrafts += 1;
    },
  };

  return {
    actors,
    actions,
    calls,
    deflections,
    announcements,
    persisted,
    focused,
    get clearedDrafts() {
      return clearedDrafts;
    },
    callsOf: (operation: WidgetOperation) => calls.filter((c) => c.operation === operation),
    /** Settles the pending call of the invoke `invokeId`; throws when there is none. */
    settle(invokeId: string, outcome: { output: unknown } | { error: unknown }) {
      const deferred = pending.get(invokeId);
      if (!deferred) throw new Error(`no pending call for invoke "${invokeId}"`);
      pending.delete(invokeId);
      if ('output' in outcome) deferred.resolve(outcome.output);
      else deferred.reject(outcome.error);
    },
  };
}

/** Lets settled promises reach the machine (promise actors report on later microtasks). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
