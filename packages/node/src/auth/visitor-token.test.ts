import { createHmac } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../clock';
import { isApiError } from '../http/api-error';
import { signIdentityToken, verifyIdentityToken } from './identity-token';
import { DEFAULT_VISITOR_TOKEN_TTL_SECONDS, issueVisitorToken, verifyVisitorToken } from './visitor-token';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const fixedClock = (ms: number): Clock => ({ now: () => ms, realDelayUntil: (at) => Math.max(0, at - ms) });
const clock = fixedClock(T0);
const SERVER_SECRET = 'server-secret-0123456789abcdef-0123456789';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function rawHs256(header: object, payload: object, secret: string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

async function expectUnauthorized(promise: Promise<unknown>, message?: RegExp): Promise<void> {
  const error = await promise.then(
    () => {
      throw new Error('expected the token to be rejected');
    },
    (e: unknown) => e,
  );
  if (!isApiError(error)) throw error;
  expect(error.code).toBe('unauthorized');
  expect(error.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
  if (message) expect(error.message).toMatch(message);
}

describe('visitor tokens', () => {
  it('issues a token for a fresh visitor id and verifies it as an anonymous identity', async () => {
    const issued = await issueVisitorToken({
      workspaceId: 'ws_a',
      secret: SERVER_SECRET,
      clock,
      ttlSeconds: 600,
    });
    expect(issued.visitorId).toMatch(/^vis_[0-9A-Za-z]{22}$/);
    expect(issued.expiresAt).toBe(T0 + 600_000);
    const claims = decodeJwt(issued.token);
    expect(claims).toMatchObject({
      iss: 'tierdesk',
      aud: 'tierdesk:visitor',
      sub: issued.visitorId,
      wid: 'ws_a',
    });
    await expect(verifyVisitorToken(issued.token, { secret: SERVER_SECRET, clock })).resolves.toEqual({
      kind: 'user',
      workspaceId: 'ws_a',
      userId: issued.visitorId,
      anonymous: true,
    });
    const other = await issueVisitorToken({ workspaceId: 'ws_a', secret: SERVER_SECRET, clock });
    expect(other.visitorId).not.toBe(issued.visitorId);
    expect(other.expiresAt).toBe(T0 + DEFAULT_VISITOR_TOKEN_TTL_SECONDS * 1000);
  });

  it('rejects an expired visitor token', async () => {
    const { token } = await issueVisitorToken({
      workspaceId: 'ws_a',
      secret: SERVER_SECRET,
      clock,
      ttlSeconds: 60,
    });
    await expect(
      verifyVisitorToken(token, { secret: SERVER_SECRET, clock: fixedClock(T0 + 60_000) }),
    ).resolves.toMatchObject({
      anonymous: true,
    });
    await expectUnauthorized(
      verifyVisitorToken(token, { secret: SERVER_SECRET, clock: fixedClock(T0 + 91_000) }),
      /expired/,
    );
  });

  it('rejects a visitor token signed with another secret or tampered with', async () => {
    const { token } = await issueVisitorToken({ workspaceId: 'ws_a', secret: SERVER_SECRET, clock });
    await expectUnauthorized(
      verifyVisitorToken(token, { secret: 'another-server-secret-0123456789abcdef', clock }),
    );
    const [h, p, s] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    await expectUnauthorized(
      verifyVisitorToken(`${h}.${b64({ ...claims, wid: 'ws_b' })}.${s}`, { secret: SERVER_SECRET, clock }),
    );
  });

  it('never accepts an identity token as a visitor token, even one signed with the server secret', async () => {
    const identity = await signIdentityToken({ userId: 'vis_x', workspaceId: 'ws_a' }, SERVER_SECRET, {
      expiresInSeconds: 60,
      clock,
    });
    await expectUnauthorized(verifyVisitorToken(identity, { secret: SERVER_SECRET, clock }));
    // The issuer alone or the audience alone is not enough either.
    const exp = Math.floor(T0 / 1000) + 60;
    const base = { sub: 'vis_abc', wid: 'ws_a', exp };
    for (const partial of [
      { iss: 'tierdesk' },
      { aud: 'tierdesk:visitor' },
      { iss: 'host', aud: 'tierdesk:visitor' },
    ]) {
      await expectUnauthorized(
        verifyVisitorToken(rawHs256({ alg: 'HS256' }, { ...base, ...partial }, SERVER_SECRET), {
          secret: SERVER_SECRET,
          clock,
        }),
      );
    }
    // With everything right it passes, so the rejections above are about the claims, not the signing.
    const complete = rawHs256(
      { alg: 'HS256' },
      { ...base, iss: 'tierdesk', aud: 'tierdesk:visitor' },
      SERVER_SECRET,
    );
    await expect(verifyVisitorToken(complete, { secret: SERVER_SECRET, clock })).resolves.toMatchObject({
      userId: 'vis_abc',
    });
  });

  it('never accepts a visitor token as an identity token', async () => {
    const { token } = await issueVisitorToken({ workspaceId: 'ws_a', secret: SERVER_SECRET, clock });
    await expectUnauthorized(verifyIdentityToken(token, { resolveSecret: async () => SERVER_SECRET, clock }));
  });

  it('rejects other algorithms, alg none and malformed strings', async () => {
    const key = new TextEncoder().encode(SERVER_SECRET);
    const payload = { sub: 'vis_abc', wid: 'ws_a', iss: 'tierdesk', aud: 'tierdesk:visitor' };
    const hs384 = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS384' })
      .setExpirationTime(Math.floor(T0 / 1000) + 60)
      .sign(key);
    const none = `${b64({ alg: 'none' })}.${b64({ ...payload, exp: Math.floor(T0 / 1000) + 60 })}.`;
    for (const token of [hs384, none, '', 'x', 'a.b.c', `${b64({ alg: 'HS256' })}.%%%.x`]) {
      await expectUnauthorized(verifyVisitorToken(token, { secret: SERVER_SECRET, clock }));
    }
  });

  it('rejects visitor claims this server would never issue', async () => {
    const exp = Math.floor(T0 / 1000) + 60;
    for (const claims of [{ sub: 'u_1', wid: 'ws_a' }, { sub: 'vis_abc', wid: '' }, { sub: 'vis_abc' }]) {
      const token = rawHs256(
        { alg: 'HS256' },
        { ...claims, iss: 'tierdesk', aud: 'tierdesk:visitor', exp },
        SERVER_SECRET,
      );
      await expectUnauthorized(verifyVisitorToken(token, { secret: SERVER_SECRET, clock }));
    }
  });

  it('refuses a weak server secret and bad options', async () => {
    await expect(issueVisitorToken({ workspaceId: 'ws_a', secret: 'short', clock })).rejects.toThrow(
      RangeError,
    );
    await expect(
      issueVisitorToken({ workspaceId: 'ws_a', secret: SERVER_SECRET, clock, ttlSeconds: -1 }),
    ).rejects.toThrow(RangeError);
    await expect(issueVisitorToken({ workspaceId: '', secret: SERVER_SECRET, clock })).rejects.toThrow(
      TypeError,
    );
  });
});
