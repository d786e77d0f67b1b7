/**
 * Who is calling, as established by authentication. Every route checks the workspace and, for end
 * users, ownership against this value.
 */
export type Identity = EndUserIdentity | AgentIdentity;

/** An end user of the host's product, identified by the host's signed token, or an anonymous visitor. */
export interface EndUserIdentity {
  readonly kind: 'user';
  readonly workspaceId: string;
  /** The host's user id (for visitors: the server-issued visitor id, `vis_…`). */
  readonly userId: string;
  /** A visitor without a host identity: limited scope (own tickets of this visitor only). */
  readonly anonymous: boolean;
  readonly name?: string | undefined;
  readonly email?: string | undefined;
  /** The requester's plan, for SLA policy conditions. */
  readonly plan?: string | undefined;
  readonly tags?: readonly string[] | undefined;
}

/** A support agent (through the host's authenticate hook) or an integration holding an API key. */
export interface AgentIdentity {
  readonly kind: 'agent';
  readonly workspaceId: string;
  readonly agentId: string;
  readonly name?: string | undefined;
  /** How the agent was authenticated. */
  readonly via: 'hook' | 'api_key';
}

/** A stable key of an identity for rate limits and idempotency records: `user:<id>` / `agent:<id>`. */
export function identityKey(identity: Identity): string {
  return identity.kind === 'user' ? `user:${identity.userId}` : `agent:${identity.agentId}`;
}
