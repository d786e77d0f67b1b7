import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyStateNode, createActor, type SnapshotFrom, type StateValue } from 'xstate';
import {
  getAdjacencyMap,
  getShortestPaths,
  getSimplePaths,
  getStateNodes,
  type StatePath,
} from 'xstate/graph';
import { article, createFakeHost, flush, hit, message, ticket } from './widget.fixtures';
import { suggestionQueryOf, widgetMachine } from './widget.machine';
import type { WidgetContext, WidgetEvent, WidgetInput } from './widget.types';

// Model-based tests: xstate/graph walks the machine with a sample of every event (including the
// done/error events of each invoked actor and the debounce timers), the generated paths are replayed
// against a real actor whose I/O actors are settled by hand, and coverage of state nodes and of
// (state node, event type) transitions is asserted.

type Snapshot = SnapshotFrom<typeof widgetMachine>;
/** Widget events plus the events XState itself delivers (actor done/error, delays). */
type ModelEvent = WidgetEvent | { type: `xstate.${string}`; output?: unknown; error?: unknown };

const DEBOUNCE = 250;
const INPUT: WidgetInput = { sessionId: 'sess_model', debounceMs: DEBOUNCE, now: () => 0 };
const FAILURE = { code: 'unavailable', message: 'Service unavailable' };

const allNodes: AnyStateNode[] = [widgetMachine.root, ...getStateNodes(widgetMachine.root)];
const delayEvents: ModelEvent[] = allNodes.flatMap((node) =>
  node.after.map((t) => ({ type: t.eventType as `xstate.${string}` })),
);

const err = (id: string): ModelEvent => ({ type: `xstate.error.actor.${id}`, error: FAILURE });

/** Events every area walks with: opening, closing, navigation, network and session. */
const COMMON: ModelEvent[] = [
  { type: 'WIDGET.OPEN' },
  { type: 'WIDGET.CLOSE' },
  { type: 'WIDGET.TOGGLE' },
  { type: 'WIDGET.RETRY' },
  { type: 'NAV.BACK' },
  { type: 'NETWORK.OFFLINE' },
  { type: 'NETWORK.ONLINE' },
  { type: 'SESSION.RESET' },
  ...delayEvents,
];

/**
 * The machine is walked per area, each with samples of its own events (and the common ones): the
 * product of every area's memory (search, draft, ticket, outbox...) would be ~10^5 model states,
 * while the areas together still reach every state node and every transition.
 */
