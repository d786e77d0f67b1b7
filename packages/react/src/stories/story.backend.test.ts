import { ErrorBodySchema, TierdeskApiError, TierdeskError } from '@tierdesk/core';
import { describe, expect, it } from 'vitest';
import { describeClock } from '../agent/sla-countdown/sla-countdown.logic';
import { createStoryBackend } from './story.backend';
import { STORY_USER } from './story.fixtures';

// The stories' in-memory API. Its answers go through the real typed client, which validates every
// one against the contract: a fixture that drifts from a schema fails here, not in a story.

const errorOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
};

describe('createStoryBackend', () => {
  it('answers the read routes with fixtures that pass the contract', async () => {
    const { client } = createStoryBackend();
    const mine = await client.listMyTickets({ query: { limit: 2 } });
    expect(mine.items).toHaveLength(2);
    expect(mine.items.every((t) => t.requester.id === STORY_USER.id)).toBe(true);
    const rest = await client.listMyTickets({ query: { limit: 2, cursor: mine.nextCursor ?? '' } });
    expect(rest.items.map((t) => t.subject)).toEqual(['Invoice shows the wrong VAT number']);
    expect(rest.nextCursor).toBeNull();

    // The requester's view: no internal notes, no assignee.
    const view = await client.getMyTicket({ params: { ticketId: 'tkt-vpn' } });
    expect(view.ticket.assigneeId).toBeNull();
    expect(view.events.some((e) => e.type === 'note.internal')).toBe(false);
    const agentView = await client.getTicket({ params: { ticketId: 'tkt-vpn' } });
    expect(agentView.events.some((e) => e.type === 'note.internal')).toBe(true);
    const firstReply = view.events.find((e) => e.type === 'message.public' && e.role === 'agent');
    expect(firstReply?.type === 'message.public' && firstReply.bodyNodes?.[0]?.type).toBe('paragraph');

    const hits = await client.searchArticles({ query: { q: 'vpn drops', locale: 'en' } });
    expect(hits.items[0]?.title).toBe('Fixing VPN drops');
    expect(hits.items[0]?.highlights.flat().some((run) => run.match && /vpn/i.test(run.text))).toBe(true);
    expect((await client.searchArticles({ query: { q: 'vpn', locale: 'ar' } })).items).toHaveLength(1);
    const article = await client.getArticle({ params: { articleId: 'art-vpn' } });
    expect(article.bodyNodes?.some((node) => node.type === 'heading')).toBe(true);

    expect((await client.queue({ query: { status: ['new'] } })).items.map((t) => t.number)).toEqual([1047]);
    expect((await client.queue({ query: { sla: 'breached' } })).items.map((t) => t.number)).toEqual([1045]);
    expect((await client.queue({ query: { assignee: 'none' } })).items).toHaveLength(1);
    expect(
      (await client.timeline({ params: { ticketId: 'tkt-vpn' }, query: {} })).items.length,
    ).toBeGreaterThan(3);
    expect((await client.requesterHistory({ params: { requesterId: STORY_USER.id } })).tickets).toHaveLength(
      3,
    );
    expect((await client.listAgents()).items.length).toBeGreaterThan(1);
    expect((await client.metrics({ query: {} })).csat.responses).toBeGreaterThan(0);
  });

  it('keeps the writes of one backend and nothing of another', async () => {
    const first = createStoryBackend();
    const created = await first.client.createTicket({
      body: { subject: 'Printer offline', body: 'It **jams**.' },
    });
    const again = await first.client.getMyTicket({ params: { ticketId: created.id } });
    const message = again.events.find((e) => e.type === 'message.public');
    expect(message?.type === 'message.public' && message.bodyNodes).toEqual([
      {
        type: 'paragraph',
        children: [
          { type: 'text', value: 'It ' },
          { type: 'strong', children: [{ type: 'text', value: 'jams' }] },
          { type: 'text', value: '.' },
        ],
      },
    ]);
    expect((await first.client.listMyTickets({ query: {} })).items[0]?.id).toBe(created.id);
    expect((await createStoryBackend().client.listMyTickets({ query: {} })).items).toHaveLength(3);
  });

  it('reopens a solved ticket on a reply and refuses a stale If-Match with 412', async () => {
    const { client } = createStoryBackend();
    const reopened = await client.replyAsUser({
      params: { ticketId: 'tkt-vat' },
      body: { body: 'It is back.' },
    });
    expect(reopened.status).toBe('open');
    expect(reopened.reopenCount).toBe(1);
    const error = await errorOf(
      client.updateTicket({ params: { ticketId: 'tkt-vat' }, body: { priority: 'high' }, ifMatch: 1 }),
    );
    expect(error).toBeInstanceOf(TierdeskApiError);
    expect((error as TierdeskApiError).code).toBe('precondition_failed');
    expect((error as TierdeskApiError).status).toBe(412);
  });

  it('starts empty in the empty scenario and adds a 200-message thread in the long one', async () => {
    const empty = createStoryBackend({ data: 'empty' });
    expect((await empty.client.listMyTickets({ query: {} })).items).toEqual([]);
    expect((await empty.client.searchArticles({ query: { q: 'vpn' } })).items).toEqual([]);
    expect((await empty.client.metrics({ query: {} })).csat.score).toBeNull();
    const long = createStoryBackend({ data: 'longThread' });
    const thread = await long.client.getMyTicket({ params: { ticketId: 'tkt-calendar' } });
    expect(thread.events.filter((e) => e.type === 'message.public')).toHaveLength(200);
  });

  it('adds a busy queue whose clocks are counted from now, in every state', async () => {
    const busy = createStoryBackend({ data: 'busyQueue' });
    const all = await busy.client.queue({ query: { limit: 100 } });
    expect(all.items).toHaveLength(46);
    const now = Date.now();
    const states = new Set(all.items.flatMap((t) => t.sla.map((clock) => describeClock(clock, now).state)));
    expect([...states].sort()).toEqual(['met', 'overdue', 'paused', 'running', 'warning']);
    const breached = await busy.client.queue({ query: { sla: 'breached', limit: 100 } });
    expect(breached.items.length).toBeGreaterThan(1);
    expect((await createStoryBackend().client.queue({ query: { limit: 100 } })).items).toHaveLength(6);
  });

  it('shows agents an escalation with its reason, and hides it from the requester', async () => {
    const { client } = createStoryBackend();
    const { events, ticket } = await client.getTicket({ params: { ticketId: 'tkt-mobile' } });
    const moved = events.find((e) => e.type === 'tier.changed');
    expect(moved).toMatchObject({ from: 1, to: ticket.tier, reason: expect.stringContaining('Android 15') });
    expect(events[0]).toMatchObject({ type: 'ticket.created', tier: 1 });
  });

  it('fails the chosen routes with the API error body, the rest answering', async () => {
    const backend = createStoryBackend({ fail: ['createTicket'], error: { code: 'rate_limited' } });
    const error = await errorOf(backend.client.createTicket({ body: { subject: 'x', body: 'y' } }));
    expect(error).toBeInstanceOf(TierdeskApiError);
    expect((error as TierdeskApiError).code).toBe('rate_limited');
    expect((error as TierdeskApiError).status).toBe(429);
    expect((await backend.client.listMyTickets({ query: {} })).items).toHaveLength(3);

    const raw = await createStoryBackend({ fail: 'all' }).fetch('https://help.example.com/v1/tickets');
    expect(raw.status).toBe(503);
    expect(ErrorBodySchema.safeParse(await raw.json()).success).toBe(true);
  });

  it('leaves hanging routes pending until the call is aborted', async () => {
    const { client, calls } = createStoryBackend({ hang: ['listMyTickets'] });
    const controller = new AbortController();
    const pending = client.listMyTickets({ query: {} }, { signal: controller.signal });
    const raced = await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, 50, 'still'))]);
    expect(raced).toBe('still');
    expect(calls.at(-1)).toMatchObject({ route: 'listMyTickets', status: null });
    controller.abort();
    const error = await errorOf(pending);
    expect((error as TierdeskError).code).toBe('aborted');
  });

  it('fails every call as a network error when offline', async () => {
    const error = await errorOf(createStoryBackend({ offline: true }).client.listMyTickets({ query: {} }));
    expect(error).toBeInstanceOf(TierdeskError);
    expect((error as TierdeskError).code).toBe('network');
  });

  it('streams stream.ready, then what happens to tickets, until aborted', async () => {
    const backend = createStoryBackend();
    const controller = new AbortController();
    const response = await backend.fetch('https://help.example.com/v1/stream', { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const read = async () => decoder.decode((await reader.read()).value);
    expect(await read()).toContain('"type":"stream.ready"');
    backend.agentReplies('tkt-export', 'Any luck?');
    expect(await read()).toContain('"type":"timeline.appended"');
    controller.abort();
  });
});
