import { IdSchema } from '@tierdesk/core';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { type Clock, systemClock } from '../clock';
import type { EndUserIdentity } from '../identity';
import { createId } from '../ids';
import {
  checkClockTolerance,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  isExpired,
  isJoseError,
  looksLikeCompactJws,
  secretKey,
  unauthorized,
  VISITOR_TOKEN_AUDIENCE,
  VISITOR_TOKEN_ISSUER,
  verificationKey,
} from './auth.shared';

/**
 * How long a visitor token lives unless configured: 30 days. A visitor who loses the token loses
 * access to their anonymous tickets, so it should outlive a browsing session; it grants nothing but
 * that visitor's own tickets.
 */
export const DEFAULT_VISITOR_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

/** Options of {@link issueVisitorToken}. */
export interface IssueVisitorTokenOptions {
  /** The workspace the visitor is in. */
  workspaceId: string;
  /** The server's own secret (at least 32 bytes), never a workspace secret. */
  secret: string | Uint8Array;
  /** Where `iat` and `exp` are taken from (default: the wall clock). */
  clock?: Clock | undefined;
  /** Lifetime in seconds (default 30 days). */
  ttlSeconds?: number | undefined;
}

/** A newly issued visitor token. */
export interface IssuedVisitorToken {
  /** The bearer token to hand to the visitor's browser. */
  token: string;
  /** The visitor's id (`vis_…`), the `userId` of the anonymous identity. */
  visitorId: string;
  /** When the token expires, epoch milliseconds. */
  expiresAt: number;
}

/** Options of {@link verifyVisitorToken}. */
export interface VerifyVisitorTokenOptions {
  /** The server's secret the token was issued with. */
  secret: string | Uint8Array;
  /** The current time (default: the wall clock). */
  clock?: Clock | undefined;
  /** Tolerated clock skew between server instances, 0–30 s (default 30). */
  clockToleranceSeconds?: number | undefined;
}

/**
 * Issues a token for an anonymous visitor: a fresh visitor id signed (HS256) with the server's secret,
 * with issuer `tierdesk` and audience `tierdesk:visitor`, so it is never mistaken for an identity token
 * signed by a host (which must not carry that audience).
 */
export async function issueVisitorToken(options: IssueVisitorTokenOptions): Promise<IssuedVisitorToken> {
  const { workspaceId, clock = systemClock, ttlSeconds = DEFAULT_VISITOR_TOKEN_TTL_SECONDS } = options;
  if (!IdSchema.safeParse(workspaceId).success) {
    throw new TypeError('the workspace id must be a string of 1 to 64 characters');
  }
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError('ttlSeconds must be a positive number of seconds');
  }
  const key = secretKey(options.secret, 'server secret');
  const visitorId = createId('vis');
  const iat = Math.floor(clock.now() / 1000);
  const exp = iat + Math.ceil(ttlSeconds);
  const token = await new SignJWT({ wid: workspaceId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(VISITOR_TOKEN_ISSUER)
    .setAudience(VISITOR_TOKEN_AUDIENCE)
    .setSubject(visitorId)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key);
  return { token, visitorId, expiresAt: exp * 1000 };
}

const MALFORMED = 'The visitor token is malformed';
const INVALID = 'The visitor token is invalid';

/**
 * Verifies a visitor token and returns the anonymous identity it stands for. Requires HS256 with the
 * server secret, the visitor issuer and audience, and an unexpired `exp`.
 *
 * @throws {ApiError} `unauthorized` (with `WWW-Authenticate: Bearer error="invalid_token"`) when rejected.
 */
export async function verifyVisitorToken(
  token: string,
  options: VerifyVisitorTokenOptions,
): Promise<EndUserIdentity> {
  const clock = options.clock ?? systemClock;
  const tolerance = checkClockTolerance(options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS);
  const keyImport = verificationKey(options.secret, 'server secret');
  if (typeof token !== 'string' || !looksLikeCompactJws(token)) throw unauthorized(MALFORMED);
  try {
    if (decodeProtectedHeader(token).alg !== 'HS256') throw unauthorized(INVALID);
  } catch (error) {
    if (isJoseError(error) || error instanceof TypeError)
      throw unauthorized(MALFORMED, 'invalid_token', error);
    throw error;
  }
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(token, await keyImport, {
      algorithms: ['HS256'],
      issuer: VISITOR_TOKEN_ISSUER,
      audience: VISITOR_TOKEN_AUDIENCE,
      requiredClaims: ['exp', 'sub', 'wid'],
      currentDate: new Date(clock.now()),
      clockTolerance: tolerance,
    }));
  } catch (error) {
    if (isExpired(error)) throw unauthorized('The visitor token has expired', 'invalid_token', error);
    if (isJoseError(error)) throw unauthorized(INVALID, 'invalid_token', error);
    throw error;
  }
  // Only this server signs these, so malformed claims mean a bug or a leaked secret: reject either way.
  if (
    typeof payload.sub !== 'string' ||
    !payload.sub.startsWith('vis_') ||
    !IdSchema.safeParse(payload.sub).success ||
    !IdSchema.safeParse(payload.wid).success
  ) {
    throw unauthorized(INVALID);
  }
  return { kind: 'user', workspaceId: payload.wid as string, userId: payload.sub, anonymous: true };
}
