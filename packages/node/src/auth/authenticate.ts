import { IdSchema } from '@tierdesk/core';
import { decodeJwt } from 'jose';
import { type Clock, systemClock } from '../clock';
import type { AgentIdentity, Identity } from '../identity';
import type { SqlExecutor } from '../store';
import { API_KEY_PREFIX, verifyApiKey } from './api-keys';
import {
  hasVisitorAudience,
  isJoseError,
  looksLikeCompactJws,
  MAX_TOKEN_LENGTH,
  unauthorized,
} from './auth.shared';
import { verifyIdentityToken, type WorkspaceSecretResolver } from './identity-token';
import { verifyVisitorToken } from './visitor-token';

/** What a host's agent hook returns for a request it recognises. */
export interface HookAgent {
  /** The workspace the agent works in. */
  workspaceId: string;
  /** The agent's id. */
  agentId: string;
  /** Display name. */
  name?: string | undefined;
}

/**
 * A host hook that authenticates support agents with the host's own session (cookie, SSO header…):
 * the agent, or `null` when the request is not an agent's. Its failures propagate as server errors.
 */
export type AuthenticateAgentHook = (request: Request) => Promise<HookAgent | null>;

/** Options of {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  /** Finds a workspace's secret, which verifies the identity tokens the host's backend signs. */
  resolveWorkspaceSecret: WorkspaceSecretResolver;
  /** The server's own secret (at least 32 bytes), which signs visitor tokens. */
  serverSecret: string | Uint8Array;
  /** Where API keys are looked up. */
  db: SqlExecutor;
  /** The current time for token expiry (default: the wall clock). */
  clock?: Clock | undefined;
  /** Tried first on every request; an agent it returns wins over any token. */
  authenticateAgent?: AuthenticateAgentHook | undefined;
  /** Tolerated clock skew for JWTs, 0–30 s (default 30). */
  clockToleranceSeconds?: number | undefined;
  /** The longest accepted identity-token lifetime in seconds (default 24 h). */
  maxIdentityTokenLifetimeSeconds?: number | undefined;
}

/** Per-request options of an {@link Authenticate} call. */
export interface AuthenticateOptions {
  /**
   * Also accept the token as `?access_token=` (RFC 6750 §2.3). Only for EventSource streams, which
   * cannot send headers: URLs end up in logs and histories, so everywhere else a query token is
   * rejected rather than ignored.
   */
  allowQueryToken?: boolean | undefined;
}

/**
 * Establishes who sent a request. Resolves `null` when the request carries no credentials (the route
 * decides between 401 and an anonymous answer); credentials that are present but invalid reject with
 * an ApiError `unauthorized`, never degrading to anonymous.
 */
export type Authenticate = (request: Request, options?: AuthenticateOptions) => Promise<Identity | null>;

// RFC 6750 §2.1: `Bearer` (any case), one or more spaces, a b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Builds the authenticator the HTTP layer calls on every request. Order: the host's agent hook; then
 * `Authorization: Bearer <token>` (or `?access_token=` when allowed), where a `tdk_…` token is an API
 * key and anything else a JWT, routed by its audience to the visitor or the identity verifier.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticate {
  const clock = options.clock ?? systemClock;
  const { db, serverSecret, resolveWorkspaceSecret, authenticateAgent } = options;

  async function fromToken(token: string): Promise<Identity> {
    if (token.startsWith(API_KEY_PREFIX)) {
      const agent = await verifyApiKey(db, token);
      if (agent === null) throw unauthorized('The API key is invalid or revoked');
      return agent;
    }
    if (!looksLikeCompactJws(token)) throw unauthorized('The bearer token is malformed');
    let audience: unknown;
    try {
      audience = decodeJwt(token).aud;
    } catch (error) {
      if (isJoseError(error) || error instanceof TypeError) {
        throw unauthorized('The bearer token is malformed', 'invalid_token', error);
      }
      throw error;
    }
    const tolerance = { clock, clockToleranceSeconds: options.clockToleranceSeconds };
    if (hasVisitorAudience(audience))
      return verifyVisitorToken(token, { secret: serverSecret, ...tolerance });
    return verifyIdentityToken(token, {
      resolveSecret: resolveWorkspaceSecret,
      maxLifetimeSeconds: options.maxIdentityTokenLifetimeSeconds,
      ...tolerance,
    });
  }

  return async function authenticate(request, { allowQueryToken = false } = {}) {
    if (authenticateAgent !== undefined) {
      const agent = await authenticateAgent(request);
      if (agent !== null && agent !== undefined) return fromHook(agent);
    }

    const header = request.headers.get('authorization');
    const queryTokens = new URL(request.url).searchParams.getAll('access_token');
    if (queryTokens.length > 0) {
      if (!allowQueryToken) {
        throw unauthorized('access_token in the URL is only accepted on event streams', 'invalid_request');
      }
      if (header !== null || queryTokens.length > 1) {
        throw unauthorized('Send exactly one token (header or access_token, not both)', 'invalid_request');
      }
      const token = queryTokens[0] as string;
      if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
        throw unauthorized('The access_token is malformed', 'invalid_request');
      }
      return fromToken(token);
    }
    if (header === null) return null;
    const match = header.length <= MAX_TOKEN_LENGTH + 16 ? BEARER.exec(header) : null;
    if (match === null) {
      throw unauthorized('The Authorization header must be "Bearer <token>"', 'invalid_request');
    }
    return fromToken(match[1] as string);
  };
}

/** Checks what the host hook returned: a malformed value is a host bug, reported as a server error. */
function fromHook(agent: HookAgent): AgentIdentity {
  if (!IdSchema.safeParse(agent.workspaceId).success || !IdSchema.safeParse(agent.agentId).success) {
    throw new TypeError(
      'authenticateAgent must return { workspaceId, agentId } strings of 1 to 64 characters',
    );
  }
  if (agent.name !== undefined && typeof agent.name !== 'string') {
    throw new TypeError('authenticateAgent returned a name that is not a string');
  }
  return {
    kind: 'agent',
    workspaceId: agent.workspaceId,
    agentId: agent.agentId,
    ...(agent.name === undefined ? {} : { name: agent.name }),
    via: 'hook',
  };
}
