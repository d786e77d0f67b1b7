import { afterEach, expect, it } from 'vitest';
import type { RequestMetrics } from '../src/handler';
import { describeStores } from './support/databases';
import { startTestServer, type TestServer } from './support/server';

describeStores('onRequest metrics hook', ({ db }) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('reports route, status, error code and duration of every request; a throwing hook breaks nothing', async () => {
    const seen: RequestMetrics[] = [];
    server = await startTestServer(db(), {
      onRequest: (info) => {
        seen.push(info);
        throw new Error('a broken metrics exporter');
      },
    });
    const token = await server.tokenFor('u-ada');
    const ok = await fetch(`${server.baseUrl}/v1/tickets`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    const missing = await fetch(`${server.baseUrl}/v1/tickets/tkt_nope`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(missing.status).toBe(404);
    expect((await fetch(`${server.baseUrl}/nowhere`)).status).toBe(404);
    expect(
      seen.map(({ route, status, errorCode, method }) => ({ route, status, errorCode, method })),
    ).toEqual([
      { route: 'listMyTickets', status: 200, errorCode: null, method: 'GET' },
      { route: 'getMyTicket', status: 404, errorCode: 'not_found', method: 'GET' },
      { route: null, status: 404, errorCode: 'not_found', method: 'GET' },
    ]);
    expect(seen.every((s) => s.durationMs >= 0 && s.requestId.length > 0)).toBe(true);
    expect(seen[0]?.requestId).toBe(ok.headers.get('x-request-id'));
  });
});

describeStores('length limits', ({ db }) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('answers 413 with the issue path for a message over its length limit, 400 for other problems', async () => {
    server = await startTestServer(db());
    const token = await server.tokenFor('u-ada');
    const post = (body: unknown) =>
      fetch(`${server?.baseUrl}/v1/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const long = await post({ subject: 'Long', body: 'x'.repeat(20_001) });
    expect(long.status).toBe(413);
    const error = ((await long.json()) as { error: { code: string; issues: { path: unknown[] }[] } }).error;
    expect(error.code).toBe('payload_too_large');
    expect(error.issues[0]?.path).toEqual(['body']);
    expect((await post({ subject: 'Long', body: 'x'.repeat(20_000) })).status).toBe(201);
    expect((await post({ subject: 'Wrong', body: 42 })).status).toBe(400);
    const { rows } = await db().query<{ n: number }>('SELECT count(*) AS n FROM tickets');
    expect(rows[0]?.n).toBe(1);
  });
});
