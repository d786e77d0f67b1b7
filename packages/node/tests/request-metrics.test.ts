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
