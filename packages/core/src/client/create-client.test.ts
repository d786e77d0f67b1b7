import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { RouteOutput } from '../contract/route';
import { type Routes, routes } from '../contract/routes';
import type { Ticket } from '../tickets/ticket.schema';
import type { StreamRouteName } from './client.types';
import { createClient } from './create-client';
import {
  isTierdeskError,
  TierdeskApiError,
  TierdeskError,
  TierdeskNetworkError,
  TierdeskResponseError,
  TierdeskValidationError,
} from './errors';

// ——— a scripted HTTP server on a real socket ———

interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Handler = (req: SeenRequest, res: ServerResponse, attempt: number) => void;

let server: Server;
let baseUrl = '';
let handler: Handler;
let seen: SeenRequest[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const record = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(record);
      try {
        handler(record, res, seen.length);
      } catch {
        req.socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  handler = (_req, res) => send(res, 500, { error: { code: 'internal', message: 'no handler scripted' } });
});

function send(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function client(extra: Partial<Parameters<typeof createClient>[0]> = {}) {
  return createClient({ baseUrl, retry: { backoffLimitMs: 5 }, timeoutMs: 2_000, ...extra });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

const ticket = {
  id: 't_1',
  number: 42,
  workspaceId: 'w_1',
  subject: 'Cannot log in',
  status: 'open',
  workflowState: 'open',
  priority: 'normal',
  tier: 1,
  channel: 'widget',
  requester: { id: 'u_1', name: 'Ada' },
  assigneeId: null,
  groupId: null,
  tags: [],
  customFields: {},
  sla: [],
  csat: null,
  links: {},
  vendor: null,
  reopenCount: 0,
  createdAt: '2026-03-02T09:00:00.000Z',
  updatedAt: '2026-03-02T09:00:00.000Z',
  version: 3,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// ——— success ———

describe('typed calls', () => {
  it('sends a GET to the built path and returns the validated, typed answer', async () => {
    handler = (_req, res) => send(res, 200, { ticket, events: [] });
    const answer = await client().getMyTicket({ params: { ticketId: 't 1/x' } });

    expectTypeOf(answer).toEqualTypeOf<RouteOutput<Routes['getMyTicket']>>();
    expectTypeOf(answer.ticket).toEqualTypeOf<Ticket>();
    expect(answer.ticket.number).toBe(42);
    // The response schema's defaults are applied: the server left out requester.tags.
    expect(answer.ticket.requester.tags).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/v1/tickets/t%201%2Fx', body: '' });
    expect(seen[0]?.headers.accept).toBe('application/json');
    expect(seen[0]?.headers['idempotency-key']).toBeUndefined();
  });

  it('sends the validated body of a POST, defaults applied and unknown keys stripped', async () => {
    handler = (_req, res) => send(res, 201, ticket);
    const created = await client().createTicket({
      body: { subject: '  Cannot log in  ', body: 'Since 9:00', extra: 'x' } as never,
    });
    expect(created.id).toBe('t_1');
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
      subject: 'Cannot log in',
      body: 'Since 9:00',
      priority: 'normal',
      channel: 'widget',
      tags: [],
      customFields: {},
      attachments: [],
    });
  });

  it('encodes query arrays as repeated keys and leaves unset filters out', async () => {
    handler = (_req, res) => send(res, 200, { items: [ticket], nextCursor: null });
    const page = await client().queue({
      query: { status: ['open', 'pending'], tier: [1, 2], q: 'a b&c', assignee: undefined },
    });
    expect(page.items).toHaveLength(1);
    expect(seen[0]?.url).toBe('/v1/agent/tickets?status=open&status=pending&tier=1&tier=2&q=a%20b%26c');
  });

  it('calls routes without input and by name through request()', async () => {
    handler = (_req, res) => send(res, 200, { items: [], nextCursor: null });
    const c = client();
    await c.listMyTickets();
    await c.request('queue', { query: { status: ['new'] } });
    expect(seen.map((r) => r.url)).toEqual(['/v1/tickets', '/v1/agent/tickets?status=new']);
  });

  it('returns undefined on 204', async () => {
    handler = (_req, res) => send(res, 204);
    const result = await client().deleteArticle({ params: { articleId: 'a_1' } });
    expectTypeOf(result).toEqualTypeOf<undefined>();
    expect(result).toBeUndefined();
    expect(seen[0]).toMatchObject({ method: 'DELETE', url: '/v1/agent/articles/a_1' });
  });

  it('sends the async token as a bearer credential, plus client and call headers', async () => {
    handler = (_req, res) => send(res, 200, { items: [] });
    const c = client({
      getToken: async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return 'id-token-123';
      },
      headers: { 'X-Host-App': 'demo', 'X-Overridden': 'client' },
    });
    await c.listAgents(undefined, { headers: { 'x-overridden': 'call' } });
    expect(seen[0]?.headers).toMatchObject({
      authorization: 'Bearer id-token-123',
      'x-host-app': 'demo',
      'x-overridden': 'call',
    });
  });

  it('sends no Authorization header when getToken has nothing', async () => {
    handler = (_req, res) => send(res, 200, { items: [] });
    await client({ getToken: () => null }).listAgents();
    expect(seen[0]?.headers.authorization).toBeUndefined();
  });
});

