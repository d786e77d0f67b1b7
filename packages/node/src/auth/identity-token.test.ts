import { createHmac, generateKeyPairSync } from 'node:crypto';
import { importPKCS8, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../clock';
import { type ApiError, isApiError } from '../http/api-error';
import { signIdentityToken, verifyIdentityToken, type WorkspaceSecretResolver } from './identity-token';
import { issueVisitorToken } from './visitor-token';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const fixedClock = (ms: number): Clock => ({ now: () => ms, realDelayUntil: (at) => Math.max(0, at - ms) });
const clock = fixedClock(T0);

const SECRET_A = 'workspace-a-secret-0123456789abcdef-xyz';
const SECRET_B = 'workspace-b-secret-0123456789abcdef-xyz';
const SECRETS: Record<string, string> = { ws_a: SECRET_A, ws_b: SECRET_B };
const resolveSecret: WorkspaceSecretResolver = async (id) => SECRETS[id] ?? null;
const key = (s: string) => new TextEncoder().encode(s);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = Math.floor(T0 / 1000);

/** Signs arbitrary header + payload with HMAC-SHA256, bypassing every check jose's signer would make. */
function rawHs256(header: object, payload: object, secret: string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

async function expectUnauthorized(promise: Promise<unknown>, message?: RegExp): Promise<ApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the token to be rejected');
    },
    (e: unknown) => e,
  );
  if (!isApiError(error)) throw error;
  expect(error.code).toBe('unauthorized');
  expect(error.status).toBe(401);
  expect(error.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
  if (message) expect(error.message).toMatch(message);
  return error;
}

const verify = (token: string, extra: Partial<Parameters<typeof verifyIdentityToken>[1]> = {}) =>
  verifyIdentityToken(token, { resolveSecret, clock, ...extra });

const valid = () =>
  signIdentityToken(
    {
      userId: 'u_42',
      workspaceId: 'ws_a',
      name: 'Ada',
      email: 'ada@example.com',
      plan: 'pro',
      tags: ['vip'],
    },
    SECRET_A,
    { expiresInSeconds: 3600, clock },
  );

