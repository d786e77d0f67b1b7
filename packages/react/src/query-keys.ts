import type { ArticleSearchParams, MetricsWindowQuery, PageSize, QueueFilters } from './hooks/hooks.types';

/** The first element of every Tierdesk query and mutation key. */
export const TIERDESK_KEY_ROOT = 'tierdesk';

/** A Tierdesk query key: the root, the identity, then the resource path. */
export type TierdeskQueryKey = readonly [typeof TIERDESK_KEY_ROOT, ...unknown[]];

/** The policy collections an agent manages. */
export type PolicyKind = 'slaPolicies' | 'calendars' | 'escalationRules' | 'routingRules';

// Filter objects are normalised so that equal filters share one cache entry whatever their spelling:
// key order is already ignored by TanStack's hashing, but array order, `undefined`, empty arrays and
// surrounding spaces are not.

function page(size: PageSize | undefined): { limit?: number } {
  return size?.limit === undefined ? {} : { limit: size.limit };
}

function sortedUnique<T extends string | number>(values: readonly T[] | undefined): T[] | undefined {
  if (values === undefined || values.length === 0) return undefined;
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== undefined) out[key] = entry;
  }
  return out as T;
}

/**
 * The queue filters as they appear in a key: the cursor left out (the infinite query owns it),
 * arrays sorted and deduplicated, empty values dropped, the text query trimmed.
 */
export function normalizeQueueFilters(filters: QueueFilters = {}): QueueFilters {
  const { status, tier, q, limit, assignee, sla, metric } = filters;
  const text = q?.trim();
  return compact({
    status: sortedUnique(status),
    tier: sortedUnique(tier),
    q: text === '' ? undefined : text,
    limit,
    assignee: assignee === '' ? undefined : assignee,
    sla,
    metric,
  });
}

/** An article search as it appears in a key (the text trimmed, unset options dropped). */
export function normalizeArticleSearch(params: ArticleSearchParams): ArticleSearchParams {
  return compact({ q: params.q.trim(), locale: params.locale, limit: params.limit });
}

/**
 * The query key factory of every Tierdesk hook, TanStack style: each level is a prefix of the ones
 * below it, so `invalidateQueries({ queryKey: tierdeskKeys.tickets.all(identity) })` reaches every
 * ticket query of that identity.
 *
 * Every key starts with `['tierdesk', identity]`: two users (or a user and an agent) signed in one
 * after the other in the same tab never read each other's cached tickets, and
 * `tierdeskKeys.all` reaches everything Tierdesk cached (see `useTierdeskReset`).
 */
export const tierdeskKeys = {
  /** Everything Tierdesk cached, every identity. */
  all: [TIERDESK_KEY_ROOT] as const,
  /** Everything cached for one identity. */
  identity: (identity: string) => [TIERDESK_KEY_ROOT, identity] as const,
  /** Tickets, end-user and agent views. */
  tickets: {
    /** Every ticket query of the identity. */
    all: (identity: string) => [TIERDESK_KEY_ROOT, identity, 'tickets'] as const,
    /** Every page size of the end user's own ticket list. */
    myLists: (identity: string) => [TIERDESK_KEY_ROOT, identity, 'tickets', 'mine', 'list'] as const,
    /** The end user's own tickets (`useMyTickets`). */
    mine: (identity: string, size?: PageSize) =>
      [TIERDESK_KEY_ROOT, identity, 'tickets', 'mine', 'list', page(size)] as const,
    /** One of the end user's tickets with its public timeline (`useMyTicket`). */
    myTicket: (identity: string, ticketId: string) =>
      [TIERDESK_KEY_ROOT, identity, 'tickets', 'mine', 'detail', ticketId] as const,
    /** Every queue, whatever its filters. */
    queues: (identity: string) => [TIERDESK_KEY_ROOT, identity, 'tickets', 'queue'] as const,
    /** The agent queue under some filters (`useQueue`). */
    queue: (identity: string, filters?: QueueFilters) =>
      [TIERDESK_KEY_ROOT, identity, 'tickets', 'queue', normalizeQueueFilters(filters)] as const,
    /** Every agent ticket view. */
    details: (identity: string) => [TIERDESK_KEY_ROOT, identity, 'tickets', 'detail'] as const,
    /** A ticket with its whole timeline, as an agent sees it (`useTicket`); prefix of its timeline. */
    ticket: (identity: string, ticketId: string) =>
      [TIERDESK_KEY_ROOT, identity, 'tickets', 'detail', ticketId] as const,
    /** A ticket's timeline, paged (`useTimeline`). */
    timeline: (identity: string, ticketId: string, size?: PageSize) =>
      [TIERDESK_KEY_ROOT, identity, 'tickets', 'detail', ticketId, 'timeline', page(size)] as const,
  },
  /** Requesters, as agents see them. */
  requesters: {
    /** Every requester history. */
    all: (identity: string) => [TIERDESK_KEY_ROOT, identity, 'requesters'] as const,
    /** A requester's history (`useRequesterHistory`). */
    history: (identity: string, requesterId: string) =>
      [TIERDESK_KEY_ROOT, identity, 'requesters', requesterId] as const,
  },
  /** The workspace's agents (`useAgents`). */
  agents: (identity: string) => [TIERDESK_KEY_ROOT, identity, 'agents'] as const,
  /** Knowledge-base articles. */
  articles: {
    /** Every article query of the identity. */
    all: (identity: string) => [TIERDESK_KEY_ROOT, identity, 'articles'] as const,
    /** Every search. */
    searches: (identity: string) => [TIERDESK_KEY_ROOT, identity, 'articles', 'search'] as const,
    /** One search (`useArticleSearch`). */
    search: (identity: string, params: ArticleSearchParams) =>
      [TIERDESK_KEY_ROOT, identity, 'articles', 'search', normalizeArticleSearch(params)] as const,
    /** A published article (`useArticle`). */
    article: (identity: string, articleId: string) =>
      [TIERDESK_KEY_ROOT, identity, 'articles', 'detail', articleId] as const,
    /** Every page size of the agent's article list. */
    lists: (identity: string) => [TIERDESK_KEY_ROOT, identity, 'articles', 'list'] as const,
    /** All articles, drafts included (`useArticles`). */
    list: (identity: string, size?: PageSize) =>
      [TIERDESK_KEY_ROOT, identity, 'articles', 'list', page(size)] as const,
  },
  /**
   * Support's opening status and first-response promise (`useSupportStatus`). Under the identity like
   * every key: the matching policy depends on the user's plan and tags.
   */
  supportStatus: (identity: string) => [TIERDESK_KEY_ROOT, identity, 'support-status'] as const,
  /** Support metrics over a window (`useMetrics`). */
  metrics: (identity: string, window: MetricsWindowQuery = {}) =>
    [TIERDESK_KEY_ROOT, identity, 'metrics', compact({ from: window.from, to: window.to })] as const,
  /** Policy collections. */
  policies: {
    /** Every policy collection. */
    all: (identity: string) => [TIERDESK_KEY_ROOT, identity, 'policies'] as const,
    /** One collection (`useSlaPolicies`, `useCalendars`, `useEscalationRules`, `useRoutingRules`). */
    list: (identity: string, kind: PolicyKind) => [TIERDESK_KEY_ROOT, identity, 'policies', kind] as const,
  },
} as const;

/** The key of a Tierdesk mutation (lets `useTierdeskReset` and `useIsMutating` find them). */
export function tierdeskMutationKey(identity: string, operation: string): readonly [string, string, string] {
  return [TIERDESK_KEY_ROOT, identity, operation];
}
