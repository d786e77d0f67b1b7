import {
  type Article,
  type ArticleSearchHit,
  createClient,
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  type ErrorIssue,
  matchPath,
  type RouteDef,
  type RouteName,
  type RouteOutput,
  type Routes,
  routes,
  type StreamEvent,
  type Ticket,
  type TierdeskClient,
  type TimelineEvent,
  type TimelineEventDraft,
  toErrorIssues,
} from '@tierdesk/core';
// The server's own requester view (a pure function), so the stories hide exactly what the API hides.
import { toRequesterView } from '../../../node/src/tickets/ticket.view';
import {
  STORY_AGENT,
  STORY_AGENTS,
  STORY_USER,
  STORY_WORKSPACE,
  type StoryTicketRecord,
  storyArticles,
  storyBusyQueue,
  storyEmptyMetrics,
  storyLongThread,
  storyMetrics,
  storyPromiseTickets,
  storyTickets,
} from './story.fixtures';
import { storyMarkdown } from './story.markdown';
import type { Parsed, StoryScenario } from './story.types';

// An in-memory Tierdesk API for stories: a `fetch` that answers the routes of the contract from
// fixtures, so every component renders through the real typed client (inputs validated before they
// are sent, answers validated when they arrive) without a server. Writes change the story's own
// copy of the data (a ticket created in a story shows up in "my tickets" of the same story). The
// scenario makes routes hang (loading states), fail with the API's real error body, or the network
// disappear. It follows the server's rules where a story can see them (requester view, public
// timeline only, If-Match on versioned routes) and nothing more: it is a fixture, not a second server.

/** The base URL of the story client; nothing is ever sent there. */
export const STORY_BASE_URL = 'https://help.example.com';

/** One call the backend answered (or left hanging), for play functions and tests to inspect. */
export interface StoryCall {
  /** The contract route. */
  route: RouteName;
  /** The HTTP status answered; `null` while hanging or when the network was down. */
  status: number | null;
  /** The parsed JSON body sent, if any. */
  body: unknown;
}

/** The in-memory API of one story. */
export interface StoryBackend {
  /** A `fetch` answering the contract's routes (pass it as `createClient({ fetch })` or a stream's `fetch`). */
  readonly fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /** A typed client over that fetch (no retries, so errors show at once). */
  readonly client: TierdeskClient;
  /** Every call so far, oldest first. */
  readonly calls: readonly StoryCall[];
  /** Sends an event to every open event stream (an agent's reply arriving live, say). */
  push(event: StreamEvent): void;
  /** Appends an agent's public reply to a ticket and pushes it to open streams, as the server would. */
  agentReplies(ticketId: string, body: string): void;
}

/** A route's failure, answered with the API's error body. */
class StoryApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorIssue[],
  ) {
    super(message);
  }
}

type Answer<K extends RouteName> = RouteOutput<Routes[K]>;
interface HandlerInput<K extends RouteName> {
  params: Parsed<Routes[K]['params']>;
  query: Parsed<Routes[K]['query']>;
  body: Parsed<Routes[K]['body']>;
  ifMatch: number | undefined;
}
type Handlers = { [K in RouteName]?: (input: HandlerInput<K>) => Answer<K> };

const INTERNAL_EVENTS = new Set<TimelineEvent['type']>([
  'note.internal',
  'assignee.changed',
  'tags.changed',
  'tier.changed',
  'sla.warning',
  'sla.breached',
  'sla.met',
]);

/** A page of `items` after the offset cursor. */
function page<T>(items: readonly T[], cursor: string | undefined, limit: number) {
  const start = cursor === undefined ? 0 : Number(cursor) || 0;
  const next = start + limit;
  return { items: items.slice(start, next), nextCursor: next < items.length ? String(next) : null };
}

/** The query string as the server reads it: repeated keys only for array fields. */
function queryObject(params: URLSearchParams, schema: RouteDef['query']): Record<string, unknown> {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
  const out: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = isArraySchema(shape[key]) ? values : values.at(-1);
  }
  return out;
}

