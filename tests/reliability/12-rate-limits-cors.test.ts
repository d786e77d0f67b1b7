import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDatabase, migrate, type SqlDatabase } from '../../packages/node/src/store';
import type { TierdeskOptions } from '../../packages/node/src/tierdesk';
import { startTestServer, type TestServer } from '../../packages/node/tests/support/server';

// Item 12: rate limits hold over real sockets and a spoofed X-Forwarded-For / Forwarded header buys no
// fresh bucket unless the host marks the proxy trusted; only allowed origins get CORS headers, on
// preflights, successes and errors alike.

const INBOUND_SECRET = 'inbound-secret-for-r12-0123456789';
const ALLOWED = 'https://app.example.com';
const figures: string[] = [];

/** A different public-looking address per call, as a client forging its origin would send. */
let spoofCounter = 0;
function spoofed(): string {
  spoofCounter += 1;
  return `198.51.${Math.floor(spoofCounter / 250) % 250}.${(spoofCounter % 250) + 1}`;
}

function spoofHeaders(): Record<string, string> {
  const address = spoofed();
  return {
    'x-forwarded-for': address,
    forwarded: `for=${address};proto=https`,
    'x-real-ip': address,
    'true-client-ip': address,
    'cf-connecting-ip': address,
  };
}

async function count(n: number, send: (i: number) => Promise<Response>): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const response = await send(i);
    await response.arrayBuffer();
    if (response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter, 'Retry-After on a 429').toBeGreaterThanOrEqual(1);
    }
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  }
  return statuses;
}

const show = (m: Map<number, number>) => [...m].map(([s, c]) => `${s}×${c}`).join(' ');

