import { beforeEach, expect, it, vi } from 'vitest';
import { describeStores } from '../../tests/support/databases';
import type { Clock } from '../clock';
import { type ApiError, isApiError } from '../http/api-error';
import { createApiKey, revokeApiKey } from './api-keys';
import { type AuthenticateAgentHook, type AuthenticatorOptions, createAuthenticator } from './authenticate';
import { signIdentityToken } from './identity-token';
import { issueVisitorToken } from './visitor-token';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const clock: Clock = { now: () => T0, realDelayUntil: (at) => Math.max(0, at - T0) };
const SERVER_SECRET = 'server-secret-0123456789abcdef-0123456789';
const WORKSPACE_SECRET = 'workspace-a-secret-0123456789abcdef-xyz';
const URL_BASE = 'http://127.0.0.1/v1/tickets';

const request = (headers: Record<string, string> = {}, url = URL_BASE) => new Request(url, { headers });

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the request to be rejected');
    },
    (e: unknown) => e,
  );
  if (!isApiError(error)) throw error;
  expect(error.code).toBe('unauthorized');
  expect(error.status).toBe(401);
  expect(error.headers['WWW-Authenticate']).toMatch(/^Bearer error="invalid_(token|request)"$/);
  return error;
}

describeStores('createAuthenticator', (fixture) => {
  const options = (extra: Partial<AuthenticatorOptions> = {}): AuthenticatorOptions => ({
    resolveWorkspaceSecret: async (id) => (id === 'ws_a' ? WORKSPACE_SECRET : null),
    serverSecret: SERVER_SECRET,
    db: fixture.db(),
    clock,
    ...extra,
  });
  const identityToken = (expiresInSeconds = 600) =>
    signIdentityToken({ userId: 'u_42', workspaceId: 'ws_a', plan: 'pro' }, WORKSPACE_SECRET, {
      expiresInSeconds,
      clock,
    });

  beforeEach(async () => {
    await fixture.db().query(`INSERT INTO workspaces (id, name) VALUES ('ws_a', 'A')`);
  });

  it('returns null for a request without credentials', async () => {
    await expect(createAuthenticator(options())(request())).resolves.toBeNull();
  });

  it('authenticates an identity token, a visitor token and an API key', async () => {
    const authenticate = createAuthenticator(options());
    await expect(
      authenticate(request({ authorization: `Bearer ${await identityToken()}` })),
    ).resolves.toEqual({ kind: 'user', workspaceId: 'ws_a', userId: 'u_42', anonymous: false, plan: 'pro' });

    const visitor = await issueVisitorToken({ workspaceId: 'ws_a', secret: SERVER_SECRET, clock });
    await expect(authenticate(request({ authorization: `bearer ${visitor.token}` }))).resolves.toEqual({
      kind: 'user',
      workspaceId: 'ws_a',
      userId: visitor.visitorId,
      anonymous: true,
    });

    const { key } = await createApiKey(fixture.db(), { workspaceId: 'ws_a', agentId: 'agt_1' });
    await expect(authenticate(request({ authorization: `Bearer ${key}` }))).resolves.toEqual({
      kind: 'agent',
      workspaceId: 'ws_a',
      agentId: 'agt_1',
      via: 'api_key',
    });
  });

  it('tries the host hook first and lets an agent it returns win', async () => {
    const hook = vi.fn<AuthenticateAgentHook>(async (req) =>
      req.headers.get('cookie') === 'session=agent'
        ? { workspaceId: 'ws_a', agentId: 'agt_9', name: 'Ann' }
        : null,
    );
    const authenticate = createAuthenticator(options({ authenticateAgent: hook }));
    await expect(
      authenticate(request({ cookie: 'session=agent', authorization: 'Bearer garbage' })),
    ).resolves.toEqual({ kind: 'agent', workspaceId: 'ws_a', agentId: 'agt_9', name: 'Ann', via: 'hook' });
    // When the hook declines, the bearer token is used.
    await expect(
      authenticate(request({ authorization: `Bearer ${await identityToken()}` })),
    ).resolves.toMatchObject({ kind: 'user', userId: 'u_42' });
    expect(hook).toHaveBeenCalledTimes(2);
  });

  it('reports a failing or misbehaving hook as a server error, not as a 401', async () => {
    const outage = new Error('SSO down');
    const failing = createAuthenticator(
      options({
        authenticateAgent: async () => {
          throw outage;
        },
      }),
    );
    await expect(failing(request())).rejects.toBe(outage);
    const broken = createAuthenticator(
      options({ authenticateAgent: async () => ({ workspaceId: '', agentId: 'a' }) }),
    );
    const error = await broken(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(isApiError(error)).toBe(false);
  });

  it('never falls back to anonymous when credentials are present but invalid', async () => {
    const authenticate = createAuthenticator(options());
    const expired = await identityToken(60);
    const later = createAuthenticator(
      options({ clock: { now: () => T0 + 3_600_000, realDelayUntil: () => 0 } }),
    );
    await rejection(later(request({ authorization: `Bearer ${expired}` })));

    const { id, key } = await createApiKey(fixture.db(), { workspaceId: 'ws_a', agentId: 'agt_1' });
    await revokeApiKey(fixture.db(), 'ws_a', id);
    const revoked = await rejection(authenticate(request({ authorization: `Bearer ${key}` })));
    expect(revoked.message).toMatch(/API key/);

    for (const token of ['tdk_nope', 'not-a-jwt', 'a.b.c', `${(await identityToken()).slice(0, -3)}abc`]) {
      await rejection(authenticate(request({ authorization: `Bearer ${token}` })));
    }
    const visitorForOtherServer = await issueVisitorToken({
      workspaceId: 'ws_a',
      secret: 'another-server-secret-0123456789abcdef',
      clock,
    });
    await rejection(authenticate(request({ authorization: `Bearer ${visitorForOtherServer.token}` })));
  });

  it('rejects a malformed Authorization header', async () => {
    const authenticate = createAuthenticator(options());
    const token = await identityToken();
    for (const header of [
      '',
      'Bearer',
      'Bearer ',
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      `Token ${token}`,
      `Bearer ${token} extra`,
      `Bearer  ${token},Bearer ${token}`,
      `Bearer\t${token}`,
      `Bearer ${'a'.repeat(10_000)}`,
    ]) {
      const error = await rejection(authenticate(request({ authorization: header })));
      expect(error.headers['WWW-Authenticate']).toBe('Bearer error="invalid_request"');
    }
  });

  it('accepts ?access_token= only where allowed, and never together with a header', async () => {
    const authenticate = createAuthenticator(options());
    const token = await identityToken();
    const streamUrl = `http://127.0.0.1/v1/tickets/tkt_1/events?access_token=${token}`;
    await expect(authenticate(request({}, streamUrl), { allowQueryToken: true })).resolves.toMatchObject({
      userId: 'u_42',
    });
    // Not allowed: rejected rather than ignored (the caller would otherwise be treated as anonymous).
    await rejection(authenticate(request({}, streamUrl)));
    await rejection(
      authenticate(request({ authorization: `Bearer ${token}` }, streamUrl), { allowQueryToken: true }),
    );
    await rejection(
      authenticate(request({}, `${streamUrl}&access_token=${token}`), { allowQueryToken: true }),
    );
    await rejection(authenticate(request({}, `${URL_BASE}?access_token=`), { allowQueryToken: true }));
    await rejection(authenticate(request({}, `${URL_BASE}?access_token=garbage`), { allowQueryToken: true }));
    // Without a query token, allowQueryToken changes nothing.
    await expect(authenticate(request(), { allowQueryToken: true })).resolves.toBeNull();
  });

  it('does not reveal whether a workspace exists', async () => {
    const authenticate = createAuthenticator(options());
    const unknown = await signIdentityToken({ userId: 'u', workspaceId: 'ws_ghost' }, WORKSPACE_SECRET, {
      expiresInSeconds: 60,
      clock,
    });
    const wrongKey = await signIdentityToken({ userId: 'u', workspaceId: 'ws_a' }, 'z'.repeat(40), {
      expiresInSeconds: 60,
      clock,
    });
    const a = await rejection(authenticate(request({ authorization: `Bearer ${unknown}` })));
    const b = await rejection(authenticate(request({ authorization: `Bearer ${wrongKey}` })));
    expect(a.message).toBe(b.message);
  });
});