// ——— validation ———

describe('validation', () => {
  it('rejects an invalid body before sending anything, with zod issue paths', async () => {
    const error = await failure(
      client().createTicket({ body: { subject: '   ', body: 'x', tags: ['ok', 'NOT OK'] } }),
    );
    expect(error).toBeInstanceOf(TierdeskValidationError);
    const v = error as TierdeskValidationError;
    expect(v.code).toBe('validation_failed');
    expect(v.location).toBe('body');
    expect(v.route).toBe('createTicket');
    expect(v.issues.map((i) => i.path)).toEqual([['subject'], ['tags', 1]]);
    // Give a stray request time to arrive: nothing may reach the server.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toHaveLength(0);
  });

  it('rejects an invalid query and invalid params before sending anything', async () => {
    const c = client();
    const query = await failure(c.searchArticles({ query: { q: '' } }));
    expect(query).toMatchObject({ code: 'validation_failed', location: 'query' });
    const params = await failure(c.getTicket({ params: { ticketId: '' } }));
    expect(params).toMatchObject({ code: 'validation_failed', location: 'params' });
    expect((params as TierdeskValidationError).issues[0]?.path).toEqual(['ticketId']);
    expect(seen).toHaveLength(0);
  });

  it('fails with TierdeskResponseError when the answer does not match the contract', async () => {
    handler = (_req, res) =>
      send(res, 200, { ticket: { ...ticket, status: 'archived' }, events: [] }, { 'x-request-id': 'req-9' });
    const error = await failure(client().getMyTicket({ params: { ticketId: 't_1' } }));
    expect(error).toBeInstanceOf(TierdeskResponseError);
    expect(error).toMatchObject({ code: 'invalid_response', status: 200, requestId: 'req-9' });
    expect((error as TierdeskResponseError).issues.map((i) => i.path)).toEqual([['ticket', 'status']]);
  });

  it('fails with TierdeskResponseError on a success body that is not JSON', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>hi</h1>');
    const error = await failure(client().listAgents());
    expect(error).toBeInstanceOf(TierdeskResponseError);
    expect(error).toMatchObject({ code: 'invalid_response', issues: [] });
  });
});

// ——— API errors ———

