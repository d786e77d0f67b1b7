import { createHash } from 'node:crypto';
import type { AuthenticateAgentHook, HookAgent } from '@tierdesk/node';

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * A stand-in for the host's own staff sign-in: opaque bearer tokens mapped to agents. Only the
 * tokens' SHA-256 is kept and looked up, so the lookup does not compare secrets byte by byte. A real
 * host checks its session cookie or SSO here; Tierdesk and the approval routes both call this one
 * hook, so an agent signs in once for both.
 */
export function staffTokenAuth(tokens: Readonly<Record<string, HookAgent>>): AuthenticateAgentHook {
  const byDigest = new Map(Object.entries(tokens).map(([token, agent]) => [digest(token), agent]));
  return async (request) => {
    const match = /^Bearer (\S{16,512})$/.exec(request.headers.get('authorization') ?? '');
    if (!match) return null;
    return byDigest.get(digest(match[1] as string)) ?? null;
  };
}