function isArraySchema(schema: unknown): boolean {
  let s = schema as { _zod?: { def?: { type?: string; innerType?: unknown } } } | undefined;
  for (let depth = 0; depth < 5 && s?._zod?.def !== undefined; depth++) {
    const def = s._zod.def;
    if (def.type === 'array') return true;
    if (def.innerType === undefined) return false;
    s = def.innerType as typeof s;
  }
  return false;
}

/** Search hit runs: the text split around case-insensitive matches of the terms. */
function highlight(text: string, terms: readonly string[]): Array<{ text: string; match: boolean }> {
  const escaped = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const parts = text.split(new RegExp(`(${escaped.join('|')})`, 'iu')).filter((p) => p !== '');
  return parts.map((part) => ({ text: part, match: terms.some((t) => t === part.toLowerCase()) }));
}

/** A fragment of about 80 characters of the body around the first match. */
function snippet(body: string, terms: readonly string[]): string {
  const plain = body.replace(/[#*`>|[\]()_-]+/g, ' ').replace(/\s+/g, ' ');
  const lower = plain.toLowerCase();
  const first = Math.min(...terms.map((t) => lower.indexOf(t)).filter((i) => i >= 0), plain.length);
  const start = Math.max(0, first - 30);
  return `${start > 0 ? '…' : ''}${plain.slice(start, start + 80).trim()}…`;
}

function searchHits(articles: readonly Article[], q: string, locale: string | undefined, limit: number) {
  // Words as the server takes them (letters and digits, two or more), every one required, like the
  // route's `all` match; without the server's stemming, so stories use the words the articles use.
  const terms = [...new Set(q.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [])];
  if (terms.length === 0) return [];
  const hits: ArticleSearchHit[] = [];
  for (const article of articles) {
    if (!article.published || (locale !== undefined && article.locale !== locale)) continue;
    const haystack = `${article.title}\n${article.body}`.toLowerCase();
    if (!terms.every((t) => haystack.includes(t))) continue;
    const rank = terms.reduce((sum, t) => sum + haystack.split(t).length - 1, 0);
    hits.push({
      id: article.id,
      title: article.title,
      locale: article.locale,
      tags: article.tags,
      rank,
      highlights: [highlight(snippet(article.body, terms), terms)],
    });
  }
  return hits.sort((a, b) => b.rank - a.rank).slice(0, limit);
}

/** Whether a ticket's clocks are in the queue filter's SLA state. */
function matchesSla(
  ticket: Ticket,
  sla: 'breached' | 'warning' | 'running' | 'paused' | 'none' | undefined,
): boolean {
  if (sla === undefined) return true;
  if (sla === 'none') return ticket.sla.length === 0;
  if (sla === 'breached') return ticket.sla.some((c) => c.breached);
  if (sla === 'warning') return ticket.sla.some((c) => c.warned && !c.breached && c.status === 'running');
  return ticket.sla.some((c) => c.status === sla);
}

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-store' };
const encoder = new TextEncoder();

/**
 * Creates the in-memory API of one story. Give each rendered story its own: writes change only it.
 *
 * @example
 * ```ts
 * const backend = createStoryBackend({ fail: ['createTicket'] });
 * await backend.client.listMyTickets({ query: {} }); // the story user's tickets
 * ```
 */
export function createStoryBackend(scenario: StoryScenario = {}): StoryBackend {
  const data = scenario.data ?? 'default';
  const tickets = new Map<string, StoryTicketRecord>();
  const seeded = data === 'empty' ? [] : data === 'promises' ? storyPromiseTickets() : storyTickets();
  for (const record of seeded) tickets.set(record.ticket.id, record);
  if (data === 'longThread') {
    const long = storyLongThread();
    tickets.set(long.ticket.id, long);
  }
  if (data === 'busyQueue') for (const busy of storyBusyQueue()) tickets.set(busy.ticket.id, busy);
  const articles: Article[] = data === 'empty' ? [] : storyArticles();
  const calls: StoryCall[] = [];
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  let streamId = 0;
  let created = 0;

  const now = (): string => new Date().toISOString();
  const mine = (): StoryTicketRecord[] =>
    [...tickets.values()]
      .filter((r) => r.ticket.requester.id === STORY_USER.id)
      .sort((a, b) => b.ticket.createdAt.localeCompare(a.ticket.createdAt));
  const record = (ticketId: string, own = false): StoryTicketRecord => {
    const found = tickets.get(ticketId);
    if (found === undefined || (own && found.ticket.requester.id !== STORY_USER.id))
      throw new StoryApiError('not_found', 'No such ticket.');
    return found;
  };
  const checkVersion = (r: StoryTicketRecord, ifMatch: number | undefined): void => {
    if (ifMatch !== undefined && ifMatch !== r.ticket.version) {
      throw new StoryApiError(
        'precondition_failed',
        `The ticket changed: it is at version ${r.ticket.version}, not ${ifMatch}.`,
      );
    }
  };
  const append = (r: StoryTicketRecord, event: TimelineEventDraft): TimelineEvent => {
    const full = { ...event, seq: r.events.length + 1 } as TimelineEvent;
    r.events.push(full);
    return full;
  };
  /** Saves a changed ticket: a new version, and the change pushed to open streams. */
  const commit = (r: StoryTicketRecord, ticket: Ticket, appended: TimelineEvent[]): Ticket => {
    r.ticket = { ...ticket, version: r.ticket.version + 1, updatedAt: appended.at(-1)?.at ?? now() };
    for (const event of appended) {
      if (!INTERNAL_EVENTS.has(event.type)) push({ type: 'timeline.appended', ticketId: ticket.id, event });
    }
    push({ type: 'ticket.updated', ticket: toRequesterView(r.ticket) });
    return r.ticket;
  };
  const agentActor = { type: 'agent' as const, id: STORY_AGENT.id, name: STORY_AGENT.name };
  const customerActor = { type: 'customer' as const, id: STORY_USER.id, name: STORY_USER.name };

  function push(event: StreamEvent): void {
    streamId += 1;
    const chunk = encoder.encode(`id: ${streamId}\ndata: ${JSON.stringify(event)}\n\n`);
    for (const controller of streams) controller.enqueue(chunk);
  }

  function openTicket(
    input: Parsed<Routes['createTicket']['body']>,
    requester = STORY_USER,
    tier: Ticket['tier'] = 1,
  ): StoryTicketRecord {
    created += 1;
    const id = `tkt-new-${created}`;
    const number = Math.max(1000, ...[...tickets.values()].map((t) => t.ticket.number)) + 1;
    const when = now();
    const ticket: Ticket = {
      id,
      number,
      workspaceId: STORY_WORKSPACE,
      subject: input.subject,
      status: 'new',
      workflowState: 'new',
      priority: input.priority,
      tier,
      channel: input.channel,
      requester,
      assigneeId: null,
      groupId: null,
      tags: input.tags,
      customFields: input.customFields,
      sla: [],
      csat: null,
      links: {},
      vendor: null,
      reopenCount: 0,
      createdAt: when,
      updatedAt: when,
      version: 2,
    };
    const actor = { type: 'customer' as const, id: requester.id, name: requester.name };
    const r: StoryTicketRecord = { ticket, events: [] };
    append(r, {
      type: 'ticket.created',
      at: when,
      actor,
      subject: input.subject,
      status: 'new',
      priority: input.priority,
      tier,
      channel: input.channel,
      requester,
      tags: input.tags,
    });
    append(r, {
      type: 'message.public',
      at: when,
      actor,
      messageId: `${id}-m1`,
      role: 'customer',
      body: input.body,
      bodyNodes: storyMarkdown(input.body),
      attachments: input.attachments,
    });
    tickets.set(id, r);
    return r;
  }

  function reply(r: StoryTicketRecord, role: 'customer' | 'agent', body: string): Ticket {
    const appended: TimelineEvent[] = [];
    let ticket = r.ticket;
    const at = now();
    const actor = role === 'customer' ? customerActor : agentActor;
    // A customer's reply reopens a solved or waiting ticket; an agent's first reply opens a new one.
    const to =
      role === 'customer' && ['pending', 'solved'].includes(ticket.status)
        ? 'open'
        : role === 'agent' && ticket.status === 'new'
          ? 'open'
          : undefined;
    appended.push(
      append(r, {
        type: 'message.public',
        at,
        actor,
        messageId: `${ticket.id}-m${r.events.length + 1}`,
        role,
        body,
        bodyNodes: storyMarkdown(body),
        attachments: [],
      }),
    );
    if (to !== undefined) {
      appended.push(append(r, { type: 'status.changed', at, actor, from: ticket.status, to }));
      ticket = {
        ...ticket,
        status: to,
        workflowState: to,
        reopenCount: ticket.status === 'solved' ? ticket.reopenCount + 1 : ticket.reopenCount,
      };
    }
    return commit(r, ticket, appended);
  }

  const handlers: Handlers = {
    // ——— end user ———
    createTicket: ({ body }) => toRequesterView(openTicket(body).ticket),
    listMyTickets: ({ query }) => {
      const items = mine().map((r) => toRequesterView(r.ticket));
      return page(items, query.cursor, query.limit);
    },
    getMyTicket: ({ params }) => {
      const r = record(params.ticketId, true);
      return {
        ticket: toRequesterView(r.ticket),
        events: r.events.filter((e) => !INTERNAL_EVENTS.has(e.type)),
      };
    },
    replyAsUser: ({ params, body }) =>
      toRequesterView(reply(record(params.ticketId, true), 'customer', body.body)),
    submitCsat: ({ params, body }) => {
      const r = record(params.ticketId, true);
      if (r.ticket.status !== 'solved') {
        throw new StoryApiError('transition_rejected', 'Only a solved ticket can be rated.');
      }
      const csat = { ...body, at: now() };
      const event = append(r, { type: 'csat.submitted', at: csat.at, actor: customerActor, csat });
      return toRequesterView(commit(r, { ...r.ticket, csat }, [event]));
    },
    answerAssistant: ({ params }) => toRequesterView(record(params.ticketId, true).ticket),
    searchArticles: ({ query }) => ({ items: searchHits(articles, query.q, query.locale, query.limit) }),
    getArticle: ({ params }) => {
      const index = articles.findIndex((a) => a.id === params.articleId && a.published);
      const article = articles[index];
      if (article === undefined) throw new StoryApiError('not_found', 'No such article.');
      const viewed = { ...article, views: article.views + 1 };
      articles[index] = viewed;
      return viewed;
    },
    articleFeedback: ({ params, body }) => {
      const index = articles.findIndex((a) => a.id === params.articleId);
      const article = articles[index];
      if (article === undefined) throw new StoryApiError('not_found', 'No such article.');
      articles[index] = body.helpful
        ? { ...article, helpfulCount: article.helpfulCount + 1 }
        : { ...article, notHelpfulCount: article.notHelpfulCount + 1 };
      return { ok: true };
    },
    recordDeflection: () => ({ ok: true }),

    // ——— agent ———
    queue: ({ query }) => {
      const assignee = query.assignee === 'me' ? STORY_AGENT.id : query.assignee;
      const q = query.q?.toLowerCase();
      const items = [...tickets.values()]
        .map((r) => r.ticket)
        .filter((t) => query.status === undefined || query.status.includes(t.status))
        .filter((t) => query.tier === undefined || query.tier.includes(t.tier))
        .filter(
          (t) =>
            assignee === undefined ||
            (assignee === 'none' ? t.assigneeId === null : t.assigneeId === assignee),
        )
        .filter((t) => query.metric === undefined || t.sla.some((c) => c.metric === query.metric))
        .filter((t) => matchesSla(t, query.sla))
        .filter((t) => q === undefined || t.subject.toLowerCase().includes(q) || String(t.number) === q)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return page(items, query.cursor, query.limit);
    },
    createTicketForUser: ({ body }) => {
      const r = openTicket(body, body.requester, body.tier);
      r.ticket = { ...r.ticket, channel: body.channel };
      return r.ticket;
    },
    getTicket: ({ params }) => {
      const r = record(params.ticketId);
      // Story tickets are opened without widget diagnostics.
      return { ticket: r.ticket, events: [...r.events], diagnostics: null };
    },
    timeline: ({ params, query }) => page(record(params.ticketId).events, query.cursor, query.limit),
    updateTicket: ({ params, body, ifMatch }) => {
      const r = record(params.ticketId);
      checkVersion(r, ifMatch);
      const at = now();
      const before = r.ticket;
      const appended: TimelineEvent[] = [];
      if (body.status !== undefined && body.status !== before.status)
        appended.push(
          append(r, { type: 'status.changed', at, actor: agentActor, from: before.status, to: body.status }),
        );
      if (body.priority !== undefined && body.priority !== before.priority)
        appended.push(
          append(r, {
            type: 'priority.changed',
            at,
            actor: agentActor,
            from: before.priority,
            to: body.priority,
          }),
        );
      if (body.assigneeId !== undefined && body.assigneeId !== before.assigneeId) {
        if (body.assigneeId !== null && !STORY_AGENTS.some((a) => a.id === body.assigneeId && a.active)) {
          throw new StoryApiError(
            'validation_failed',
            'Invalid body: no active agent with this id in the workspace (at body.assigneeId)',
            [{ path: ['assigneeId'], code: 'unknown_agent', message: 'no active agent with this id' }],
          );
        }
        appended.push(
          append(r, {
            type: 'assignee.changed',
            at,
            actor: agentActor,
            from: before.assigneeId,
            to: body.assigneeId,
          }),
        );
      }
      const ticket: Ticket = {
        ...before,
        ...body,
        ...(body.status === undefined ? {} : { workflowState: body.status }),
      };
      return commit(r, ticket, appended);
    },
    replyAsAgent: ({ params, body, ifMatch }) => {
      const r = record(params.ticketId);
      checkVersion(r, ifMatch);
      const replied = reply(r, 'agent', body.body);
      if (body.status === undefined || body.status === replied.status) return replied;
      const event = append(r, {
        type: 'status.changed',
        at: now(),
        actor: agentActor,
        from: replied.status,
        to: body.status,
      });
      return commit(r, { ...replied, status: body.status, workflowState: body.status }, [event]);
    },
    addNote: ({ params, body }) => {
      const r = record(params.ticketId);
      const event = append(r, {
        type: 'note.internal',
        at: now(),
        actor: agentActor,
        noteId: `${params.ticketId}-n${r.events.length + 1}`,
        body: body.body,
        bodyNodes: storyMarkdown(body.body),
      });
      return commit(r, r.ticket, [event]);
    },
    escalate: ({ params, body, ifMatch }) => {
      const r = record(params.ticketId);
      checkVersion(r, ifMatch);
      const from = r.ticket.tier;
      const to = body.to ?? (Math.min(4, from + 1) as Ticket['tier']);
      if (to <= from)
        throw new StoryApiError('transition_rejected', `The ticket is already at tier ${from}.`);
      if (to === 4 && body.vendor === undefined) {
        throw new StoryApiError(
          'validation_failed',
          'Moving to L4 needs the vendor and its case reference.',
          [{ path: ['vendor'], code: 'required', message: 'required when moving to tier 4' }],
        );
      }
      const at = now();
      const event = append(r, {
        type: 'tier.changed',
        at,
        actor: agentActor,
        from,
        to,
        reason: body.reason,
        ...(body.vendor === undefined ? {} : { vendor: body.vendor }),
      });
      const vendor = body.vendor === undefined ? r.ticket.vendor : { ...body.vendor, since: at };
      return commit(r, { ...r.ticket, tier: to, vendor }, [event]);
    },
    deescalate: ({ params, body, ifMatch }) => {
      const r = record(params.ticketId);
      checkVersion(r, ifMatch);
      const from = r.ticket.tier;
      if (body.to >= from) throw new StoryApiError('transition_rejected', `The ticket is at tier ${from}.`);
      const event = append(r, {
        type: 'tier.changed',
        at: now(),
        actor: agentActor,
        from,
        to: body.to,
        reason: body.reason,
      });
      return commit(r, { ...r.ticket, tier: body.to, vendor: body.to < 4 ? null : r.ticket.vendor }, [event]);
    },
    mergeTicket: ({ params, body }) => {
      const r = record(params.ticketId);
      record(body.into);
      const at = now();
      const appended = [
        append(r, { type: 'ticket.merged', at, actor: agentActor, into: body.into }),
        append(r, { type: 'status.changed', at, actor: agentActor, from: r.ticket.status, to: 'closed' }),
      ];
      const ticket: Ticket = {
        ...r.ticket,
        status: 'closed',
        workflowState: 'closed',
        links: { ...r.ticket.links, mergedInto: body.into },
      };
      return commit(r, ticket, appended);
    },
    requesterHistory: ({ params }) => {
      const theirs = [...tickets.values()]
        .map((r) => r.ticket)
        .filter((t) => t.requester.id === params.requesterId);
      const first = theirs[0];
      if (first === undefined) throw new StoryApiError('not_found', 'No such requester.');
      const rated = theirs.flatMap((t) => (t.csat === null ? [] : [t.csat.score]));
      return {
        requester: first.requester,
        tickets: theirs,
        csatAverage: rated.length === 0 ? null : rated.reduce((a, b) => a + b, 0) / rated.length,
        interactions: theirs.reduce((n, t) => n + (tickets.get(t.id)?.events.length ?? 0), 0),
      };
    },
    listAgents: () => ({ items: [...STORY_AGENTS] }),
    listArticles: ({ query }) => page(articles, query.cursor, query.limit),
    createArticle: ({ body }) => {
      const when = now();
      const article: Article = {
        id: `art-new-${articles.length + 1}`,
        workspaceId: STORY_WORKSPACE,
        ...body,
        bodyNodes: storyMarkdown(body.body),
        helpfulCount: 0,
        notHelpfulCount: 0,
        views: 0,
        createdAt: when,
        updatedAt: when,
      };
      articles.push(article);
      return article;
    },
    updateArticle: ({ params, body }) => {
      const index = articles.findIndex((a) => a.id === params.articleId);
      const article = articles[index];
      if (article === undefined) throw new StoryApiError('not_found', 'No such article.');
      const next: Article = {
        ...article,
        ...body,
        ...(body.body === undefined ? {} : { bodyNodes: storyMarkdown(body.body) }),
        updatedAt: now(),
      };
      articles[index] = next;
      return next;
    },
    deleteArticle: ({ params }) => {
      const index = articles.findIndex((a) => a.id === params.articleId);
      if (index === -1) throw new StoryApiError('not_found', 'No such article.');
      articles.splice(index, 1);
      return undefined;
    },
    listSlaPolicies: () => ({ items: [] }),
    listCalendars: () => ({ items: [] }),
    listEscalationRules: () => ({ items: [] }),
    listRoutingRules: () => ({ items: [] }),
    metrics: () => (data === 'empty' ? storyEmptyMetrics() : storyMetrics()),
  };

  const matches = (list: StoryScenario['hang']) => (route: RouteName) =>
    list === 'all' || (list?.includes(route) ?? false);
  const hangs = matches(scenario.hang);
  const fails = matches(scenario.fail);

  function json(status: number, body: unknown): Response {
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', 'x-request-id': `req-story-${calls.length}` },
    });
  }
  function errorResponse(code: ErrorCode, message: string, issues?: ErrorIssue[]): Response {
    const body: ErrorBody = { error: { code, message, ...(issues === undefined ? {} : { issues }) } };
    return json(ERROR_STATUS[code], body);
  }
  /** A promise that settles only when the request is aborted (a loading state that stays). */
  function never(signal: AbortSignal): Promise<Response> {
    return new Promise((_, reject) => {
      const abort = () => reject(signal.reason ?? new DOMException('The request was aborted.', 'AbortError'));
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
    });
  }
  function openStream(signal: AbortSignal): Response {
    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
        streams.add(c);
        streamId += 1;
        c.enqueue(encoder.encode(`id: ${streamId}\ndata: {"type":"stream.ready"}\n\n`));
      },
      cancel() {
        if (controller !== undefined) streams.delete(controller);
      },
    });
    signal.addEventListener(
      'abort',
      () => {
        if (controller === undefined) return;
        streams.delete(controller);
        try {
          controller.close();
        } catch {
          // Already closed by the reader's cancel: nothing left to release.
        }
      },
      { once: true },
    );
    return new Response(body, { status: 200, headers: SSE_HEADERS });
  }

  async function answer(request: Request, signal: AbortSignal): Promise<Response> {
    const url = new URL(request.url);
    let found: { name: RouteName; route: RouteDef; params: Record<string, string> } | undefined;
    for (const [name, route] of Object.entries(routes) as [RouteName, RouteDef][]) {
      if (route.method !== request.method) continue;
      const params = matchPath(route.path, url.pathname);
      // A literal segment beats a parameter (`/articles/search` over `/articles/:articleId`).
      if (
        params !== null &&
        (found === undefined || Object.keys(params).length < Object.keys(found.params).length)
      )
        found = { name, route, params };
    }
    if (found === undefined) return errorResponse('not_found', `No route ${request.method} ${url.pathname}.`);
    const { name, route } = found;
    const text = route.body === undefined ? '' : await request.text();
    const call: StoryCall = { route: name, status: null, body: text === '' ? undefined : JSON.parse(text) };
    calls.push(call);
    if (scenario.offline === true) throw new TypeError('Failed to fetch');
    if (hangs(name)) return never(signal);
    if (scenario.latencyMs !== undefined && scenario.latencyMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, scenario.latencyMs));
    }
    const respond = (response: Response): Response => {
      call.status = response.status;
      return response;
    };
    if (fails(name)) {
      const { code = 'unavailable', message = 'The help desk is unavailable right now. Try again shortly.' } =
        scenario.error ?? {};
      return respond(errorResponse(code, message, scenario.error?.issues));
    }
    if (route.stream) return respond(openStream(signal));
    const parse = (schema: RouteDef['params'], value: unknown, where: string) => {
      if (schema === undefined) return { ok: true as const, value: undefined };
      const result = schema.safeParse(value);
      if (result.success) return { ok: true as const, value: result.data };
      return { ok: false as const, issues: toErrorIssues(result.error.issues), where };
    };
    const parts = [
      parse(route.params, found.params, 'params'),
      parse(route.query, queryObject(url.searchParams, route.query), 'query'),
      parse(route.body, call.body, 'body'),
    ];
    const invalid = parts.find((p) => !p.ok);
    if (invalid !== undefined && !invalid.ok) {
      return respond(errorResponse('validation_failed', `Invalid ${invalid.where}`, invalid.issues));
    }
    const handler = handlers[name] as ((input: HandlerInput<RouteName>) => unknown) | undefined;
    if (handler === undefined) {
      return respond(errorResponse('not_found', `The story backend has no fixture for ${name}.`));
    }
    const ifMatchHeader = /^"?(\d+)"?$/.exec(request.headers.get('if-match') ?? '');
    try {
      const body = handler({
        params: parts[0]?.ok ? parts[0].value : undefined,
        query: parts[1]?.ok ? parts[1].value : undefined,
        body: parts[2]?.ok ? parts[2].value : undefined,
        ifMatch: ifMatchHeader === null ? undefined : Number(ifMatchHeader[1]),
      } as HandlerInput<RouteName>);
      return respond(json(route.status, route.status === 204 ? undefined : body));
    } catch (error) {
      if (error instanceof StoryApiError)
        return respond(errorResponse(error.code, error.message, error.issues));
      throw error;
    }
  }

  // The caller's own signal, not the copy's: Node's `new Request(request)` makes a signal that follows
  // the original only through a weak reference, so a copy nobody else holds can be collected and an
  // abort never arrive (a hanging route then hangs for good — seen in CI under memory pressure).
  const fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const signal = init?.signal ?? (input instanceof Request ? input.signal : request.signal);
    return answer(request, signal);
  };

  return {
    fetch,
    // Retries would only delay what a story shows; the story's own fetch never fails transiently.
    client: createClient({ baseUrl: STORY_BASE_URL, fetch, retry: { limit: 0 }, timeoutMs: 2_147_483_647 }),
    calls,
    push,
    agentReplies(ticketId, body) {
      reply(record(ticketId), 'agent', body);
    },
  };
}
