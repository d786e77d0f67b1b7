import { createLeanClient, TierdeskApiError, type TierdeskClient, TierdeskError } from '@tierdesk/core/lean';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDatabase, migrate, type SqlDatabase } from '../src/store';
import { startTestServer, type TestServer } from './support/server';
import { openSse } from './support/sse';
import { waitUntil } from './support/wait';

// createLeanClient (no client-side schemas, what the widget ships) against the real server: it must
// answer exactly what the validating createClient answers, and bad input must still come back as a
// typed error — the server's, with the issue path.

let db: SqlDatabase;
let server: TestServer;

beforeAll(async () => {
  db = await createPgliteDatabase();
  await migrate(db);
  server = await startTestServer(db, { assistant: false });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await db?.close();
});

function leanUser(userId: string): TierdeskClient {
  let token: Promise<string> | undefined;
  return createLeanClient({ baseUrl: server.baseUrl, getToken: () => (token ??= server.tokenFor(userId)) });
}

describe('createLeanClient against the real server', () => {
  it('answers exactly what the validating client answers, route for route', async () => {
    const full = server.userClient('u-lean');
    const lean = leanUser('u-lean');
    const agent = await server.agentClient('agent-l1');
    const created = await lean.createTicket({
      body: { subject: 'Lean', body: 'Sent **without** client checks' },
    });
    await agent.replyAsAgent({ params: { ticketId: created.id }, body: { body: 'A _reply_' } });
    await agent.createArticle({ body: { title: 'Lean search', body: 'lean article', published: true } });

    expect(await lean.getMyTicket({ params: { ticketId: created.id } })).toEqual(
      await full.getMyTicket({ params: { ticketId: created.id } }),
    );
    expect(await lean.listMyTickets({ query: { limit: 5 } })).toEqual(
      await full.listMyTickets({ query: { limit: 5 } }),
    );
    expect(await lean.searchArticles({ query: { q: 'lean' } })).toEqual(
      await full.searchArticles({ query: { q: 'lean' } }),
    );
    const leanAgent = createLeanClient({
      baseUrl: server.baseUrl,
      getToken: () => server.apiKeyFor('agent-l1'),
    });
    expect(await leanAgent.getTicket({ params: { ticketId: created.id } })).toEqual(
      await agent.getTicket({ params: { ticketId: created.id } }),
    );
    expect(await leanAgent.queue({ query: { limit: 10 } })).toEqual(
      await agent.queue({ query: { limit: 10 } }),
    );
    expect(await leanAgent.requesterHistory({ params: { requesterId: created.requester.id } })).toEqual(
      await agent.requesterHistory({ params: { requesterId: created.requester.id } }),
    );
  });

  it('turns the server’s rejection of bad input into a typed error with the issue path', async () => {
    const lean = leanUser('u-lean-bad');
    const error = await lean.createTicket({ body: { subject: '', body: 'x' } as never }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TierdeskApiError);
    const api = error as TierdeskApiError;
    expect(api.status).toBe(400);
    expect(api.code).toBe('validation_failed');
    expect(api.issues?.some((issue) => issue.path.join('.') === 'subject')).toBe(true);
    // A missing path parameter is caught before sending, as a typed error too.
    await expect(lean.getMyTicket({ params: {} as never })).rejects.toMatchObject({
      code: 'validation_failed',
      location: 'params',
      issues: [{ path: ['ticketId'] }],
    });
    // Nothing was stored.
    expect((await lean.listMyTickets()).items).toEqual([]);
  });

  it('reads a live event stream through parseStreamEvent and refuses foreign messages', async () => {
    const lean = leanUser('u-lean-stream');
    const token = await server.tokenFor('u-lean-stream');
    const stream = await openSse(lean.streamUrl('userStream'), { authorization: `Bearer ${token}` }, (m) =>
      lean.parseStreamEvent(JSON.parse(m.data)),
    );
    try {
      const ticket = await lean.createTicket({ body: { subject: 'Live', body: 'stream me' } });
      await waitUntil(
        () => stream.events.some((e) => e.type === 'ticket.updated' && e.ticket.id === ticket.id),
        'the new ticket on the lean client stream',
      );
    } finally {
      stream.close();
    }
    for (const bad of [null, 'text', { type: 'ticket.deleted' }, { type: 'timeline.appended' }]) {
      expect(() => lean.parseStreamEvent(bad)).toThrow(TierdeskError);
    }
  });
});