describe('API errors', () => {
  it('turns a 404 error body into TierdeskApiError not_found, not retried', async () => {
    handler = (_req, res) =>
      send(
        res,
        404,
        { error: { code: 'not_found', message: 'No such ticket' } },
        { 'x-request-id': 'req-1' },
      );
    const error = await failure(client().getMyTicket({ params: { ticketId: 't_404' } }));
    expect(error).toBeInstanceOf(TierdeskApiError);
    expect(error).toBeInstanceOf(TierdeskError);
    expect(error).toMatchObject({
      code: 'not_found',
      status: 404,
      message: 'No such ticket',
      requestId: 'req-1',
      route: 'getMyTicket',
    });
    expect(seen).toHaveLength(1);
  });

  it('keeps the issue paths of a 400, and a POST 400 is not retried', async () => {
    const issues = [
      { path: ['body'], code: 'too_small', message: 'Too short' },
      { path: ['attachments', 0, 'url'], code: 'invalid_format', message: 'Bad URL' },
    ];
    handler = (_req, res) =>
      send(res, 400, { error: { code: 'validation_failed', message: 'Invalid', issues } });
    const error = await failure(client().createTicket({ body: { subject: 'Hi', body: 'There' } }));
    expect(error).toBeInstanceOf(TierdeskApiError);
    expect((error as TierdeskApiError).code).toBe('validation_failed');
    expect((error as TierdeskApiError).issues).toEqual(issues);
    expect(seen).toHaveLength(1);
  });

  it('sends If-Match as a quoted version and reports a stale one as precondition_failed', async () => {
    handler = (req, res) =>
      req.headers['if-match'] === '"3"'
        ? send(res, 412, { error: { code: 'precondition_failed', message: 'Ticket is at version 4' } })
        : send(res, 200, ticket);
    const error = await failure(
      client().updateTicket({ params: { ticketId: 't_1' }, body: { priority: 'high' }, ifMatch: 3 }),
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'PATCH', url: '/v1/agent/tickets/t_1' });
    expect(seen[0]?.headers['if-match']).toBe('"3"');
    expect(error).toMatchObject({ name: 'TierdeskApiError', code: 'precondition_failed', status: 412 });
  });

  it('refuses ifMatch on a route that is not versioned', async () => {
    // @ts-expect-error -- the types already refuse it; the runtime must too (for JS callers)
    const error = await failure(client().getTicket({ params: { ticketId: 't_1' }, ifMatch: 3 }));
    expect(error).toMatchObject({ name: 'TierdeskError', code: 'invalid_usage' });
    expect(seen).toHaveLength(0);
  });

  it('derives the code from the status when the error body is not JSON', async () => {
    handler = (_req, res) => res.writeHead(403, { 'content-type': 'text/html' }).end('<h1>Forbidden</h1>');
    const error = await failure(client().listAgents());
    expect(error).toMatchObject({ name: 'TierdeskApiError', code: 'forbidden', status: 403, issues: [] });
  });

  it('serialises errors with toJSON and recognises them with isTierdeskError', async () => {
    handler = (_req, res) =>
      send(res, 429, { error: { code: 'rate_limited', message: 'Slow down' } }, { 'retry-after': '120' });
    const error = await failure(client().listAgents());
    expect(isTierdeskError(error)).toBe(true);
    expect(isTierdeskError(new Error('x'))).toBe(false);
    expect(isTierdeskError({ code: 'not_found' })).toBe(false);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'TierdeskApiError',
      code: 'rate_limited',
      message: 'Slow down',
      route: 'listAgents',
      status: 429,
      retryAfterMs: 120_000,
    });
    // A Retry-After beyond maxRetryAfterMs (30 s) fails at once instead of hanging.
    expect(seen).toHaveLength(1);
  });
});

// ——— retries ———