const AREAS: Record<string, ModelEvent[]> = {
  helpCenter: [
    ...COMMON,
    { type: 'SEARCH.CHANGE', query: 'vpn' },
    { type: 'SEARCH.CHANGE', query: '' },
    { type: 'ARTICLE.OPEN', articleId: 'a1' },
    { type: 'ARTICLE.VOTE', helpful: true },
    { type: 'SESSION.IDENTIFY', user: { id: 'u_1' } },
    { type: 'SESSION.IDENTIFY', user: { id: 'u_2' } },
    { type: 'xstate.done.actor.searchArticles', output: [hit('a1')] },
    { type: 'xstate.done.actor.loadArticle', output: article('a1') },
    { type: 'xstate.done.actor.sendFeedback', output: undefined },
    err('searchArticles'),
    err('loadArticle'),
    err('sendFeedback'),
  ],
  ticketForm: [
    ...COMMON,
    { type: 'TICKET_FORM.OPEN', prefill: { subject: 'VPN drops' } },
    { type: 'TICKET_FORM.CHANGE', subject: 'VPN drops', body: 'every hour' },
    { type: 'TICKET_FORM.CHANGE', subject: '', body: '' },
    { type: 'TICKET_FORM.SUBMIT' },
    { type: 'ARTICLE.OPEN', articleId: 'a1' },
    { type: 'xstate.done.actor.searchSuggestions', output: [hit('a1')] },
    { type: 'xstate.done.actor.searchSuggestions', output: [] },
    { type: 'xstate.done.actor.loadArticle', output: article('a1') },
    { type: 'xstate.done.actor.submitTicket', output: ticket('t1') },
    err('searchSuggestions'),
    err('submitTicket'),
  ],
  // Following a link from one article to another, walked on its own for the same reason as resync.
  articleLinks: [
    { type: 'WIDGET.OPEN' },
    { type: 'ARTICLE.OPEN', articleId: 'a1' },
    { type: 'ARTICLE.OPEN', articleId: 'a2' },
    { type: 'xstate.done.actor.loadArticle', output: article('a1') },
    { type: 'xstate.done.actor.loadArticle', output: article('a2') },
    err('loadArticle'),
    { type: 'ARTICLE.VOTE', helpful: true },
    { type: 'WIDGET.RETRY' },
    { type: 'WIDGET.CLOSE' },
    { type: 'NAV.BACK' },
  ],
  // Resynchronising after a stream reset, walked on its own: in the conversation area it would
  // multiply that area's model states for two transitions.
  resync: [
    { type: 'WIDGET.OPEN' },
    { type: 'TICKETS.OPEN' },
    { type: 'TICKET.OPEN', ticketId: 't1' },
    { type: 'STREAM.RESYNC' },
    { type: 'xstate.done.actor.loadTickets', output: [ticket('t1')] },
    {
      type: 'xstate.done.actor.loadConversation',
      output: { ticket: ticket('t1'), events: [message(1, 'customer', 'VPN drops')] },
    },
  ],
  conversation: [
    ...COMMON,
    { type: 'TICKETS.OPEN' },
    { type: 'TICKET.OPEN', ticketId: 't1' },
    { type: 'TICKET.UPDATED', ticket: ticket('t1', { status: 'solved' }) },
    { type: 'TIMELINE.APPENDED', ticketId: 't1', event: message(2, 'agent', 'Try again') },
    { type: 'COMPOSER.CHANGE', body: 'Still broken' },
    { type: 'COMPOSER.SEND' },
    { type: 'CSAT.SUBMIT', score: 5 },
    { type: 'xstate.done.actor.loadTickets', output: [ticket('t1')] },
    {
      type: 'xstate.done.actor.loadConversation',
      output: { ticket: ticket('t1'), events: [message(1, 'customer', 'VPN drops')] },
    },
    { type: 'xstate.done.actor.sendMessage', output: message(3, 'customer', 'Still broken') },
    { type: 'xstate.done.actor.submitCsat', output: undefined },
    err('loadTickets'),
    err('loadConversation'),
    err('sendMessage'),
    err('submitCsat'),
  ],
};

/**
 * The model's notion of "the same state": the state value plus the context facts the guards read.
 * Free text, counters and ids are left out so the walk is finite.
 */
function modelKey(snapshot: Snapshot): string {
  const c: WidgetContext = snapshot.context;
  const ticketId = c.ticketId ?? '';
  return JSON.stringify({
    value: snapshot.value,
    online: c.online,
    lastView: c.lastView,
    user: c.user?.id ?? null,
    freshResults: c.query.trim() !== '' && c.query.trim() === c.resultsQuery,
    articleLoaded: c.article !== null && c.article.id === c.articleId,
    articleOrigin: c.articleOrigin,
    voted: c.vote !== null,
    draft: suggestionQueryOf(c.draft),
    canSubmit: c.draft.subject.trim() !== '' && c.draft.body.trim() !== '',
    suggestionsQuery: c.suggestionsQuery,
    suggestions: c.suggestions.length > 0,
    ticketId: c.ticketId,
    ticketStatus: c.ticket?.status ?? null,
    rated: c.ticket?.csat != null,
    csatDeclined: c.csatDeclined.includes(ticketId),
    composer: (c.composer[ticketId] ?? '').trim() !== '',
    outbox: Math.min(c.outbox.length, 2),
    csat: c.csat !== null,
  });
}

/** Traversal options of one area: only events that do something in the state (guards included). */
const traversalOf = (events: ModelEvent[]) => ({
  input: INPUT,
  events: (snapshot: Snapshot) => (events as WidgetEvent[]).filter((event) => snapshot.can(event)),
  serializeState: (snapshot: Snapshot) => modelKey(snapshot),
});

