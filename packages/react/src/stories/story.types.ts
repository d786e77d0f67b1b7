import type { ErrorCode, ErrorIssue, RouteName } from '@tierdesk/core';
import type * as z from 'zod/mini';

/** What a route's schema parses to (`undefined` where the route has no such part). */
export type Parsed<S> = S extends z.ZodMiniType ? z.output<S> : undefined;

/**
 * What the in-memory API of a story does: which data it holds and which routes hang or fail. Set it
 * per story as `parameters.tierdesk` (see `STORY_SCENARIOS` for the usual ones).
 */
export interface StoryScenario {
  /**
   * The data: `default` (the fixtures), `empty` (no tickets, no articles, a quiet month of metrics),
   * `longThread` (the fixtures plus a ticket with a 200-message conversation), `busyQueue` (the
   * fixtures plus 40 tickets of other requesters whose SLA clocks, counted from when the story
   * renders, are breached, at risk, running, paused or met), `promises` (the story user's tickets
   * with promises counted from when the story renders: a reply due soon, one overdue, a resolution
   * due tomorrow, a paused clock and met ones).
   */
  data?: 'default' | 'empty' | 'longThread' | 'busyQueue' | 'promises';
  /** Routes that never answer (until aborted): loading states. */
  hang?: 'all' | readonly RouteName[];
  /** Routes that answer with the API's error body. */
  fail?: 'all' | readonly RouteName[];
  /** The error the failing routes answer with. Default `unavailable` (HTTP 503). */
  error?: { code: ErrorCode; message?: string; issues?: ErrorIssue[] };
  /** Every call fails as `fetch` does without a network (the client's `network` error). */
  offline?: boolean;
  /** Delay before each answer, in ms (e.g. to watch a loading state go by). Default 0. */
  latencyMs?: number;
  /**
   * The provider's identity (it scopes the cache keys; the in-memory API itself checks no credential).
   * Default the story user; agent stories pass the agent's, e.g. `STORY_AGENT.id`.
   */
  identity?: string;
}

/** The Storybook parameters the Tierdesk decorator reads (`parameters.tierdesk`). */
export interface TierdeskStoryParameters {
  tierdesk?: StoryScenario;
}

/** The scenarios stories use most. */
export const STORY_SCENARIOS = {
  /** The fixtures, every route answering at once. */
  default: {},
  /** No route ever answers. */
  loading: { hang: 'all' },
  /** Nothing there yet: no tickets, no articles. */
  empty: { data: 'empty' },
  /** Every route answers 503 `unavailable` with the API's error body. */
  error: { fail: 'all' },
  /** The fixtures plus a 200-message conversation (ticket `tkt-calendar`). */
  longThread: { data: 'longThread' },
  /** The fixtures plus 40 queue tickets with live countdowns in every state (more than a page). */
  busyQueue: { data: 'busyQueue' },
  /** The story user's tickets with running promises (due soon, overdue, tomorrow, paused, met). */
  promises: { data: 'promises' },
  /** The network is gone: every call fails like `fetch` does offline. */
  offline: { offline: true },
} as const satisfies Record<string, StoryScenario>;
