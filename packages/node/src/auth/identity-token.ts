import { IdSchema, RequesterSchema } from '@tierdesk/core';
import { decodeJwt, decodeProtectedHeader, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { type Clock, systemClock } from '../clock';
import type { ApiError } from '../http/api-error';
import type { EndUserIdentity } from '../identity';
import {
  checkClockTolerance,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  hasVisitorAudience,
  isExpired,
  isJoseError,
  looksLikeCompactJws,
  secretKey,
  unauthorized,
  verificationKey,
} from './auth.shared';

/** The longest lifetime (`exp` − `iat`) an identity token may have unless configured: 24 hours. */
export const DEFAULT_MAX_IDENTITY_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

/**
 * What an identity token says about an end user, in the domain's words. On the wire they are the JWT
 * claims `sub` (userId), `wid` (workspaceId), `name`, `email`, `plan` and `tags`.
 */
export interface IdentityTokenClaims {
  /** The host's user id (1–64 characters). */
  userId: string;
  /** The workspace the user belongs to; its secret signs the token. */
  workspaceId: string;
  /** Display name (at most 200 characters). */
  name?: string | undefined;
  /** A valid e-mail address. */
  email?: string | undefined;
  /** The user's plan (at most 64 characters), matched by SLA policies. */
  plan?: string | undefined;
  /** Lower-case tags (at most 50), matched by SLA policies. */
  tags?: readonly string[] | undefined;
}

/** Options of {@link signIdentityToken}. */
export interface SignIdentityTokenOptions {
  /** Seconds until the token expires; verifiers reject lifetimes above their maximum (default 24 h). */
  expiresInSeconds: number;
  /** Where `iat` and `exp` are taken from (default: the wall clock). */
  clock?: Clock | undefined;
}

/**
 * Looks up a workspace's signing secret; `null` when the workspace is unknown. Failures (a database
 * outage) propagate unchanged and become a server error, never a 401.
 */
export type WorkspaceSecretResolver = (workspaceId: string) => Promise<string | Uint8Array | null>;

/** Options of {@link verifyIdentityToken}. */
export interface VerifyIdentityTokenOptions {
  /** Finds the secret of the workspace the token claims to belong to. */
  resolveSecret: WorkspaceSecretResolver;
  /** The current time for `exp`/`nbf`/`iat` checks (default: the wall clock). */
  clock?: Clock | undefined;
  /** Tolerated clock skew between the host's backend and this server, 0–30 s (default 30). */
  clockToleranceSeconds?: number | undefined;
  /** The longest accepted lifetime, `exp` − `iat` (or `exp` − now without `iat`), default 24 h. */
  maxLifetimeSeconds?: number | undefined;
}

type ClaimsCheck = { ok: true; identity: EndUserIdentity } | { ok: false; reason: string };

// null is read as "absent": JSON serializers of host backends commonly write nulls for unset fields.
function optional(value: unknown): unknown {
  return value === null ? undefined : value;
}

/** Checks the user claims against the same schema tickets store requesters with. */
function checkClaims(raw: {
  userId?: unknown;
  workspaceId?: unknown;
  name?: unknown;
  email?: unknown;
  plan?: unknown;
  tags?: unknown;
}): ClaimsCheck {
  if (!IdSchema.safeParse(raw.workspaceId).success) {
    return { ok: false, reason: 'the workspace id (wid) must be a string of 1 to 64 characters' };
  }
  const requester = RequesterSchema.safeParse({
    id: raw.userId,
    name: optional(raw.name),
    email: optional(raw.email),
    plan: optional(raw.plan),
    tags: optional(raw.tags),
  });
  if (!requester.success) {
    const issue = requester.error.issues[0];
    const field = issue?.path[0] === 'id' ? 'sub' : String(issue?.path[0] ?? 'claims');
    return { ok: false, reason: `the ${field} claim is invalid` };
  }
  const { id, name, email, plan } = requester.data;
  const tags = optional(raw.tags) === undefined ? undefined : requester.data.tags;
  return {
    ok: true,
    identity: {
      kind: 'user',
      workspaceId: raw.workspaceId as string,
      userId: id,
      anonymous: false,
      ...(name === undefined ? {} : { name }),
      ...(email === undefined ? {} : { email }),
      ...(plan === undefined ? {} : { plan }),
      ...(tags === undefined ? {} : { tags }),
    },
  };
}

/**
 * Signs an identity token (JWT, HS256) for an end user with the workspace's secret. Host backends call
 * this (or any JWT library producing the same claims) when their user opens the support widget; the
 * demo and the tests use it too. Invalid claims or a secret shorter than 32 bytes throw a TypeError /
 * RangeError: they are programming errors of the signer.
 *
 * @example
 * const token = await signIdentityToken({ userId: 'u_42', workspaceId: 'ws_acme', plan: 'pro' },
 *   process.env.TIERDESK_WORKSPACE_SECRET!, { expiresInSeconds: 3600 });
 */
export async function signIdentityToken(
  claims: IdentityTokenClaims,
  secret: string | Uint8Array,
  options: SignIdentityTokenOptions,
): Promise<string> {
  const { expiresInSeconds, clock = systemClock } = options;
  if (!Number.isFinite(expiresInSeconds) || expiresInSeconds <= 0) {
    throw new RangeError('expiresInSeconds must be a positive number of seconds');
  }
  const checked = checkClaims(claims);
  if (!checked.ok) throw new TypeError(`Cannot sign the identity token: ${checked.reason}`);
  const key = secretKey(secret, 'workspace secret');
  const identity = checked.identity;
  const iat = Math.floor(clock.now() / 1000);
  return new SignJWT({
    wid: identity.workspaceId,
    ...(identity.name === undefined ? {} : { name: identity.name }),
    ...(identity.email === undefined ? {} : { email: identity.email }),
    ...(identity.plan === undefined ? {} : { plan: identity.plan }),
    ...(identity.tags === undefined ? {} : { tags: [...identity.tags] }),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(identity.userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + Math.ceil(expiresInSeconds))
    .sign(key);
}

const MALFORMED = 'The identity token is malformed';
const INVALID = 'The identity token is invalid';

/**
 * Verifies an end user's identity token and returns who they are.
 *
 * The workspace id (`wid`) is read from the still unverified payload only to choose which secret to
 * verify with; the signature then proves the whole payload, `wid` included, so a token signed for
 * workspace A that names workspace B fails. Only `HS256` is accepted (no `none`, no asymmetric or
 * other HMAC algorithms), `exp` is required, the lifetime is bounded and time comes from the Clock.
 *
 * Every rejection is an {@link ApiError} `unauthorized` with `WWW-Authenticate: Bearer
 * error="invalid_token"` and a short reason; an unknown workspace and a wrong signature read the same,
 * so tokens cannot be used to probe which workspaces exist.
 *
 * @throws {ApiError} `unauthorized` when the token is rejected.
 */
export async function verifyIdentityToken(
  token: string,
  options: VerifyIdentityTokenOptions,
): Promise<EndUserIdentity> {
  const clock = options.clock ?? systemClock;
  const tolerance = checkClockTolerance(options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS);
  const maxLifetime = options.maxLifetimeSeconds ?? DEFAULT_MAX_IDENTITY_TOKEN_LIFETIME_SECONDS;
  if (!(maxLifetime > 0)) throw new RangeError('maxLifetimeSeconds must be a positive number');

  if (typeof token !== 'string' || !looksLikeCompactJws(token)) throw unauthorized(MALFORMED);
  let unverified: JWTPayload;
  try {
    // Rejecting other algorithms before any lookup keeps `alg: none` and friends away from the database.
    if (decodeProtectedHeader(token).alg !== 'HS256') throw unauthorized(INVALID);
    unverified = decodeJwt(token);
  } catch (error) {
    if (isJoseError(error) || error instanceof TypeError)
      throw unauthorized(MALFORMED, 'invalid_token', error);
    throw error;
  }
  if (hasVisitorAudience(unverified.aud)) throw unauthorized(INVALID);
  const workspaceId = unverified.wid;
  if (!IdSchema.safeParse(workspaceId).success) throw unauthorized(MALFORMED);

  const secret = await options.resolveSecret(workspaceId as string);
  if (secret === null || secret === undefined) throw unauthorized(INVALID);
  const key = await verificationKey(secret, 'workspace secret');

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'sub'],
      currentDate: new Date(clock.now()),
      clockTolerance: tolerance,
    }));
  } catch (error) {
    if (isExpired(error)) throw unauthorized('The identity token has expired', 'invalid_token', error);
    if (isJoseError(error)) throw unauthorized(INVALID, 'invalid_token', error);
    throw error;
  }

  checkLifetime(payload, clock, tolerance, maxLifetime);
  const checked = checkClaims({
    userId: payload.sub,
    workspaceId: payload.wid,
    name: payload.name,
    email: payload.email,
    plan: payload.plan,
    tags: payload.tags,
  });
  if (!checked.ok) throw unauthorized(`The identity token is invalid: ${checked.reason}`);
  return checked.identity;
}

/** Bounds how long a token lives, so a leaked or carelessly minted token cannot be valid for years. */
function checkLifetime(payload: JWTPayload, clock: Clock, tolerance: number, maxLifetime: number): void {
  const now = Math.floor(clock.now() / 1000);
  const exp = payload.exp as number; // required and type-checked by jwtVerify
  if (payload.iat !== undefined) {
    if (payload.iat > now + tolerance) throw unauthorized('The identity token is not valid yet');
    if (exp - payload.iat > maxLifetime) throw lifetimeTooLong();
  } else if (exp - now > maxLifetime + tolerance) {
    throw lifetimeTooLong();
  }
}

function lifetimeTooLong(): ApiError {
  return unauthorized('The identity token lives longer than the accepted maximum');
}