describe('retries', () => {
  it('waits for Retry-After on a 429, then succeeds', async () => {
    handler = (_req, res, attempt) =>
      attempt === 1
        ? send(res, 429, { error: { code: 'rate_limited', message: 'Slow down' } }, { 'retry-after': '1' })
        : send(res, 200, { items: [] });
    const started = performance.now();
    await expect(client().listAgents()).resolves.toEqual({ items: [] });
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(seen).toHaveLength(2);
  });

  it('retries a POST that fails twice with 503, reusing its Idempotency-Key', async () => {
    handler = (_req, res, attempt) =>
      attempt < 3
        ? send(res, 503, { error: { code: 'unavailable', message: 'Try again' } })
        : send(res, 201, ticket);
    await expect(client().createTicket({ body: { subject: 'Hi', body: 'There' } })).resolves.toMatchObject({
      id: 't_1',
    });
    expect(seen).toHaveLength(3);
    const keys = seen.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toMatch(UUID);
    expect(new Set(keys).size).toBe(1);
    expect(new Set(seen.map((r) => r.body)).size).toBe(1);
  });

  it('uses a fresh Idempotency-Key per logical call, and the caller’s own when given', async () => {
    handler = (_req, res) => send(res, 201, ticket);
    const c = client();
    await c.createTicket({ body: { subject: 'A', body: 'a' } });
    await c.createTicket({ body: { subject: 'A', body: 'a' } });
    await c.createTicket({ body: { subject: 'A', body: 'a' } }, { idempotencyKey: 'form-7' });
    const keys = seen.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe('form-7');
  });

  it('gives up after the retry limit with the last error', async () => {
    handler = (_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
    const error = await failure(client({ retry: { limit: 3, backoffLimitMs: 1 } }).listAgents());
    expect(error).toMatchObject({ name: 'TierdeskApiError', code: 'unavailable', status: 502 });
    expect(seen).toHaveLength(4);
  });

  it('does not retry a PATCH without an Idempotency-Key, and retries one with it', async () => {
    handler = (_req, res) => send(res, 503, { error: { code: 'unavailable', message: 'Down' } });
    const c = client();
    const input = { params: { ticketId: 't_1' }, body: { status: 'pending' as const } };
    const error = await failure(c.updateTicket(input));
    expect(error).toMatchObject({ code: 'unavailable', status: 503 });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers['idempotency-key']).toBeUndefined();

    seen = [];
    handler = (_req, res, attempt) =>
      attempt === 1
        ? send(res, 503, { error: { code: 'unavailable', message: 'Down' } })
        : send(res, 200, ticket);
    await c.updateTicket(input, { idempotencyKey: 'patch-1' });
    expect(seen.map((r) => r.headers['idempotency-key'])).toEqual(['patch-1', 'patch-1']);
  });

  it('retries a GET when the server resets the connection', async () => {
    handler = (req, res, attempt) => {
      if (attempt === 1) throw new Error('drop the socket');
      send(res, 200, { ticket, events: [], diagnostics: null });
      void req;
    };
    const answer = await client().getTicket({ params: { ticketId: 't_1' } });
    expect(answer.ticket.id).toBe('t_1');
    expect(seen).toHaveLength(2);
  });

  it('reports an unreachable server as a network error after retrying', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(
      createClient({ baseUrl: `http://127.0.0.1:${port}`, retry: { backoffLimitMs: 1 } }).listAgents(),
    );
    expect(error).toBeInstanceOf(TierdeskNetworkError);
    expect(error).toMatchObject({ code: 'network', route: 'listAgents' });
  });

  it('retries a GET whose attempt times out, and reports the timeout once the limit is reached', async () => {
    handler = (_req, res, attempt) => {
      if (attempt === 1) setTimeout(() => send(res, 200, { items: [] }), 500).unref();
      else send(res, 200, { items: [] });
    };
    await expect(client({ timeoutMs: 100 }).listAgents()).resolves.toEqual({ items: [] });
    expect(seen).toHaveLength(2);

    seen = [];
    handler = (_req, res) => {
      setTimeout(() => send(res, 200, { items: [] }), 500).unref();
    };
    const started = performance.now();
    const error = await failure(
      client({ timeoutMs: 100, retry: { limit: 1, backoffLimitMs: 1 } }).listAgents(),
    );
    expect(error).toBeInstanceOf(TierdeskNetworkError);
    expect(error).toMatchObject({ code: 'timeout' });
    expect(performance.now() - started).toBeLessThan(450);
    expect(seen).toHaveLength(2);
  });

  it('does not retry a POST that times out, even with its Idempotency-Key', async () => {
    handler = (_req, res) => {
      setTimeout(() => send(res, 201, ticket), 500).unref();
    };
    const error = await failure(
      client({ timeoutMs: 100 }).createTicket(
        { body: { subject: 'Hi', body: 'There' } },
        { idempotencyKey: 'k' },
      ),
    );
    expect(error).toMatchObject({ name: 'TierdeskNetworkError', code: 'timeout' });
    expect(seen).toHaveLength(1);
  });

  it('retries PUT and DELETE only when the caller passes an Idempotency-Key', async () => {
    const down = (_req: SeenRequest, res: ServerResponse) =>
      send(res, 503, { error: { code: 'unavailable', message: 'Down' } });
    const c = client();
    const calendar = {
      id: 'cal',
      timeZone: 'Europe/Berlin',
      weekly: [{ day: 1, start: '09:00', end: '17:00' }],
      holidays: [],
    };
    const calls = {
      put: (key?: string) =>
        c.replaceCalendar(
          { params: { id: 'cal' }, body: calendar },
          key === undefined ? {} : { idempotencyKey: key },
        ),
      delete: (key?: string) =>
        c.deleteArticle({ params: { articleId: 'a_1' } }, key === undefined ? {} : { idempotencyKey: key }),
    };
    for (const [method, call] of Object.entries(calls)) {
      seen = [];
      handler = down;
      expect(await failure(call()), method).toMatchObject({ code: 'unavailable', status: 503 });
      expect(seen.map((r) => r.method)).toEqual([method.toUpperCase()]);
      expect(seen[0]?.headers['idempotency-key']).toBeUndefined();

      seen = [];
      handler = (req, res, attempt) =>
        attempt === 1 ? down(req, res) : req.method === 'DELETE' ? send(res, 204) : send(res, 200, calendar);
      await call(`${method}-1`);
      expect(seen.map((r) => r.headers['idempotency-key'])).toEqual([`${method}-1`, `${method}-1`]);
    }
  });

  it('stops on abort, also while waiting to retry', async () => {
    handler = (_req, res) =>
      send(res, 503, { error: { code: 'unavailable', message: 'Down' } }, { 'retry-after': '5' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const error = await failure(client().listAgents(undefined, { signal: controller.signal }));
    expect(error).toBeInstanceOf(TierdeskNetworkError);
    expect(error).toMatchObject({ code: 'aborted' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(seen).toHaveLength(1);
  });
});

// ——— event streams ———

describe('event streams', () => {
  it('exposes stream routes as URLs and refuses to call them as JSON', async () => {
    const c = client();
    expect(c.streamUrl('userStream')).toBe(`${baseUrl}/v1/stream`);
    expect(c.streamUrl('agentStream')).toBe(`${baseUrl}/v1/agent/stream`);
    // @ts-expect-error stream routes are not client methods
    expect(c.userStream).toBeTypeOf('function');
    // @ts-expect-error nor callable by name
    const error = await failure(c.request('agentStream'));
    expect(error).toMatchObject({ name: 'TierdeskError', code: 'invalid_usage' });
    // @ts-expect-error only stream routes have a stream URL
    expect(() => c.streamUrl('queue')).toThrow(TierdeskError);
    expect(seen).toHaveLength(0);
  });

  it('classifies exactly the contract’s stream routes as streams at the type level', () => {
    const streams = ['userStream', 'agentStream'] as const satisfies readonly StreamRouteName[];
    expectTypeOf<StreamRouteName>().toEqualTypeOf<(typeof streams)[number]>();
    const runtime = Object.entries(routes)
      .filter(([, route]) => route.stream === true)
      .map(([name]) => name);
    expect(runtime.sort()).toEqual([...streams].sort());
  });
});
