import { type TierdeskApiError, TierdeskError } from '@tierdesk/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStores } from './support/databases';
import { startTestServer, type TestServer } from './support/server';

async function apiError(promise: Promise<unknown>): Promise<TierdeskApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TierdeskError) return error as TierdeskApiError;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describeStores('HTTP API over a real socket', ({ db }) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(db());
  });
  afterEach(async () => {
    await server.close();
  });

  describe('end user', () => {
    it('opens a ticket, lists it, reads it with its public timeline, replies', async () => {
      const ada = server.userClient('u-ada', 'acme', { name: 'Ada' });
      const created = await ada.createTicket({
        body: { subject: 'Export is empty', body: 'The CSV has no rows.' },
      });
      expect(created).toMatchObject({
        subject: 'Export is empty',
        status: 'new',
        tier: 0,
        number: 1,
        version: 1,
      });
      expect(created.id).toMatch(/^tkt_[0-9A-Za-z]{22}$/);
      expect(created.sla.some((c) => c.metric === 'first_response' && c.status === 'running')).toBe(true);

      const page = await ada.listMyTickets({ query: {} });
      expect(page.items.map((t) => t.id)).toEqual([created.id]);
      expect(page.items[0]?.tier).toBe(1); // no article to offer: the assistant handed it to L1
      expect(page.nextCursor).toBeNull();

      const read = await ada.getMyTicket({ params: { ticketId: created.id } });
      expect(read.events.map((e) => e.type)).toEqual(['ticket.created', 'message.public']);

      const replied = await ada.replyAsUser({
        params: { ticketId: created.id },
        body: { body: 'Still empty today.' },
      });
      expect(replied.version).toBe(3);
    });

    it("never sees another user's or another workspace's ticket (404, not 403)", async () => {
      const ada = server.userClient('u-ada');
      const bob = server.userClient('u-bob');
      const eve = server.userClient('u-ada', 'globex'); // same user id, other workspace
      const ticket = await ada.createTicket({ body: { subject: 'Mine', body: 'private' } });
      for (const other of [bob, eve]) {
        expect((await apiError(other.getMyTicket({ params: { ticketId: ticket.id } }))).code).toBe(
          'not_found',
        );
        expect(
          (await apiError(other.replyAsUser({ params: { ticketId: ticket.id }, body: { body: 'x' } }))).code,
        ).toBe('not_found');
        expect((await other.listMyTickets({ query: {} })).items).toEqual([]);
      }
    });

    it('rejects bad input with the zod issue path, and agents-only routes with 403', async () => {
      const ada = server.userClient('u-ada');
      const response = await fetch(`${server.baseUrl}/v1/tickets`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await server.tokenFor('u-ada')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ subject: '', body: 'x', priority: 'whenever' }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; issues: { path: unknown[] }[] } };
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.issues.map((i) => i.path)).toEqual(
        expect.arrayContaining([['subject'], ['priority']]),
      );
      const forbidden = await fetch(`${server.baseUrl}/v1/agent/tickets`, {
        headers: { authorization: `Bearer ${await server.tokenFor('u-ada')}` },
      });
      expect(forbidden.status).toBe(403);
      expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('forbidden');
      void ada;
    });

    it('answers malformed JSON 400, wrong media type 415, too large 413, unknown route 404, wrong method 405, no token 401', async () => {
      const token = await server.tokenFor('u-ada');
      const post = (body: string, type = 'application/json') =>
        fetch(`${server.baseUrl}/v1/tickets`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': type },
          body,
        });
      expect((await post('{"subject":')).status).toBe(400);
      expect((await post('subject=x', 'application/x-www-form-urlencoded')).status).toBe(415);
      expect((await post(JSON.stringify({ subject: 'big', body: 'x'.repeat(300 * 1024) }))).status).toBe(413);
      expect(
        (await fetch(`${server.baseUrl}/v1/nope`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(404);
      const wrongMethod = await fetch(`${server.baseUrl}/v1/tickets`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toContain('POST');
      const anonymous = await fetch(`${server.baseUrl}/v1/tickets`);
      expect(anonymous.status).toBe(401);
      const body = (await anonymous.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unauthorized');
      expect(JSON.stringify(body)).not.toMatch(/at .*\.ts/); // no stack traces
      // Nothing was stored by any of the rejected requests.
      const { rows } = await db().query<{ n: number }>('SELECT count(*) AS n FROM tickets');
      expect(rows[0]?.n).toBe(0);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first answer for the same key and body, 422 for another body, and stores one ticket', async () => {
      const token = await server.tokenFor('u-ada');
      const send = (body: unknown, key: string) =>
        fetch(`${server.baseUrl}/v1/tickets`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body: JSON.stringify(body),
        });
      const first = await send({ subject: 'Once', body: 'only once' }, 'key-1');
      const again = await send({ subject: 'Once', body: 'only once' }, 'key-1');
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotency-replayed')).toBe('true');
      expect(await again.json()).toEqual(await first.json());
      const other = await send({ subject: 'Other', body: 'different' }, 'key-1');
      expect(other.status).toBe(422);
      expect(((await other.json()) as { error: { code: string } }).error.code).toBe('idempotency_mismatch');
      const { rows } = await db().query<{ n: number }>('SELECT count(*) AS n FROM tickets');
      expect(rows[0]?.n).toBe(1);
    });

    it('runs concurrent requests with one key exactly once', async () => {
      const token = await server.tokenFor('u-ada');
      const answers = await Promise.all(
        Array.from({ length: 8 }, () =>
          fetch(`${server.baseUrl}/v1/tickets`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'idempotency-key': 'same',
            },
            body: JSON.stringify({ subject: 'Race', body: 'one please' }),
          }),
        ),
      );
      const ids = new Set<string>();
      for (const answer of answers) {
        expect(answer.status).toBe(201);
        if (answer.status === 201) ids.add(((await answer.json()) as { id: string }).id);
      }
      expect(ids.size).toBe(1);
      const { rows } = await db().query<{ n: number }>('SELECT count(*) AS n FROM tickets');
      expect(rows[0]?.n).toBe(1);
    });
  });

  describe('agent', () => {
    it('sees the queue, replies with If-Match, gets 412 on a stale version, escalates with a reason, solves', async () => {
      const ada = server.userClient('u-ada', 'acme', { name: 'Ada' });
      const ticket = await ada.createTicket({ body: { subject: 'Login loops', body: 'Redirects forever.' } });
      const lee = await server.agentClient('agent-l1');
      const queue = await lee.queue({ query: { status: ['new'] } });
      expect(queue.items.map((t) => t.id)).toEqual([ticket.id]);
      // The assistant already moved it Tier 0 → L1: the queue shows the current version.
      const current = queue.items[0]?.version ?? 0;
      expect(current).toBe(2);

      const replied = await lee.replyAsAgent({
        params: { ticketId: ticket.id },
        body: { body: 'Looking into it.' },
        ifMatch: current,
      });
      expect(replied.status).toBe('open');
      const stale = await apiError(
        lee.updateTicket({
          params: { ticketId: ticket.id },
          body: { priority: 'high' },
          ifMatch: current,
        }),
      );
      expect(stale.code).toBe('precondition_failed');
      expect(stale.status).toBe(412);

      const missingReason = await fetch(`${server.baseUrl}/v1/agent/tickets/${ticket.id}/escalate`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await server.apiKeyFor('agent-l1')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({}),
      });
      expect(missingReason.status).toBe(400);
      const escalated = await lee.escalate({
        params: { ticketId: ticket.id },
        body: { reason: 'needs a specialist' },
        ifMatch: replied.version,
      });
      expect(escalated.tier).toBe(2);
      await lee.addNote({ params: { ticketId: ticket.id }, body: { body: 'internal: customer is VIP' } });
      const solved = await lee.updateTicket({ params: { ticketId: ticket.id }, body: { status: 'solved' } });
      expect(solved.status).toBe('solved');

      // The requester's view leaves out the internal note and the tier move.
      const mine = await ada.getMyTicket({ params: { ticketId: ticket.id } });
      expect(mine.events.some((e) => e.type === 'note.internal' || e.type === 'tier.changed')).toBe(false);
      const full = await lee.getTicket({ params: { ticketId: ticket.id } });
      expect(full.events.some((e) => e.type === 'note.internal')).toBe(true);
      expect(full.events.filter((e) => e.type === 'tier.changed').at(-1)).toMatchObject({
        from: 1,
        to: 2,
        reason: 'needs a specialist',
        actor: { type: 'agent', id: 'agent-l1' },
      });

      const rated = await ada.submitCsat({ params: { ticketId: ticket.id }, body: { score: 5 } });
      expect(rated.csat?.score).toBe(5);
      const metrics = await lee.metrics({ query: {} });
      expect(metrics.firstResponse.count).toBe(1);
      expect(metrics.csat).toMatchObject({ responses: 1 });
    });

    it('cannot reach another workspace, and an invalid transition is a 409', async () => {
      const ada = server.userClient('u-ada');
      const ticket = await ada.createTicket({ body: { subject: 'x', body: 'y' } });
      const globexAgent = await server.agentClient('agent-g', 'globex');
      expect((await apiError(globexAgent.getTicket({ params: { ticketId: ticket.id } }))).code).toBe(
        'not_found',
      );
      expect((await globexAgent.queue({ query: {} })).items).toEqual([]);
      const lee = await server.agentClient('agent-l1');
      const closeEarly = await apiError(
        lee.updateTicket({ params: { ticketId: ticket.id }, body: { status: 'closed' } }),
      );
      expect(closeEarly.code).toBe('transition_rejected');
      expect(closeEarly.status).toBe(409);
    });

    it('pages the queue with keyset cursors', async () => {
      const ada = server.userClient('u-ada');
      for (let i = 0; i < 5; i++) await ada.createTicket({ body: { subject: `T${i}`, body: 'b' } });
      const lee = await server.agentClient('agent-l1');
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await lee.queue({ query: { limit: 2, ...(cursor === undefined ? {} : { cursor }) } });
        seen.push(...page.items.map((t) => t.subject));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(seen).toEqual(['T4', 'T3', 'T2', 'T1', 'T0']);
      const bad = await apiError(lee.queue({ query: { cursor: 'not-a-cursor' } }));
      expect(bad.code).toBe('validation_failed');
    });
  });

  describe('articles', () => {
    it('creates, searches with highlights (no HTML), reads and votes', async () => {
      const lee = await server.agentClient('agent-l1');
      const article = await lee.createArticle({
        body: {
          title: 'Resetting your password',
          body: 'Open settings and choose **Reset password**.',
          published: true,
        },
      });
      await lee.createArticle({
        body: { title: 'Draft about passwords', body: 'not yet', published: false },
      });
      const ada = server.userClient('u-ada');
      const hits = await ada.searchArticles({ query: { q: 'reset passwords' } });
      expect(hits.items.map((h) => h.id)).toEqual([article.id]);
      // A whole ticket draft as a query: every word (default) finds nothing, any word finds the article.
      const draft = 'Password reset mail never arrives';
      expect((await ada.searchArticles({ query: { q: draft } })).items).toEqual([]);
      const suggested = await ada.searchArticles({ query: { q: draft, match: 'any' } });
      expect(suggested.items.map((h) => h.id)).toEqual([article.id]);
      await expect(ada.searchArticles({ query: { q: draft, match: 'some' as 'any' } })).rejects.toMatchObject(
        { code: 'validation_failed' },
      );
      const runs = hits.items[0]?.highlights.flat() ?? [];
      expect(runs.some((r) => r.match && /reset/i.test(r.text))).toBe(true);
      expect(runs.map((r) => r.text).join('')).not.toMatch(/<b>|<mark>/);
      const read = await ada.getArticle({ params: { articleId: article.id } });
      expect(read.views).toBe(1);
      await ada.articleFeedback({ params: { articleId: article.id }, body: { helpful: true } });
      const list = await lee.listArticles({ query: {} });
      expect(list.items.find((a) => a.id === article.id)?.helpfulCount).toBe(1);
    });

    it('matches English articles by stem and other locales word for word, in one query', async () => {
      const lee = await server.agentClient('agent-l1');
      const english = await lee.createArticle({
        body: { title: 'Exporting invoices', body: 'Download every invoice as CSV.', published: true },
      });
      const german = await lee.createArticle({
        body: {
          title: 'Export der Rechnungen',
          body: 'Alle Rechnungen und Abos als CSV.',
          locale: 'de',
          published: true,
        },
      });
      const ada = server.userClient('u-ada');
      const ids = async (q: string) =>
        (await ada.searchArticles({ query: { q } })).items.map((h) => h.id).sort();
      // Both parses give 'export': one query, both locales.
      expect(await ids('export')).toEqual([english.id, german.id].sort());
      // English stems 'invoices' to 'invoic'; the German article has no such word.
      expect(await ids('invoices')).toEqual([english.id]);
      // Word for word in German; 'exporting' stems to 'export', a word of both articles.
      expect(await ids('Rechnungen')).toEqual([german.id]);
      // English would stem 'Abos' to 'abo'; only the word-for-word parse finds the German article.
      expect(await ids('Abos')).toEqual([german.id]);
      expect(await ids('exporting')).toEqual([english.id, german.id].sort());
      expect(await ids('CSV invoices')).toEqual([english.id]);
    });
  });

  describe('Tier 0 assistant', () => {
    async function publishArticle(title: string, body: string) {
      const lee = await server.agentClient('agent-l1');
      return lee.createArticle({ body: { title, body, published: true } });
    }

    it('answers first with matching articles; an accepted answer solves the ticket at Tier 0 as deflected', async () => {
      const article = await publishArticle(
        'Exporting invoices as CSV',
        'Use Billing, then Export CSV. Empty exports mean filters.',
      );
      const ada = server.userClient('u-ada');
      const ticket = await ada.createTicket({
        body: { subject: 'CSV export of invoices is empty', body: 'My invoice export has no rows' },
      });
      expect(ticket.tier).toBe(0);
      const view = await ada.getMyTicket({ params: { ticketId: ticket.id } });
      const bot = view.events.find((e) => e.type === 'message.public' && e.role === 'bot');
      expect(bot).toBeDefined();
      expect(JSON.stringify(bot)).toContain(`tierdesk:article/${article.id}`);
      expect(view.ticket.tier).toBe(0);
      const solved = await ada.answerAssistant({
        params: { ticketId: ticket.id },
        body: { accepted: true, articleId: article.id },
      });
      expect(solved).toMatchObject({ status: 'solved', tier: 0 });
      const lee = await server.agentClient('agent-l1');
      const full = await lee.getTicket({ params: { ticketId: ticket.id } });
      expect(full.events.find((e) => e.type === 'ticket.deflected')).toMatchObject({ articleId: article.id });
    });

    it('hands the ticket to L1 when the answer is rejected, or when the requester writes back', async () => {
      await publishArticle('Exporting invoices as CSV', 'Use Billing, then Export CSV.');
      const ada = server.userClient('u-ada');
      const first = await ada.createTicket({
        body: { subject: 'Invoices CSV export', body: 'export is broken' },
      });
      const rejected = await ada.answerAssistant({
        params: { ticketId: first.id },
        body: { accepted: false },
      });
      expect(rejected.tier).toBe(1);
      const second = await ada.createTicket({
        body: { subject: 'Invoices CSV export again', body: 'export still broken' },
      });
      const replied = await ada.replyAsUser({
        params: { ticketId: second.id },
        body: { body: 'That did not help, I need a person' },
      });
      expect(replied.tier).toBe(1);
      const lee = await server.agentClient('agent-l1');
      const full = await lee.getTicket({ params: { ticketId: second.id } });
      expect(full.events.find((e) => e.type === 'tier.changed')).toMatchObject({
        from: 0,
        to: 1,
        ruleId: 'tier0-assistant',
      });
    });

    it('a failing or slow custom answerer never strands a ticket at Tier 0', async () => {
      await server.close();
      server = await startTestServer(db(), {
        assistant: async (_ticket, _question, tools) =>
          new Promise((_, reject) =>
            tools.signal.addEventListener('abort', () => reject(new Error('gave up'))),
          ),
        assistantTimeoutMs: 100,
      });
      const ada = server.userClient('u-ada');
      const ticket = await ada.createTicket({ body: { subject: 'Anything', body: 'hello' } });
      expect((await ada.getMyTicket({ params: { ticketId: ticket.id } })).ticket.tier).toBe(1);
    });

    it('with the assistant off, tickets start at L1', async () => {
      await server.close();
      server = await startTestServer(db(), { assistant: false });
      const ticket = await server.userClient('u-ada').createTicket({ body: { subject: 'x', body: 'y' } });
      expect(ticket.tier).toBe(1);
    });
  });

  describe('visitors, CORS, rate limits, host agent auth', () => {
    it('issues an anonymous visitor token that reaches only its own tickets', async () => {
      const issued = await fetch(`${server.baseUrl}/v1/visitors?workspace=acme`, { method: 'POST' });
      expect(issued.status).toBe(201);
      const { token, visitorId } = (await issued.json()) as { token: string; visitorId: string };
      expect(visitorId).toMatch(/^vis_/);
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const created = await fetch(`${server.baseUrl}/v1/tickets`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ subject: 'Anonymous question', body: 'Do you ship to Mars?' }),
      });
      expect(created.status).toBe(201);
      const ticket = (await created.json()) as { id: string; requester: { id: string } };
      expect(ticket.requester.id).toBe(visitorId);
      // Another visitor sees nothing of it; a visitor token is no agent credential.
      const other = (await (
        await fetch(`${server.baseUrl}/v1/visitors?workspace=acme`, { method: 'POST' })
      ).json()) as {
        token: string;
      };
      const peek = await fetch(`${server.baseUrl}/v1/tickets/${ticket.id}`, {
        headers: { authorization: `Bearer ${other.token}` },
      });
      expect(peek.status).toBe(404);
      expect((await fetch(`${server.baseUrl}/v1/agent/tickets`, { headers })).status).toBe(403);
      expect((await fetch(`${server.baseUrl}/v1/visitors?workspace=nope`, { method: 'POST' })).status).toBe(
        404,
      );
    });

    it('answers CORS only for allowed origins', async () => {
      await server.close();
      server = await startTestServer(db(), { cors: { origins: ['https://app.example.com'] } });
      const preflight = await fetch(`${server.baseUrl}/v1/tickets`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('idempotency-key');
      const evil = await fetch(`${server.baseUrl}/healthz`, {
        headers: { origin: 'https://evil.example.com' },
      });
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('limits requests per identity with 429 and Retry-After, without affecting others', async () => {
      await server.close();
      server = await startTestServer(db(), { limits: { rateLimit: { burst: 3, perSecond: 0.01 } } });
      const adaToken = await server.tokenFor('u-ada');
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const r = await fetch(`${server.baseUrl}/v1/tickets`, {
          headers: { authorization: `Bearer ${adaToken}` },
        });
        statuses.push(r.status);
        if (r.status === 429) retryAfter = r.headers.get('retry-after');
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      const bob = await fetch(`${server.baseUrl}/v1/tickets`, {
        headers: { authorization: `Bearer ${await server.tokenFor('u-bob')}` },
      });
      expect(bob.status).toBe(200);
    });

    it("takes agents from the host's authenticate hook", async () => {
      await server.close();
      server = await startTestServer(db(), {
        authenticateAgent: async (request) =>
          request.headers.get('x-host-session') === 'staff-42'
            ? { workspaceId: 'acme', agentId: 'agent-l2', name: 'Kim' }
            : null,
      });
      const ok = await fetch(`${server.baseUrl}/v1/agent/agents`, {
        headers: { 'x-host-session': 'staff-42' },
      });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { items: { id: string }[] }).items.map((a) => a.id)).toEqual([
        'agent-l1',
        'agent-l2',
      ]);
      expect(
        (await fetch(`${server.baseUrl}/v1/agent/agents`, { headers: { 'x-host-session': 'nope' } })).status,
      ).toBe(401);
    });
  });

  describe('operations', () => {
    it('serves health, readiness and the OpenAPI document', async () => {
      expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);
      const doc = (await (await fetch(`${server.baseUrl}/v1/openapi.json`)).json()) as {
        openapi: string;
        paths: object;
      };
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toContain('/v1/tickets');
    });
  });
});
