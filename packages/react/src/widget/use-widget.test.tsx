// @vitest-environment jsdom
import type { QueryClient } from '@tanstack/react-query';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import type { Ticket, TierdeskClient } from '@tierdesk/core';
import type { WidgetAnnouncement } from '@tierdesk/core/machines';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../../node/tests/support/server';
import { openServer, providerWrapper, testQueryClient } from '../hooks/hooks.test-support';
import type { Pages } from '../hooks/hooks.types';
import { tierdeskKeys } from '../query-keys';
import { type UseWidgetOptions, useWidget } from './use-widget';
import { widgetDraftsKey } from './widget.drafts';

// useWidget against the real server (createTierdesk over PGlite on a real socket), the widget machine
// driven through its view API exactly as a rendering would.

let server: TestServer;
let close: () => Promise<void>;
let lee: TierdeskClient;
let articleId: string;

beforeAll(async () => {
  ({ server, close } = await openServer());
  lee = await server.agentClient('agent-l1');
  const article = await lee.createArticle({
    body: {
      title: 'Fixing VPN drops',
      body: 'When the VPN drops every hour, renew the certificate in Settings.',
      published: true,
    },
  });
  articleId = article.id;
}, 60_000);
afterAll(async () => {
  await close?.();
});
afterEach(() => {
  cleanup();
  setBrowserOnline(true);
  localStorage.clear();
});

let browserOnline = true;
Object.defineProperty(window.navigator, 'onLine', { configurable: true, get: () => browserOnline });

/** What a browser does when the network goes away or comes back. */
function setBrowserOnline(online: boolean): void {
  if (browserOnline === online) return;
  browserOnline = online;
  window.dispatchEvent(new Event(online ? 'online' : 'offline'));
}

/** A fetch the test can break: while `down`, every request fails like a dead network does. */
function breakableFetch() {
  const state = {
    down: false,
    /** Message POSTs to let reach the server whose answer is then lost. */
    loseAnswers: 0,
    posts: 0,
  };
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (state.down) throw new TypeError('Failed to fetch');
    const isMessage = request.method === 'POST' && /\/messages$/.test(new URL(request.url).pathname);
    if (isMessage) state.posts += 1;
    const response = await globalThis.fetch(request);
    if (isMessage && state.loseAnswers > 0) {
      state.loseAnswers -= 1;
      throw new TypeError('network connection lost');
    }
    return response;
  };
  return { fetch, state };
}

function widgetWrapper(userId: string, queryClient: QueryClient, fetch: typeof globalThis.fetch) {
  return providerWrapper({
    baseUrl: server.baseUrl,
    getToken: () => server.tokenFor(userId),
    identity: userId,
    queryClient,
    clientOptions: { fetch },
  });
}

const FAST: UseWidgetOptions = {
  debounceMs: 10,
  resend: { initialDelayMs: 50, maxDelayMs: 200 },
  stream: { backoff: { initialDelayMs: 40, maxDelayMs: 200 } },
};

function customerBodies(messages: readonly { role: string; body: string }[]): string[] {
  return messages.filter((m) => m.role === 'customer').map((m) => m.body);
}

async function customerMessages(ticketId: string, body: string): Promise<number> {
  const view = await lee.getTicket({ params: { ticketId } });
  return view.events.filter((e) => e.type === 'message.public' && e.role === 'customer' && e.body === body)
    .length;
}

