// @vitest-environment jsdom
import type { QueryClient } from '@tanstack/react-query';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { createClient, TierdeskApiError, type TierdeskClient } from '@tierdesk/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestServer } from '../../../node/tests/support/server';
import { tierdeskKeys } from '../query-keys';
import { isTierdeskConflict, TierdeskConflictError } from './errors';
import { openServer, providerWrapper, testQueryClient } from './hooks.test-support';
import { useAddNote } from './use-add-note';
import { useAgentReply } from './use-agent-reply';
import { useCreateArticle } from './use-create-article';
import { useCreateSlaPolicy } from './use-create-sla-policy';
import { useDeleteSlaPolicy } from './use-delete-sla-policy';
import { useEscalate } from './use-escalate';
import { useQueue } from './use-queue';
import { useSlaPolicies } from './use-sla-policies';
import { useTicket } from './use-ticket';
import { useUpdateTicket } from './use-update-ticket';

// Agent hooks against the real server (createTierdesk over PGlite, node:http on 127.0.0.1).

let server: TestServer;
let close: () => Promise<void>;
let queryClient: QueryClient;
let lee: TierdeskClient;

beforeAll(async () => {
  ({ server, close } = await openServer());
  lee = await server.agentClient('agent-l1');
}, 60_000);
afterAll(async () => {
  await close?.();
});
beforeEach(() => {
  queryClient = testQueryClient();
});
afterEach(() => {
  cleanup();
});

async function agentWrapper(agentId: string) {
  const key = await server.apiKeyFor(agentId);
  return providerWrapper({ baseUrl: server.baseUrl, getToken: () => key, identity: agentId, queryClient });
}

async function newTicket(subject: string) {
  return server
    .userClient('u-ada', 'acme', { name: 'Ada' })
    .createTicket({ body: { subject, body: 'Help.' } });
}

