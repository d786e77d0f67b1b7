import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAcceleratedClock,
  createNodeServer,
  createTierdesk,
  DEMO_WORKSPACE_ID,
  demoWorkspace,
  silentLogger,
  type Tierdesk,
} from '@tierdesk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWidgetHostServer, DEMO_USER } from '../server/widget-host.server.mjs';

// The widget host's backend over real sockets, beside a real Tierdesk server (PGlite) whose clock runs
// 3600× faster: the tokens it signs are accepted by that server, and its static files stay in dist/.

const SECRET = 'widget-host-test-secret-0123456789abcdef';
const SPEED = 3600;
let tierdesk: Tierdesk;
let api: Server;
let host: Server;
let apiUrl: string;
let hostUrl: string;
let dist: string;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

beforeAll(async () => {
  const clock = createAcceleratedClock(SPEED);
  tierdesk = await createTierdesk({
    workspaces: [demoWorkspace(SECRET)],
    clock,
    logger: silentLogger,
    assistant: false,
  });
  api = createNodeServer(tierdesk.fetch, { logger: silentLogger });
  apiUrl = await listen(api);
  dist = await mkdtemp(join(tmpdir(), 'widget-host-dist-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>host</title><div id="root"></div>');
  await writeFile(join(dist, 'assets', 'app-abc123.js'), 'console.log(1)');
  host = createWidgetHostServer({
    apiUrl,
    workspaceId: DEMO_WORKSPACE_ID,
    identitySecret: SECRET,
    clock,
    clockSpeed: SPEED,
    distDir: dist,
  });
  hostUrl = await listen(host);
}, 30_000);

afterAll(async () => {
  host?.close();
  api?.close();
  await tierdesk?.close();
  if (dist) await rm(dist, { recursive: true, force: true });
});

describe('the widget host backend', () => {
  it('tells the app who is signed in, where the API is and how fast the server clock runs', async () => {
    const response = await fetch(`${hostUrl}/api/session`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const session = (await response.json()) as {
      user: unknown;
      supportApiUrl: string;
      clock: { speed: number };
    };
    expect(session).toMatchObject({ user: DEMO_USER, supportApiUrl: apiUrl, clock: { speed: SPEED } });
  });

  it('signs tokens on the server clock, so a 3600× server accepts them (within its 24 h cap)', async () => {
    const { token, refreshInMs } = (await (
      await fetch(`${hostUrl}/api/support-token`, { method: 'POST' })
    ).json()) as { token: string; refreshInMs: number };
    // 23 server hours at most, i.e. 23 real seconds at 3600×; refresh after 80 % of that.
    expect(refreshInMs).toBe(Math.floor(((23 * 3600 * 1000) / SPEED) * 0.8));
    const created = await fetch(`${apiUrl}/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'Signed by the host', body: 'Hello' }),
    });
    expect(created.status).toBe(201);
    const ticket = (await created.json()) as { requester: { id: string; email?: string } };
    expect(ticket.requester).toMatchObject({ id: DEMO_USER.id, email: DEMO_USER.email });
    // The same token with a forged signature is refused: the API checks it, not the shape.
    const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${'A'.repeat(43)}`;
    const refused = await fetch(`${apiUrl}/v1/tickets`, { headers: { authorization: `Bearer ${forged}` } });
    expect(refused.status).toBe(401);
  });

  it('answers only POST for tokens and 404 for unknown API paths', async () => {
    expect((await fetch(`${hostUrl}/api/support-token`)).status).toBe(405);
    expect((await fetch(`${hostUrl}/api/nothing`)).status).toBe(404);
  });

  it('serves dist/: hashed assets cached for good, other paths the app, nothing outside', async () => {
    const asset = await fetch(`${hostUrl}/assets/app-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const route = await fetch(`${hostUrl}/billing/invoices`);
    expect(route.status).toBe(200);
    expect(route.headers.get('cache-control')).toBe('no-cache');
    expect(await route.text()).toContain('<div id="root">');
    expect((await fetch(`${hostUrl}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${hostUrl}/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    expect((await fetch(`${hostUrl}/%E0%A4%A`)).status).toBe(400);
    expect((await fetch(`${hostUrl}/`, { method: 'DELETE' })).status).toBe(405);
  });
});