describe('useWidget over a real server', () => {
  it('search → article → ticket form with suggestions → submit → conversation → message, live replies', async () => {
    const queryClient = testQueryClient();
    const announcements: WidgetAnnouncement[] = [];
    const { fetch } = breakableFetch();
    const { result } = renderHook(
      () =>
        useWidget({
          ...FAST,
          user: { id: 'u-widget', name: 'Wanda' },
          onAnnounce: (a) => announcements.push(a),
        }),
      { wrapper: widgetWrapper('u-widget', queryClient, fetch) },
    );
    expect(result.current.screen).toBe('closed');
    act(() => result.current.open());
    expect(result.current.screen).toBe('home');
    expect(result.current.user).toEqual({ id: 'u-widget', name: 'Wanda' });

    act(() => result.current.search('vpn drops'));
    await waitFor(() => expect(result.current.results.map((r) => r.id)).toContain(articleId));
    act(() => result.current.openArticle(articleId));
    await waitFor(() => expect(result.current.article?.id).toBe(articleId));
    act(() => result.current.voteArticle(true));
    await waitFor(() => expect(result.current.vote === true && !result.current.isLoading).toBe(true));
    expect(result.current.error).toBeNull();
    act(() => result.current.back());
    expect(result.current.screen).toBe('home');

    act(() => result.current.newTicket());
    act(() => result.current.changeDraft({ subject: 'VPN drops', body: 'The VPN drops every hour.' }));
    await waitFor(() => expect(result.current.suggestions.map((s) => s.id)).toContain(articleId));
    expect(localStorage.getItem(widgetDraftsKey('u-widget'))).toContain('VPN drops');
    act(() => result.current.submitTicket());
    await waitFor(() => expect(result.current.screen).toBe('conversation'));
    await waitFor(() =>
      expect(customerBodies(result.current.messages)).toEqual(['The VPN drops every hour.']),
    );
    // (The stream may show the messages before the conversation finished loading.)
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    const ticket = result.current.ticket as Ticket;
    expect(ticket).toMatchObject({ subject: 'VPN drops', channel: 'widget', requester: { id: 'u-widget' } });
    expect(announcements).toContainEqual({ type: 'ticket.created', ticketNumber: ticket.number });
    // The created ticket is in the cache the other hooks read.
    expect(queryClient.getQueryData(tierdeskKeys.tickets.myTicket('u-widget', ticket.id))).toBeDefined();

    act(() => result.current.changeComposer('Any update?'));
    act(() => result.current.sendMessage());
    // The stream may deliver the stored message a moment before the send's own answer clears the
    // pending copy: the settled state has it once, confirmed, and nothing pending.
    await waitFor(() => {
      expect(customerBodies(result.current.messages)).toEqual(['The VPN drops every hour.', 'Any update?']);
      expect(result.current.pendingMessages).toEqual([]);
    });
    expect(await customerMessages(ticket.id, 'Any update?')).toBe(1);
    expect(JSON.parse(localStorage.getItem(widgetDraftsKey('u-widget')) ?? '{"outbox":[]}').outbox).toEqual(
      [],
    );

    // An agent's reply arrives over the event stream, into the conversation and the live region.
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'Renew the certificate.' } });
    await waitFor(() =>
      expect(result.current.messages.map((m) => m.body)).toContain('Renew the certificate.'),
    );
    expect(announcements).toContainEqual({ type: 'message.received' });
    expect(result.current.messages.filter((m) => m.body === 'Any update?')).toHaveLength(1);
  });

  it('keeps a message sent offline in the outbox across a reload and sends it exactly once on reconnect', async () => {
    const ticket = await server
      .userClient('u-offline')
      .createTicket({ body: { subject: 'Printer', body: 'Jams.' } });
    const queryClient = testQueryClient();
    const net = breakableFetch();
    const options: UseWidgetOptions = { ...FAST, stream: { ...FAST.stream, fetch: net.fetch } };
    const first = renderHook(() => useWidget(options), {
      wrapper: widgetWrapper('u-offline', queryClient, net.fetch),
    });
    act(() => first.result.current.openTicket(ticket.id));
    await waitFor(() => expect(first.result.current.messages.map((m) => m.body)).toEqual(['Jams.']));

    // The network goes away.
    net.state.down = true;
    act(() => setBrowserOnline(false));
    expect(first.result.current.screen).toBe('offline');
    act(() => first.result.current.changeComposer('Written offline'));
    act(() => first.result.current.sendMessage());
    expect(first.result.current.pendingMessages.map((m) => m.body)).toEqual(['Written offline']);
    const stored = JSON.parse(localStorage.getItem(widgetDraftsKey('u-offline')) ?? '{}');
    expect(stored.outbox).toMatchObject([{ ticketId: ticket.id, body: 'Written offline' }]);

    // The page is reloaded while still offline: the outbox comes back from storage.
    first.unmount();
    const second = renderHook(() => useWidget(options), {
      wrapper: widgetWrapper('u-offline', queryClient, net.fetch),
    });
    act(() => second.result.current.openTicket(ticket.id));
    expect(second.result.current.screen).toBe('offline');
    expect(second.result.current.pendingMessages.map((m) => m.body)).toEqual(['Written offline']);
    expect(net.state.posts).toBe(0);

    // Back online: sent once, shown once, outbox emptied (in memory and in storage).
    net.state.down = false;
    act(() => setBrowserOnline(true));
    await waitFor(() => expect(second.result.current.pendingMessages).toEqual([]));
    await waitFor(() =>
      expect(second.result.current.messages.map((m) => m.body)).toEqual(['Jams.', 'Written offline']),
    );
    expect(await customerMessages(ticket.id, 'Written offline')).toBe(1);
    expect(net.state.posts).toBe(1);
    expect(localStorage.getItem(widgetDraftsKey('u-offline'))).toBeNull();

    // A flapping network afterwards sends nothing more.
    act(() => setBrowserOnline(false));
    act(() => setBrowserOnline(true));
    await waitFor(() => expect(second.result.current.screen).toBe('conversation'));
    await waitFor(() => expect(second.result.current.isLoading).toBe(false));
    expect(net.state.posts).toBe(1);
    expect(await customerMessages(ticket.id, 'Written offline')).toBe(1);
    // The list cache other hooks read saw nothing odd either.
    expect(queryClient.getQueryData<Pages<Ticket>>(tierdeskKeys.tickets.mine('u-offline'))).toBeUndefined();
  });

  it('resends a message whose answer was lost under the same key: stored once', async () => {
    const ticket = await server
      .userClient('u-lost')
      .createTicket({ body: { subject: 'Lost', body: 'Hello.' } });
    const net = breakableFetch();
    const announcements: WidgetAnnouncement[] = [];
    const { result } = renderHook(
      () => useWidget({ ...FAST, live: false, onAnnounce: (a) => announcements.push(a) }),
      {
        wrapper: widgetWrapper('u-lost', testQueryClient(), net.fetch),
      },
    );
    act(() => result.current.openTicket(ticket.id));
    await waitFor(() => expect(result.current.messages).toHaveLength(1));
    // The server stores the message, but its answer (and those of the client's own retries) never
    // arrive: the widget shows a network error, keeps the message queued and resends it by itself.
    net.state.loseAnswers = 3;
    act(() => result.current.changeComposer('Did you get this?'));
    act(() => result.current.sendMessage());
    expect(result.current.pendingMessages.map((m) => m.body)).toEqual(['Did you get this?']);
    await waitFor(() => expect(result.current.pendingMessages).toEqual([]), { timeout: 5_000 });
    expect(announcements).toContainEqual({ type: 'error', operation: 'sendMessage', code: 'network' });
    expect(result.current.error).toBeNull();
    expect(result.current.messages.map((m) => m.body)).toEqual(['Hello.', 'Did you get this?']);
    expect(net.state.posts).toBeGreaterThanOrEqual(4);
    expect(await customerMessages(ticket.id, 'Did you get this?')).toBe(1);
  });

  it('reset (logout) wipes the stored drafts of the identity', async () => {
    const net = breakableFetch();
    const { result } = renderHook(() => useWidget(FAST), {
      wrapper: widgetWrapper('u-reset', testQueryClient(), net.fetch),
    });
    act(() => result.current.newTicket({ subject: 'Secret subject', body: 'secret body' }));
    expect(localStorage.getItem(widgetDraftsKey('u-reset'))).toContain('Secret subject');
    localStorage.setItem(widgetDraftsKey('someone-else'), '{"outbox":[]}');
    act(() => result.current.reset());
    expect(localStorage.getItem(widgetDraftsKey('u-reset'))).toBeNull();
    expect(localStorage.getItem(widgetDraftsKey('someone-else'))).not.toBeNull();
    expect(result.current.draft).toEqual({ subject: '', body: '' });
    expect(result.current.screen).toBe('closed');
  });
});
