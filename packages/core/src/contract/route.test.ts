import { describe, expect, it } from 'vitest';
import { buildPath, matchPath } from './route';
import { routes } from './routes';

describe('the API contract', () => {
  it('has one route per method and path, every path under /v1', () => {
    const keys = Object.values(routes).map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of Object.values(routes)) expect(r.path.startsWith('/v1/')).toBe(true);
  });

  it('declares a body only on writes and a response on every JSON read', () => {
    for (const [name, r] of Object.entries(routes)) {
      if (r.method === 'GET' || r.method === 'DELETE') expect(r.body, name).toBeUndefined();
      if (r.method === 'GET' && !r.stream) expect(r.response, name).toBeDefined();
      if (r.stream) expect(r.status, name).toBe(200);
      if (r.method === 'DELETE') expect(r.status, name).toBe(204);
    }
  });

  it('marks the ticket writes that take If-Match', () => {
    const versioned = Object.entries(routes)
      .filter(([, r]) => r.versioned)
      .map(([n]) => n)
      .sort();
    expect(versioned).toEqual(['deescalate', 'escalate', 'replyAsAgent', 'updateTicket']);
  });

  it('builds and matches paths, encoding parameters', () => {
    expect(buildPath('/v1/tickets/:ticketId', { ticketId: 'a b/c' })).toBe('/v1/tickets/a%20b%2Fc');
    expect(() => buildPath('/v1/tickets/:ticketId', {})).toThrow(/ticketId/);
    expect(matchPath('/v1/tickets/:ticketId', '/v1/tickets/a%20b%2Fc')).toEqual({ ticketId: 'a b/c' });
    expect(matchPath('/v1/tickets/:ticketId', '/v1/tickets/')).toBeNull();
    expect(matchPath('/v1/tickets/:ticketId', '/v1/tickets/x/y')).toBeNull();
    expect(matchPath('/v1/tickets/:ticketId', '/v1/tickets/%E0%A4%A')).toBeNull();
  });
});
