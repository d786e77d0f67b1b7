import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeStores } from './support/databases';
import { startTestServer, type TestServer } from './support/server';

// Found by the route fuzzer (tests/reliability/07-fuzz-routes.test.ts): an SLA policy naming a calendar that
// does not exist (stored so, or left so by deleting the calendar) made every new ticket and the support
// status of the workspace a 500. Such writes are refused now, and nothing of them is stored.
describeStores('SLA policies and their calendars', ({ db }) => {
  let server: TestServer;
  let key: string;
  beforeEach(async () => {
    server = await startTestServer(db(), { assistant: false });
    key = await server.apiKeyFor('agent-l1');
  });
  afterEach(async () => {
    await server.close();
  });

  const call = async (method: string, path: string, body?: unknown, token = key) => {
    const response = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text === '' ? null : (JSON.parse(text) as Record<string, unknown>),
    };
  };
  const policy = (calendarId: string | null) => ({
    id: 'sla-hours',
    name: 'Business hours',
    position: -1,
    calendarId,
    targets: { first_response: { minutes: 60 } },
  });
  const stillServes = async () => {
    const token = await server.tokenFor('u-ada');
    expect((await call('POST', '/v1/tickets', { subject: 'Hello', body: 'help' }, token)).status).toBe(201);
    expect((await call('GET', '/v1/support/status', undefined, token)).status).toBe(200);
  };

  it('refuses an SLA policy naming a missing calendar (400 at calendarId), on create and on replace', async () => {
    const created = await call('POST', '/v1/agent/sla-policies', policy('cal-missing'));
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({
      error: { code: 'validation_failed', issues: [{ path: ['calendarId'] }] },
    });
    expect((await call('GET', '/v1/agent/sla-policies')).body?.items).toHaveLength(1); // the seeded one only

    expect((await call('POST', '/v1/agent/sla-policies', policy(null))).status).toBe(201);
    const replaced = await call('PUT', '/v1/agent/sla-policies/sla-hours', policy('cal-missing'));
    expect(replaced.status).toBe(400);
    expect((await call('GET', '/v1/agent/sla-policies')).body?.items).toContainEqual(
      expect.objectContaining({ id: 'sla-hours', calendarId: null }),
    );
    await stillServes();
  });

  it('refuses to delete a calendar an SLA policy uses (409), and deletes it once unused', async () => {
    const calendar = {
      id: 'cal-berlin',
      timeZone: 'Europe/Berlin',
      weekly: [{ day: 1, start: '09:00', end: '17:00' }],
    };
    expect((await call('POST', '/v1/agent/calendars', calendar)).status).toBe(201);
    expect((await call('POST', '/v1/agent/sla-policies', policy('cal-berlin'))).status).toBe(201);
    const refused = await call('DELETE', '/v1/agent/calendars/cal-berlin');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'conflict' } });
    expect((await call('GET', '/v1/agent/calendars')).body?.items).toHaveLength(1);
    await stillServes();

    expect((await call('PUT', '/v1/agent/sla-policies/sla-hours', policy(null))).status).toBe(200);
    expect((await call('DELETE', '/v1/agent/calendars/cal-berlin')).status).toBe(204);
    await stillServes();
  });
});
