// @vitest-environment jsdom

import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { QueryClient } from '@tanstack/react-query';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import type { StreamEvent, TierdeskClient } from '@tierdesk/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../../node/tests/support/server';
import { tierdeskKeys } from '../query-keys';
import { openServer, providerWrapper, testQueryClient } from './hooks.test-support';
import { useMyTicket } from './use-my-ticket';
import { useTicket } from './use-ticket';
import { useTicketStream } from './use-ticket-stream';

// useTicketStream against the real server (createTierdesk over PGlite on a real socket). The browser
// side talks to it through a TCP proxy the tests can cut, so a dropped connection is a real one.

let server: TestServer;
let close: () => Promise<void>;
let lee: TierdeskClient;
let proxy: Proxy;

interface Proxy {
  baseUrl: string;
  /** The first bytes of every connection the browser side opened (its request line and headers). */
  requests: string[];
  /** Every connection the browser side opened: its latest request's head, and whether it has ended. */
  connections: { request: string; closed: boolean }[];
  /** Destroys every open connection, both sides. */
  drop(): void;
  /** While refusing, new connections are closed at once. */
  refuse(on: boolean): void;
  close(): Promise<void>;
}

async function startProxy(target: string): Promise<Proxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  const connections: { request: string; closed: boolean }[] = [];
  let refusing = false;
  const tcp: Server = createServer((inbound) => {
    if (refusing) {
      inbound.destroy();
      return;
    }
    const outbound = connect(Number(port), hostname);
    sockets.add(inbound);
    sockets.add(outbound);
    const connection = { request: '', closed: false };
    connections.push(connection);
    // Keep-alive connections carry several requests: remember the latest one.
    inbound.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (!/^[A-Z]+ \/\S* HTTP\/1/.test(text)) return;
      connection.request = text;
      requests.push(text);
    });
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    const end = () => {
      connection.closed = true;
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const address = tcp.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    requests,
    connections,
    drop() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    refuse(on) {
      refusing = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        tcp.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  ({ server, close } = await openServer());
  lee = await server.agentClient('agent-l1');
  proxy = await startProxy(server.baseUrl);
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await close?.();
});
afterEach(() => {
  cleanup();
  proxy.refuse(false);
});

/** A fetch that counts the GETs of each path (to prove the cache was not refetched). */
function countingFetch() {
  const gets = new Map<string, number>();
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.method === 'GET') {
      const path = new URL(request.url).pathname;
      gets.set(path, (gets.get(path) ?? 0) + 1);
    }
    return globalThis.fetch(request);
  };
  return { fetch, gets };
}

function userWrapper(userId: string, queryClient: QueryClient, fetch: typeof globalThis.fetch) {
  return providerWrapper({
    baseUrl: proxy.baseUrl,
    getToken: () => server.tokenFor(userId),
    identity: userId,
    queryClient,
    clientOptions: { fetch },
  });
}

const FAST = { backoff: { initialDelayMs: 40, maxDelayMs: 200 } } as const;

