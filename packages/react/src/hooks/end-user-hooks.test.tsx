// @vitest-environment jsdom
import type { QueryClient } from '@tanstack/react-query';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { type Ticket, TierdeskApiError } from '@tierdesk/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../../node/tests/support/server';
import { tierdeskKeys } from '../query-keys';
import { openServer, providerWrapper, testQueryClient } from './hooks.test-support';
import type { Pages } from './hooks.types';
import { useArticleSearch } from './use-article-search';
import { useCreateTicket } from './use-create-ticket';
import { useMyTicket } from './use-my-ticket';
import { useMyTickets } from './use-my-tickets';
import { useReply } from './use-reply';

// End-user hooks against the real server (createTierdesk over PGlite, node:http on 127.0.0.1).

let server: TestServer;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ server, close } = await openServer());
}, 60_000);
afterAll(async () => {
  await close?.();
});
afterEach(() => {
  cleanup();
});

function userWrapper(userId: string, queryClient: QueryClient, token?: () => Promise<string>) {
  return providerWrapper({
    baseUrl: server.baseUrl,
    getToken: token ?? (() => server.tokenFor(userId)),
    identity: userId,
    queryClient,
  });
}

describe('end-user hooks over a real server', () => {
  it('creates a ticket, lists it, reads it, replies: the detail takes the returned ticket', async () => {
    const queryClient = testQueryClient();
    const { result, rerender } = renderHook(
      ({ ticketId }: { ticketId: string | undefined }) => ({
        list: useMyTickets({ limit: 10 }),
        create: useCreateTicket(),
        detail: useMyTicket(ticketId),
        reply: useReply(),
      }),
      {
        wrapper: userWrapper('u-ada', queryClient),
        initialProps: { ticketId: undefined as string | undefined },
      },
    );

    await waitFor(() => expect(result.current.list.isSuccess).toBe(true));
    expect(result.current.list.data?.pages[0]?.items).toEqual([]);
    // No id yet: the detail query stays idle instead of calling the server with a blank id.
    expect(result.current.detail.fetchStatus).toBe('idle');

    const created = await act(() =>
      result.current.create.mutateAsync({ subject: 'Export is empty', body: 'The CSV has no rows.' }),
    );
    expect(created).toMatchObject({ subject: 'Export is empty', requester: { id: 'u-ada' } });
    // Written into the cached list as the mutation settles (no refetch needed to show it)...
    const listKey = tierdeskKeys.tickets.mine('u-ada', { limit: 10 });
    expect(queryClient.getQueryData<Pages<Ticket>>(listKey)?.pages[0]?.items.map((t) => t.id)).toEqual([
      created.id,
    ]);
    // ...and the list is refetched, the server agreeing.
    expect(queryClient.getQueryState(listKey)?.isInvalidated).toBe(true);
    await waitFor(() => expect(queryClient.getQueryState(listKey)?.isInvalidated).toBe(false));
    expect(result.current.list.data?.pages[0]?.items.map((t) => t.id)).toEqual([created.id]);

    rerender({ ticketId: created.id });
    await waitFor(() => expect(result.current.detail.isSuccess).toBe(true));
    const before = result.current.detail.data;
    expect(before?.events.map((e) => e.type)).toEqual(['ticket.created', 'message.public']);

    const replied = await act(() =>
      result.current.reply.mutateAsync({ ticketId: created.id, body: 'Still empty today.' }),
    );
    expect(replied.version).toBeGreaterThan(before?.ticket.version ?? Number.POSITIVE_INFINITY);
    // The detail holds the ticket the server returned, before any refetch.
    const cached = queryClient.getQueryData<typeof before>(
      tierdeskKeys.tickets.myTicket('u-ada', created.id),
    );
    expect(cached?.ticket).toEqual(replied);
    // ...and the timeline is refetched, so the reply shows up.
    await waitFor(() =>
      expect(result.current.detail.data?.events.filter((e) => e.type === 'message.public')).toHaveLength(2),
    );
    expect(result.current.detail.data?.ticket.version).toBe(replied.version);
    expect(result.current.list.data?.pages[0]?.items[0]?.version).toBe(replied.version);
  });

  it('pages the list with the keyset cursor', async () => {
    const bob = server.userClient('u-bob');
    for (let i = 0; i < 3; i++) await bob.createTicket({ body: { subject: `T${i}`, body: 'b' } });
    const { result } = renderHook(() => useMyTickets({ limit: 2 }), {
      wrapper: userWrapper('u-bob', testQueryClient()),
    });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.hasNextPage).toBe(true);
    await act(() => result.current.fetchNextPage());
    await waitFor(() => expect(result.current.data?.pages).toHaveLength(2));
    expect(result.current.data?.pages.flatMap((p) => p.items.map((t) => t.subject))).toEqual([
      'T2',
      'T1',
      'T0',
    ]);
    expect(result.current.hasNextPage).toBe(false);
  });

  it('keeps two identities apart in one QueryClient', async () => {
    const carol = server.userClient('u-carol');
    await carol.createTicket({ body: { subject: 'Carol only', body: 'private' } });
    const queryClient = testQueryClient();
    const { result: asCarol } = renderHook(() => useMyTickets(), {
      wrapper: userWrapper('u-carol', queryClient),
    });
    await waitFor(() => expect(asCarol.current.isSuccess).toBe(true));
    expect(asCarol.current.data?.pages[0]?.items.map((t) => t.subject)).toEqual(['Carol only']);

    // Dave signs in on the same tab and cache: his list never starts from Carol's entry.
    const { result: asDave } = renderHook(() => useMyTickets(), {
      wrapper: userWrapper('u-dave', queryClient),
    });
    expect(asDave.current.data).toBeUndefined();
    await waitFor(() => expect(asDave.current.isSuccess).toBe(true));
    expect(asDave.current.data?.pages[0]?.items).toEqual([]);
    expect(queryClient.getQueryData(tierdeskKeys.tickets.mine('u-carol'))).toBeDefined();
  });

  it('searches articles: idle while blank, ranked hits once typed', async () => {
    const lee = await server.agentClient('agent-l1');
    const article = await lee.createArticle({
      body: {
        title: 'Resetting your password',
        body: 'Open settings, choose Reset password.',
        published: true,
      },
    });
    await lee.createArticle({ body: { title: 'Draft about passwords', body: 'not yet', published: false } });

    const { result, rerender } = renderHook(({ q }: { q: string }) => useArticleSearch({ q }), {
      wrapper: userWrapper('u-ada', testQueryClient()),
      initialProps: { q: '   ' },
    });
    expect(result.current.fetchStatus).toBe('idle');
    rerender({ q: 'reset passwords' });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data?.items.map((h) => h.id)).toEqual([article.id]);
    expect(result.current.data?.items[0]?.highlights.flat().some((r) => r.match)).toBe(true);
  });

  it('surfaces the server refusing a ticket that is not the user’s as a typed error', async () => {
    const erin = server.userClient('u-erin');
    const theirs = await erin.createTicket({ body: { subject: 'Erin’s', body: 'x' } });
    const { result } = renderHook(() => useMyTicket(theirs.id), {
      wrapper: userWrapper('u-frank', testQueryClient()),
    });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error).toBeInstanceOf(TierdeskApiError);
    expect(result.current.error).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('wraps a failing getToken in a TierdeskError that keeps the cause', async () => {
    const boom = new Error('session expired');
    const { result } = renderHook(() => useMyTickets(), {
      wrapper: userWrapper('u-gina', testQueryClient(), () => Promise.reject(boom)),
    });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error).toMatchObject({
      code: 'unexpected',
      message: 'session expired',
      cause: boom,
    });
  });
});
