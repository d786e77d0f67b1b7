import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import { article, createFakeHost, type FakeHandlers, flush, hit, message, ticket } from './widget.fixtures';
import { WidgetActorNotProvidedError, widgetMachine } from './widget.machine';
import type { WidgetInput } from './widget.types';

const DEBOUNCE = 250;
const NOW = Date.parse('2026-03-02T10:00:00.000Z');

/** Canned happy-path backend; tests override single operations. */
const happy = (overrides: FakeHandlers = {}): FakeHandlers => ({
  searchArticles: async ({ query }) =>
    query.includes('vpn') || query.includes('VPN') ? [hit('a1'), hit('a2')] : [],
  loadArticle: async ({ articleId }) => article(articleId),
  sendFeedback: async () => {},
  submitTicket: async () => ticket('t1'),
  loadTickets: async () => [ticket('t1'), ticket('t2', { number: 43, subject: 'Invoice' })],
  loadConversation: async ({ ticketId }) => ({
    ticket: ticket(ticketId),
    events: [message(1, 'customer', 'VPN drops')],
  }),
  sendMessage: async ({ body }) => message(10, 'customer', body),
  submitCsat: async () => {},
  ...overrides,
});

function start(handlers: FakeHandlers = happy(), input: Partial<WidgetInput> = {}) {
  const host = createFakeHost(handlers);
  const actor = createActor(widgetMachine.provide({ actors: host.actors, actions: host.actions }), {
    input: { sessionId: 'sess_1', now: () => NOW, ...input },
  }).start();
  const state = () => actor.getSnapshot();
  return { host, actor, state, send: actor.send.bind(actor) };
}