describe('verifyIdentityToken', () => {
  it('accepts a valid token and returns the end user', async () => {
    await expect(verify(await valid())).resolves.toEqual({
      kind: 'user',
      workspaceId: 'ws_a',
      userId: 'u_42',
      anonymous: false,
      name: 'Ada',
      email: 'ada@example.com',
      plan: 'pro',
      tags: ['vip'],
    });
  });

  it('accepts a minimal token signed by another library, reading null claims as absent', async () => {
    const token = rawHs256(
      { alg: 'HS256', typ: 'JWT' },
      { sub: 'u_1', wid: 'ws_b', exp: nowSeconds + 60, name: null },
      SECRET_B,
    );
    await expect(verify(token)).resolves.toEqual({
      kind: 'user',
      workspaceId: 'ws_b',
      userId: 'u_1',
      anonymous: false,
    });
  });

  it('rejects alg none', async () => {
    const unsecured = new UnsecuredJWT({ wid: 'ws_a' })
      .setSubject('u_42')
      .setExpirationTime(nowSeconds + 60)
      .encode();
    await expectUnauthorized(verify(unsecured));
    // The same with a bogus signature part appended, and with the header spelled `None`.
    const [h, p] = unsecured.split('.');
    await expectUnauthorized(verify(`${h}.${p}.AAAA`));
    await expectUnauthorized(verify(`${b64({ alg: 'None' })}.${p}.`));
  });

  it('rejects a token signed with the wrong key', async () => {
    const token = await signIdentityToken({ userId: 'u_42', workspaceId: 'ws_a' }, 'x'.repeat(40), {
      expiresInSeconds: 60,
      clock,
    });
    await expectUnauthorized(verify(token), /invalid/);
  });

  it('rejects an expired token, and accepts it within the clock tolerance', async () => {
    const token = await valid(); // exp = T0 + 3600 s
    await expect(verify(token, { clock: fixedClock(T0 + 3_600_000 + 29_000) })).resolves.toMatchObject({
      userId: 'u_42',
    });
    await expectUnauthorized(verify(token, { clock: fixedClock(T0 + 3_600_000 + 31_000) }), /expired/);
    await expectUnauthorized(
      verify(token, { clock: fixedClock(T0 + 3_600_000 + 1_000), clockToleranceSeconds: 0 }),
      /expired/,
    );
  });

  it('rejects a token without exp', async () => {
    const token = rawHs256({ alg: 'HS256' }, { sub: 'u_1', wid: 'ws_a', iat: nowSeconds }, SECRET_A);
    await expectUnauthorized(verify(token));
    const viaJose = await new SignJWT({ wid: 'ws_a' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u_1')
      .sign(key(SECRET_A));
    await expectUnauthorized(verify(viaJose));
  });

  it('rejects a token whose exp is not a number', async () => {
    const token = rawHs256(
      { alg: 'HS256' },
      { sub: 'u_1', wid: 'ws_a', exp: `${nowSeconds + 60}` },
      SECRET_A,
    );
    await expectUnauthorized(verify(token));
  });

  it('rejects a tampered payload', async () => {
    const [h, p, s] = (await valid()).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    for (const change of [{ sub: 'u_admin' }, { plan: 'enterprise' }, { exp: claims.exp + 86_400 }]) {
      await expectUnauthorized(verify(`${h}.${b64({ ...claims, ...change })}.${s}`));
    }
  });

  it('rejects a tampered signature', async () => {
    const token = await valid();
    const [h, p, s] = token.split('.') as [string, string, string];
    const bytes = Buffer.from(s, 'base64url');
    bytes[0] = (bytes[0] as number) ^ 1;
    await expectUnauthorized(verify(`${h}.${p}.${bytes.toString('base64url')}`));
    await expectUnauthorized(verify(`${h}.${p}.`));
    await expectUnauthorized(verify(`${h}.${p}.${s.slice(0, -2)}`));
  });

  it('rejects other algorithms: RS256, ES256, HS512 and an RS256 header over an HMAC signature', async () => {
    const payload = { sub: 'u_42', wid: 'ws_a', exp: nowSeconds + 60 };
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    for (const [alg, privateKey] of [
      ['RS256', rsa],
      ['ES256', ec],
    ] as const) {
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const token = await new SignJWT(payload).setProtectedHeader({ alg }).sign(await importPKCS8(pem, alg));
      await expectUnauthorized(verify(token));
    }
    const hs512 = await new SignJWT(payload).setProtectedHeader({ alg: 'HS512' }).sign(key(SECRET_A));
    await expectUnauthorized(verify(hs512));
    // Algorithm confusion: the header claims RS256, the signature is an HMAC with the workspace secret.
    await expectUnauthorized(verify(rawHs256({ alg: 'RS256' }, payload, SECRET_A)));
    await expectUnauthorized(verify(rawHs256({ alg: 'hs256' }, payload, SECRET_A)));
  });

  it('rejects malformed strings with a typed error, never a crash', async () => {
    const secrets: string[] = [];
    const spy: WorkspaceSecretResolver = async (id) => {
      secrets.push(id);
      return SECRETS[id] ?? null;
    };
    const samples = [
      '',
      'abc',
      'a.b',
      'a.b.c.d',
      '...',
      '.e30.',
      `${b64({ alg: 'HS256' })}.not-json.sig`,
      `${b64({ alg: 'HS256' })}.${Buffer.from('[1,2]').toString('base64url')}.sig`,
      `${Buffer.from('{"alg":').toString('base64url')}.${b64({})}.sig`,
      `${b64({ alg: 'HS256' })}.${b64({ sub: 'u', wid: 42, exp: nowSeconds + 9 })}.sig`,
      `${b64({ alg: 'HS256' })}.${b64({ sub: 'u', exp: nowSeconds + 9 })}.sig`,
      'eyJ hbGc.e30.x',
      `${'A'.repeat(9000)}.e30.x`,
    ];
    for (const sample of samples) {
      await expectUnauthorized(verifyIdentityToken(sample, { resolveSecret: spy, clock }));
    }
    await expectUnauthorized(
      verifyIdentityToken(undefined as unknown as string, { resolveSecret: spy, clock }),
    );
    // None of them got as far as a secret lookup.
    expect(secrets).toEqual([]);
  });

  it('rejects a token of workspace A that claims the wid of workspace B', async () => {
    const forged = rawHs256({ alg: 'HS256' }, { sub: 'u_42', wid: 'ws_b', exp: nowSeconds + 60 }, SECRET_A);
    await expectUnauthorized(verify(forged), /invalid/);
    // And the honest token of A is still only valid for A.
    await expect(verify(await valid())).resolves.toMatchObject({ workspaceId: 'ws_a' });
  });

  it('rejects an unknown workspace with the same message as a bad signature', async () => {
    const token = rawHs256({ alg: 'HS256' }, { sub: 'u_42', wid: 'ws_gone', exp: nowSeconds + 60 }, SECRET_A);
    const unknown = await expectUnauthorized(verify(token));
    const wrongKey = await expectUnauthorized(
      verify(rawHs256({ alg: 'HS256' }, { sub: 'u_42', wid: 'ws_a', exp: nowSeconds + 60 }, SECRET_B)),
    );
    expect(unknown.message).toBe(wrongKey.message);
  });

  it('rejects tokens that live longer than the maximum lifetime', async () => {
    const long = await signIdentityToken({ userId: 'u', workspaceId: 'ws_a' }, SECRET_A, {
      expiresInSeconds: 24 * 3600 + 1,
      clock,
    });
    await expectUnauthorized(verify(long), /longer/);
    await expect(verify(long, { maxLifetimeSeconds: 48 * 3600 })).resolves.toMatchObject({ userId: 'u' });
    const exactly = await signIdentityToken({ userId: 'u', workspaceId: 'ws_a' }, SECRET_A, {
      expiresInSeconds: 24 * 3600,
      clock,
    });
    await expect(verify(exactly)).resolves.toMatchObject({ userId: 'u' });
    // Without iat the lifetime is measured from now.
    const noIat = (exp: number) => rawHs256({ alg: 'HS256' }, { sub: 'u', wid: 'ws_a', exp }, SECRET_A);
    await expect(verify(noIat(nowSeconds + 24 * 3600))).resolves.toMatchObject({ userId: 'u' });
    await expectUnauthorized(verify(noIat(nowSeconds + 365 * 24 * 3600)), /longer/);
    // A backdated iat cannot hide a long lifetime, and a future iat is refused.
    const backdated = rawHs256(
      { alg: 'HS256' },
      { sub: 'u', wid: 'ws_a', iat: nowSeconds - 10, exp: nowSeconds + 24 * 3600 },
      SECRET_A,
    );
    await expectUnauthorized(verify(backdated), /longer/);
    const future = rawHs256(
      { alg: 'HS256' },
      { sub: 'u', wid: 'ws_a', iat: nowSeconds + 120, exp: nowSeconds + 3600 },
      SECRET_A,
    );
    await expectUnauthorized(verify(future), /not valid yet/);
  });

  it('rejects a token before its nbf', async () => {
    const token = rawHs256(
      { alg: 'HS256' },
      { sub: 'u', wid: 'ws_a', nbf: nowSeconds + 120, exp: nowSeconds + 3600 },
      SECRET_A,
    );
    await expectUnauthorized(verify(token));
  });

  it('validates the claim shapes', async () => {
    const base = { wid: 'ws_a', exp: nowSeconds + 60 };
    for (const bad of [
      { sub: '' },
      { sub: 'u'.repeat(65) },
      { sub: 42 },
      { sub: 'u', email: 'not-an-email' },
      { sub: 'u', name: 'n'.repeat(201) },
      { sub: 'u', plan: 7 },
      { sub: 'u', tags: 'vip' },
      { sub: 'u', tags: ['VIP'] },
      { sub: 'u', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) },
      { sub: 'u', wid: 'w'.repeat(65) },
    ]) {
      await expectUnauthorized(verify(rawHs256({ alg: 'HS256' }, { ...base, ...bad }, SECRET_A)));
    }
    const longestSub = rawHs256({ alg: 'HS256' }, { ...base, sub: 'u'.repeat(64) }, SECRET_A);
    await expect(verify(longestSub)).resolves.toMatchObject({ userId: 'u'.repeat(64) });
  });

  it('rejects a visitor token even when the workspace secret equals the server secret', async () => {
    const { token } = await issueVisitorToken({ workspaceId: 'ws_a', secret: SECRET_A, clock });
    await expectUnauthorized(verify(token));
    const withVisitorAudience = rawHs256(
      { alg: 'HS256' },
      { sub: 'u', wid: 'ws_a', aud: ['other', 'tierdesk:visitor'], exp: nowSeconds + 60 },
      SECRET_A,
    );
    await expectUnauthorized(verify(withVisitorAudience));
  });

  it('propagates a failing secret lookup instead of answering 401', async () => {
    const outage = new Error('database down');
    const failing: WorkspaceSecretResolver = async () => {
      throw outage;
    };
    await expect(verifyIdentityToken(await valid(), { resolveSecret: failing, clock })).rejects.toBe(outage);
  });

  it('refuses weak secrets and bad options loudly', async () => {
    await expect(
      signIdentityToken({ userId: 'u', workspaceId: 'ws_a' }, 'short', { expiresInSeconds: 60 }),
    ).rejects.toThrow(RangeError);
    await expect(
      signIdentityToken({ userId: '', workspaceId: 'ws_a' }, SECRET_A, { expiresInSeconds: 60 }),
    ).rejects.toThrow(TypeError);
    await expect(
      signIdentityToken({ userId: 'u', workspaceId: 'ws_a' }, SECRET_A, { expiresInSeconds: 0 }),
    ).rejects.toThrow(RangeError);
    await expect(verify(await valid(), { clockToleranceSeconds: 300 })).rejects.toThrow(RangeError);
    await expect(
      verifyIdentityToken(await valid(), { resolveSecret: async () => 'short', clock }),
    ).rejects.toThrow(RangeError);
  });
});

describe('verification keys', () => {
  it('follows a rotated workspace secret: keys are reused per secret, never per workspace', async () => {
    const claims = { userId: 'u_rot', workspaceId: 'ws_rot' };
    const secrets: Record<string, string> = { ws_rot: SECRET_A };
    const rotating: WorkspaceSecretResolver = async (id) => secrets[id] ?? null;
    const signedA = await signIdentityToken(claims, SECRET_A, { expiresInSeconds: 600, clock });
    const signedB = await signIdentityToken(claims, SECRET_B, { expiresInSeconds: 600, clock });
    await expect(verifyIdentityToken(signedA, { resolveSecret: rotating, clock })).resolves.toMatchObject({
      userId: 'u_rot',
    });
    await expectUnauthorized(verifyIdentityToken(signedB, { resolveSecret: rotating, clock }));
    secrets.ws_rot = SECRET_B; // the host rotated the workspace's secret
    await expect(verifyIdentityToken(signedB, { resolveSecret: rotating, clock })).resolves.toMatchObject({
      userId: 'u_rot',
    });
    await expectUnauthorized(verifyIdentityToken(signedA, { resolveSecret: rotating, clock }));
    // The same secret as bytes or as a string is the same key.
    secrets.ws_rot = SECRET_A;
    const asBytes: WorkspaceSecretResolver = async () => key(SECRET_A);
    await expect(verifyIdentityToken(signedA, { resolveSecret: asBytes, clock })).resolves.toMatchObject({
      userId: 'u_rot',
    });
  });
});