describe('agent hooks over a real server', () => {
  it('updates with If-Match = the cached version; a stale one is a typed conflict that refetches', async () => {
    const ticket = await newTicket('Login loops');
    const { result } = renderHook(
      () => ({ queue: useQueue({ status: ['new'] }), view: useTicket(ticket.id), update: useUpdateTicket() }),
      { wrapper: await agentWrapper('agent-l1') },
    );
    await waitFor(() => expect(result.current.view.isSuccess && result.current.queue.isSuccess).toBe(true));
    expect(result.current.queue.data?.pages[0]?.items.map((t) => t.id)).toEqual([ticket.id]);
    const seen = result.current.view.data?.ticket.version ?? -1;

    const updated = await act(() =>
      result.current.update.mutateAsync({ ticketId: ticket.id, priority: 'high' }),
    );
    expect(updated).toMatchObject({ priority: 'high', version: seen + 1 });
    // The view and the queue page hold the returned ticket.
    const viewKey = tierdeskKeys.tickets.ticket('agent-l1', ticket.id);
    expect(queryClient.getQueryData<{ ticket: unknown }>(viewKey)?.ticket).toEqual(updated);
    await waitFor(() => expect(result.current.view.data?.ticket.version).toBe(updated.version));

    // Another agent changes the ticket behind this one's back: the cache still says `updated.version`.
    const kim = await server.agentClient('agent-l2');
    const theirs = await kim.updateTicket({ params: { ticketId: ticket.id }, body: { priority: 'urgent' } });
    expect(theirs.version).toBe(updated.version + 1);

    let failure: unknown;
    await act(async () => {
      failure = await result.current.update.mutateAsync({ ticketId: ticket.id, priority: 'low' }).then(
        () => null,
        (error: unknown) => error,
      );
    });
    expect(failure).toBeInstanceOf(TierdeskConflictError);
    expect(isTierdeskConflict(failure)).toBe(true);
    expect(failure).toMatchObject({
      code: 'precondition_failed',
      ticketId: ticket.id,
      staleVersion: updated.version,
      cause: { status: 412 },
    });
    await waitFor(() => expect(result.current.update.error).toBe(failure));
    // The ticket view refetches: the agent now sees the other agent's change, not their own.
    await waitFor(() => expect(result.current.view.data?.ticket.version).toBe(theirs.version));
    expect(result.current.view.data?.ticket.priority).toBe('urgent');

    // Redone on the fresh version, the change goes through.
    const redone = await act(() =>
      result.current.update.mutateAsync({ ticketId: ticket.id, priority: 'low' }),
    );
    expect(redone).toMatchObject({ priority: 'low', version: theirs.version + 1 });
  });

  it('takes the version from a cached queue page when the ticket view is not loaded', async () => {
    const ticket = await newTicket('Queue only');
    const { result } = renderHook(() => ({ queue: useQueue(), update: useUpdateTicket() }), {
      wrapper: await agentWrapper('agent-l1'),
    });
    await waitFor(() => expect(result.current.queue.isSuccess).toBe(true));
    await lee.updateTicket({ params: { ticketId: ticket.id }, body: { tags: ['vip'] } });
    let failure: unknown;
    await act(async () => {
      failure = await result.current.update.mutateAsync({ ticketId: ticket.id, priority: 'high' }).then(
        () => null,
        (error: unknown) => error,
      );
    });
    expect(isTierdeskConflict(failure)).toBe(true);
  });

  it('replies, notes and escalates: each answer lands in the ticket view, the timeline refetches', async () => {
    const ticket = await newTicket('Needs a specialist');
    const { result } = renderHook(
      () => ({
        view: useTicket(ticket.id),
        reply: useAgentReply(),
        note: useAddNote(),
        escalate: useEscalate(),
      }),
      { wrapper: await agentWrapper('agent-l1') },
    );
    await waitFor(() => expect(result.current.view.isSuccess).toBe(true));
    const viewKey = tierdeskKeys.tickets.ticket('agent-l1', ticket.id);

    const replied = await act(() =>
      result.current.reply.mutateAsync({
        ticketId: ticket.id,
        body: 'Looking into it.',
        ifMatch: result.current.view.data?.ticket.version,
      }),
    );
    expect(replied.status).toBe('open');
    expect(queryClient.getQueryData<{ ticket: unknown }>(viewKey)?.ticket).toEqual(replied);
    await waitFor(() =>
      expect(
        result.current.view.data?.events.some(
          (e) => e.type === 'message.public' && e.body === 'Looking into it.',
        ),
      ).toBe(true),
    );

    await act(() => result.current.note.mutateAsync({ ticketId: ticket.id, body: 'internal: VIP' }));
    await waitFor(() =>
      expect(result.current.view.data?.events.some((e) => e.type === 'note.internal')).toBe(true),
    );

    const escalated = await act(() =>
      result.current.escalate.mutateAsync({ ticketId: ticket.id, reason: 'needs a specialist' }),
    );
    expect(escalated.tier).toBe(2);
    await waitFor(() => expect(result.current.view.data?.ticket.tier).toBe(2));

    // A stale explicit If-Match on a versioned action is a conflict too.
    let failure: unknown;
    await act(async () => {
      failure = await result.current.reply
        .mutateAsync({ ticketId: ticket.id, body: 'late', ifMatch: replied.version })
        .then(
          () => null,
          (error: unknown) => error,
        );
    });
    expect(failure).toMatchObject({ code: 'precondition_failed', staleVersion: replied.version });
  });

  it('bad input is a typed validation error with its issue path: from the server with the default client, before sending with createClient', async () => {
    const ticket = await newTicket('Escalation without reason');
    const lee = await server.agentClient('agent-l1');
    const before = await lee.getTicket({ params: { ticketId: ticket.id } });
    const { result } = renderHook(() => useEscalate(), { wrapper: await agentWrapper('agent-l1') });
    let failure: unknown;
    await act(async () => {
      failure = await result.current.mutateAsync({ ticketId: ticket.id, reason: ' ' }).then(
        () => null,
        (error: unknown) => error,
      );
    });
    // The provider's own (lean) client leaves validation to the server: a 400 with the issue path.
    expect(failure).toBeInstanceOf(TierdeskApiError);
    expect(failure).toMatchObject({ code: 'validation_failed', status: 400 });
    expect((failure as TierdeskApiError).issues?.map((issue) => issue.path.join('.'))).toContain('reason');

    // A validating client given to the provider refuses it before anything is sent.
    const key = await server.apiKeyFor('agent-l1');
    const validating = createClient({ baseUrl: server.baseUrl, getToken: () => key });
    const checked = renderHook(() => useEscalate(), {
      wrapper: providerWrapper({ client: validating, identity: 'agent-l1', queryClient }),
    });
    await act(async () => {
      failure = await checked.result.current.mutateAsync({ ticketId: ticket.id, reason: ' ' }).then(
        () => null,
        (error: unknown) => error,
      );
    });
    expect(failure).toMatchObject({ code: 'validation_failed', location: 'body' });
    const after = await lee.getTicket({ params: { ticketId: ticket.id } });
    expect(after.ticket.tier).toBe(before.ticket.tier);
    expect(after.ticket.version).toBe(before.ticket.version);
  });

  it('manages a policy list: created and deleted policies show in the cached list', async () => {
    const { result } = renderHook(
      () => ({ list: useSlaPolicies(), create: useCreateSlaPolicy(), remove: useDeleteSlaPolicy() }),
      { wrapper: await agentWrapper('agent-l1') },
    );
    await waitFor(() => expect(result.current.list.isSuccess).toBe(true));
    const before = result.current.list.data?.map((p) => p.id) ?? [];
    const created = await act(() =>
      result.current.create.mutateAsync({
        id: 'sla-vip',
        name: 'VIP',
        kind: 'sla',
        active: true,
        position: 1,
        conditions: {},
        targets: { first_response: { minutes: 15 } },
      }),
    );
    expect(created.id).toBe('sla-vip');
    await waitFor(() => expect(result.current.list.data?.map((p) => p.id)).toEqual([...before, 'sla-vip']));
    await act(() => result.current.remove.mutateAsync({ id: 'sla-vip' }));
    await waitFor(() => expect(result.current.list.data?.map((p) => p.id)).toEqual(before));
    expect((await lee.listSlaPolicies()).items.map((p) => p.id)).toEqual(before);
  });

  it('creates an article that an end user then finds', async () => {
    const { result } = renderHook(() => useCreateArticle(), { wrapper: await agentWrapper('agent-l1') });
    const article = await act(() =>
      result.current.mutateAsync({
        title: 'Exporting to CSV',
        body: 'Use the export button.',
        published: true,
      }),
    );
    const hits = await server.userClient('u-ada').searchArticles({ query: { q: 'export csv' } });
    expect(hits.items.map((h) => h.id)).toContain(article.id);
  });
});