/** Lets the debounce elapse and the resulting request settle. */
async function settle(ms = DEBOUNCE) {
  await vi.advanceTimersByTimeAsync(ms);
  await flush();
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('widgetMachine: opening and closing (control API open / close)', () => {
  it('starts closed and opens on home, focusing the panel', () => {
    const { state, send, host } = start();
    expect(state().value).toBe('closed');
    send({ type: 'WIDGET.OPEN' });
    expect(state().matches({ open: { online: { home: 'idle' } } })).toBe(true);
    expect(host.focused).toEqual(['home']);
    send({ type: 'WIDGET.CLOSE' });
    expect(state().value).toBe('closed');
  });

  it('toggles both ways', () => {
    const { state, send } = start();
    send({ type: 'WIDGET.TOGGLE' });
    expect(state().matches('open')).toBe(true);
    send({ type: 'WIDGET.TOGGLE' });
    expect(state().matches('closed')).toBe(true);
  });

  it('reopens on the view the user was in', async () => {
    const { state, send } = start();
    send({ type: 'WIDGET.OPEN' });
    send({ type: 'TICKET_FORM.OPEN' });
    send({ type: 'TICKET_FORM.CHANGE', subject: 'Printer', body: 'jams' });
    send({ type: 'WIDGET.CLOSE' });
    send({ type: 'WIDGET.OPEN' });
    expect(state().matches({ open: { online: 'ticketForm' } })).toBe(true);
    expect(state().context.draft).toEqual({ subject: 'Printer', body: 'jams' });
  });

  it('reopens a loaded article without fetching or counting it again', async () => {
    const { state, send, host } = start();
    send({ type: 'WIDGET.OPEN' });
    send({ type: 'ARTICLE.OPEN', articleId: 'a1' });
    await flush();
    send({ type: 'WIDGET.CLOSE' });
    send({ type: 'WIDGET.OPEN' });
    expect(state().matches({ open: { online: { article: 'ready' } } })).toBe(true);
    expect(host.callsOf('loadArticle')).toHaveLength(1);
    expect(host.deflections.filter((d) => d.type === 'article.viewed')).toHaveLength(1);
  });

  it('opens on the offline notice when the device is offline', () => {
    const { state, send } = start(happy(), { online: false });
    send({ type: 'WIDGET.OPEN' });
    expect(state().matches({ open: 'offline' })).toBe(true);
  });
});

describe('widgetMachine: help-center search', () => {
  it('debounces typing into one search and records the search step', async () => {
    const { state, send, host } = start();
    send({ type: 'WIDGET.OPEN' });
    send({ type: 'SEARCH.CHANGE', query: 'v' });
    await vi.advanceTimersByTimeAsync(100);
    send({ type: 'SEARCH.CHANGE', query: 'vp' });
    await vi.advanceTimersByTimeAsync(100);
    send({ type: 'SEARCH.CHANGE', query: 'vpn ' });
    expect(state().matches({ open: { online: { home: 'debouncing' } } })).toBe(true);
    await settle();
    expect(host.callsOf('searchArticles').map((c) => c.input)).toEqual([{ query: 'vpn', locale: 'en' }]);
    expect(state().matches({ open: { online: { home: 'results' } } })).toBe(true);
    expect(state().context.results.map((r) => r.id)).toEqual(['a1', 'a2']);
    expect(host.deflections).toEqual([
      { type: 'search', sessionId: 'sess_1', at: '2026-03-02T10:00:00.000Z', query: 'vpn', resultCount: 2 },
    ]);
    expect(host.announcements).toContainEqual({ type: 'search.results', count: 2 });
  });

  it('records searches without results too (they matter for deflection)', async () => {
    const { send, host } = start();
    send({ type: 'WIDGET.OPEN' });
    send({ type: 'SEARCH.CHANGE', query: 'printer' });
    await settle();
    expect(host.deflections).toMatchObject([{ type: 'search', query: 'printer', resultCount: 0 }]);
  });

  it('clears results on a blank query without searching', async () => {
    const { state, send, host } = start();
    send({ type: 'WIDGET.OPEN' });
    send({ type: 'SEARCH.CHANGE', query: 'vpn' });
    await settle();
    send({ type: 'SEARCH.CHANGE', query: '   ' });
    await settle();
    expect(state().matches({ open: { online: { home: 'idle' } } })).toBe(true);
    expect(state().context.results).toEqual([]);
    expect(host.callsOf('searchArticles')).toHaveLength(1);
  });

  it('shows a search failure and retries', async () => {
    let fail = true;
    const { state, send } = start(
      happy({
        searchArticles: async () => {
          if (fail) throw Object.assign(new Error('Service unavailable'), { code: 'unavailable' });
          return [hit('a1')];
        },
      }),
    );
    send({ type: 'WIDGET.OPEN' });
    send({ type: 'SEARCH.CHANGE', query: 'vpn' });
    await settle();
    expect(state().matches({ open: { online: { home: 'failed' } } })).toBe(true);
    expect(state().context.error).toEqual({
      operation: 'searchArticles',
      code: 'unavailable',
      message: 'Service unavailable',
    });
    fail = false;
    send({ type: 'WIDGET.RETRY' });
    await flush();
    expect(state().matches({ open: { online: { home: 'results' } } })).toBe(true);
    expect(state().context.error).toBeNull();
  });

  it('rejects with a clear error when the host did not provide an actor', async () => {
    const actor = createActor(widgetMachine, { input: { sessionId: 'sess_1' } }).start();
    actor.send({ type: 'WIDGET.OPEN' });
    actor.send({ type: 'SEARCH.CHANGE', query: 'vpn' });
    await settle();
    const { error } = actor.getSnapshot().context;
    expect(error?.code).toBe('widget.actor_not_provided');
    expect(error?.message).toMatch(/"searchArticles" actor is not provided.*provide/);
    expect(new WidgetActorNotProvidedError('loadArticle')).toMatchObject({
      code: 'widget.actor_not_provided',
      actor: 'loadArticle',
    });
  });
});

describe('widgetMachine: articles', () => {
  it('loads an article, records the view and the vote, and goes back to the results', async () => {
    const { state, send, host } = start();
    send({ type: 'WIDGET.OPEN' });
    send({ type: 'SEARCH.CHANGE', query: 'vpn' });
    await settle();
    send({ type: 'ARTICLE.OPEN', articleId: 'a1' });
    expect(state().matches({ open: { online: { article: 'loading' } } })).toBe(true);
    await flush();
    expect(state().context.article?.id).toBe('a1');
    send({ type: 'ARTICLE.VOTE', helpful: true });
    expect(state().matches({ open: { online: { article: 'voting' } } })).toBe(true);
    await flush();
    send({ type: 'ARTICLE.VOTE', helpful: false }); // one vote per view
    await flush();
    expect(host.callsOf('sendFeedback').map((c) => c.input)).toEqual([
      { articleId: 'a1', helpful: true, sessionId: 'sess_1' },
    ]);
    expect(host.deflections.map((d) => d.type)).toEqual(['search', 'article.viewed', 'article.voted']);
    expect(host.deflections[2]).toMatchObject({ articleId: 'a1', helpful: true });
    send({ type: 'NAV.BACK' });
    expect(state().matches({ open: { online: { home: 'results' } } })).toBe(true);
    expect(host.callsOf('searchArticles')).toHaveLength(1);
  });

  it('follows a link to another article, and Back still leads where the first one came from', async () => {
    const { state, send, host } = start();
    send({ type: 'WIDGET.OPEN' });
    send({ type: 'ARTICLE.OPEN', articleId: 'a1' });
    await flush();
    expect(state().context.article?.id).toBe('a1');
    send({ type: 'ARTICLE.OPEN', articleId: 'a1' }); // the same article: nothing to do
    send({ type: 'ARTICLE.OPEN', articleId: 'a2' });
    await flush();
    expect(state().matches({ open: { online: { article: 'ready' } } })).toBe(true);
    expect(state().context.article?.id).toBe('a2');
    expect(host.callsOf('loadArticle').map((c) => (c.input as { articleId: string }).articleId)).toEqual([
      'a1',
      'a2',
    ]);
    send({ type: 'NAV.BACK' });
    expect(state().matches({ open: { online: 'home' } })).toBe(true);
  });

  it('lets the user vote again when the vote did not reach the server', async () => {
    const { state, send } = start(happy({ sendFeedback: () => Promise.reject(new Error('offline')) }));
    send({ type: 'WIDGET.OPEN' });
    send({ type: 'ARTICLE.OPEN', articleId: 'a1' });
    await flush();
    send({ type: 'ARTICLE.VOTE', helpful: false });
    await flush();
    expect(state().matches({ open: { online: { article: 'ready' } } })).toBe(true);
    expect(state().context.vote).toBeNull();
    expect(state().context.error?.operation).toBe('sendFeedback');
  });

  it('shows a load failure and retries', async () => {
    let calls = 0;
    const { state, send } = start(
      happy({
        loadArticle: async ({ articleId }) => {
          calls += 1;
          if (calls === 1) throw new Error('boom');
          return article(articleId);
        },
      }),
    );
    send({ type: 'WIDGET.OPEN' });
    send({ type: 'ARTICLE.OPEN', articleId: 'a1' });
    await flush();
    expect(state().matches({ open: { online: { article: 'failed' } } })).toBe(true);
    expect(state().context.error).toMatchObject({
      operation: 'loadArticle',
      code: 'unknown',
      message: 'boom',
    });
    send({ type: 'WIDGET.RETRY' });
    await flush();
    expect(state().matches({ open: { online: { article: 'ready' } } })).toBe(true);
  });
});

describe('widgetMachine: new ticket with deflection', () => {
  it('suggests articles while typing, records each step and creates the ticket', async () => {
    const { state, send, host } = start();
    send({ type: 'WIDGET.OPEN' });
    send({ type: 'TICKET_FORM.OPEN' });
    send({ type: 'TICKET_FORM.CHANGE', subject: 'VPN' });
    await vi.advanceTimersByTimeAsync(100);
    send({ type: 'TICKET_FORM.CHANGE', body: 'drops  every\nhour' });
    expect(state().matches({ open: { online: { ticketForm: 'debouncing' } } })).toBe(true);
    await settle();
    // One search, on subject and body together.
    expect(host.callsOf('searchArticles').map((c) => c.invokeId)).toEqual(['searchSuggestions']);
    expect(host.callsOf('searchArticles')[0]?.input).toEqual({
      query: 'VPN drops every hour',
      locale: 'en',
      match: 'any',
    });
    expect(state().matches({ open: { online: { ticketForm: 'suggestions' } } })).toBe(true);
    expect(host.deflections).toEqual([
      {
        type: 'suggestions.shown',
        sessionId: 'sess_1',
        at: '2026-03-02T10:00:00.000Z',
        articleIds: ['a1', 'a2'],
      },
    ]);

    // Opening a suggestion is a deflection step; back returns to the draft without searching again.
    send({ type: 'ARTICLE.OPEN', articleId: 'a2' });
    await flush();
    expect(state().matches({ open: { online: { article: 'ready' } } })).toBe(true);
    expect(host.deflections.slice(1).map((d) => d.type)).toEqual(['suggestion.opened', 'article.viewed']);
    expect(host.deflections[1]).toMatchObject({ articleId: 'a2' });
    send({ type: 'NAV.BACK' });
    expect(state().matches({ open: { online: { ticketForm: 'suggestions' } } })).toBe(true);
    expect(state().context.draft).toEqual({ subject: 'VPN', body: 'drops  every\nhour' });
    await settle();
    expect(host.callsOf('searchArticles')).toHaveLength(1);

    send({ type: 'TICKET_FORM.SUBMIT' });
    expect(state().matches({ open: { online: 'submitting' } })).toBe(true);
    expect(host.callsOf('submitTicket')[0]?.input).toEqual({
      ticket: {
        subject: 'VPN',
        body: 'drops  every\nhour',
        channel: 'widget',
        sessionId: 'sess_1',
        diagnostics: { locale: 'en' },
      },
      idempotencyKey: 'sess_1:ticket:1',
    });
    await flush();
    expect(state().matches({ open: { online: { conversation: 'ready' } } })).toBe(true);
    expect(host.deflections.at(-1)).toEqual({
      type: 'ticket.created',
      sessionId: 'sess_1',
      at: '2026-03-02T10:00:00.000Z',
      ticketId: 't1',
    });
    expect(state().context.draft).toEqual({ subject: '', body: '' });
    expect(host.persisted.at(-1)?.ticketForm).toEqual({ subject: '', body: '' });
    expect(host.announcements).toContainEqual({ type: 'ticket.created', ticketNumber: 42 });
  });

  it('opens only suggested articles from the form', async () => {
    const { state, send, host } = start();
    send({ type: 'TICKET_FORM.OPEN', prefill: { subject: 'VPN', body: 'drops' } });
    send({ type: 'ARTICLE.OPEN', articleId: 'a1' }); // nothing shown yet
    expect(state().matches({ open: { online: 'ticketForm' } })).toBe(true);
    await settle();
    send({ type: 'ARTICLE.OPEN', articleId: 'a9' }); // not among the suggestions
    expect(state().matches({ open: { online: 'ticketForm' } })).toBe(true);
    expect(host.deflections.map((d) => d.type)).toEqual(['suggestions.shown']);
  });

  it('records no suggestions step when nothing matches', async () => {
    const { state, send, host } = start();
    send({ type: 'TICKET_FORM.OPEN', prefill: { subject: 'Printer', body: 'jams' } });
    await settle();
    expect(host.callsOf('searchArticles')).toHaveLength(1);
    expect(state().matches({ open: { online: { ticketForm: 'idle' } } })).toBe(true);
    expect(host.deflections).toEqual([]);
  });

  it('keeps the form usable when suggestions fail', async () => {
    const { state, send } = start(happy({ searchArticles: () => Promise.reject(new Error('down')) }));
    send({ type: 'TICKET_FORM.OPEN', prefill: { subject: 'VPN', body: 'drops' } });
    await settle();
    expect(state().matches({ open: { online: { ticketForm: 'failed' } } })).toBe(true);
    send({ type: 'TICKET_FORM.SUBMIT' });
    expect(state().matches({ open: { online: 'submitting' } })).toBe(true);
  });

  it('does not submit an incomplete form', () => {
    const { state, send, host } = start();
    send({ type: 'TICKET_FORM.OPEN', prefill: { subject: 'VPN' } });
    send({ type: 'TICKET_FORM.SUBMIT' });
    expect(state().matches({ open: { online: 'ticketForm' } })).toBe(true);
    send({ type: 'TICKET_FORM.CHANGE', body: '   ' });
    send({ type: 'TICKET_FORM.SUBMIT' });
    expect(state().matches({ open: { online: 'ticketForm' } })).toBe(true);
    expect(host.callsOf('submitTicket')).toHaveLength(0);
  });

  it('keeps the draft when submitting fails and retries with the same idempotency key', async () => {
    let attempts = 0;
    const { state, send, host } = start(
      happy({
        submitTicket: async () => {
          attempts += 1;
          if (attempts === 1) throw Object.assign(new Error('Too many requests'), { code: 'rate_limited' });
          return ticket('t1');
        },
      }),
    );
    send({ type: 'TICKET_FORM.OPEN', prefill: { subject: 'VPN', body: 'drops' } });
    send({ type: 'TICKET_FORM.SUBMIT' });
    await flush();
    expect(state().matches({ open: { online: 'submitFailed' } })).toBe(true);
    expect(state().context.draft).toEqual({ subject: 'VPN', body: 'drops' });
    expect(state().context.error).toMatchObject({ operation: 'submitTicket', code: 'rate_limited' });
    expect(host.announcements).toContainEqual({
      type: 'error',
      operation: 'submitTicket',
      code: 'rate_limited',
    });
    send({ type: 'WIDGET.RETRY' });
    await flush();
    expect(state().matches({ open: { online: 'conversation' } })).toBe(true);
    const keys = host
      .callsOf('submitTicket')
      .map((c) => (c.input as { idempotencyKey: string }).idempotencyKey);
    expect(keys).toEqual(['sess_1:ticket:1', 'sess_1:ticket:1']);
  });

  it('goes back to the form to edit after a failure', async () => {
    const { state, send } = start(happy({ submitTicket: () => Promise.reject(new Error('x')) }));
    send({ type: 'TICKET_FORM.OPEN', prefill: { subject: 'VPN', body: 'drops' } });
    send({ type: 'TICKET_FORM.SUBMIT' });
    await flush();
    send({ type: 'TICKET_FORM.CHANGE', body: 'drops hourly' });
    expect(state().matches({ open: { online: 'ticketForm' } })).toBe(true);
    expect(state().context.draft.body).toBe('drops hourly');
  });
});

describe('widgetMachine: conversation', () => {
  it('opens a given ticket from closed (control API open a ticket) and sends a message', async () => {
    const { state, send, host } = start();
    send({ type: 'TICKET.OPEN', ticketId: 't7' });
    expect(state().matches({ open: { online: { conversation: 'loading' } } })).toBe(true);
    expect(host.callsOf('loadConversation')[0]?.input).toEqual({ ticketId: 't7' });
    await flush();
    expect(state().context.timeline).toHaveLength(1);
    send({ type: 'COMPOSER.SEND' }); // empty composer: nothing to send
    expect(state().matches({ open: { online: { conversation: 'ready' } } })).toBe(true);
    send({ type: 'COMPOSER.CHANGE', body: 'Still broken' });
    expect(host.persisted.at(-1)?.composer).toEqual({ t7: 'Still broken' });
    send({ type: 'COMPOSER.SEND' });
    expect(state().matches({ open: { online: { conversation: 'sending' } } })).toBe(true);
    expect(state().context.composer).toEqual({});
    expect(host.callsOf('sendMessage')[0]?.input).toEqual({
      ticketId: 't7',
      body: 'Still broken',
      clientMessageId: 'sess_1:message:1',
    });
    await flush();
    expect(state().matches({ open: { online: { conversation: 'ready' } } })).toBe(true);
    expect(state().context.outbox).toEqual([]);
    expect(state().context.timeline.map((e) => e.seq)).toEqual([1, 10]);
    expect(host.announcements).toContainEqual({ type: 'message.sent' });
  });

  it('queues a second message behind the one in flight', async () => {
    const { state, send, host } = start(happy({ sendMessage: undefined }));
    send({ type: 'TICKET.OPEN', ticketId: 't1' });
    await flush();
    send({ type: 'COMPOSER.CHANGE', body: 'one' });
    send({ type: 'COMPOSER.SEND' });
    send({ type: 'COMPOSER.CHANGE', body: 'two' });
    send({ type: 'COMPOSER.SEND' });
    expect(state().context.outbox.map((m) => m.body)).toEqual(['one', 'two']);
    host.settle('sendMessage', { output: message(2, 'customer', 'one') });
    await flush();
    expect(state().matches({ open: { online: { conversation: 'sending' } } })).toBe(true);
    host.settle('sendMessage', { output: message(3, 'customer', 'two') });
    await flush();
    expect(state().matches({ open: { online: { conversation: 'ready' } } })).toBe(true);
    expect(host.callsOf('sendMessage').map((c) => (c.input as { body: string }).body)).toEqual([
      'one',
      'two',
    ]);
    expect(state().context.timeline.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('keeps a failed message in the outbox and resends it with the same id on retry', async () => {
    let attempts = 0;
    const { state, send, host } = start(
      happy({
        sendMessage: async ({ body }) => {
          attempts += 1;
          if (attempts === 1) throw new Error('timeout');
          return message(2, 'customer', body);
        },
      }),
    );
    send({ type: 'TICKET.OPEN', ticketId: 't1' });
    await flush();
    send({ type: 'COMPOSER.CHANGE', body: 'hello' });
    send({ type: 'COMPOSER.SEND' });
    await flush();
    expect(state().matches({ open: { online: { conversation: 'ready' } } })).toBe(true);
    expect(state().context.outbox).toHaveLength(1);
    expect(state().context.error?.operation).toBe('sendMessage');
    send({ type: 'WIDGET.RETRY' });
    await flush();
    expect(state().context.outbox).toEqual([]);
    const ids = host
      .callsOf('sendMessage')
      .map((c) => (c.input as { clientMessageId: string }).clientMessageId);
    expect(ids).toEqual(['sess_1:message:1', 'sess_1:message:1']);
  });

  it('appends live messages once and announces the agent’s', async () => {
    const { state, send, host } = start();
    send({ type: 'TICKET.OPEN', ticketId: 't1' });
    await flush();
    const reply = message(5, 'agent', 'Try reconnecting');
    send({ type: 'TIMELINE.APPENDED', ticketId: 't1', event: reply });
    send({ type: 'TIMELINE.APPENDED', ticketId: 't1', event: reply });
    send({ type: 'TIMELINE.APPENDED', ticketId: 't9', event: message(1, 'agent', 'other ticket') });
    expect(state().context.timeline.map((e) => e.seq)).toEqual([1, 5]);
    expect(host.announcements.filter((a) => a.type === 'message.received')).toHaveLength(2);
  });

  it('reloads the open conversation and the ticket list when the stream missed events', async () => {
    let loads = 0;
    const { state, send, host } = start(
      happy({
        loadConversation: async ({ ticketId }) => {
          loads += 1;
          return {
            ticket: ticket(ticketId),
            events:
              loads === 1
                ? [message(1, 'customer', 'VPN drops')]
                : [message(1, 'customer', 'VPN drops'), message(2, 'agent', 'Missed reply')],
          };
        },
      }),
    );
    send({ type: 'TICKET.OPEN', ticketId: 't1' });
    await flush();
    send({ type: 'STREAM.RESYNC' });
    await flush();
    expect(loads).toBe(2);
    expect(state().matches({ open: { online: { conversation: 'ready' } } })).toBe(true);
    expect(state().context.timeline.map((e) => e.seq)).toEqual([1, 2]);
    send({ type: 'TICKETS.OPEN' });
    await flush();
    const listLoads = host.callsOf('loadTickets').length;
    send({ type: 'STREAM.RESYNC' });
    await flush();
    expect(host.callsOf('loadTickets')).toHaveLength(listLoads + 1);
  });

  it('keeps live events and a newer ticket that arrive while the conversation loads', async () => {
    let answer: (value: { ticket: ReturnType<typeof ticket>; events: ReturnType<typeof message>[] }) => void =
      () => {};
    const { state, send } = start(
      happy({
        loadConversation: () =>
          new Promise((resolve) => {
            answer = resolve;
          }),
      }),
    );
    send({ type: 'TICKET.OPEN', ticketId: 't1' });
    await flush();
    expect(state().matches({ open: { online: { conversation: 'loading' } } })).toBe(true);
    // The agent answers while the timeline is being read; the read itself is from just before.
    send({ type: 'TIMELINE.APPENDED', ticketId: 't1', event: message(3, 'agent', 'Fixed on our side') });
    send({ type: 'TICKET.UPDATED', ticket: ticket('t1', { status: 'pending', version: 9 }) });
    answer({
      ticket: ticket('t1', { version: 7 }),
      events: [message(1, 'customer', 'VPN drops'), message(2, 'agent', 'Looking')],
    });
    await flush();
    expect(state().matches({ open: { online: { conversation: 'ready' } } })).toBe(true);
    expect(state().context.timeline.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(state().context.ticket).toMatchObject({ status: 'pending', version: 9 });
  });

  it('shows a load failure and retries', async () => {
    let calls = 0;
    const { state, send } = start(
      happy({
        loadConversation: async ({ ticketId }) => {
          calls += 1;
          if (calls === 1) throw new Error('boom');
          return { ticket: ticket(ticketId), events: [] };
        },
      }),
    );
    send({ type: 'TICKET.OPEN', ticketId: 't1' });
    await flush();
    expect(state().matches({ open: { online: { conversation: 'failed' } } })).toBe(true);
    send({ type: 'WIDGET.RETRY' });
    await flush();
    expect(state().matches({ open: { online: { conversation: 'ready' } } })).toBe(true);
  });
});

describe('widgetMachine: my tickets', () => {
  it('lists the user’s tickets, opens one and goes back to the list', async () => {
    const { state, send, host } = start();
    send({ type: 'SESSION.IDENTIFY', user: { id: 'u_1', email: 'ann@example.com' } });
    send({ type: 'WIDGET.OPEN' });
    send({ type: 'TICKETS.OPEN' });
    expect(host.callsOf('loadTickets')[0]?.input).toEqual({ userId: 'u_1' });
    await flush();
    expect(state().matches({ open: { online: { tickets: 'ready' } } })).toBe(true);
    expect(state().context.tickets.map((t) => t.id)).toEqual(['t1', 't2']);
    send({ type: 'TICKET.OPEN', ticketId: 't2' });
    expect(state().context.ticket?.subject).toBe('Invoice'); // shown from the list while loading
    await flush();
    send({ type: 'NAV.BACK' });
    expect(state().matches({ open: { online: 'tickets' } })).toBe(true);
    await flush();
    send({ type: 'NAV.BACK' });
    expect(state().matches({ open: { online: 'home' } })).toBe(true);
  });

  it('shows a failure and retries', async () => {
    let calls = 0;
    const { state, send } = start(
      happy({
        loadTickets: async () => {
          calls += 1;
          if (calls === 1) throw new Error('boom');
          return [];
        },
      }),
    );
    send({ type: 'TICKETS.OPEN' });
    await flush();
    expect(state().matches({ open: { online: { tickets: 'failed' } } })).toBe(true);
    send({ type: 'WIDGET.RETRY' });
    await flush();
    expect(state().matches({ open: { online: { tickets: 'ready' } } })).toBe(true);
  });
});

describe('widgetMachine: CSAT', () => {
  async function inConversation(handlers?: FakeHandlers) {
    const widget = start(handlers);
    widget.send({ type: 'TICKET.OPEN', ticketId: 't1' });
    await flush();
    return widget;
  }

  it('asks for CSAT when the open ticket is solved, then thanks', async () => {
    const { state, send, host } = await inConversation();
    send({ type: 'TICKET.UPDATED', ticket: ticket('t1', { status: 'pending' }) });
    expect(state().matches({ open: { online: 'conversation' } })).toBe(true);
    expect(state().context.ticket?.status).toBe('pending');
    send({ type: 'TICKET.UPDATED', ticket: ticket('t1', { status: 'solved' }) });
    expect(state().matches({ open: { online: { csat: 'rating' } } })).toBe(true);
    expect(host.announcements).toContainEqual({ type: 'ticket.solved', ticketNumber: 42 });
    send({ type: 'CSAT.SUBMIT', score: 6 });
    send({ type: 'CSAT.SUBMIT', score: 4.5 });
    expect(state().matches({ open: { online: { csat: 'rating' } } })).toBe(true);
    send({ type: 'CSAT.SUBMIT', score: 5, comment: 'Quick fix' });
    expect(host.callsOf('submitCsat')[0]?.input).toEqual({ ticketId: 't1', score: 5, comment: 'Quick fix' });
    await flush();
    expect(state().matches({ open: { online: 'thanks' } })).toBe(true);
    expect(state().context.ticket?.csat).toEqual({
      score: 5,
      comment: 'Quick fix',
      at: '2026-03-02T10:00:00.000Z',
    });
    send({ type: 'NAV.BACK' });
    expect(state().matches({ open: { online: 'home' } })).toBe(true);
  });

  it('does not ask for an already rated ticket, another ticket, or after a dismissal', async () => {
    const { state, send } = await inConversation();
    send({ type: 'TICKET.UPDATED', ticket: ticket('t2', { status: 'solved' }) });
    send({
      type: 'TICKET.UPDATED',
      ticket: ticket('t1', { status: 'solved', csat: { score: 3, at: '2026-03-02T09:00:00.000Z' } }),
    });
    expect(state().matches({ open: { online: 'conversation' } })).toBe(true);
    expect(
      state()
        .context.tickets.map((t) => t.id)
        .sort(),
    ).toEqual(['t1', 't2']);
    send({ type: 'TICKET.UPDATED', ticket: ticket('t1', { status: 'solved' }) });
    expect(state().matches({ open: { online: 'csat' } })).toBe(true);
    send({ type: 'NAV.BACK' });
    await flush();
    send({ type: 'TICKET.UPDATED', ticket: ticket('t1', { status: 'solved', version: 3 }) });
    expect(state().matches({ open: { online: 'conversation' } })).toBe(true);
  });

  it('keeps the rating when submitting it fails', async () => {
    const { state, send } = await inConversation(happy({ submitCsat: () => Promise.reject(new Error('x')) }));
    send({ type: 'TICKET.UPDATED', ticket: ticket('t1', { status: 'solved' }) });
    send({ type: 'CSAT.SUBMIT', score: 2 });
    await flush();
    expect(state().matches({ open: { online: { csat: 'rating' } } })).toBe(true);
    expect(state().context.csat).toEqual({ score: 2 });
    expect(state().context.error?.operation).toBe('submitCsat');
  });
});

describe('widgetMachine: offline', () => {
  it('keeps the composer draft offline and sends it exactly once on reconnect', async () => {
    const { state, send, host } = start();
    send({ type: 'TICKET.OPEN', ticketId: 't1' });
    await flush();
    send({ type: 'COMPOSER.CHANGE', body: 'Half-typed' });
    send({ type: 'NETWORK.OFFLINE' });
    expect(state().matches({ open: 'offline' })).toBe(true);
    expect(host.announcements).toContainEqual({ type: 'network.offline' });
    expect(state().context.composer).toEqual({ t1: 'Half-typed' });

    send({ type: 'COMPOSER.CHANGE', body: 'Typed offline' });
    send({ type: 'COMPOSER.SEND' });
    expect(state().context.outbox).toEqual([
      { clientMessageId: 'sess_1:message:1', ticketId: 't1', body: 'Typed offline' },
    ]);
    expect(host.persisted.at(-1)?.outbox).toHaveLength(1);
    expect(host.callsOf('sendMessage')).toHaveLength(0);

    send({ type: 'NETWORK.ONLINE' });
    expect(state().matches({ open: { online: { conversation: 'loading' } } })).toBe(true);
    await flush();
    expect(state().matches({ open: { online: { conversation: 'ready' } } })).toBe(true);
    expect(host.callsOf('sendMessage').map((c) => c.input)).toEqual([
      { ticketId: 't1', body: 'Typed offline', clientMessageId: 'sess_1:message:1' },
    ]);
    expect(state().context.outbox).toEqual([]);

    // Flapping network afterwards sends nothing more.
    send({ type: 'NETWORK.OFFLINE' });
    send({ type: 'NETWORK.ONLINE' });
    await flush();
    expect(host.callsOf('sendMessage')).toHaveLength(1);
  });

  it('returns to where the user was, with the form draft intact', async () => {
    const { state, send } = start();
    send({ type: 'TICKET_FORM.OPEN' });
    send({ type: 'TICKET_FORM.CHANGE', subject: 'Printer', body: 'jams' });
    send({ type: 'NETWORK.OFFLINE' });
    send({ type: 'TICKET_FORM.CHANGE', body: 'jams on page 2' });
    send({ type: 'NETWORK.ONLINE' });
    expect(state().matches({ open: { online: 'ticketForm' } })).toBe(true);
    expect(state().context.draft).toEqual({ subject: 'Printer', body: 'jams on page 2' });
  });

  it('resubmits a ticket cut off by going offline with the same idempotency key', async () => {
    const { state, send, host } = start(happy({ submitTicket: undefined }));
    send({ type: 'TICKET_FORM.OPEN', prefill: { subject: 'VPN', body: 'drops' } });
    send({ type: 'TICKET_FORM.SUBMIT' });
    send({ type: 'NETWORK.OFFLINE' });
    send({ type: 'NETWORK.ONLINE' });
    expect(state().matches({ open: { online: 'submitting' } })).toBe(true);
    const keys = host
      .callsOf('submitTicket')
      .map((c) => (c.input as { idempotencyKey: string }).idempotencyKey);
    expect(keys).toEqual(['sess_1:ticket:1', 'sess_1:ticket:1']);
  });

  it('remembers control-API navigation made while offline', () => {
    const { state, send } = start(happy(), { online: false });
    send({ type: 'TICKETS.OPEN' });
    expect(state().matches({ open: 'offline' })).toBe(true);
    send({ type: 'NETWORK.ONLINE' });
    expect(state().matches({ open: { online: 'tickets' } })).toBe(true);
  });

  it('tracks the network while closed', () => {
    const { state, send } = start();
    send({ type: 'NETWORK.OFFLINE' });
    expect(state().value).toBe('closed');
    send({ type: 'WIDGET.OPEN' });
    expect(state().matches({ open: 'offline' })).toBe(true);
  });

  it('restores persisted drafts from input', () => {
    const { state } = start(happy(), {
      drafts: {
        ticketForm: { subject: 'Saved', body: 'draft' },
        outbox: [{ clientMessageId: 'sess_1:message:1', ticketId: 't1', body: 'queued' }],
      },
    });
    expect(state().context.draft).toEqual({ subject: 'Saved', body: 'draft' });
    expect(state().context.outbox).toHaveLength(1);
  });
});

describe('widgetMachine: session (control API identify / reset)', () => {
  it('identifies the user and keeps anonymous drafts when they log in', () => {
    const { state, send } = start();
    send({ type: 'TICKET_FORM.OPEN', prefill: { subject: 'Help' } });
    send({ type: 'SESSION.IDENTIFY', user: { id: 'u_1', name: 'Ann' } });
    expect(state().context.user).toEqual({ id: 'u_1', name: 'Ann' });
    expect(state().context.draft.subject).toBe('Help');
    send({ type: 'SESSION.IDENTIFY', user: { id: 'u_1', name: 'Ann B.' } });
    expect(state().context.user?.name).toBe('Ann B.');
    expect(state().matches({ open: { online: 'ticketForm' } })).toBe(true);
  });

  it('wipes the previous user when another one is identified', async () => {
    const { state, send, host } = start();
    send({ type: 'SESSION.IDENTIFY', user: { id: 'u_1' } });
    send({ type: 'TICKET.OPEN', ticketId: 't1' });
    await flush();
    send({ type: 'SESSION.IDENTIFY', user: { id: 'u_2' } });
    expect(state().value).toBe('closed');
    expect(state().context).toMatchObject({ user: { id: 'u_2' }, ticketId: null, tickets: [], timeline: [] });
    expect(host.clearedDrafts).toBe(1);
  });

  it('reset leaves no trace of the user in the snapshot', async () => {
    const { actor, state, send, host } = start(happy({ sendMessage: undefined }));
    send({ type: 'SESSION.IDENTIFY', user: { id: 'u_secret', email: 'secret@example.com' } });
    send({ type: 'WIDGET.OPEN' });
    send({ type: 'SEARCH.CHANGE', query: 'vpn secret' });
    await settle();
    send({ type: 'ARTICLE.OPEN', articleId: 'a1' });
    await flush();
    send({ type: 'ARTICLE.VOTE', helpful: false });
    await flush();
    send({ type: 'TICKET_FORM.OPEN', prefill: { subject: 'secret subject', body: 'secret body' } });
    send({ type: 'TICKET_FORM.SUBMIT' });
    await flush();
    send({ type: 'COMPOSER.CHANGE', body: 'secret reply' });
    send({ type: 'COMPOSER.SEND' });
    send({ type: 'COMPOSER.CHANGE', body: 'secret unsent' });
    send({ type: 'NETWORK.OFFLINE' });
    send({ type: 'COMPOSER.SEND' });
    expect(JSON.stringify(actor.getPersistedSnapshot())).toMatch(/secret/);

    send({ type: 'SESSION.RESET', sessionId: 'sess_2' });
    expect(state().value).toBe('closed');
    expect(host.clearedDrafts).toBe(1);
    const persisted = JSON.stringify(actor.getPersistedSnapshot());
    for (const trace of ['secret', 'u_secret', 't1', 'a1', 'vpn', 'sess_1']) {
      expect(persisted).not.toContain(trace);
    }
    expect(state().children).toEqual({});
    expect(state().context).toMatchObject({
      sessionId: 'sess_2',
      user: null,
      lastView: 'home',
      query: '',
      results: [],
      article: null,
      draft: { subject: '', body: '' },
      suggestions: [],
      tickets: [],
      ticketId: null,
      ticket: null,
      timeline: [],
      composer: {},
      outbox: [],
      csatDeclined: [],
      error: null,
    });

    // The next user starts on an empty home; the in-flight request of the previous user is gone.
    send({ type: 'NETWORK.ONLINE' });
    send({ type: 'WIDGET.OPEN' });
    expect(state().matches({ open: { online: { home: 'idle' } } })).toBe(true);
    expect(() =>
      host.settle('sendMessage', { output: message(9, 'customer', 'secret reply') }),
    ).not.toThrow();
    await flush();
    expect(state().context.timeline).toEqual([]);
  });

  it('never reuses an idempotency key after a reset within the same session id', async () => {
    const { send, host } = start();
    send({ type: 'TICKET_FORM.OPEN', prefill: { subject: 'A', body: 'a' } });
    send({ type: 'TICKET_FORM.SUBMIT' });
    await flush();
    send({ type: 'SESSION.RESET' });
    send({ type: 'TICKET_FORM.OPEN', prefill: { subject: 'B', body: 'b' } });
    send({ type: 'TICKET_FORM.SUBMIT' });
    await flush();
    const keys = host
      .callsOf('submitTicket')
      .map((c) => (c.input as { idempotencyKey: string }).idempotencyKey);
    expect(keys).toEqual(['sess_1:ticket:1', 'sess_1:ticket:2']);
  });
});