/** Ids of the active state nodes of a state value (`widget`, `widget.open`, ...). */
function activeNodeIds(value: StateValue, prefix = 'widget'): string[] {
  if (typeof value === 'string') return [prefix, `${prefix}.${value}`];
  return [
    prefix,
    ...Object.entries(value).flatMap(([key, child]) =>
      child === undefined ? [] : activeNodeIds(child, `${prefix}.${key}`),
    ),
  ];
}

/** Every (state node, event type) pair with a transition defined in the machine. */
const definedTransitions = new Set(
  allNodes.flatMap((node) => [...node.transitions.keys()].map((eventType) => `${node.id} | ${eventType}`)),
);

/**
 * Replays a generated path against a real actor: widget events are sent, actor done/error events
 * settle the pending fake call of that invoke, delay events advance the fake clock. After each step
 * the actor must be in the state the model predicted. Returns the transitions taken.
 */
async function replay(path: StatePath<Snapshot, WidgetEvent>): Promise<string[]> {
  const host = createFakeHost();
  const actor = createActor(widgetMachine.provide({ actors: host.actors, actions: host.actions }), {
    input: INPUT,
  }).start();
  const taken: string[] = [];
  try {
    for (const step of path.steps.slice(1)) {
      const event = step.event as ModelEvent;
      for (const t of widgetMachine.getTransitionData(actor.getSnapshot(), step.event)) {
        taken.push(`${t.source.id} | ${event.type}`);
      }
      const done = /^xstate\.(done|error)\.actor\.(.+)$/.exec(event.type);
      if (done?.[2] !== undefined) {
        host.settle(
          done[2],
          done[1] === 'done' ? { output: 'output' in event ? event.output : undefined } : { error: FAILURE },
        );
        await flush();
      } else if (event.type.startsWith('xstate.after.')) {
        vi.advanceTimersByTime(DEBOUNCE);
        await flush();
      } else {
        actor.send(step.event);
      }
      expect(actor.getSnapshot().value, `after ${event.type}`).toEqual(step.state.value);
      expect(modelKey(actor.getSnapshot()), `after ${event.type}`).toBe(modelKey(step.state));
    }
  } finally {
    actor.stop();
  }
  return taken;
}

beforeAll(() => {
  vi.useFakeTimers();
});
afterAll(() => {
  vi.useRealTimers();
});

type Path = StatePath<Snapshot, WidgetEvent>;

const transitionKeys = (before: Snapshot, event: WidgetEvent) =>
  widgetMachine.getTransitionData(before, event).map((t) => `${t.source.id} | ${event.type}`);

/**
 * The shortest path to every model state of an area, plus, for each (state node, event type) those
 * paths never take, the shortest path to a state where it is enabled extended by that event.
 */
function pathsOf(events: ModelEvent[]): { shortest: Path[]; paths: Path[] } {
  const traversal = traversalOf(events);
  const shortest = getShortestPaths(widgetMachine, traversal);
  const covered = new Set(
    shortest.flatMap((path) =>
      path.steps.slice(1).flatMap((step, i) => {
        const before = path.steps[i]?.state;
        return before ? transitionKeys(before, step.event) : [];
      }),
    ),
  );
  const adjacency = getAdjacencyMap(widgetMachine, traversal);
  const extra: Path[] = [];
  for (const path of shortest) {
    const edges = adjacency[modelKey(path.state) as keyof typeof adjacency]?.transitions ?? {};
    for (const { event, state: next } of Object.values(edges)) {
      const keys = transitionKeys(path.state, event);
      if (keys.every((k) => covered.has(k))) continue;
      for (const k of keys) covered.add(k);
      extra.push({ state: next, steps: [...path.steps, { state: next, event }], weight: path.weight + 1 });
    }
  }
  return { shortest, paths: [...shortest, ...extra] };
}