describe('useTicketStream over a real server', () => {
  it("brings an agent's reply into the end user's cached ticket without refetching it", async () => {
    const ticket = await server
      .userClient('u-stream')
      .createTicket({ body: { subject: 'Sync stuck', body: 'Since noon.' } });
    const queryClient = testQueryClient();
    const counting = countingFetch();
    const { result } = renderHook(
      () => ({ stream: useTicketStream({ scope: 'user', ...FAST }), detail: useMyTicket(ticket.id) }),
      { wrapper: userWrapper('u-stream', queryClient, counting.fetch) },
    );
    await waitFor(() => expect(result.current.stream.status).toBe('open'));
    await waitFor(() => expect(result.current.detail.isSuccess && queryClient.isFetching() === 0).toBe(true));
    expect(result.current.stream.lastEventId).toMatch(/^\d+-\d+/);
    const detailPath = `/v1/tickets/${ticket.id}`;
    const fetchesBefore = counting.gets.get(detailPath) ?? 0;
    // The credential travelled in the header, never in the URL.
    const streamRequest = proxy.requests.find((r) => r.startsWith('GET /v1/stream'));
    expect(streamRequest).toMatch(/authorization: Bearer /i);
    expect(streamRequest?.split('\r\n')[0]).not.toMatch(/access_token/);

    const replied = await lee.replyAsAgent({
      params: { ticketId: ticket.id },
      body: { body: 'Please restart the sync.' },
    });
    await waitFor(() =>
      expect(
        result.current.detail.data?.events.some(
          (e) => e.type === 'message.public' && e.body === 'Please restart the sync.',
        ),
      ).toBe(true),
    );
    await waitFor(() => expect(result.current.detail.data?.ticket.version).toBe(replied.version));
    expect(counting.gets.get(detailPath) ?? 0).toBe(fetchesBefore);
    expect(
      queryClient.getQueryState(tierdeskKeys.tickets.myTicket('u-stream', ticket.id))?.isInvalidated,
    ).toBe(false);
    // Agents' internal notes never reach the end user's stream.
    await lee.addNote({ params: { ticketId: ticket.id }, body: { body: 'internal: check logs' } });
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'Second reply.' } });
    await waitFor(() =>
      expect(
        result.current.detail.data?.events.some(
          (e) => e.type === 'message.public' && e.body === 'Second reply.',
        ),
      ).toBe(true),
    );
    expect(result.current.detail.data?.events.some((e) => e.type === 'note.internal')).toBe(false);
  });

  it('reconnects after a dropped connection and resumes with Last-Event-ID: no duplicate, no gap', async () => {
    const ticket = await server
      .userClient('u-drop')
      .createTicket({ body: { subject: 'Drops', body: 'Flaky.' } });
    const queryClient = testQueryClient();
    const counting = countingFetch();
    const received: StreamEvent[] = [];
    const statuses: string[] = [];
    const { result } = renderHook(
      () => {
        const stream = useTicketStream({ scope: 'user', ...FAST, onEvent: (e) => received.push(e) });
        if (statuses.at(-1) !== stream.status) statuses.push(stream.status);
        return { stream, detail: useMyTicket(ticket.id) };
      },
      { wrapper: userWrapper('u-drop', queryClient, counting.fetch) },
    );
    await waitFor(() => expect(result.current.stream.status).toBe('open'));
    await waitFor(() => expect(result.current.detail.isSuccess && queryClient.isFetching() === 0).toBe(true));
    const reply = (body: string) => lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body } });

    await reply('one');
    await waitFor(() => expect(bodiesIn(received)).toEqual(['one']));
    const positionBeforeDrop = result.current.stream.lastEventId;
    const detailFetches = counting.gets.get(`/v1/tickets/${ticket.id}`);

    // Cut the connection and keep the server unreachable while two more replies are written.
    proxy.refuse(true);
    act(() => proxy.drop());
    await waitFor(() => expect(result.current.stream.status).toBe('reconnecting'));
    await reply('two');
    await reply('three');
    proxy.refuse(false);
    await waitFor(() => expect(bodiesIn(received)).toEqual(['one', 'two', 'three']));
    await waitFor(() => expect(result.current.stream.status).toBe('open'));
    await reply('four');
    await waitFor(() => expect(bodiesIn(received)).toEqual(['one', 'two', 'three', 'four']));

    // The reconnection carried the position reached before the drop.
    const resumed = proxy.requests.filter((r) => r.startsWith('GET /v1/stream')).at(-1) ?? '';
    expect(resumed.toLowerCase()).toContain(`last-event-id: ${positionBeforeDrop}`);
    // Each event of the user's (public) timeline arrived exactly once, in order, none missing.
    const truth = await server.userClient('u-drop').getMyTicket({ params: { ticketId: ticket.id } });
    const seqs = received.flatMap((e) => (e.type === 'timeline.appended' ? [e.event.seq] : []));
    expect(seqs.length).toBeGreaterThanOrEqual(4);
    expect(seqs).toEqual(truth.events.map((e) => e.seq).filter((seq) => seq >= (seqs[0] ?? 0)));
    // The cache matches the server's timeline, and got there without refetching the ticket.
    expect(result.current.detail.data?.events.map((e) => e.seq)).toEqual(truth.events.map((e) => e.seq));
    expect(result.current.detail.data?.ticket.version).toBe(truth.ticket.version);
    expect(counting.gets.get(`/v1/tickets/${ticket.id}`)).toBe(detailFetches);
    expect(statuses).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });

  it('feeds the agent view from the workspace stream; a new identity gets a new connection; unmount closes it', async () => {
    const ada = server.userClient('u-agentview');
    const ticket = await ada.createTicket({ body: { subject: 'Agent view', body: 'Hello.' } });
    const queryClient = testQueryClient();
    const keys = {
      'agent-l1': await server.apiKeyFor('agent-l1'),
      'agent-l2': await server.apiKeyFor('agent-l2'),
    };
    let who: keyof typeof keys = 'agent-l1';
    const { result, rerender, unmount } = renderHook(
      () => ({ stream: useTicketStream({ scope: 'agent', ...FAST }), view: useTicket(ticket.id) }),
      {
        wrapper: ({ children }) =>
          providerWrapper({
            baseUrl: proxy.baseUrl,
            getToken: () => keys[who],
            identity: who,
            queryClient,
          })({ children }),
      },
    );
    await waitFor(() => expect(result.current.stream.status).toBe('open'));
    await waitFor(() => expect(result.current.view.isSuccess && queryClient.isFetching() === 0).toBe(true));
    await ada.replyAsUser({ params: { ticketId: ticket.id }, body: { body: 'More details.' } });
    await waitFor(() =>
      expect(
        result.current.view.data?.events.some(
          (e) => e.type === 'message.public' && e.body === 'More details.',
        ),
      ).toBe(true),
    );
    const agentStreams = () => proxy.connections.filter((c) => c.request.startsWith('GET /v1/agent/stream'));
    expect(agentStreams().filter((c) => !c.closed)).toHaveLength(1);
    expect(result.current.stream.lastEventId).not.toBeNull();

    // Another agent signs in: the first connection closes, a fresh one (no position of the previous
    // identity) opens with the new credential.
    who = 'agent-l2';
    rerender();
    await waitFor(() => expect(result.current.stream.status).toBe('open'));
    await waitFor(() => expect(agentStreams().filter((c) => !c.closed)).toHaveLength(1));
    const second = agentStreams().at(-1)?.request.toLowerCase() ?? '';
    expect(second).toContain(`authorization: bearer ${keys['agent-l2'].toLowerCase()}`);
    expect(second).not.toContain('last-event-id');

    unmount();
    await waitFor(() => expect(agentStreams().every((c) => c.closed)).toBe(true));
  });
});

function bodiesIn(events: StreamEvent[]): string[] {
  return events.flatMap((e) =>
    e.type === 'timeline.appended' && e.event.type === 'message.public' && e.event.role === 'agent'
      ? [e.event.body]
      : [],
  );
}