describe('[reliability 12] rate limits and CORS over real sockets', () => {
  let db: SqlDatabase;
  const servers: TestServer[] = [];
  const start = async (options: Partial<TierdeskOptions>) => {
    const server = await startTestServer(db, options);
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    db = await createPgliteDatabase();
    await migrate(db);
  }, 60_000);

  afterAll(async () => {
    for (const line of figures) console.log(`[reliability 12] ${line}`);
    for (const server of servers) await server.close();
    await db?.close();
  });

  it('per-identity limit: a burst of 20 then 429 + Retry-After, whatever forwarding headers the caller sends', async () => {
    const server = await start({ limits: { rateLimit: { burst: 20, perSecond: 0.01 } } });
    const token = await server.tokenFor('u-flood');
    const statuses = await count(40, () =>
      fetch(`${server.baseUrl}/v1/tickets`, {
        headers: { authorization: `Bearer ${token}`, ...spoofHeaders() },
      }),
    );
    expect(statuses.get(200)).toBe(20);
    expect(statuses.get(429)).toBe(20);
    // Another identity has its own bucket: the limit is per caller, not global.
    const other = await server.tokenFor('u-other');
    const ok = await fetch(`${server.baseUrl}/v1/tickets`, { headers: { authorization: `Bearer ${other}` } });
    expect(ok.status).toBe(200);
    // Agents are limited the same way (an API key is an identity).
    const key = await server.apiKeyFor('agent-l1');
    const agent = await count(30, () =>
      fetch(`${server.baseUrl}/v1/agent/agents`, {
        headers: { authorization: `Bearer ${key}`, ...spoofHeaders() },
      }),
    );
    expect(agent.get(200)).toBe(20);
    expect(agent.get(429)).toBe(10);
    figures.push(
      `identity limit (burst 20): user ${show(statuses)}; agent ${show(agent)}; spoofed headers ignored`,
    );
  });

  it('per-address limits (visitor tokens, unsubscribe, inbound mail) ignore spoofed forwarding headers without trustProxy', async () => {
    const server = await start({
      limits: { rateLimit: false, visitorTokens: { burst: 10, perSecond: 0.01 } },
      inboundEmail: {
        secret: INBOUND_SECRET,
        replyDomain: 'reply.acme.example',
        workspaceId: 'acme',
        rateLimit: { burst: 15, perSecond: 0.01 },
      },
      email: {
        from: 'Acme <support@acme.example>',
        replyDomain: 'reply.acme.example',
        transport: { send: async () => ({ messageId: 'x' }) },
        appUrl: 'https://app.acme.example/{ticketId}',
        publicUrl: 'https://api.acme.example',
      },
    });
    const visitors = await count(30, () =>
      fetch(`${server.baseUrl}/v1/visitors?workspace=acme`, { method: 'POST', headers: spoofHeaders() }),
    );
    expect(visitors.get(201)).toBe(10);
    expect(visitors.get(429)).toBe(20);
    // Unsubscribe links: 20 per address, refilled at 1/s (fixed); forged tokens answer 400 until the
    // limit answers 429. A slow machine may earn a token back per second the 30 requests take.
    const unsubscribeStarted = Date.now();
    const unsubscribe = await count(30, () =>
      fetch(`${server.baseUrl}/v1/email/unsubscribe?token=forged.token`, { headers: spoofHeaders() }),
    );
    const refilled = Math.floor((Date.now() - unsubscribeStarted) / 1000);
    expect(unsubscribe.get(400)).toBeGreaterThanOrEqual(20);
    expect(unsubscribe.get(400)).toBeLessThanOrEqual(20 + refilled);
    expect(unsubscribe.get(429)).toBe(30 - (unsubscribe.get(400) ?? 0));
    expect(unsubscribe.get(429)).toBeGreaterThanOrEqual(10 - refilled);
    // Inbound mail: the limit comes before the secret is even checked.
    const inbound = await count(25, () =>
      fetch(`${server.baseUrl}/v1/email/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...spoofHeaders() },
        body: '{}',
      }),
    );
    expect(inbound.get(401)).toBe(15);
    expect(inbound.get(429)).toBe(10);
    figures.push(
      `no trustProxy, a new spoofed address per request: visitors ${show(visitors)}; unsubscribe ${show(unsubscribe)}; inbound ${show(inbound)}`,
    );
  });

  it('with trustProxy the proxy’s forwarded address is believed, and a client-prepended address still buys nothing', async () => {
    const server = await start({
      limits: { rateLimit: false, visitorTokens: { burst: 10, perSecond: 0.01 } },
      trustProxy: ['loopback'],
    });
    // Behind the trusted proxy (our loopback socket), distinct clients have distinct buckets.
    const distinct = await count(30, () =>
      fetch(`${server.baseUrl}/v1/visitors?workspace=acme`, {
        method: 'POST',
        headers: { 'x-forwarded-for': spoofed() },
      }),
    );
    expect(distinct.get(201)).toBe(30);
    // One client behind the proxy forging an address in front of the one the proxy appended.
    const forged = await count(30, () =>
      fetch(`${server.baseUrl}/v1/visitors?workspace=acme`, {
        method: 'POST',
        headers: { 'x-forwarded-for': `${spoofed()}, 203.0.113.7` },
      }),
    );
    expect(forged.get(201)).toBe(10);
    expect(forged.get(429)).toBe(20);
    // A trusted list that does not contain the real hop (the socket) believes nothing.
    const strict = await start({
      limits: { rateLimit: false, visitorTokens: { burst: 10, perSecond: 0.01 } },
      trustProxy: ['10.0.0.0/8'],
    });
    const untrusted = await count(30, () =>
      fetch(`${strict.baseUrl}/v1/visitors?workspace=acme`, {
        method: 'POST',
        headers: { 'x-forwarded-for': spoofed() },
      }),
    );
    expect(untrusted.get(201)).toBe(10);
    expect(untrusted.get(429)).toBe(20);
    figures.push(
      `trustProxy loopback: distinct forwarded clients ${show(distinct)}; prepended forgeries ${show(forged)}; trustProxy 10/8 with a loopback socket ${show(untrusted)}`,
    );
  });

  it('CORS: only allowed origins get CORS headers (preflight, success, error); never credentials', async () => {
    const listed = await start({ cors: { origins: [ALLOWED] } });
    const none = await start({});
    const star = await start({ cors: { origins: '*' } });
    const token = await listed.tokenFor('u-cors');
    const hostile = [
      'https://evil.example',
      'https://app.example.com.evil.example',
      'https://evil-app.example.com',
      'http://app.example.com',
      'https://app.example.com:8443',
      'https://APP.EXAMPLE.COM',
      'null',
      `${ALLOWED}/`,
    ];
    let refused = 0;
    let granted = 0;
    const requests = (base: string, origin: string) => [
      fetch(`${base}/v1/tickets`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      }),
      fetch(`${base}/v1/tickets`, { headers: { origin, authorization: `Bearer ${token}` } }),
      fetch(`${base}/v1/tickets`, { headers: { origin } }), // 401
      fetch(`${base}/v1/no-such-route`, { headers: { origin } }), // 404
      fetch(`${base}/healthz`, { headers: { origin } }),
    ];
    const corsOf = (r: Response) =>
      [...r.headers.keys()].filter((h) => h.startsWith('access-control-')).sort();

    for (const origin of hostile) {
      for (const response of await Promise.all(requests(listed.baseUrl, origin))) {
        expect(corsOf(response), `${origin} → ${response.url} ${response.status}`).toEqual([]);
        refused += 1;
      }
    }
    for (const origin of [ALLOWED, ...hostile]) {
      for (const response of await Promise.all(requests(none.baseUrl, origin))) {
        expect(corsOf(response), `no cors option: ${origin}`).toEqual([]);
        refused += 1;
      }
    }
    const allowed = await Promise.all(requests(listed.baseUrl, ALLOWED));
    expect(allowed.map((r) => r.status)).toEqual([204, 200, 401, 404, 200]);
    for (const response of allowed) {
      expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(response.headers.get('vary')).toMatch(/origin/i);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      granted += 1;
    }
    expect(allowed[0]?.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed[0]?.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(allowed[1]?.headers.get('access-control-expose-headers')).toContain('etag');
    // `*`: any origin, without credentials.
    for (const response of await Promise.all(requests(star.baseUrl, 'https://anyone.example'))) {
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
    // No Origin header (server to server): no CORS headers at all.
    const plain = await fetch(`${listed.baseUrl}/v1/tickets`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(corsOf(plain)).toEqual([]);
    figures.push(
      `CORS: ${refused} answers to ${hostile.length} hostile origins (and without a cors option) carried no CORS header; ${granted} answers to the allowed origin did`,
    );
  });
});