describe('widgetMachine (model-based)', () => {
  const areas = Object.entries(AREAS).map(([name, events]) => ({ name, ...pathsOf(events) }));
  const paths = areas.flatMap((area) => area.paths);

  it.each(areas.map((area) => [area.name, area] as const))('generates paths in the %s area', (_, area) => {
    expect(area.shortest.length).toBeGreaterThan(10);
    expect(new Set(area.shortest.map((path) => modelKey(path.state))).size).toBe(area.shortest.length);
  });

  it('reaches every state node', () => {
    const reached = new Set(
      paths.flatMap((path) => path.steps.flatMap((step) => activeNodeIds(step.state.value))),
    );
    const missing = allNodes.map((node) => node.id).filter((id) => !reached.has(id));
    expect(missing).toEqual([]);
  });

  // CPU-bound (thousands of replays): a generous limit so a busy machine does not fail it.
  it('replays every path against a real actor and exercises every transition', {
    timeout: 90_000,
  }, async () => {
    const taken = new Set<string>();
    for (const path of paths) {
      for (const t of await replay(path)) taken.add(t);
    }
    const missing = [...definedTransitions].filter((t) => !taken.has(t)).sort();
    expect(missing).toEqual([]);
  });
});

describe('widgetMachine deflection funnel (simple paths)', () => {
  // Every simple path from an empty form to a created ticket, over the deflection events only.
  const FUNNEL: ModelEvent[] = [
    { type: 'TICKET_FORM.CHANGE', subject: 'VPN drops', body: 'every hour' },
    ...delayEvents,
    { type: 'xstate.done.actor.searchSuggestions', output: [hit('a1')] },
    { type: 'ARTICLE.OPEN', articleId: 'a1' },
    { type: 'xstate.done.actor.loadArticle', output: article('a1') },
    { type: 'ARTICLE.VOTE', helpful: false },
    { type: 'xstate.done.actor.sendFeedback', output: undefined },
    { type: 'NAV.BACK' },
    { type: 'TICKET_FORM.SUBMIT' },
    { type: 'xstate.done.actor.submitTicket', output: ticket('t1') },
  ];
  const formActor = createActor(widgetMachine, { input: INPUT }).start();
  formActor.send({ type: 'TICKET_FORM.OPEN' });
  const fromForm = formActor.getSnapshot();
  formActor.stop();
  const funnelPaths = getSimplePaths(widgetMachine, {
    ...traversalOf(FUNNEL),
    fromState: fromForm,
    toState: (snapshot: Snapshot) => snapshot.matches({ open: { online: 'conversation' } }),
  });

  it('finds the funnel’s paths, with and without a suggestion opened', () => {
    expect(funnelPaths.length).toBeGreaterThan(1);
    const opened = funnelPaths.filter((p) => p.steps.some((s) => s.event.type === 'ARTICLE.OPEN'));
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.length).toBeLessThan(funnelPaths.length);
  });

  it('records suggestions before an opened suggestion and exactly one ticket.created on every path', async () => {
    for (const path of funnelPaths) {
      const host = createFakeHost();
      const actor = createActor(widgetMachine.provide({ actors: host.actors, actions: host.actions }), {
        input: INPUT,
      }).start();
      actor.send({ type: 'TICKET_FORM.OPEN' });
      for (const step of path.steps.slice(1)) {
        const event = step.event as ModelEvent;
        const done = /^xstate\.done\.actor\.(.+)$/.exec(event.type);
        if (done?.[1] !== undefined)
          host.settle(done[1], { output: 'output' in event ? event.output : undefined });
        else if (event.type.startsWith('xstate.after.')) vi.advanceTimersByTime(DEBOUNCE);
        else actor.send(step.event);
        await flush();
      }
      expect(actor.getSnapshot().matches({ open: { online: 'conversation' } })).toBe(true);
      const types = host.deflections.map((d) => d.type);
      expect(types.filter((t) => t === 'ticket.created')).toHaveLength(1);
      expect(types.at(-1)).toBe('ticket.created');
      const opened = types.indexOf('suggestion.opened');
      if (opened >= 0) expect(types.indexOf('suggestions.shown')).toBeLessThan(opened);
      actor.stop();
    }
  });
});
